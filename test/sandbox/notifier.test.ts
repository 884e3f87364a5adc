// The delivery engine alone, with a scripted runner and an in-memory SQLite: what counts as acknowledged, what is
// recorded per attempt, and how it behaves around restarts and resets.
import Database from 'better-sqlite3';
import type { FunctionRunner, InvokeOutcome, InvokeRequest } from '../../emulator/src/contracts';
import { Notifier } from '../../emulator/src/sandbox/notifier';
import { SandboxStore } from '../../emulator/src/sandbox/store';

const calls = { database: 0, pay: 0, openapi: 0, functions: 0 };
const answered = (result: unknown): InvokeOutcome => ({ ok: true, result, requestId: 'r', durationMs: 1, coldStart: false, calls });
const failed = (code: 'FUNCTIONS_EXECUTE_FAIL' | 'FUNCTIONS_TIME_LIMIT_EXCEEDED' | 'FUNCTION_NOT_FOUND'): InvokeOutcome => ({ ok: false, code, message: code, requestId: 'r', durationMs: 1, calls });

/** A runner that answers each invocation with the next scripted outcome (a function throws when given an Error). */
function scriptedRunner(script: Array<InvokeOutcome | Error | Promise<InvokeOutcome>>): FunctionRunner & { seen: InvokeRequest[] } {
  const seen: InvokeRequest[] = [];
  return {
    seen,
    async invoke(req) {
      seen.push(req);
      const next = script.shift() ?? answered({ errcode: 0 });
      if (next instanceof Error) throw next;
      return next;
    },
    config: () => undefined,
    names: () => [],
    instances: () => ({}),
    caller: () => undefined,
    close: async () => undefined,
  };
}

function setup(script: Array<InvokeOutcome | Error | Promise<InvokeOutcome>>, ready = () => true, db = new Database(':memory:')) {
  const store = new SandboxStore(db);
  const runner = scriptedRunner(script);
  const notifier = new Notifier({ store, runner, env: 'env', now: () => Date.now(), timeScale: () => 0, ready, log: () => undefined });
  return { db, store, runner, notifier };
}

const settle = async (notifier: Notifier, store: SandboxStore, id: number) => {
  for (let i = 0; i < 200 && store.notification(id)?.status === 'PENDING'; i++) await new Promise((r) => setTimeout(r, 5));
  await notifier.idle();
};

it('retries until the function answers {errcode: 0}, recording why each attempt failed', async () => {
  const { store, runner, notifier } = setup([answered({ errcode: 1 }), failed('FUNCTIONS_TIME_LIMIT_EXCEEDED'), new Error('runner down'), failed('FUNCTION_NOT_FOUND'), failed('FUNCTIONS_EXECUTE_FAIL'), answered({ errcode: 0 })]);
  const { notification } = notifier.send('payment', 'O1', { functionName: 'payNotify', envId: 'env' }, { outTradeNo: 'O1' });
  await settle(notifier, store, notification.id);
  expect(store.notification(notification.id)).toMatchObject({ status: 'ACKNOWLEDGED', attempts: 6 });
  expect(store.deliveriesOf(notification.id).map((d) => d.outcome)).toEqual(['REJECTED', 'TIMEOUT', 'FAILED', 'NOT_FOUND', 'FAILED', 'ACKNOWLEDGED']);
  expect(runner.seen.every((r) => r.name === 'payNotify' && r.source === 'wx_pay')).toBe(true);
  notifier.close();
});

it('acknowledges a round of duplicates if any copy was acknowledged, and delivers every copy', async () => {
  const { store, runner, notifier } = setup([answered({ errcode: 1 }), answered({ errcode: 0 }), answered({ errcode: 1 })]);
  const { notification, firstAttempt } = notifier.send('refund', 'R1', { functionName: 'refundNotify' }, {}, { copies: 3 });
  await firstAttempt;
  expect(runner.seen).toHaveLength(3);
  expect(store.notification(notification.id)).toMatchObject({ status: 'ACKNOWLEDGED', attempts: 1 });
  notifier.close();
});

it('records a dropped result without delivering it', async () => {
  const { store, runner, notifier } = setup([]);
  const { notification, firstAttempt } = notifier.send('payment', 'O1', { functionName: 'payNotify' }, {}, { drop: true });
  await firstAttempt;
  expect(runner.seen).toHaveLength(0);
  expect(store.notification(notification.id)?.status).toBe('DROPPED');
});

it('waits for the local cloud to be ready before delivering', async () => {
  let ready = false;
  const { store, runner, notifier } = setup([], () => ready);
  const { notification } = notifier.send('payment', 'O1', { functionName: 'payNotify' }, {});
  await new Promise((r) => setTimeout(r, 60));
  expect(runner.seen).toHaveLength(0);
  expect(store.notification(notification.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  ready = true;
  await settle(notifier, store, notification.id);
  expect(store.notification(notification.id)).toMatchObject({ status: 'ACKNOWLEDGED', attempts: 1 });
  notifier.close();
});

it('resumes pending notifications with a new notifier on the same database (a restart)', async () => {
  const db = new Database(':memory:');
  const first = setup([answered({ errcode: 1 })], () => true, db);
  // A real retry delay, so the retry is still pending when the first notifier stops.
  const slow = new Notifier({ store: first.store, runner: first.runner, env: 'env', now: () => Date.now(), timeScale: () => 1, ready: () => true, log: () => undefined });
  const { notification, firstAttempt } = slow.send('payment', 'O1', { functionName: 'payNotify' }, {});
  await firstAttempt;
  slow.close();
  expect(first.store.notification(notification.id)).toMatchObject({ status: 'PENDING', attempts: 1 });
  db.prepare('UPDATE sandbox_notifications SET next_at = 0').run(); // the retry fell due while stopped
  const second = setup([answered({ errcode: 0 })], () => true, db);
  second.notifier.resume();
  await settle(second.notifier, second.store, notification.id);
  expect(second.store.notification(notification.id)).toMatchObject({ status: 'ACKNOWLEDGED', attempts: 2 });
  second.notifier.close();
});

it('forgets a notification reset while its function was running: no record, no retry', async () => {
  let finish: (o: InvokeOutcome) => void = () => undefined;
  const pending = new Promise<InvokeOutcome>((resolve) => (finish = resolve));
  const { store, runner, notifier } = setup([pending]);
  const { notification, firstAttempt } = notifier.send('payment', 'O1', { functionName: 'payNotify' }, {});
  while (runner.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
  notifier.cancelAll();
  store.reset();
  finish(answered({ errcode: 1 }));
  await firstAttempt;
  await notifier.idle();
  expect(store.notification(notification.id)).toBeUndefined();
  expect(store.deliveriesOf(notification.id)).toEqual([]);
  await new Promise((r) => setTimeout(r, 30));
  expect(runner.seen).toHaveLength(1);
  notifier.close();
});

it('never reaches a function for a result addressed to another environment', async () => {
  const { store, runner, notifier } = setup([]);
  const { notification, firstAttempt } = notifier.send('payment', 'O1', { functionName: 'payNotify', envId: 'prod-123' }, {});
  await firstAttempt;
  expect(runner.seen).toHaveLength(0);
  expect(store.deliveriesOf(notification.id)).toEqual([expect.objectContaining({ outcome: 'NOT_FOUND', detail: expect.stringContaining('prod-123') })]);
  notifier.close();
});

it('opens a sandbox file written before notifications kept their environment', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE sandbox_notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject TEXT NOT NULL, function_name TEXT NOT NULL,
    event TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, copies INTEGER NOT NULL, concurrent INTEGER NOT NULL, next_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  db.prepare("INSERT INTO sandbox_notifications VALUES (1, 'payment', 'O1', 'payNotify', '{}', 'PENDING', 1, 1, 0, 0, 0, 0)").run();
  const store = new SandboxStore(db);
  expect(store.pendingNotifications()).toEqual([expect.objectContaining({ id: 1, functionName: 'payNotify', envId: '' })]);
});

describe('a file from before APIv2', () => {
  it('gains the protocol, url and request columns; its notifications stay cloudPay and resume as events', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE sandbox_notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject TEXT NOT NULL,
      function_name TEXT NOT NULL, env_id TEXT NOT NULL DEFAULT '', event TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
      copies INTEGER NOT NULL, concurrent INTEGER NOT NULL, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE sandbox_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, notification_id INTEGER NOT NULL, attempt INTEGER NOT NULL,
      copy INTEGER NOT NULL, at INTEGER NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, duration_ms INTEGER NOT NULL);
      INSERT INTO sandbox_notifications (kind, subject, function_name, env_id, event, status, attempts, copies, concurrent, next_at, created_at, updated_at)
      VALUES ('payment', 'OLD1', 'payNotify', '', '{"outTradeNo":"OLD1"}', 'PENDING', 1, 1, 0, 0, 0, 0);`);
    const { store, runner, notifier } = setup([], () => true, db);
    expect(store.notification(1)).toMatchObject({ protocol: 'cloudpay', url: '', functionName: 'payNotify' });
    notifier.resume();
    await settle(notifier, store, 1);
    expect(runner.seen).toEqual([expect.objectContaining({ name: 'payNotify', event: { outTradeNo: 'OLD1' }, source: 'wx_pay' })]);
    expect(store.notification(1)?.status).toBe('ACKNOWLEDGED');
    expect(store.deliveriesOf(1)[0]).not.toHaveProperty('request');
    notifier.close();
  });
});
