// The function runner on its own: built test functions (dist/test-functions) run as CloudBase instances.
// These functions never reach the admin API, so the admin URL points nowhere.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallCounts, InvokeOutcome, InvokeRequest } from '../../emulator/src/contracts';
import { createRunner, defaultMaxInstances, type LocalFunctionRunner, type RunnerOptions } from '../../emulator/src/runner';
import { projectRoot, requireBuilt } from './runner-helpers';

jest.setTimeout(30_000);

const testFunctions = join(projectRoot, 'dist/test-functions');
const workerScript = join(projectRoot, 'dist/local-cloud/worker.js');

interface Whoami {
  wxContext: Record<string, unknown>;
  stable: boolean;
  instanceId: string;
  invocations: number;
  requestId: string;
  functionName: string;
  timeLimitMs: number;
  event: Record<string, unknown>;
}

const runners: LocalFunctionRunner[] = [];
const tempDirs: string[] = [];

function runner(overrides: Partial<RunnerOptions> = {}): LocalFunctionRunner {
  const r = createRunner({
    roots: [testFunctions],
    workerScript,
    env: 'test-env-1a2b',
    appid: 'wx0123456789abcdef',
    adminUrl: (name, id) => `http://127.0.0.1:9/admin/${name}/${id}`,
    takeCallCounts: () => ({ database: 0, pay: 0, openapi: 0, functions: 0 }),
    log: () => undefined,
    ...overrides,
  });
  runners.push(r);
  return r;
}

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  tempDirs.push(dir);
  return dir;
}

function ok<T>(outcome: InvokeOutcome): T & {} {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}: ${outcome.message}`);
  return outcome.result as T & {};
}

const whoami = (r: LocalFunctionRunner, req: Partial<InvokeRequest> = {}) =>
  r.invoke({ name: 'runner-whoami', event: {}, source: 'wx_client', ...req });

beforeAll(() => requireBuilt(['dist/local-cloud/worker.js', 'dist/test-functions/runner-whoami/index.js']));

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the context a function sees', () => {
  it('getWXContext() gives the caller, the app, the environment and the source', async () => {
    const r = runner();
    const outcome = await whoami(r, { openid: 'oBuyer-1', unionid: 'uUnion-1', event: { orderId: 'A1' } });
    const result = ok<Whoami>(outcome);
    expect(result.wxContext).toEqual({
      OPENID: 'oBuyer-1',
      APPID: 'wx0123456789abcdef',
      UNIONID: 'uUnion-1',
      CLIENTIP: '127.0.0.1',
      ENV: 'test-env-1a2b',
      SOURCE: 'wx_client',
    });
    // The SCF context argument, and the userInfo WeChat adds to events from the mini-program.
    expect(result.requestId).toBe(outcome.requestId);
    expect(result.functionName).toBe('runner-whoami');
    expect(result.timeLimitMs).toBe(3000);
    expect(result.event).toEqual({ orderId: 'A1', userInfo: { appId: 'wx0123456789abcdef', openId: 'oBuyer-1' } });
  });

  it('does not carry one caller into the next invocation of a warm instance', async () => {
    const r = runner();
    const first = ok<Whoami>(await whoami(r, { openid: 'oBuyer-1', unionid: 'uUnion-1' }));
    const timer = ok<Whoami>(await whoami(r, { source: 'wx_trigger', event: { Type: 'Timer' } }));
    expect(timer.instanceId).toBe(first.instanceId);
    expect(timer.wxContext).toEqual({ APPID: 'wx0123456789abcdef', ENV: 'test-env-1a2b', SOURCE: 'wx_trigger' });
    expect(timer.event).toEqual({ Type: 'Timer' });
  });

  it('keeps 50 concurrent invocations apart: each reports its own caller, before and after waiting', async () => {
    const r = runner({ maxInstancesPerFunction: 5 });
    const openids = Array.from({ length: 50 }, (_, i) => `oConcurrent-${i}`);
    const results = await Promise.all(
      openids.map((openid, i) => whoami(r, { openid, event: { holdMs: 20 + (i % 7) * 10 } }).then((o) => ok<Whoami>(o))),
    );
    expect(results.map((res) => res.wxContext.OPENID)).toEqual(openids);
    expect(results.every((res) => res.stable)).toBe(true);
    // Five instances served fifty invocations, so most of them ran warm.
    expect(new Set(results.map((res) => res.instanceId)).size).toBeLessThanOrEqual(5);
  });

  it('runs by default as many instances of a function as there are cores (at least 2, at most 10), queueing the rest', async () => {
    expect([1, 2, 4, 64].map((cores) => defaultMaxInstances(cores))).toEqual([2, 2, 4, 10]);
    const r = runner();
    const results = await Promise.all(Array.from({ length: 12 }, () => whoami(r, { event: { holdMs: 30 } }).then((o) => ok<Whoami>(o))));
    expect(new Set(results.map((res) => res.instanceId)).size).toBe(defaultMaxInstances());
    expect(() => runner({ maxInstancesPerFunction: 0 })).toThrow(/positive integer/);
  });

  it('passes the counts the server kept for exactly this invocation', async () => {
    const seen = new Map<string, CallCounts>();
    const r = runner({
      adminUrl: (name, id) => {
        seen.set(id, { database: 3, pay: 1, openapi: 0, functions: 0 });
        return `http://127.0.0.1:9/admin/${name}/${id}`;
      },
      takeCallCounts: (id) => seen.get(id) ?? { database: 0, pay: 0, openapi: 0, functions: 0 },
    });
    const outcome = await whoami(r, { openid: 'oBuyer-1' });
    expect(outcome.calls).toEqual({ database: 3, pay: 1, openapi: 0, functions: 0 });
  });
});

describe('the environment of an instance', () => {
  it('is CloudBase\'s, not the developer\'s shell, plus the function\'s own variables', async () => {
    process.env.RUNNER_TEST_SHELL_SECRET = 'from-the-shell';
    process.env.HTTPS_PROXY = 'http://proxy.invalid:3128';
    try {
      const r = runner({ functionEnv: (name) => (name === 'runner-env' ? { SHOP_NAME: 'Tea House', TCB_ENV: 'attempted-override' } : undefined) });
      const { env } = ok<{ env: Record<string, string> }>(await r.invoke({ name: 'runner-env', event: {}, source: 'wx_client', openid: 'oEnv' }));
      expect(env.RUNNER_TEST_SHELL_SECRET).toBeUndefined();
      expect(env.HTTPS_PROXY).toBeUndefined();
      expect(env.SHOP_NAME).toBe('Tea House');
      expect(env).toMatchObject({
        TCB_ENV: 'test-env-1a2b',
        SCF_NAMESPACE: 'test-env-1a2b',
        TENCENTCLOUD_RUNENV: 'SCF',
        SCF_FUNCTIONNAME: 'runner-env',
        WX_OPENID: 'oEnv',
        TCB_SOURCE: 'wx_client',
      });
      expect(JSON.parse(env.TCB_CONTEXT_CNFG)).toEqual({ URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\/admin\/runner-env\/[0-9a-f-]{36}$/) });
    } finally {
      delete process.env.RUNNER_TEST_SHELL_SECRET;
      delete process.env.HTTPS_PROXY;
    }
  });
});

describe('instances', () => {
  it('reuses a warm instance for the next invocation', async () => {
    const r = runner();
    const first = await whoami(r, { openid: 'oA' });
    const second = await whoami(r, { openid: 'oB' });
    expect(first.ok && first.coldStart).toBe(true);
    expect(second.ok && second.coldStart).toBe(false);
    expect(ok<Whoami>(second).instanceId).toBe(ok<Whoami>(first).instanceId);
    expect(ok<Whoami>(second).invocations).toBe(2);
    expect(r.instances()['runner-whoami']).toEqual({ idle: 1, busy: 0 });
  });

  it('starts another instance when the warm one is busy', async () => {
    const r = runner();
    const [a, b] = await Promise.all([whoami(r, { event: { holdMs: 300 } }), whoami(r, { event: { holdMs: 300 } })]);
    expect(ok<Whoami>(a).instanceId).not.toBe(ok<Whoami>(b).instanceId);
    expect(a.ok && b.ok && a.coldStart && b.coldStart).toBe(true);
    expect(r.instances()['runner-whoami']).toEqual({ idle: 2, busy: 0 });
  });

  it('queues invocations when a function is at its instance limit', async () => {
    const r = runner({ maxInstancesPerFunction: 1 });
    const results = await Promise.all(['o1', 'o2', 'o3'].map((openid) => whoami(r, { openid, event: { holdMs: 50 } })));
    const answers = results.map((o) => ok<Whoami>(o));
    expect(new Set(answers.map((a) => a.instanceId)).size).toBe(1);
    expect(answers.map((a) => a.invocations).sort()).toEqual([1, 2, 3]);
    expect(answers.map((a) => a.wxContext.OPENID)).toEqual(['o1', 'o2', 'o3']);
  });

  it('retires instances that stay idle', async () => {
    const r = runner({ idleTimeoutMs: 100 });
    const first = ok<Whoami>(await whoami(r));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.instances()['runner-whoami']).toEqual({ idle: 0, busy: 0 });
    const again = await whoami(r);
    expect(again.ok && again.coldStart).toBe(true);
    expect(ok<Whoami>(again).instanceId).not.toBe(first.instanceId);
  });

  it('starts fresh instances once the bundle is rebuilt', async () => {
    const root = tempRoot();
    cpSync(join(testFunctions, 'runner-fails'), join(root, 'runner-fails'), { recursive: true });
    const r = runner({ roots: [root] });
    const before = ok<{ instanceId: string }>(await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' }));
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'runner-fails/index.js'), later, later);
    const after = await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' });
    expect(after.ok && after.coldStart).toBe(true);
    expect(ok<{ instanceId: string }>(after).instanceId).not.toBe(before.instanceId);
    expect(r.instances()['runner-fails']).toEqual({ idle: 1, busy: 0 });
  });

  it('tells the server who is behind an invocation while it runs, and forgets it after', async () => {
    const ids: string[] = [];
    const r = runner({
      adminUrl: (name, id) => {
        ids.push(id);
        return `http://127.0.0.1:9/admin/${name}/${id}`;
      },
    });
    const running = whoami(r, { openid: 'oBuyer-7', event: { holdMs: 300 } });
    // The invocation's admin URL is made once an instance is ready, just before it runs.
    while (!ids.some((x) => x !== 'init')) await new Promise((resolve) => setTimeout(resolve, 10));
    const id = ids.find((x) => x !== 'init');
    expect(id && r.caller(id)).toMatchObject({ name: 'runner-whoami', openid: 'oBuyer-7', source: 'wx_client' });
    const outcome = await running;
    expect(outcome.requestId).toBe(id);
    expect(r.caller(outcome.requestId)).toBeUndefined();
  });
});

describe('failures, as the cloud reports them', () => {
  it('stops an invocation at the timeout in config.json and never reuses that instance', async () => {
    const r = runner();
    const quick = ok<{ instanceId: string }>(await r.invoke({ name: 'runner-slow', event: { sleepMs: 10 }, source: 'wx_client' }));
    const slow = await r.invoke({ name: 'runner-slow', event: { sleepMs: 5_000 }, source: 'wx_client' });
    expect(slow).toMatchObject({ ok: false, code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', message: 'Invoking task timed out after 1 seconds' });
    expect(slow.durationMs).toBeGreaterThanOrEqual(1000);
    expect(slow.durationMs).toBeLessThan(4000);
    const next = await r.invoke({ name: 'runner-slow', event: { sleepMs: 10 }, source: 'wx_client' });
    expect(next.ok && next.coldStart).toBe(true);
    expect(ok<{ instanceId: string }>(next).instanceId).not.toBe(quick.instanceId);
  });

  it('does not shorten function timeouts when the local cloud runs its schedules fast', async () => {
    const r = runner({ timeScale: 0.001 });
    const outcome = await r.invoke({ name: 'runner-slow', event: { sleepMs: 200 }, source: 'wx_client' });
    expect(ok<{ slept: number }>(outcome).slept).toBe(200);
  });

  it('reports an exception as FUNCTIONS_EXECUTE_FAIL with its message, and keeps the instance', async () => {
    const r = runner();
    const warm = ok<{ instanceId: string }>(await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' }));
    const thrown = await r.invoke({ name: 'runner-fails', event: { mode: 'throw', message: 'stock ran out' }, source: 'wx_client' });
    expect(thrown).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'TypeError: stock ran out' });
    const rejected = await r.invoke({ name: 'runner-fails', event: { mode: 'reject-string', message: 'nope' }, source: 'wx_client' });
    expect(rejected).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'Error: nope' });
    const after = ok<{ instanceId: string }>(await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' }));
    expect(after.instanceId).toBe(warm.instanceId);
  });

  it('refuses an event JSON cannot carry, without taking an instance', async () => {
    const r = runner();
    const outcome = await r.invoke({ name: 'runner-whoami', event: { amount: BigInt(1) }, source: 'wx_client' });
    expect(outcome).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(!outcome.ok && outcome.message).toMatch(/JSON/);
    expect(r.instances()['runner-whoami']).toBeUndefined();
  });

  it('reports a result JSON cannot carry as a failure', async () => {
    const r = runner();
    const outcome = await r.invoke({ name: 'runner-fails', event: { mode: 'unserialisable' }, source: 'wx_client' });
    expect(outcome).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(!outcome.ok && outcome.message).toMatch(/circular/);
  });

  it('refuses a response over 6 MB, as SCF does, and keeps the instance', async () => {
    const r = runner();
    const huge = await r.invoke({ name: 'runner-fails', event: { mode: 'huge' }, source: 'wx_client' });
    expect(huge).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'the size of the response exceeds the upper limit (6MB)' });
    const next = await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' });
    expect(next.ok && next.coldStart).toBe(false);
  });

  it.each(['uncaught', 'exit', 'oom'])('survives an instance that dies (%s) and starts a new one', async (mode) => {
    const r = runner();
    const crashed = await r.invoke({ name: 'runner-fails', event: { mode }, source: 'wx_client' });
    expect(crashed).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(!crashed.ok && crashed.message).toMatch(/crashed/);
    const next = await r.invoke({ name: 'runner-fails', event: {}, source: 'wx_client' });
    expect(next.ok && next.coldStart).toBe(true);
    expect(r.instances()['runner-fails']).toEqual({ idle: 1, busy: 0 });
  });

  it.each(['no-such-function', '../runner-whoami', 'runner-whoami/../runner-slow', ''])(
    'answers FUNCTION_NOT_FOUND for %p',
    async (name) => {
      const r = runner();
      const outcome = await r.invoke({ name, event: {}, source: 'wx_client' });
      expect(outcome).toMatchObject({ ok: false, code: 'FUNCTION_NOT_FOUND' });
    },
  );

  it('reports a bundle that cannot load, and a config.json a deploy would refuse', async () => {
    const root = tempRoot();
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken/index.js'), 'throw new Error("missing dependency x");');
    mkdirSync(join(root, 'nomain'));
    writeFileSync(join(root, 'nomain/index.js'), 'exports.handler = async () => 1;');
    mkdirSync(join(root, 'badconfig'));
    writeFileSync(join(root, 'badconfig/index.js'), 'exports.main = async () => 1;');
    writeFileSync(join(root, 'badconfig/config.json'), '{"timeout": "3"}');
    const r = runner({ roots: [root] });

    const broken = await r.invoke({ name: 'broken', event: {}, source: 'wx_client' });
    expect(broken).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(!broken.ok && broken.message).toMatch(/missing dependency x/);
    const nomain = await r.invoke({ name: 'nomain', event: {}, source: 'wx_client' });
    expect(!nomain.ok && nomain.message).toMatch(/main/);
    const badconfig = await r.invoke({ name: 'badconfig', event: {}, source: 'wx_client' });
    expect(badconfig).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(!badconfig.ok && badconfig.message).toMatch(/timeout/);
    expect(r.config('badconfig')).toBeUndefined();
    expect(r.instances().broken).toEqual({ idle: 0, busy: 0 });
  });
});

describe('the catalogue', () => {
  it('lists built functions and reads their config.json, the first root winning', async () => {
    const root = tempRoot();
    mkdirSync(join(root, 'runner-slow'));
    writeFileSync(join(root, 'runner-slow/index.js'), 'exports.main = async () => "shadowed";');
    writeFileSync(join(root, 'runner-slow/config.json'), '{"timeout": 7, "permissions": {"openapi": ["subscribeMessage.send"]}}');
    const r = runner({ roots: [root, testFunctions] });
    expect(r.names()).toEqual(expect.arrayContaining(['runner-slow', 'runner-whoami', 'runner-fails', 'runner-caller']));
    expect(r.config('runner-slow')).toEqual({ timeout: 7, permissions: { openapi: ['subscribeMessage.send'] } });
    expect(r.config('runner-whoami')).toEqual({ permissions: { openapi: [] } });
    expect(r.config('no-such-function')).toBeUndefined();
    expect(ok<string>(await r.invoke({ name: 'runner-slow', event: {}, source: 'wx_client' }))).toBe('shadowed');
  });
});

describe('shutting down', () => {
  it('ends invocations in flight with a clear failure and refuses new ones', async () => {
    const r = runner();
    await whoami(r);
    const inFlight = whoami(r, { event: { holdMs: 2_000 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await r.close();
    expect(await inFlight).toMatchObject({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: 'the local cloud is shutting down' });
    expect(await whoami(r)).toMatchObject({ ok: false, message: 'the local cloud is shutting down' });
    expect(r.instances()).toEqual({});
  });
});

describe('the code cache', () => {
  it('is written after a first cold start, used by the next, and a damaged one is only recompiled', async () => {
    const cacheDir = tempRoot();
    const first = runner({ codeCacheDir: cacheDir });
    ok<Whoami>(await whoami(first, { openid: 'oCache' }));
    // Written just after the answer; give the worker a moment.
    const cached = () => readdirSync(cacheDir).filter((f) => f.startsWith('runner-whoami-') && f.endsWith('.v8'));
    for (let i = 0; i < 50 && cached().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cached()).toHaveLength(1);

    const second = await whoami(runner({ codeCacheDir: cacheDir }), { openid: 'oCache2' });
    expect(second.ok && second.coldStart).toBe(true);
    expect(ok<Whoami>(second).wxContext.OPENID).toBe('oCache2');

    writeFileSync(join(cacheDir, cached()[0]), 'not a V8 code cache');
    const third = await whoami(runner({ codeCacheDir: cacheDir }), { openid: 'oCache3' });
    expect(ok<Whoami>(third).wxContext.OPENID).toBe('oCache3');
  });
});
