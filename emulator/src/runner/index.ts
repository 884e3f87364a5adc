// The function runner of the local cloud: runs built function bundles like CloudBase instances.
// Each instance is a worker thread (own process.env, own module registry) that runs one invocation at a time;
// idle instances are reused (warm), new ones start when all are busy (cold) and retire after idleTimeoutMs.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CallCounts, FunctionConfig, FunctionRunner, InvokeOutcome, InvokeRequest } from '../contracts';
import { findBundle, listFunctions, readConfig, timeoutSeconds, type FunctionBundle } from './catalog';
import { instanceEnv, invocationEnv, MEMORY_MB, scfContext } from './context';
import { FunctionInstance, InitError } from './instance';
import { FunctionPool } from './pool';

export { HTTP_TRIGGER_ROUTE, httpTriggerHandler, type HttpTriggerOptions } from './http-trigger';
export { startTimerTriggers, timerEvent, type TimerTriggers } from './timers';

export interface RunnerOptions {
  /** Folders holding built functions: <root>/<name>/{index.js,config.json}; the first match wins. */
  roots: string[];
  /** Path of dist/local-cloud/worker.js. */
  workerScript: string;
  /** TCB_ENV / SCF_NAMESPACE. */
  env: string;
  /** WX_APPID when the request names none. */
  appid: string;
  /** The admin URL the SDK of one invocation talks to (the server learns the caller from it). */
  adminUrl(functionName: string, invocationId: string): string;
  /** Counted by the server; read once the invocation has ended. */
  takeCallCounts(invocationId: string): CallCounts;
  /**
   * Default: the number of CPU cores, at least 2 (defaultMaxInstances); more concurrent invocations wait for an
   * instance. Instances share the machine's cores, so more of them than cores only add memory and cold starts.
   */
  maxInstancesPerFunction?: number;
  /** Default 5 minutes. */
  idleTimeoutMs?: number;
  /**
   * The local cloud's time factor. Above 1 it lengthens function timeouts (stepping through in a debugger);
   * below 1 (fast schedules in tests) it does not shorten them, because a function's work takes real time.
   */
  timeScale?: number;
  /** A function's own environment variables (as set in the console); the platform's variables win. */
  functionEnv?(functionName: string): Record<string, string> | undefined;
  /**
   * Where V8's compiled code for each bundle is kept between cold starts (default: `code-cache/` beside the
   * worker script, i.e. in dist/); `false` compiles every time.
   */
  codeCacheDir?: string | false;
  log?(event: string, fields?: Record<string, unknown>): void;
}

export interface LocalFunctionRunner extends FunctionRunner {
  /** The invocation in progress with this id (= request id, = the id in its admin URL), for callFunction. */
  caller(invocationId: string): InvokeRequest | undefined;
}

type Failure = Extract<InvokeOutcome, { ok: false }>['code'];

/**
 * Instances per function when not configured: one per core (each instance runs one invocation at a time and all
 * share the cores), at least 2 so that a function can call another instance of itself, at most 10 (the old default).
 * Each instance is a worker thread of about 20-30 MB; with more instances than cores, throughput does not rise
 * but memory does, and every new instance compiles and warms its code alone.
 */
export function defaultMaxInstances(cores = availableParallelism()): number {
  return Math.max(2, Math.min(10, cores));
}
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/** What a synchronous invocation may answer (SCF status 407 past it). */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
/** SCF gives the initialisation phase its own limit, longer than most execution timeouts. */
const INIT_TIMEOUT_MS = 30_000;

export function createRunner(options: RunnerOptions): LocalFunctionRunner {
  const pools = new Map<string, FunctionPool>();
  const active = new Map<string, InvokeRequest>();
  const timeoutFactor = Math.max(1, options.timeScale ?? 1);
  const log = options.log ?? (() => undefined);
  const codeCacheDir = options.codeCacheDir === false ? undefined : (options.codeCacheDir ?? join(dirname(options.workerScript), 'code-cache'));
  let closed = false;
  const maxInstances = options.maxInstancesPerFunction ?? defaultMaxInstances();
  if (!Number.isInteger(maxInstances) || maxInstances < 1) throw new Error(`maxInstancesPerFunction must be a positive integer, got ${String(maxInstances)}`);

  function spawn(bundle: FunctionBundle): FunctionInstance {
    const env = instanceEnv({
      env: options.env,
      functionName: bundle.name,
      functionDir: bundle.dir,
      initAdminUrl: options.adminUrl(bundle.name, 'init'),
      extra: options.functionEnv?.(bundle.name),
    });
    const instance = new FunctionInstance({
      workerScript: options.workerScript,
      bundle,
      env,
      memoryMb: MEMORY_MB,
      codeCacheDir,
      initTimeoutMs: INIT_TIMEOUT_MS,
      onOutput: (stream, text, requestId) => forwardOutput(bundle.name, stream, text, requestId),
      onDeath: (dead, reason) => {
        pools.get(bundle.name)?.forget(dead);
        if (reason !== 'retired') log('function.instance.died', { name: bundle.name, instanceId: dead.id, reason });
      },
    });
    log('function.instance.start', { name: bundle.name, instanceId: instance.id });
    return instance;
  }

  function forwardOutput(name: string, stream: 'stdout' | 'stderr', text: string, requestId: string | undefined): void {
    if (options.log) {
      for (const line of text.split('\n')) if (line) options.log('function.output', { name, requestId, stream, line });
    } else {
      const target = stream === 'stdout' ? process.stdout : process.stderr;
      for (const line of text.split('\n')) if (line) target.write(`[${name}] ${line}\n`);
    }
  }

  function poolFor(name: string): FunctionPool {
    let pool = pools.get(name);
    if (!pool) {
      pool = new FunctionPool({
        maxInstances,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        spawn,
        onRetire: (instance, reason) => log('function.instance.retire', { name, instanceId: instance.id, reason }),
      });
      pools.set(name, pool);
    }
    return pool;
  }

  async function invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const started = performance.now();
    const requestId = randomUUID();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    const fail = (code: Failure, message: string): InvokeOutcome => {
      const outcome: InvokeOutcome = { ok: false, code, message, requestId, durationMs: elapsed(), calls: options.takeCallCounts(requestId) };
      log('function.invoke', { name: request.name, requestId, source: request.source, outcome: code, durationMs: outcome.durationMs });
      return outcome;
    };

    if (closed) return fail('FUNCTIONS_EXECUTE_FAIL', 'the local cloud is shutting down');
    const bundle = findBundle(options.roots, request.name);
    if (!bundle) return fail('FUNCTION_NOT_FOUND', `function not found: ${request.name}`);
    const config = readConfig(bundle.dir);
    if (!config.ok) return fail('FUNCTIONS_EXECUTE_FAIL', config.message);
    const seconds = timeoutSeconds(config.config);
    const timeoutMs = seconds * 1000 * timeoutFactor;
    const event = eventFor(request, request.appid ?? options.appid);
    if (!event.ok) return fail('FUNCTIONS_EXECUTE_FAIL', event.message);
    const env = invocationEnv({ request, requestId, appid: options.appid, adminUrl: options.adminUrl(bundle.name, requestId) });
    const context = scfContext({ requestId, functionName: bundle.name, env: options.env, timeoutMs, invocationEnv: env });

    active.set(requestId, request);
    try {
      const pool = poolFor(bundle.name);
      let lease;
      try {
        lease = await pool.acquire(bundle);
      } catch (e) {
        if (closed) return fail('FUNCTIONS_EXECUTE_FAIL', 'the local cloud is shutting down');
        const reason = e instanceof InitError ? `the function failed to load: ${e.message}` : (e as Error).message;
        return fail('FUNCTIONS_EXECUTE_FAIL', reason);
      }
      const result = await lease.instance.run({ type: 'invoke', requestId, event: event.value, context, env }, timeoutMs);

      switch (result.kind) {
        case 'result': {
          pool.release(lease.instance);
          if (Buffer.byteLength(result.json) > MAX_RESPONSE_BYTES) {
            return fail('FUNCTIONS_EXECUTE_FAIL', 'the size of the response exceeds the upper limit (6MB)');
          }
          const outcome: InvokeOutcome = {
            ok: true,
            result: JSON.parse(result.json) as unknown,
            requestId,
            durationMs: elapsed(),
            coldStart: lease.coldStart,
            calls: options.takeCallCounts(requestId),
          };
          log('function.invoke', { name: bundle.name, requestId, source: request.source, outcome: 'ok', coldStart: lease.coldStart, durationMs: outcome.durationMs });
          return outcome;
        }
        case 'error':
          pool.release(lease.instance);
          return fail('FUNCTIONS_EXECUTE_FAIL', `${result.error.name}: ${result.error.message}`);
        case 'timeout':
          pool.forget(lease.instance);
          return fail('FUNCTIONS_TIME_LIMIT_EXCEEDED', `Invoking task timed out after ${seconds} seconds`);
        case 'crash':
          pool.forget(lease.instance);
          return fail('FUNCTIONS_EXECUTE_FAIL', closed ? 'the local cloud is shutting down' : `the function instance crashed: ${result.message}`);
      }
    } finally {
      active.delete(requestId);
    }
  }

  return {
    invoke,
    caller: (invocationId) => active.get(invocationId),
    config(name: string): FunctionConfig | undefined {
      const bundle = findBundle(options.roots, name);
      if (!bundle) return undefined;
      const config = readConfig(bundle.dir);
      return config.ok ? config.config : undefined;
    },
    names: () => listFunctions(options.roots),
    instances() {
      const counts: Record<string, { idle: number; busy: number }> = {};
      for (const [name, pool] of pools) counts[name] = pool.counts();
      return counts;
    },
    async close() {
      closed = true;
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

/**
 * The event as the function receives it: a JSON copy (what crosses the network in the cloud), with the
 * `userInfo` field WeChat adds to events from the mini-program.
 */
function eventFor(request: InvokeRequest, appid: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let event: unknown;
  try {
    const json = JSON.stringify(request.event ?? {});
    event = json === undefined ? {} : JSON.parse(json);
  } catch (e) {
    return { ok: false, message: `the event cannot be sent as JSON: ${(e as Error).message}` };
  }
  if ((request.source === 'wx_client' || request.source === 'wx_devtools') && isPlainObject(event)) {
    return { ok: true, value: { ...event, userInfo: { appId: appid, openId: request.openid } } };
  }
  return { ok: true, value: event };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
