// Delivers payment and refund results like WeChat does: an attempt, then retries on WeChat's schedule until the
// receiver acknowledges. cloudPay calls the function it was told to call and wants `{ errcode: 0 }`; APIv2 and APIv3
// POST to the notify_url in their own protocol (see HttpNotifyProtocol) and want that protocol's acknowledgement.
// A throw, a timeout, a missing function or any other answer is a failed attempt. Every notification and attempt is
// stored, so retries resume after a restart.
import type { FunctionRunner, InvokeOutcome } from '../contracts';
import type { PayProtocol } from './model';
import { isAcknowledged, nextRetryDelay } from './schedule';
import type { DeliveryOutcome, Notification, NotificationKind, SandboxStore } from './store';

/** Where a result goes: a function by name (cloudPay), or a URL in the protocol the merchant used. */
export type NotifyTargetOf = { functionName: string; envId?: string } | { protocol: Exclude<PayProtocol, 'cloudpay'>; url: string };

/** How one HTTP protocol (APIv2, APIv3) sends a result and reads the receiver's answer. */
export interface HttpNotifyProtocol {
  /** The request for this result, made afresh for every attempt (new nonce, time stamp and signature, as WeChat does). */
  encode(kind: NotificationKind, event: Record<string, unknown>): { headers: Record<string, string>; body: string | Buffer };
  /** Whether the receiver's answer acknowledges the notification (WeChat stops retrying). */
  acknowledged(status: number, body: Buffer): boolean;
  /** How long WeChat waits for the answer before counting the attempt as failed. */
  timeoutMs: number;
}

/** The local cloud delivers only on this machine: a notify_url elsewhere is where WeChat would send, not we. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const ANSWER_LIMIT = 64 * 1024;
/** What is kept of each request sent (a refund notify is about 1 KB; only forged ones are bigger). */
const REQUEST_LIMIT = 8 * 1024;

export interface DeliveryPlan {
  /** Copies delivered in the first attempt (duplicates); default 1. */
  copies?: number;
  /** Deliver the copies at once rather than one after another. */
  concurrent?: boolean;
  /** Wait this many real milliseconds before the first attempt. */
  delayMs?: number;
  /** Lose the callback: record it, never deliver it (the merchant must find out by querying). */
  drop?: boolean;
}

export interface NotifierDeps {
  store: SandboxStore;
  runner: FunctionRunner;
  /** This local cloud's environment: results addressed to another env_id never reach its functions. */
  env: string;
  now: () => number;
  /** The time factor for WeChat's retry schedule. */
  timeScale: () => number;
  /** Whether functions can reach the local cloud yet (a resumed delivery must not run before it listens). */
  ready: () => boolean;
  log: (event: string, fields?: Record<string, unknown>) => void;
  /** The HTTP protocols (APIv2, APIv3) that may deliver, by name. */
  httpProtocols?: ReadonlyMap<PayProtocol, HttpNotifyProtocol>;
}

const DETAIL_LIMIT = 300;
const NOT_READY_RETRY_MS = 25;

export class Notifier {
  /** Scheduled attempts; `done` settles whoever waits for that attempt, also when it is cancelled. */
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; done: () => void }>();
  private readonly running = new Map<number, Promise<void>>();
  private closed = false;

  constructor(private readonly deps: NotifierDeps) {}

  /** Picks up notifications that were pending when the local cloud stopped. */
  resume(): void {
    for (const n of this.deps.store.pendingNotifications()) this.schedule(n.id, Math.max(0, n.nextAt - this.deps.now()));
  }

  /**
   * Records a notification and starts delivering it. The promise settles after the first attempt (all its copies),
   * or at once for a dropped one; retries carry on in the background.
   */
  send(kind: NotificationKind, subject: string, target: NotifyTargetOf, event: Record<string, unknown>, plan: DeliveryPlan = {}): { notification: Notification; firstAttempt: Promise<void> } {
    const now = this.deps.now();
    const delayMs = Math.max(0, plan.delayMs ?? 0);
    const byUrl = 'url' in target;
    const notification = this.deps.store.addNotification({
      kind,
      subject,
      functionName: byUrl ? '' : target.functionName,
      envId: byUrl ? '' : (target.envId ?? ''),
      protocol: byUrl ? target.protocol : 'cloudpay',
      url: byUrl ? target.url : '',
      event,
      status: plan.drop ? 'DROPPED' : 'PENDING',
      attempts: 0,
      copies: Math.max(1, plan.copies ?? 1),
      concurrent: Boolean(plan.concurrent),
      nextAt: now + delayMs,
      createdAt: now,
      updatedAt: now,
    });
    this.deps.log('sandbox.notify.queued', { kind, subject, protocol: notification.protocol, to: byUrl ? target.url : target.functionName, id: notification.id, dropped: Boolean(plan.drop), copies: notification.copies });
    if (plan.drop) return { notification, firstAttempt: Promise.resolve() };
    return { notification, firstAttempt: this.schedule(notification.id, delayMs) };
  }

  close(): void {
    this.closed = true;
    this.cancelAll();
  }

  /** Stops every scheduled attempt (the sandbox was reset, or is closing). */
  cancelAll(): void {
    for (const { timer, done } of this.timers.values()) {
      clearTimeout(timer);
      done();
    }
    this.timers.clear();
  }

  /** Resolves when nothing is being delivered right now (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private schedule(id: number, delayMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const existing = this.timers.get(id);
      if (existing) {
        clearTimeout(existing.timer);
        existing.done();
      }
      const timer = setTimeout(() => {
        this.timers.delete(id);
        this.attempt(id).then(resolve, resolve);
      }, delayMs);
      timer.unref();
      this.timers.set(id, { timer, done: resolve });
    });
  }

  private attempt(id: number): Promise<void> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const run = this.runAttempt(id).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async runAttempt(id: number): Promise<void> {
    if (this.closed) return;
    if (!this.deps.ready()) {
      void this.schedule(id, NOT_READY_RETRY_MS);
      return;
    }
    const n = this.deps.store.notification(id);
    if (!n || n.status !== 'PENDING') return;
    const attempt = n.attempts + 1;
    const copies = Array.from({ length: n.copies }, (_, i) => i + 1);
    const outcomes: DeliveryOutcome[] = [];
    if (n.concurrent) outcomes.push(...(await Promise.all(copies.map((copy) => this.deliver(n, attempt, copy)))));
    else for (const copy of copies) outcomes.push(await this.deliver(n, attempt, copy));
    if (this.closed) return;
    const acknowledged = outcomes.includes('ACKNOWLEDGED');
    const now = this.deps.now();
    const delay = acknowledged ? undefined : nextRetryDelay(attempt, this.deps.timeScale());
    const status = acknowledged ? 'ACKNOWLEDGED' : delay === undefined ? 'GAVE_UP' : 'PENDING';
    const current = this.deps.store.notification(id);
    // A reset while the attempt was running forgot the notification: nothing to record or retry.
    if (!current || current.status !== 'PENDING') return;
    this.deps.store.updateNotification(id, { status, attempts: attempt, copies: 1, nextAt: delay === undefined ? now : now + delay }, now);
    this.deps.log('sandbox.notify.attempt', { kind: n.kind, subject: n.subject, id, attempt, status });
    if (delay !== undefined) void this.schedule(id, delay);
  }

  private async deliver(n: Notification, attempt: number, copy: number): Promise<DeliveryOutcome> {
    if (n.protocol !== 'cloudpay') return this.deliverHttp(n, attempt, copy);
    const started = this.deps.now();
    let outcome: DeliveryOutcome;
    let detail: string;
    if (n.envId !== '' && n.envId !== this.deps.env) {
      return this.record(n, attempt, copy, started, 'NOT_FOUND', `env_id ${n.envId} is not this local cloud's environment (${this.deps.env}): WeChat would deliver the result there`);
    }
    try {
      const result: InvokeOutcome = await this.deps.runner.invoke({ name: n.functionName, event: n.event, source: 'wx_pay' });
      if (result.ok) {
        outcome = isAcknowledged(result.result) ? 'ACKNOWLEDGED' : 'REJECTED';
        detail = `answered ${truncate(safeJson(result.result))}`;
      } else {
        outcome = result.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED' ? 'TIMEOUT' : result.code === 'FUNCTION_NOT_FOUND' ? 'NOT_FOUND' : 'FAILED';
        detail = `${result.code}: ${truncate(result.message)}`;
      }
    } catch (err) {
      outcome = 'FAILED';
      detail = `invoke failed: ${truncate(err instanceof Error ? err.message : String(err))}`;
    }
    return this.record(n, attempt, copy, started, outcome, detail);
  }

  private async deliverHttp(n: Notification, attempt: number, copy: number): Promise<DeliveryOutcome> {
    const started = this.deps.now();
    const protocol = this.deps.httpProtocols?.get(n.protocol);
    if (!protocol) return this.record(n, attempt, copy, started, 'FAILED', `this local cloud does not speak ${n.protocol}`);
    let url: URL;
    try {
      url = new URL(n.url);
    } catch {
      return this.record(n, attempt, copy, started, 'NOT_FOUND', `notify_url ${truncate(n.url)} is not a URL`);
    }
    if (!LOCAL_HOSTS.has(url.hostname) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return this.record(n, attempt, copy, started, 'NOT_FOUND', `notify_url ${truncate(n.url)} is not on this machine: the local cloud delivers to 127.0.0.1 and localhost only`);
    }
    const request = protocol.encode(n.kind, n.event);
    const sent = truncate(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : request.body, REQUEST_LIMIT);
    let outcome: DeliveryOutcome;
    let detail: string;
    try {
      // A redirect is an answer, not a new address: following it would carry the notify past the host check.
      const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(protocol.timeoutMs) });
      const answer = await readLimited(res, ANSWER_LIMIT);
      outcome = protocol.acknowledged(res.status, answer) ? 'ACKNOWLEDGED' : res.status === 404 ? 'NOT_FOUND' : 'REJECTED';
      detail = `HTTP ${res.status} ${truncate(answer.toString('utf8'))}`;
    } catch (err) {
      // fetch rejects with a DOMException, which is not an `Error` of every realm (jest's, for one): read its name.
      const name = err !== null && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      outcome = timedOut ? 'TIMEOUT' : 'FAILED';
      detail = timedOut ? `no answer within ${protocol.timeoutMs} ms` : `POST failed: ${truncate(describeError(err))}`;
    }
    return this.record(n, attempt, copy, started, outcome, detail, sent);
  }

  private record(n: Notification, attempt: number, copy: number, started: number, outcome: DeliveryOutcome, detail: string, request?: string): DeliveryOutcome {
    // A reset while the function ran forgot the notification: leave no orphan attempt behind.
    if (!this.closed && this.deps.store.notification(n.id)) {
      try {
        this.deps.store.addDelivery({ notificationId: n.id, attempt, copy, at: started, outcome, detail, durationMs: this.deps.now() - started, ...(request !== undefined ? { request } : {}) });
      } catch (err) {
        this.deps.log('sandbox.notify.record_failed', { id: n.id, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return outcome;
  }
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is its cause. Read by shape: errors may be of another realm. */
function describeError(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const cause = e?.cause && typeof e.cause === 'object' ? (typeof e.cause.code === 'string' ? e.cause.code : typeof e.cause.message === 'string' ? e.cause.message : '') : '';
  return cause ? `${message} (${cause})` : message;
}

async function readLimited(res: Response, limit: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}

function truncate(text: string, limit = DETAIL_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
