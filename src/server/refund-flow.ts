// Refunds from request to settlement. A request reserves its amount in the order's refundingFee with one conditional
// write, then writes the refund (requestRefund); a rejection or withdrawal releases it in a transaction that writes
// the refund and its order together; settlement moves it to
// refundedFee (or back, or keeps it reserved for an ABNORMAL refund) with one conditional write of the order, then
// finishes the refund (settleRefund). The provider is called only outside transactions (claim → call → finish),
// always with the refund's own outRefundNo so a retry can never refund twice.
import type { RefundStatus } from '../../typings/api';
import type { OrderDoc, RefundDoc, RefundRequestRecord, TimelineRecord } from '../domain/documents';
import { conflict, notFound } from '../domain/errors';
import { outRefundNo } from '../domain/ids';
import { formatYuan } from '../domain/money';
import { decideRefundRequest, REFUND_NOTES, settleLedger } from '../domain/refund-rules';
import type { Settings } from '../domain/settings';
import { allows, REFUND_MOVES, REFUND_START, type Move } from '../domain/states';
import { REFUND_RESULT_PHRASE } from '../domain/subscribe-message';
import { TIMELINE_NOTES, timelineEntry } from '../domain/timeline';
import { ProviderError, ProviderOutcomeUnknown } from '../providers/payment-provider';
import { errorSummary, log } from './logger';
import { notify } from './notifier';
import type { Payments } from './provider';
import { appendTimeline, bookRefundOutcome, findOrder, findOrderInTx, holdsAbnormalRefund, pushTimeline, reserveRefund, type RefundBooking } from './repositories/orders';
import { claimProcessing, finishSettlement, findRefund, findRefundInTx, insertRefund, noteRefund, touchRefund } from './repositories/refunds';
import { recordAnomaly } from './repositories/records';
import { COLLECTIONS, inTransaction, type Store } from './store';

export interface RefundContext {
  store: Store;
  settings: Settings;
  now: Date;
}

// ---- request (buyer) ---------------------------------------------------------------------------------------

/** Decisions on a fresh read when the order changed between our read and our reservation (another request won). */
const RESERVE_ATTEMPTS = 3;

/**
 * A buyer's refund request: the order's reservation first (one conditional write on the values the request was decided
 * on: repositories/orders.ts reserveRefund), then the refund document under its deterministic id `<orderId>R<n>`.
 * A refund document therefore never exists without its amount reserved: what approval, withdrawal, rejection and
 * reconcile act on is always backed. Stopping between the two writes leaves a reservation without a document (money
 * held, never over the total; the order's openRefundId blocks a second request); the next request on the order, or
 * reconcile, makes the document from the order's `refundRequest` (recordRequestedRefund), once.
 */
export async function requestRefund(ctx: RefundContext, buyer: string, orderId: string, reason: string, refundFee?: number): Promise<RefundDoc> {
  for (let attempt = 1; ; attempt++) {
    const order = await findOrder(ctx.store, orderId);
    if (!order) throw notFound(`order ${orderId} not found`);
    // A request that stopped half-way is finished before deciding: the answer is then the usual "still open".
    if (order._openid === buyer && unrecordedRequest(order)) await recordRequestedRefund(ctx, order);
    const decision = decideRefundRequest(order, { caller: buyer, refundFee, now: ctx.now, refundWindowDays: ctx.settings.refundWindowDays });
    const request: RefundRequestRecord = { refundId: decision.refundId, refundFee: decision.refundFee, reason, requestedAt: ctx.now };
    const entry = timelineEntry(ctx.now, 'refund_requested', 'buyer', TIMELINE_NOTES.refundRequested(decision.refundFee, reason));
    if (await reserveRefund(ctx.store, order, request, entry)) {
      const refund = requestedRefundDoc(order, request);
      if (await insertRefund(ctx.store, refund)) await tellMerchantsOfRequest(ctx, refund, order.title);
      log('info', 'refund.requested', { refundId: refund._id, orderId });
      return refund;
    }
    if (attempt >= RESERVE_ATTEMPTS) throw conflict(`order ${orderId} changed while the refund was being requested: please try again`);
  }
}

/** The refund document of a reserved request: everything comes from the order and its `refundRequest`. */
function requestedRefundDoc(order: OrderDoc, request: RefundRequestRecord): RefundDoc {
  return {
    _id: request.refundId,
    orderId: order._id,
    _openid: order._openid,
    status: REFUND_START.requested,
    refundFee: request.refundFee,
    totalFee: order.totalFee,
    title: order.title,
    reason: request.reason,
    ...(order.payChannel ? { payChannel: order.payChannel } : {}),
    createdAt: request.requestedAt,
    updatedAt: request.requestedAt,
  };
}

/** The order's open refund was reserved by a request whose document may not exist yet. */
function unrecordedRequest(order: OrderDoc): RefundRequestRecord | undefined {
  return order.openRefundId && order.refundRequest?.refundId === order.openRefundId ? order.refundRequest : undefined;
}

/**
 * Makes the refund document of the order's open request if it does not exist (its request stopped after the
 * reservation). Only for a reserved request, and under its own id, so a document made here is always backed and
 * made once; whoever inserts it tells the merchants. True when this call made it.
 */
export async function recordRequestedRefund(ctx: RefundContext, order: OrderDoc): Promise<boolean> {
  const request = unrecordedRequest(order);
  if (!request || (await findRefund(ctx.store, request.refundId))) return false;
  const refund = requestedRefundDoc(order, request);
  if (!(await insertRefund(ctx.store, refund))) return false;
  log('warn', 'refund.request_recorded_late', { refundId: refund._id, orderId: order._id });
  await tellMerchantsOfRequest(ctx, refund, order.title);
  return true;
}

async function tellMerchantsOfRequest(ctx: RefundContext, refund: RefundDoc, title: string): Promise<void> {
  await notify(ctx.store, ctx.settings, {
    purpose: 'refundRequested',
    subject: refund._id,
    stage: 'REQUESTED',
    recipients: ctx.settings.merchantOpenids,
    facts: { orderId: refund.orderId, refundId: refund._id, title, refundFee: refund.refundFee, reason: refund.reason, requestedAt: refund.createdAt },
  }, ctx.now);
}

// ---- close without money moving (merchant rejects, buyer withdraws) -----------------------------------------

/** REQUESTED → REJECTED | CANCELLED, releasing the order's refundingFee, in one transaction. */
export async function closeRequestedRefund(
  ctx: RefundContext,
  refundId: string,
  to: 'REJECTED' | 'CANCELLED',
  actor: { openid: string; role: 'merchant' | 'buyer' },
  rejectReason?: string,
): Promise<{ refund: RefundDoc; order: OrderDoc | undefined; changed: boolean }> {
  const result = await inTransaction(ctx.store, async (tx) => {
    const refund = await findRefundInTx(tx, refundId);
    if (!refund || (actor.role === 'buyer' && refund._openid !== actor.openid)) throw notFound(`refund ${refundId} not found`);
    const move = to === 'REJECTED' ? REFUND_MOVES.reject : REFUND_MOVES.withdraw;
    if (refund.status === move.to) return { refund, order: undefined, changed: false };
    if (!allows(move, refund.status)) throw conflict(`refund ${refundId} is ${refund.status}: only a REQUESTED refund can be ${to.toLowerCase()}`);
    const order = await findOrderInTx(tx, refund.orderId);
    if (!order) throw notFound(`order ${refund.orderId} not found`);
    const ledger = settleLedger(order, refund, 'RELEASED');
    const event = to === 'REJECTED' ? 'refund_rejected' : 'refund_withdrawn';
    await tx.collection(COLLECTIONS.refunds).doc(refundId).update({
      data: { status: move.to, updatedAt: ctx.now, decidedBy: actor.openid, ...(rejectReason ? { rejectReason } : {}) },
    });
    await tx.collection(COLLECTIONS.orders).doc(order._id).update({
      data: { refundingFee: ledger.refundingFee, openRefundId: null, refunding: false, updatedAt: ctx.now, timeline: pushTimeline(ctx.store, timelineEntry(ctx.now, event, actor.role, rejectReason)) },
    });
    return { refund: { ...refund, status: to, ...(rejectReason ? { rejectReason } : {}) }, order, changed: true };
  });
  if (result.changed && to === 'REJECTED') await tellBuyer(ctx, result.refund, 'REJECTED', result.order?.title, rejectReason);
  return result;
}

// ---- approve (merchant): claim, call, finish ---------------------------------------------------------------

export async function approveRefund(ctx: RefundContext, payments: Payments, refundId: string, merchant: string): Promise<RefundStatus> {
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  if (approvedAlready(refund.status)) return refund.status;
  if (!allows(REFUND_MOVES.approve, refund.status)) throw conflict(`refund ${refundId} is ${refund.status}: it can no longer be approved`);
  if (!(await claimProcessing(ctx.store, refundId, merchant, ctx.now))) {
    const now = await findRefund(ctx.store, refundId);
    if (now && approvedAlready(now.status)) return now.status; // a concurrent approval won
    throw conflict(`refund ${refundId} is ${now?.status ?? 'gone'}: it can no longer be approved`);
  }
  log('info', 'refund.approved', { refundId });
  await appendTimeline(ctx.store, refund.orderId, timelineEntry(ctx.now, 'refund_approved', 'merchant'));
  // The buyer's one-time authorization is kept for the result (succeeded or failed): no message for the approval.
  return submitRefund(ctx, payments, { ...refund, status: REFUND_MOVES.approve.to });
}

/** Statuses only an approval leads to: approving again answers the status instead of failing. */
function approvedAlready(status: RefundStatus): boolean {
  return status === REFUND_MOVES.approve.to || status === REFUND_MOVES.succeed.to || status === REFUND_MOVES.abnormal.to;
}

const SUBMIT_ATTEMPTS = 3;

/**
 * Sends a PROCESSING refund to the provider. Safe to call again for the same refund (approval, reconcile): the
 * provider refunds one outRefundNo once. An unknown outcome is retried with the same number, then left PROCESSING
 * for refundNotify or reconcile; only a definite refusal fails the refund and releases its money.
 */
export async function submitRefund(ctx: RefundContext, payments: Payments, refund: RefundDoc): Promise<RefundStatus> {
  // The order's own channel: no other merchant has its money to refund.
  const provider = payments.of(refund);
  for (let attempt = 1; ; attempt++) {
    try {
      await provider.refund({ outTradeNo: refund.orderId, outRefundNo: refund._id, totalFee: refund.totalFee, refundFee: refund.refundFee, reason: refund.reason });
      // An earlier attempt's error no longer explains anything once the provider has accepted the refund. (WeChat's
      // own refund id is kept when the refund settles, from queryRefund: one request fewer on every approval.)
      if (refund.lastError) {
        // Bookkeeping only: the refund is accepted whether or not this note is written.
        await noteRefund(ctx.store, refund._id, { lastError: '' }, ctx.now).catch((err: unknown) =>
          log('warn', 'refund.note_failed', { refundId: refund._id, error: errorSummary(err) }),
        );
      }
      return 'PROCESSING';
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err instanceof ProviderOutcomeUnknown && attempt < SUBMIT_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, 150 * attempt));
        continue;
      }
      log('warn', 'refund.submit_failed', { refundId: refund._id, code: err.code, retryable: err.retryable });
      if (err.retryable) {
        await noteRefund(ctx.store, refund._id, { lastError: err.message.slice(0, 200) }, ctx.now);
        return 'PROCESSING';
      }
      const settled = await settleRefund(ctx, refund, 'FAILED', 'system', { note: err.message });
      return settled.refund?.status ?? 'FAILED';
    }
  }
}

// ---- settle (refundNotify, reconcile) ----------------------------------------------------------------------

export type Settlement = 'SUCCEEDED' | 'FAILED' | 'ABNORMAL';

const SETTLE_MOVES: Record<Settlement, Move<RefundStatus>> = {
  SUCCEEDED: REFUND_MOVES.succeed,
  FAILED: REFUND_MOVES.fail,
  ABNORMAL: REFUND_MOVES.abnormal,
};

const TIMELINE_EVENT = { SUCCEEDED: 'refund_succeeded', FAILED: 'refund_failed', ABNORMAL: 'refund_abnormal' } as const;

const ABNORMAL_ADVICE = REFUND_NOTES.abnormal;

/**
 * PROCESSING → SUCCEEDED | FAILED | ABNORMAL (and ABNORMAL → SUCCEEDED | FAILED once the merchant resolved it), once,
 * without a transaction: first the order is booked with one conditional write (repositories/orders.ts
 * bookRefundOutcome), then the refund document is moved with another (conditional on the move's FROM statuses).
 * SUCCEEDED moves `settledFee` (default: the refund's amount) into refundedFee; FAILED releases the amount; ABNORMAL
 * keeps it reserved (WeChat still counts it) but no longer blocks a new request, and its final outcome is booked
 * later, once. The booking write decides who settles: its condition is the refund's token on the order, which it
 * removes, and it moves the money within one document, so refundedFee + refundingFee ≤ totalFee at every moment.
 * If an invocation stops between the two writes, the refund keeps its status with its order already booked: the next
 * notify or reconcile's poll finds the booking done and only moves the refund document (the buyer's message, sent
 * only by the invocation that booked, is then not sent; the merchant's, tied to the anomaly record, is).
 * `won` tells the caller it booked the outcome (and told the buyer); `finished` that it moved the refund document.
 */
export async function settleRefund(
  ctx: RefundContext,
  refund: RefundDoc,
  outcome: Settlement,
  by: TimelineRecord['by'],
  options: { note?: string; settledFee?: number; providerRefundId?: string } = {},
): Promise<{ won: boolean; finished: boolean; refund: RefundDoc | undefined }> {
  const move = SETTLE_MOVES[outcome];
  if (!allows(move, refund.status)) return { won: false, finished: false, refund };
  const settledFee = outcome === 'SUCCEEDED' ? (options.settledFee ?? refund.refundFee) : undefined;
  const fee = settledFee ?? refund.refundFee;
  const entry = timelineEntry(ctx.now, TIMELINE_EVENT[outcome], by, outcome === 'ABNORMAL' ? TIMELINE_NOTES.refundAbnormal(fee) : TIMELINE_NOTES.refundSettled(fee));
  const booking: RefundBooking = outcome === 'SUCCEEDED' ? { outcome, settledFee: fee } : { outcome };
  const booked = await bookRefundOutcome(ctx.store, refund, booking, { abnormal: refund.status === REFUND_MOVES.abnormal.to }, ctx.now, entry);
  if (!booked && outcome === 'ABNORMAL' && !(await holdsAbnormalRefund(ctx.store, refund.orderId, refund._id))) {
    // Its order no longer holds it as ABNORMAL: a final outcome was booked first (a settlement that stopped before
    // moving the refund document); calling the refund ABNORMAL now would contradict the books.
    return { won: false, finished: false, refund: await findRefund(ctx.store, refund._id) };
  }
  const note = options.note ?? (outcome === 'ABNORMAL' ? ABNORMAL_ADVICE : undefined);
  const finished = await finishSettlement(ctx.store, refund._id, move, ctx.now, {
    ...(outcome === 'ABNORMAL' ? {} : { settledAt: ctx.now }),
    ...(settledFee !== undefined && settledFee !== refund.refundFee ? { settledFee } : {}),
    ...(note ? { lastError: note.slice(0, 200) } : {}),
    ...(options.providerRefundId ? { providerRefundId: options.providerRefundId } : {}),
  });
  const settled: RefundDoc = { ...refund, status: move.to, ...(settledFee !== undefined ? { settledFee } : {}) };
  if (booked) log('info', 'refund.settled', { refundId: refund._id, outcome });
  else if (finished) log('info', 'refund.settlement_completed', { refundId: refund._id, outcome });
  // Refunds keep their order's title; older ones without it cost one read.
  const title = async () => refund.title ?? (await findOrder(ctx.store, refund.orderId))?.title;
  if (outcome === 'ABNORMAL') {
    // Whoever moved the refund document (the booker, or whoever completed its stopped settlement) records the
    // anomaly; the anomaly's fixed id makes its merchant message one.
    if (finished && (await recordAnomaly(ctx.store, { _id: `REFUND_ABNORMAL:${refund._id}`, kind: 'REFUND_ABNORMAL', orderId: refund.orderId, refundId: refund._id, detail: ABNORMAL_ADVICE, createdAt: ctx.now }))) {
      await tellMerchants(ctx, settled, 'ABNORMAL', '退款异常请到商户平台处理', await title());
    }
  } else if (booked) {
    await tellBuyer(ctx, { ...settled, refundFee: fee }, outcome, await title());
  }
  return { won: booked, finished, refund: booked || finished ? settled : await findRefund(ctx.store, refund._id) };
}

/** Ask the provider about a PROCESSING or ABNORMAL refund and settle it if it is done. Resubmits one the provider never got. */
export async function reconcileRefund(
  ctx: RefundContext,
  payments: Payments,
  refundId: string,
  by: TimelineRecord['by'],
  options: { resubmitMissing: boolean },
): Promise<RefundStatus | 'UNCHANGED'> {
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) return 'UNCHANGED';
  if (!POLLED.includes(refund.status)) return refund.status;
  const status = await payments.of(refund).queryRefund(refundId);
  if ((status.state === 'SUCCEEDED' || status.state === 'FAILED' || status.state === 'ABNORMAL') && status.state !== refund.status) {
    const mismatch = status.state === 'SUCCEEDED' && status.refundFee !== undefined && status.refundFee !== refund.refundFee;
    const settled = await settleRefund(ctx, refund, status.state, by, {
      ...(status.state === 'FAILED' ? { note: REFUND_NOTES.closedByProvider } : {}),
      ...(mismatch ? { settledFee: status.refundFee, note: `微信支付实际退款 ${formatYuan(status.refundFee ?? 0)}，申请的是 ${formatYuan(refund.refundFee)}：请在商户平台核对` } : {}),
      ...(status.providerRefundId ? { providerRefundId: status.providerRefundId } : {}),
    });
    // reportMismatch records the anomaly under a fixed id and tells the merchants only if it recorded it.
    if (mismatch && (settled.won || settled.finished)) await reportMismatch(ctx, refund, status.refundFee ?? 0);
    return settled.refund?.status ?? 'UNCHANGED';
  }
  if (status.state === 'NOT_FOUND' && options.resubmitMissing && refund.status === REFUND_MOVES.approve.to) {
    log('info', 'refund.resubmit', { refundId });
    return submitRefund(ctx, payments, refund);
  }
  // Polled and unchanged: move it to the back of reconcile's queue, so refunds that stay open for long (an abnormal
  // one waiting for the merchant) never keep the others from being polled.
  if (options.resubmitMissing) await touchRefund(ctx.store, refundId, refund.status, ctx.now);
  return 'UNCHANGED';
}

const POLLED: readonly RefundStatus[] = ['PROCESSING', 'ABNORMAL'];

/** The provider refunded another amount than we asked: the books follow the provider, and the merchant is told. */
async function reportMismatch(ctx: RefundContext, refund: RefundDoc, settledFee: number): Promise<void> {
  const detail = `微信支付实际退款 ${formatYuan(settledFee)}，申请的是 ${formatYuan(refund.refundFee)}`;
  log('warn', 'refund.anomaly', { refundId: refund._id, kind: 'REFUND_MISMATCH' });
  if (await recordAnomaly(ctx.store, { _id: `REFUND_MISMATCH:${refund._id}`, kind: 'REFUND_MISMATCH', orderId: refund.orderId, refundId: refund._id, detail, createdAt: ctx.now })) {
    await appendTimeline(ctx.store, refund.orderId, timelineEntry(ctx.now, 'anomaly', 'system', `REFUND_MISMATCH: ${detail}`));
    await tellMerchants(ctx, { ...refund, refundFee: settledFee }, 'MISMATCH', '退款金额不一致请核对');
  }
}

// ---- a payment that arrived after the order was closed ----------------------------------------------------

/** The refund number of a late payment's refund: fixed, so every notify and retry asks WeChat for the same refund. */
export const lateRefundId = (orderId: string) => outRefundNo(orderId, 1);
const LATE_REASON = '订单关闭后才收到付款，自动退款';

/**
 * The buyer paid an order we had closed (WeChat took the money): refund it in full, once, with a fixed number
 * (`<orderId>R1`: a closed order never had a buyer's refund), and tell the merchants. Safe to call on every
 * duplicate notify: only the invocation that creates the refund submits it and sends messages; reconcile
 * resubmits it like any PROCESSING refund if the call's outcome stayed unknown.
 */
export async function refundLatePayment(ctx: RefundContext, payments: Payments, orderId: string, paid: { totalFee: number; transactionId?: string }): Promise<RefundDoc | undefined> {
  const refundId = lateRefundId(orderId);
  const created = await inTransaction(ctx.store, async (tx) => {
    const order = await findOrderInTx(tx, orderId);
    if (!order || order.status !== 'CLOSED') return undefined;
    if (await findRefundInTx(tx, refundId)) return undefined;
    const refund: RefundDoc = {
      _id: refundId,
      orderId,
      _openid: order._openid,
      status: REFUND_START.automatic,
      refundFee: paid.totalFee,
      totalFee: paid.totalFee,
      title: order.title,
      reason: LATE_REASON,
      automatic: true,
      decidedBy: 'system',
      submittedAt: ctx.now,
      ...(order.payChannel ? { payChannel: order.payChannel } : {}),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await tx.collection(COLLECTIONS.refunds).add({ data: { ...refund } });
    await tx.collection(COLLECTIONS.orders).doc(orderId).update({
      data: {
        refundingFee: order.refundingFee + paid.totalFee,
        refundCount: Math.max(order.refundCount, 1),
        openRefundId: refundId,
        refunding: true,
        ...(paid.transactionId ? { transactionId: paid.transactionId } : {}),
        updatedAt: ctx.now,
        timeline: pushTimeline(ctx.store, timelineEntry(ctx.now, 'refund_automatic', 'system', `${formatYuan(paid.totalFee)}：${LATE_REASON}`)),
      },
    });
    return { refund, title: order.title };
  });
  if (!created) return undefined;
  log('warn', 'refund.late_payment', { orderId, refundId });
  await tellMerchants(ctx, created.refund, 'AUTO', '关单后付款已自动退款', created.title);
  await submitRefund(ctx, payments, created.refund);
  return created.refund;
}

/** Merchants hear about refunds that need their eyes on the refund-request template (the one they subscribe to). */
async function tellMerchants(ctx: RefundContext, refund: RefundDoc, stage: string, what: string, title?: string): Promise<void> {
  try {
    await notify(ctx.store, ctx.settings, {
      purpose: 'refundRequested',
      subject: refund._id,
      stage,
      recipients: ctx.settings.merchantOpenids,
      facts: { orderId: refund.orderId, refundId: refund._id, title, refundFee: refund.refundFee, reason: what, requestedAt: ctx.now },
    }, ctx.now);
  } catch (err) {
    log('error', 'refund.notify_failed', { refundId: refund._id, error: errorSummary(err) });
  }
}

async function tellBuyer(ctx: RefundContext, refund: RefundDoc, stage: keyof typeof REFUND_RESULT_PHRASE, title?: string, note?: string): Promise<void> {
  try {
    await notify(ctx.store, ctx.settings, {
      purpose: 'refundResult',
      subject: refund._id,
      stage,
      recipients: [refund._openid],
      facts: { orderId: refund.orderId, refundId: refund._id, title, refundFee: refund.refundFee, result: REFUND_RESULT_PHRASE[stage], note: note ?? REFUND_RESULT_PHRASE[stage], decidedAt: ctx.now },
    }, ctx.now);
  } catch (err) {
    log('error', 'refund.notify_failed', { refundId: refund._id, error: errorSummary(err) });
  }
}
