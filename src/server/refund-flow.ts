// Refunds from request to settlement. A request reserves its amount in the order's refundingFee in a transaction
// that writes the refund and its order together; settlement moves it to refundedFee (or back) with one conditional
// write of the order, then finishes the refund (settleRefund). The provider is called only outside transactions
// (claim → call → finish), always with the refund's own outRefundNo so a retry can never refund twice.
import type { RefundStatus } from '../../typings/api';
import type { OrderDoc, RefundDoc, TimelineRecord } from '../domain/documents';
import { conflict, notFound } from '../domain/errors';
import { decideRefundRequest, settleLedger } from '../domain/refund-rules';
import type { Settings } from '../domain/settings';
import { REFUND_RESULT_PHRASE } from '../domain/subscribe-message';
import { timelineEntry } from '../domain/timeline';
import { ProviderError, ProviderOutcomeUnknown, type PaymentProvider } from '../providers/payment-provider';
import { errorSummary, log } from './logger';
import { notify } from './notifier';
import { appendTimeline, bookRefundOutcome, findOrder, findOrderInTx, pushTimeline } from './repositories/orders';
import { claimProcessing, findRefund, findRefundInTx, finishProcessing, noteRefund } from './repositories/refunds';
import { recordAnomaly } from './repositories/records';
import { COLLECTIONS, inTransaction, type Store } from './store';

export interface RefundContext {
  store: Store;
  settings: Settings;
  now: Date;
}

// ---- request (buyer) ---------------------------------------------------------------------------------------

/** One transaction: the refund is created and the order's refundingFee grows, or neither happens. */
export async function requestRefund(ctx: RefundContext, buyer: string, orderId: string, reason: string, refundFee?: number): Promise<RefundDoc> {
  const { refund, order } = await inTransaction(ctx.store, async (tx) => {
    const order = await findOrderInTx(tx, orderId);
    if (!order) throw notFound(`order ${orderId} not found`);
    const decision = decideRefundRequest(order, { caller: buyer, refundFee, now: ctx.now, refundWindowDays: ctx.settings.refundWindowDays });
    const refund: RefundDoc = {
      _id: decision.refundId,
      orderId,
      _openid: order._openid,
      status: 'REQUESTED',
      refundFee: decision.refundFee,
      totalFee: order.totalFee,
      title: order.title,
      reason,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await tx.collection(COLLECTIONS.refunds).add({ data: { ...refund } });
    await tx.collection(COLLECTIONS.orders).doc(orderId).update({
      data: {
        refundingFee: order.refundingFee + decision.refundFee,
        refundCount: order.refundCount + 1,
        openRefundId: decision.refundId,
        refunding: true,
        updatedAt: ctx.now,
        timeline: pushTimeline(ctx.store, timelineEntry(ctx.now, 'refund_requested', 'buyer', `${decision.refundFee} fen: ${reason}`)),
      },
    });
    return { refund, order };
  });
  log('info', 'refund.requested', { refundId: refund._id, orderId });
  await notify(ctx.store, ctx.settings, {
    purpose: 'refundRequested',
    subject: refund._id,
    stage: 'REQUESTED',
    recipients: ctx.settings.merchantOpenids,
    facts: { orderId, refundId: refund._id, title: order.title, refundFee: refund.refundFee, reason, requestedAt: ctx.now },
  }, ctx.now);
  return refund;
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
    if (refund.status === to) return { refund, order: undefined, changed: false };
    if (refund.status !== 'REQUESTED') throw conflict(`refund ${refundId} is ${refund.status}: only a REQUESTED refund can be ${to.toLowerCase()}`);
    const order = await findOrderInTx(tx, refund.orderId);
    if (!order) throw notFound(`order ${refund.orderId} not found`);
    const ledger = settleLedger(order, refund, 'RELEASED');
    const event = to === 'REJECTED' ? 'refund_rejected' : 'refund_withdrawn';
    await tx.collection(COLLECTIONS.refunds).doc(refundId).update({
      data: { status: to, updatedAt: ctx.now, decidedBy: actor.openid, ...(rejectReason ? { rejectReason } : {}) },
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

export async function approveRefund(ctx: RefundContext, provider: PaymentProvider, refundId: string, merchant: string): Promise<RefundStatus> {
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  if (refund.status === 'PROCESSING' || refund.status === 'SUCCEEDED') return refund.status; // approved already
  if (refund.status !== 'REQUESTED') throw conflict(`refund ${refundId} is ${refund.status}: it can no longer be approved`);
  if (!(await claimProcessing(ctx.store, refundId, merchant, ctx.now))) {
    const now = await findRefund(ctx.store, refundId);
    if (now && (now.status === 'PROCESSING' || now.status === 'SUCCEEDED')) return now.status; // a concurrent approval won
    throw conflict(`refund ${refundId} is ${now?.status ?? 'gone'}: it can no longer be approved`);
  }
  log('info', 'refund.approved', { refundId });
  await appendTimeline(ctx.store, refund.orderId, timelineEntry(ctx.now, 'refund_approved', 'merchant'));
  const status = await submitRefund(ctx, provider, { ...refund, status: 'PROCESSING' });
  // A definite refusal already told the buyer it failed; otherwise the refund is on its way.
  if (status === 'PROCESSING' || status === 'SUCCEEDED') await tellBuyer(ctx, refund, 'PROCESSING');
  return status;
}

const SUBMIT_ATTEMPTS = 3;

/**
 * Sends a PROCESSING refund to the provider. Safe to call again for the same refund (approval, reconcile): the
 * provider refunds one outRefundNo once. An unknown outcome is retried with the same number, then left PROCESSING
 * for refundNotify or reconcile; only a definite refusal fails the refund and releases its money.
 */
export async function submitRefund(ctx: RefundContext, provider: PaymentProvider, refund: RefundDoc): Promise<RefundStatus> {
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

/**
 * PROCESSING → SUCCEEDED | FAILED, once, without a transaction: book the order with one conditional write
 * (repositories/orders.ts bookRefundOutcome), then finish the refund document with another (conditional on
 * PROCESSING); with the caller's read and the message, four requests instead of a transaction's eight. The order
 * write decides, exactly once, who settles: it is conditional on openRefundId naming this refund, and it moves the
 * money between refundingFee and refundedFee within one document, so refundedFee + refundingFee ≤ totalFee holds at
 * every moment. If an invocation stops between the two writes, the refund stays PROCESSING with its order already
 * booked: the next notify or reconcile's poll finds the booking done and only finishes the refund document (its
 * buyer message is then not sent). `won` tells the caller it made the transition (and told the buyer).
 */
export async function settleRefund(
  ctx: RefundContext,
  refund: RefundDoc,
  outcome: 'SUCCEEDED' | 'FAILED',
  by: TimelineRecord['by'],
  extra: { note?: string; providerRefundId?: string } = {},
): Promise<{ won: boolean; refund: RefundDoc | undefined }> {
  const event = outcome === 'SUCCEEDED' ? 'refund_succeeded' : 'refund_failed';
  const booked = await bookRefundOutcome(ctx.store, refund, outcome === 'SUCCEEDED', ctx.now, timelineEntry(ctx.now, event, by, `${refund.refundFee} fen`));
  const finished = await finishProcessing(ctx.store, refund._id, outcome, ctx.now, extra);
  if (!booked) {
    // Booked before: by a concurrent settlement, or by one that stopped before finishing the refund document.
    if (finished) log('info', 'refund.settlement_completed', { refundId: refund._id, outcome });
    return { won: false, refund: finished ? { ...refund, status: outcome } : await findRefund(ctx.store, refund._id) };
  }
  log('info', 'refund.settled', { refundId: refund._id, outcome });
  const settled = { ...refund, status: outcome };
  // Refunds keep their order's title; older ones without it cost one read.
  const title = refund.title ?? (await findOrder(ctx.store, refund.orderId))?.title;
  await tellBuyer(ctx, settled, outcome, title);
  return { won: true, refund: settled };
}

/** Ask the provider about a PROCESSING refund and settle it if it is done. Resubmits one the provider never got. */
export async function reconcileRefund(
  ctx: RefundContext,
  provider: PaymentProvider,
  refundId: string,
  by: TimelineRecord['by'],
  options: { resubmitMissing: boolean },
): Promise<RefundStatus | 'UNCHANGED'> {
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) return 'UNCHANGED';
  if (refund.status !== 'PROCESSING') return refund.status;
  const status = await provider.queryRefund(refundId);
  if (status.state === 'SUCCEEDED' || status.state === 'FAILED') {
    if (status.state === 'SUCCEEDED' && status.refundFee !== undefined && status.refundFee !== refund.refundFee) {
      await recordAnomaly(ctx.store, { _id: `REFUND_MISMATCH:${refundId}`, kind: 'REFUND_MISMATCH', orderId: refund.orderId, refundId, detail: `provider refunded ${status.refundFee} fen, we asked ${refund.refundFee}`, createdAt: ctx.now });
      log('warn', 'refund.anomaly', { refundId });
      return 'UNCHANGED';
    }
    const settled = await settleRefund(ctx, refund, status.state, by, {
      ...(status.state === 'FAILED' ? { note: 'the provider closed the refund' } : {}),
      ...(status.providerRefundId ? { providerRefundId: status.providerRefundId } : {}),
    });
    return settled.refund?.status ?? 'UNCHANGED';
  }
  if (status.state === 'NOT_FOUND' && options.resubmitMissing) {
    log('info', 'refund.resubmit', { refundId });
    return submitRefund(ctx, provider, refund);
  }
  return 'UNCHANGED';
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
