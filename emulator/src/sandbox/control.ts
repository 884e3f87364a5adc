// The sandbox's control API under /sandbox: tests, the status page and the mini-program in local mode act as the
// buyer (pay, cancel) and as WeChat (settle refunds, deliver results again, inject faults).
import type { HttpReply, HttpRequest, LocalCloudHost } from '../contracts';
import { parseJsonBody } from '../http/router';
import { checkPatch, FAULT_MODES, faultMisfit, isFaultMode, isPayApi, PAY_APIS, type Faults } from './faults';
import { paymentEvent, refundEvent } from './answers';
import { transactionId } from './ids';
import type { PayProtocol, Refund, Trade } from './model';
import type { DeliveryPlan, HttpNotifyProtocol, Notifier } from './notifier';
import type { NotifyForger } from './parts';
import { OUT_REFUND_NO, OUT_TRADE_NO, type SettleStatus } from './rules';
import type { ControlResult, SandboxService } from './service';
import type { Notification, SandboxSettings, SandboxStore } from './store';

export interface ControlDeps {
  host: LocalCloudHost;
  service: SandboxService;
  store: SandboxStore;
  notifier: Notifier;
  faults: Faults;
  settings: () => SandboxSettings;
  saveSettings: (change: { autoSettleRefunds?: boolean; timeScale?: number | null }) => void;
  reset: () => void;
  forgers: ReadonlyMap<PayProtocol, NotifyForger>;
  httpProtocols: ReadonlyMap<PayProtocol, HttpNotifyProtocol>;
  merchant: () => Record<string, unknown>;
}

type Body = Record<string, unknown>;
type Parsed<T> = { ok: true; value: T } | { ok: false; reply: HttpReply };

const OPENID = /^[A-Za-z0-9_-]{1,128}$/;
const PREPAY_ID = /^[A-Za-z0-9]{1,64}$/;
const MAX_COPIES = 20;
const MAX_DELAY_MS = 10 * 60_000;

export function registerControlRoutes(deps: ControlDeps): void {
  const { host, service, store } = deps;
  const route = (method: string, pattern: RegExp, handler: (req: HttpRequest) => Promise<HttpReply> | HttpReply) => host.registerRoute(method, pattern, handler);

  route('GET', /^\/sandbox\/payments$/, (req) => {
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50) || 50, 1), 500);
    return ok({ payments: store.trades(limit).map((t) => tradeView(deps, t, false)) });
  });

  // By prepay id: what the mini-program holds after wx.requestPayment's `package` ("prepay_id=...").
  route('GET', /^\/sandbox\/payments\/by-prepay\/([^/]+)$/, (req) => withPrepay(deps, req, (t) => ok(tradeView(deps, t, true))));
  route('POST', /^\/sandbox\/payments\/by-prepay\/([^/]+)\/complete$/, (req) => withPrepay(deps, req, (t) => complete(deps, t.outTradeNo, req)));
  route('POST', /^\/sandbox\/payments\/by-prepay\/([^/]+)\/cancel$/, (req) => withPrepay(deps, req, (t) => cancel(deps, t.outTradeNo)));

  route('GET', /^\/sandbox\/payments\/([^/]+)$/, (req) => withTradeNo(req, (no) => {
    const trade = store.trade(no);
    return trade ? ok(tradeView(deps, trade, true)) : notFound(`the sandbox has no trade ${no}`);
  }));
  route('POST', /^\/sandbox\/payments\/([^/]+)\/complete$/, (req) => withTradeNo(req, (no) => complete(deps, no, req)));
  route('POST', /^\/sandbox\/payments\/([^/]+)\/cancel$/, (req) => withTradeNo(req, (no) => cancel(deps, no)));
  route('POST', /^\/sandbox\/payments\/([^/]+)\/state$/, (req) =>
    withTradeNo(req, (no) => {
      const body = bodyOf(req);
      if (!body.ok) return body.reply;
      const state = body.value.tradeState;
      if (state !== 'USERPAYING' && state !== 'PAYERROR') return invalid('"tradeState" must be USERPAYING or PAYERROR');
      return answer(service.setInterimState(no, state), (v) => tradeView(deps, v.trade, false));
    }),
  );
  route('POST', /^\/sandbox\/payments\/([^/]+)\/notify$/, (req) =>
    withTradeNo(req, async (no) => {
      const body = bodyOf(req);
      if (!body.ok) return body.reply;
      const plan = planOf(body.value);
      if (!plan.ok) return plan.reply;
      const result = await service.redeliverPayment(no, plan.value, waitOf(body.value, plan.value));
      return answer(result, (v) => ({ notification: notificationView(deps, v.notification) }));
    }),
  );

  route('GET', /^\/sandbox\/refunds\/([^/]+)$/, (req) => withRefundNo(req, (no) => {
    const refund = store.refund(no);
    return refund ? ok(refundView(deps, refund, true)) : notFound(`the sandbox has no refund ${no}`);
  }));
  route('POST', /^\/sandbox\/refunds\/([^/]+)\/settle$/, (req) =>
    withRefundNo(req, async (no) => {
      const body = bodyOf(req);
      if (!body.ok) return body.reply;
      const status = body.value.status ?? 'SUCCESS';
      if (status !== 'SUCCESS' && status !== 'REFUNDCLOSE' && status !== 'CHANGE') return invalid('"status" must be SUCCESS, REFUNDCLOSE or CHANGE');
      const plan = planOf(body.value);
      if (!plan.ok) return plan.reply;
      const result = await service.settleRefund(no, status as SettleStatus, plan.value, waitOf(body.value, plan.value));
      return answer(result, (v) => ({ ...refundView(deps, v.refund, true) }));
    }),
  );

  route('GET', /^\/sandbox\/config$/, () => ok(deps.settings()));
  route('POST', /^\/sandbox\/config$/, (req) => {
    const body = bodyOf(req);
    if (!body.ok) return body.reply;
    const { autoSettleRefunds, timeScale } = body.value;
    if (autoSettleRefunds !== undefined && typeof autoSettleRefunds !== 'boolean') return invalid('"autoSettleRefunds" must be true or false');
    if (timeScale !== undefined && timeScale !== null && !(typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale >= 0 && timeScale <= 1)) {
      return invalid('"timeScale" must be a number in 0..1, or null for the local cloud\'s own');
    }
    deps.saveSettings({ autoSettleRefunds, timeScale: timeScale as number | null | undefined });
    return ok(deps.settings());
  });

  route('GET', /^\/sandbox\/faults$/, () => ok({ faults: deps.faults.list() }));
  route('POST', /^\/sandbox\/faults$/, (req) => {
    const body = bodyOf(req);
    if (!body.ok) return body.reply;
    if (body.value.reset === true) {
      deps.faults.reset();
      return ok({ faults: [] });
    }
    const { api, mode } = body.value;
    const count = body.value.count ?? 1;
    if (!isPayApi(api)) return invalid(`"api" must be one of ${PAY_APIS.join(', ')}`);
    if (!isFaultMode(mode)) return invalid(`"mode" must be one of ${FAULT_MODES.join(', ')}`);
    const misfit = faultMisfit(api, mode);
    if (misfit) return invalid(misfit);
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > 1000) return invalid('"count" must be an integer in 1..1000');
    let patch: Record<string, string | number> | undefined;
    if (mode === 'TAMPERED') {
      const checked = checkPatch(body.value.patch);
      if (typeof checked === 'string') return invalid(checked);
      patch = checked;
    } else if (body.value.patch !== undefined) return invalid('"patch" goes with mode TAMPERED only');
    deps.faults.arm(api, mode, count, patch);
    return ok({ faults: deps.faults.list() });
  });
  route('DELETE', /^\/sandbox\/faults$/, () => {
    deps.faults.reset();
    return ok({ faults: [] });
  });

  route('GET', /^\/sandbox\/merchant$/, () => ok(deps.merchant()));

  route('POST', /^\/sandbox\/payments\/([^/]+)\/forge$/, (req) =>
    withTradeNo(req, async (no) => {
      const body = bodyOf(req);
      if (!body.ok) return body.reply;
      const trade = store.trade(no);
      if (!trade) return notFound(`the sandbox has no trade ${no}`);
      const chosen = chosenForgery(deps, `trade ${no}`, trade.protocol, body.value.forgery, (f) => f.paymentForgeries);
      if (!chosen.ok) return chosen.reply;
      const { forger, value: forgery } = chosen;
      // An unpaid trade gets a made-up transaction: the notify claims a payment WeChat never saw.
      const now = Date.now();
      const event = paymentEvent({ ...trade, transactionId: trade.transactionId ?? transactionId(now), paidAt: trade.paidAt ?? now, subOpenid: trade.subOpenid ?? '' });
      return sendForged(deps, trade.protocol as PayProtocol, body.value.url ?? trade.notifyUrl, forger.payment(event, trade, forgery), { kind: 'payment', subject: no, forgery });
    }),
  );
  route('POST', /^\/sandbox\/refunds\/([^/]+)\/forge$/, (req) =>
    withRefundNo(req, async (no) => {
      const body = bodyOf(req);
      if (!body.ok) return body.reply;
      const refund = store.refund(no);
      if (!refund) return notFound(`the sandbox has no refund ${no}`);
      const chosen = chosenForgery(deps, `refund ${no}`, refund.protocol, body.value.forgery, (f) => f.refundForgeries);
      if (!chosen.ok) return chosen.reply;
      const { forger, value: forgery } = chosen;
      const subAppid = store.trade(refund.outTradeNo)?.subAppid ?? '';
      const now = Date.now();
      const claimed: Refund = refund.status === 'PROCESSING' ? { ...refund, status: 'SUCCESS', settledAt: now } : refund;
      return sendForged(deps, refund.protocol as PayProtocol, body.value.url ?? refund.notifyUrl, forger.refund(refundEvent(claimed, subAppid), refund, forgery), { kind: 'refund', subject: no, forgery });
    }),
  );

  route('POST', /^\/sandbox\/reset$/, () => {
    deps.reset();
    return ok({ reset: true });
  });
}

async function complete(deps: ControlDeps, outTradeNo: string, req: HttpRequest): Promise<HttpReply> {
  const body = bodyOf(req);
  if (!body.ok) return body.reply;
  const plan = planOf(body.value);
  if (!plan.ok) return plan.reply;
  const openid = body.value.openid;
  if (openid !== undefined && (typeof openid !== 'string' || !OPENID.test(openid))) return invalid('"openid" must be 1-128 characters of [A-Za-z0-9_-]');
  const result = await deps.service.completePayment(outTradeNo, { ...plan.value, openid: openid as string | undefined }, waitOf(body.value, plan.value));
  return answer(result, (v) => ({ errMsg: 'requestPayment:ok', payment: tradeView(deps, v.trade, false), notification: notificationView(deps, v.notification) }));
}

function cancel(deps: ControlDeps, outTradeNo: string): HttpReply {
  const result = deps.service.cancelPayment(outTradeNo);
  return answer(result, (v) => ({ errMsg: 'requestPayment:fail cancel', payment: tradeView(deps, v.trade, false) }));
}

function withPrepay(deps: ControlDeps, req: HttpRequest, then: (trade: Trade) => Promise<HttpReply> | HttpReply): Promise<HttpReply> | HttpReply {
  const raw = req.params[0].replace(/^prepay_id=/, '');
  if (!PREPAY_ID.test(raw)) return invalid('not a prepay id');
  const trade = deps.store.tradeByPrepayId(raw);
  return trade ? then(trade) : notFound(`the sandbox has no trade with prepay id ${raw}`);
}

/** The forger for what a trade or refund was made with, and the forgery the request names among those it can make. */
function chosenForgery(
  deps: ControlDeps,
  what: string,
  protocol: PayProtocol | undefined,
  forgery: unknown,
  offered: (forger: NotifyForger) => readonly string[],
): { ok: true; forger: NotifyForger; value: string } | { ok: false; reply: HttpReply } {
  const forger = protocol ? deps.forgers.get(protocol) : undefined;
  if (!forger) return { ok: false, reply: conflict('NOT_HTTP_PROTOCOL', `${what} was made with cloudPay, whose results are events, not HTTP requests`) };
  const kinds = offered(forger);
  if (typeof forgery !== 'string' || !kinds.includes(forgery)) return { ok: false, reply: invalid(`"forgery" must be one of ${kinds.join(', ')}`) };
  return { ok: true, forger, value: forgery };
}

function withTradeNo(req: HttpRequest, then: (no: string) => Promise<HttpReply> | HttpReply): Promise<HttpReply> | HttpReply {
  const no = req.params[0];
  return OUT_TRADE_NO.test(no) ? then(no) : invalid('not an out_trade_no');
}

function withRefundNo(req: HttpRequest, then: (no: string) => Promise<HttpReply> | HttpReply): Promise<HttpReply> | HttpReply {
  const no = req.params[0];
  return OUT_REFUND_NO.test(no) ? then(no) : invalid('not an out_refund_no');
}

function bodyOf(req: HttpRequest): Parsed<Body> {
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reply: invalid('the body must be a JSON object') };
  return { ok: true, value: value as Body };
}

/** `deliveries`, `concurrent`, `drop`, `delayMs`: how WeChat delivers the result this time. */
function planOf(body: Body): Parsed<DeliveryPlan> {
  const { deliveries, concurrent, drop, delayMs } = body;
  if (deliveries !== undefined && !(typeof deliveries === 'number' && Number.isSafeInteger(deliveries) && deliveries >= 1 && deliveries <= MAX_COPIES)) {
    return { ok: false, reply: invalid(`"deliveries" must be an integer in 1..${MAX_COPIES}`) };
  }
  if (concurrent !== undefined && typeof concurrent !== 'boolean') return { ok: false, reply: invalid('"concurrent" must be true or false') };
  if (drop !== undefined && typeof drop !== 'boolean') return { ok: false, reply: invalid('"drop" must be true or false') };
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isSafeInteger(delayMs) && delayMs >= 0 && delayMs <= MAX_DELAY_MS)) {
    return { ok: false, reply: invalid(`"delayMs" must be an integer in 0..${MAX_DELAY_MS}`) };
  }
  return { ok: true, value: { copies: deliveries as number | undefined, concurrent: concurrent as boolean | undefined, drop: drop as boolean | undefined, delayMs: delayMs as number | undefined } };
}

/** By default the answer waits for the first delivery, unless it was delayed on purpose; `wait` overrides. */
function waitOf(body: Body, plan: DeliveryPlan): boolean {
  if (typeof body.wait === 'boolean') return body.wait;
  return !plan.delayMs;
}

function answer<T>(result: ControlResult<T>, view: (value: T) => unknown): HttpReply {
  if (!result.ok) return { status: result.status, body: result.refusal };
  return ok(view(result.value));
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Sends one forged notification (no retries, nothing recorded in the ledger) and answers what the receiver said.
 * Only to this machine, like every delivery of the local cloud.
 */
async function sendForged(deps: ControlDeps, protocol: PayProtocol, target: unknown, request: { headers: Record<string, string>; body: string | Buffer }, about: Record<string, unknown>): Promise<HttpReply> {
  if (typeof target !== 'string' || target === '') return invalid('there is no notify_url to send to: pass "url"');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return invalid('"url" is not a URL');
  }
  if (!LOCAL_HOSTS.has(url.hostname) || (url.protocol !== 'http:' && url.protocol !== 'https:')) return invalid('forged notifications go to 127.0.0.1 or localhost only');
  const ack = deps.httpProtocols.get(protocol);
  try {
    // A redirect is an answer, not a new address: following it would carry the notify past the host check.
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(ack?.timeoutMs ?? 5_000) });
    const answer = Buffer.from(await res.arrayBuffer());
    deps.host.log('sandbox.notify.forged', { ...about, protocol, status: res.status });
    return ok({ ...about, status: res.status, body: answer.toString('utf8').slice(0, 2000), acknowledged: ack ? ack.acknowledged(res.status, answer) : false });
  } catch (err) {
    return { status: 502, body: { code: 'DELIVERY_FAILED', message: `the forged notification could not be delivered: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

function conflict(code: string, message: string): HttpReply {
  return { status: 409, body: { code, message } };
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function invalid(message: string): HttpReply {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message } };
}

function notFound(message: string): HttpReply {
  return { status: 404, body: { code: 'NOT_FOUND', message } };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function tradeView(deps: ControlDeps, trade: Trade, detailed: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    outTradeNo: trade.outTradeNo,
    prepayId: trade.prepayId,
    tradeState: deps.service.tradeState(trade),
    totalFee: trade.totalFee,
    body: trade.body,
    attach: trade.attach,
    subMchId: trade.subMchId,
    subOpenid: trade.subOpenid,
    functionName: trade.functionName || undefined,
    protocol: trade.protocol ?? 'cloudpay',
    notifyUrl: trade.notifyUrl,
    transactionId: trade.transactionId,
    createdAt: iso(trade.createdAt),
    paidAt: iso(trade.paidAt),
    closedAt: iso(trade.closedAt),
    expiresAt: iso(trade.expiresAt),
  };
  const notifications = deps.store.notificationsOf('payment', trade.outTradeNo);
  const last = notifications[notifications.length - 1];
  // The latest result delivery in short, for lists (the status page): where it stands and how many attempts it took.
  view.lastNotification = last ? { status: last.status, attempts: last.attempts } : undefined;
  if (detailed) {
    view.refunds = deps.store.refundsOf(trade.outTradeNo).map((r) => refundView(deps, r, false));
    view.notifications = notifications.map((n) => notificationView(deps, n));
  }
  return view;
}

function refundView(deps: ControlDeps, refund: Refund, detailed: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    outRefundNo: refund.outRefundNo,
    refundId: refund.refundId,
    outTradeNo: refund.outTradeNo,
    refundStatus: refund.status,
    totalFee: refund.totalFee,
    refundFee: refund.refundFee,
    functionName: refund.functionName,
    protocol: refund.protocol ?? 'cloudpay',
    notifyUrl: refund.notifyUrl,
    createdAt: iso(refund.createdAt),
    settledAt: iso(refund.settledAt),
  };
  if (detailed) view.notifications = deps.store.notificationsOf('refund', refund.outRefundNo).map((n) => notificationView(deps, n));
  return view;
}

function notificationView(deps: ControlDeps, n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    kind: n.kind,
    functionName: n.functionName || undefined,
    protocol: n.protocol,
    url: n.url || undefined,
    status: n.status,
    attempts: n.attempts,
    nextAttemptAt: n.status === 'PENDING' ? iso(n.nextAt) : undefined,
    event: n.event,
    deliveries: deps.store.deliveriesOf(n.id).map((d) => ({ attempt: d.attempt, copy: d.copy, at: iso(d.at), outcome: d.outcome, detail: d.detail, durationMs: d.durationMs, request: d.request })),
  };
}
