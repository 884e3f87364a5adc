// The JSON the local cloud's UI reads, and the workflow routes around it:
//   GET  /ui/requests?after=&kind=           the request log (newest first)
//   GET  /ui/documents/<collection>?q=&limit= documents whose JSON contains q (case-insensitive)
//   GET  /emulators                           what runs where (like Firebase's hub), for scripts and tools
//   GET  /sandbox/config                      the time scale and refund settling in effect
//   POST /sandbox/timers/<function>           fire a function's timer trigger now, as the timer would
import type { FunctionRunner, HttpReply, LocalCloudHost } from '../contracts';
import { timerEvent } from '../runner/timers';
import type { RequestLog } from './request-log';

export interface UiOptions {
  requests: RequestLog;
  /** Whether timer triggers run on their schedule (--no-timers turns them off). */
  timersRunning: () => boolean;
  sandboxSettings: () => { timeScale?: number; autoSettleRefunds?: boolean };
}

const COLLECTION = /^[A-Za-z0-9_-]{1,64}$/;

export function installUiRoutes(host: LocalCloudHost, options: UiOptions): void {
  host.registerRoute('GET', /^\/ui\/requests$/, (req) => {
    const after = req.query.get('after');
    const entries = options.requests.list({
      after: after === null ? undefined : Number(after) || 0,
      kind: req.query.get('kind') ?? undefined,
      limit: Number(req.query.get('limit') ?? 200) || 200,
    });
    return ok({ requests: entries });
  });

  host.registerRoute('GET', /^\/ui\/documents\/([^/]+)$/, (req) => {
    const collection = req.params[0];
    if (!COLLECTION.test(collection)) return invalid('not a collection name');
    const q = (req.query.get('q') ?? '').trim().toLowerCase();
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 1000);
    const { total, documents } = host.db.list(collection, { limit: 10_000, offset: 0 });
    const matching = q ? documents.filter((d) => JSON.stringify(d).toLowerCase().includes(q)) : documents;
    return ok({ collection, total, matching: matching.length, documents: matching.slice(-limit).reverse() });
  });

  host.registerRoute('GET', /^\/emulators$/, () =>
    ok({
      env: host.env,
      host: '127.0.0.1',
      port: host.port,
      pid: process.pid,
      timeScale: host.timeScale,
      services: {
        ui: `${host.url}/`,
        admin: `${host.url}/admin`,
        gateway: `${host.url}/functions/<name>`,
        sandbox: `${host.url}/sandbox`,
        preview: `${host.url}/preview`,
        database: `${host.url}/db`,
        storage: `${host.url}/storage`,
      },
      sdkEnvironment: { TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${host.url}/admin` }), TENCENTCLOUD_SECRETID: 'local', TENCENTCLOUD_SECRETKEY: 'local', TENCENTCLOUD: 'true' },
      functions: host.runner.names(),
    }),
  );

  host.registerRoute('GET', /^\/sandbox\/config$/, () => {
    const sandbox = options.sandboxSettings();
    return ok({
      ...sandbox,
      timeScale: sandbox.timeScale ?? host.timeScale,
      startedWithTimeScale: host.timeScale,
      autoSettleRefunds: sandbox.autoSettleRefunds ?? true,
      timersRunning: options.timersRunning(),
      timers: timerTriggers(host.runner),
    });
  });

  host.registerRoute('POST', /^\/sandbox\/timers\/([A-Za-z][A-Za-z0-9_-]{0,59})$/, async (req): Promise<HttpReply> => {
    const name = req.params[0];
    const trigger = timerTriggers(host.runner).find((t) => t.function === name);
    if (!trigger) return { status: 404, body: { code: 'NO_TIMER', message: `"${name}" has no timer trigger in its config.json` } };
    const outcome = await host.runner.invoke({ name, event: timerEvent(trigger.trigger, new Date()), source: 'wx_trigger' });
    host.log('function.timer', { name, trigger: trigger.trigger, outcome: outcome.ok ? 'ok' : outcome.code, requestId: outcome.requestId, fired: 'by request' });
    if (!outcome.ok) return { status: 500, body: { code: outcome.code, message: outcome.message, requestId: outcome.requestId } };
    return ok({ function: name, trigger: trigger.trigger, requestId: outcome.requestId, durationMs: outcome.durationMs, result: outcome.result });
  });
}

function timerTriggers(runner: FunctionRunner): { function: string; trigger: string; cron: string }[] {
  return runner.names().flatMap((name) =>
    (runner.config(name)?.triggers ?? []).filter((t) => t.type === 'timer').map((t) => ({ function: name, trigger: t.name, cron: t.config })),
  );
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function invalid(message: string): HttpReply {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message } };
}
