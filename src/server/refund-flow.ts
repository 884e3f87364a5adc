// Refunds from request to settlement. A request reserves its amount in the order's refundingFee with one conditional
// write, then writes the refund (requestRefund); a rejection or withdrawal releases it in a transaction that writes
// the refund and its order together; settlement moves it to
// refundedFee (or back, or keeps it reserved for an ABNORMAL refund) with one conditional write of the order, then
// finishes the refund (settleRefund). The provider is called only outside transactions (claim → call → finish),
// always with the refund's own outRefundNo so a retry can never refund twice.
import type { RefundStatus } from '../../typings/api';
import type { OrderDoc, OwedMessage, RefundDoc, RefundRequestRecord, TimelineRecord } from '../domain/documents';
import { conflict, notFound } from '../domain/errors';
import { orderIdOfRefund, outRefundNo } from '../domain/ids';
import { formatYuan } from '../domain/money';
import { decideAfterSale, DUE_TEXT, type AfterSaleRequest } from '../domain/aftersale';
import { abnormalStillReserved, decideRefundRequest, REFUND_NOTES, refundableFee, settleLedger } from '../domain/refund-rules';
import type { Settings } from '../domain/settings';
import { allows, REFUND_MOVES, REFUND_START, type Move } from '../domain/states';
import { REFUND_RESULT_PHRASE } from '../domain/subscribe-message';
import { TIMELINE_NOTES, timelineEntry } from '../domain/timeline';
import { ProviderError, ProviderOutcomeUnknown } from '../providers/payment-provider';
import { errorSummary, log } from './logger';
import { deliver, notify, owedMessage } from './notifier';
import type { Payments } from './provider';
import {
  adoptAbnormalRefund,
  appendTimeline,
  bookRefundOutcome,
  findOrder,
  findOrderInTx,
  holdsAbnormalRefund,
  markRequestRecorded,
  pushTimeline,
  reserveRefund,
  type RefundBooking,
} from './repositories/orders';
import { owing, owingFromStart } from './repositories/owed';
import { claimProcessing, finishSettlement, findRefund, findRefundInTx, insertRefund, noteRefund, refundsOfOrder, touchRefund } from './repositories/refunds';
import { recordAnomaly } from './repositories/records';
import { restockReturned } from './stock';
import { COLLECTIONS, inTransaction, type Store } from './store';

/** Who decided when the shop acted by itself (reconcile's after-sale timers): kept in decidedBy. */
export const SYSTEM = 'system';

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
 * on: repositories/orders.ts reserveRefund), then the refund document under its deterministic id `<orderId>R<n>`,
 * owing the merchants' message from its first write.
 * A refund document therefore never exists without its amount reserved: what approval, withdrawal, rejection and
 * reconcile act on is always backed. Stopping between the two writes leaves a reservation without a document (money
 * held, never over the total; the order's openRefundId blocks a second request) and the order marked
 * `refundRequest.recorded: false`; whoever next reads or acts on the order (`orders get`, the next request, `ship`,
 * withdraw, approve), or reconcile, makes the document from the order's `refundRequest` (recordRequestedRefund), once.
 */
export async function requestRefund(
  ctx: RefundContext,
  buyer: string,
  orderId: string,
  reason: string,
  refundFee?: number,
  afterSale?: Omit<AfterSaleRequest, 'reason' | 'refundFee'>,
): Promise<RefundDoc> {
  for (let attempt = 1; ; attempt++) {
    const order = await findOrder(ctx.store, orderId);
    if (!order) throw notFound(`order ${orderId} not found`);
    // A request that stopped half-way is finished before deciding: the answer is then the usual "still open".
    if (order._openid === buyer && unrecordedRequest(order)) await recordRequestedRefund(ctx, order);
    const decision = decideRefundRequest(order, { caller: buyer, refundFee, now: ctx.now, refundWindowDays: ctx.settings.refundWindowDays });
    // The lines other refunds took are read after the order: a refund made since changes refundCount, which the
    // reservation's condition then refuses, so a stale read can only offer less, never more.
    const lines = afterSale ? decideAfterSale(order, order.refundCount > 0 ? await refundsOfOrder(ctx.store, orderId) : [], refundableFee(order), { ...afterSale, reason, refundFee }) : undefined;
    const fee = lines ? lines.refundFee : decision.refundFee;
    const request: RefundRequestRecord = { refundId: decision.refundId, refundFee: fee, reason, requestedAt: ctx.now, ...(lines ? { afterSale: lines.facts } : {}) };
    const entry = { ...timelineEntry(ctx.now, 'refund_requested', 'buyer', TIMELINE_NOTES.refundRequested(fee, reason)), refundId: decision.refundId };
    if (await reserveRefund(ctx.store, order, request, entry)) {
      const refund = requestedRefundDoc(order, request);
      await recordRefundDocument(ctx, order, refund);
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
    ...(request.afterSale ?? {}),
    ...(order.payChannel ? { payChannel: order.payChannel } : {}),
    createdAt: request.requestedAt,
    updatedAt: request.requestedAt,
    statusAt: request.requestedAt,
  };
}

/** The order's open refund was reserved by a request whose document may not exist yet. */
function unrecordedRequest(order: OrderDoc): RefundRequestRecord | undefined {
  const request = order.refundRequest;
  return request && request.recorded !== true && order.openRefundId === request.refundId ? request : undefined;
}

/**
 * Writes the reserved request's document (owing the merchants' message), then at once tells the merchants (if this
 * call made it) and takes the order off reconcile's list of stopped requests. The made document, or undefined when
 * it existed already.
 */
async function recordRefundDocument(ctx: RefundContext, order: OrderDoc, refund: RefundDoc): Promise<RefundDoc | undefined> {
  // A return asks more of the merchant (an address, a parcel to check): the message says so first.
  const what = refund.type === 'RETURN_AND_REFUND' ? `退货：${refund.reason}` : refund.reason;
  const owed = merchantMessage(ctx, refund, 'REQUESTED', what, order.title, refund.createdAt);
  const made = await insertRefund(ctx.store, refund, [owed]);
  const recorded = markRequestRecorded(ctx.store, order._id, refund._id).catch((err: unknown) =>
    // Left marked, the order is looked at again by reconcile, which finds the document and clears the mark.
    log('warn', 'refund.mark_recorded_failed', { refundId: refund._id, error: errorSummary(err) }),
  );
  await Promise.all([recorded, made ? deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refund._id }, owed) : undefined]);
  return made ? refund : undefined;
}

/**
 * Makes the refund document of the order's last request if it does not exist (its request stopped after the
 * reservation). Only for a reserved request, and under its own id, so a document made here is always backed and
 * made once; whoever inserts it tells the merchants. A request no longer open had its document (none closes
 * without one): only its mark is cleared. The document when this call made it.
 */
export async function recordRequestedRefund(ctx: RefundContext, order: OrderDoc): Promise<RefundDoc | undefined> {
  const request = order.refundRequest;
  if (!request || request.recorded === true) return undefined;
  if (!unrecordedRequest(order)) {
    await markRequestRecorded(ctx.store, order._id, request.refundId);
    return undefined;
  }
  const made = await recordRefundDocument(ctx, order, requestedRefundDoc(order, request));
  if (made) log('warn', 'refund.request_recorded_late', { refundId: made._id, orderId: order._id });
  return made;
}

/**
 * Someone names a refund that has no document: if it is its order's open request that stopped after reserving, the
 * document is made now (for a buyer, only on their own order). True when the refund exists now.
 */
async function recordIfStopped(ctx: RefundContext, refundId: string, buyer?: string): Promise<boolean> {
  const orderId = orderIdOfRefund(refundId);
  const order = orderId ? await findOrder(ctx.store, orderId) : undefined;
  if (!order || (buyer !== undefined && order._openid !== buyer) || unrecordedRequest(order)?.refundId !== refundId) return false;
  await recordRequestedRefund(ctx, order);
  return true;
}

/** What a finished request's order looks like to someone reading it: its stopped request recorded first. */
export async function withRecordedRequest(ctx: RefundContext, order: OrderDoc, refunds: RefundDoc[]): Promise<RefundDoc[]> {
  const request = unrecordedRequest(order);
  if (!request || refunds.some((r) => r._id === request.refundId)) return refunds;
  const made = await recordRequestedRefund(ctx, order);
  // Made by someone else meanwhile: read them again.
  return made ? [made, ...refunds] : refundsOfOrder(ctx.store, order._id);
}

/** The merchants' message about a refund (its request, or one that needs their eyes), owed from now. */
export function merchantMessage(ctx: RefundContext, refund: RefundDoc, stage: string, what: string, title: string | undefined, requestedAt: Date): OwedMessage {
  return owedMessage(
    {
      purpose: 'refundRequested',
      subject: refund._id,
      stage,
      recipients: ctx.settings.merchantOpenids,
      facts: { orderId: refund.orderId, refundId: refund._id, title, refundFee: refund.refundFee, reason: what, requestedAt },
    },
    ctx.now,
  );
}

// ---- close without money moving (merchant rejects, buyer withdraws) -----------------------------------------

/**
 * The ways a refund closes without money moving, each releasing the order's refundingFee: the merchant rejects a
 * request or refuses the returned goods, the buyer withdraws (before the merchant decided, or before sending the goods
 * back), or the buyer did not send a return back in time (reconcile). `buyerStage`: the buyer's message it owes.
 */
const CLOSINGS = {
  REJECTED: { move: REFUND_MOVES.reject, event: 'refund_rejected', buyerStage: 'REJECTED' },
  CANCELLED: { move: REFUND_MOVES.withdraw, event: 'refund_withdrawn', buyerStage: undefined },
  RETURN_REFUSED: { move: REFUND_MOVES.refuseReturn, event: 'return_refused', buyerStage: 'RETURN_REFUSED' },
  RETURN_CLOSED: { move: REFUND_MOVES.closeReturn, event: 'return_closed', buyerStage: 'RETURN_CLOSED' },
} as const satisfies Record<string, { move: Move<RefundStatus>; event: TimelineRecord['event']; buyerStage: keyof typeof REFUND_RESULT_PHRASE | undefined }>;
export type Closing = keyof typeof CLOSINGS;
type Closer = { openid: string; role: 'merchant' | 'buyer' | 'system' };

/**
 * A refund's close (CLOSINGS), releasing the order's refundingFee, in one transaction that writes both; the refund's
 * write makes the buyer's message owed. A refund whose request stopped before its document is recorded first.
 */
export async function closeRequestedRefund(
  ctx: RefundContext,
  refundId: string,
  to: Closing,
  actor: Closer,
  rejectReason?: string,
): Promise<{ refund: RefundDoc; order: OrderDoc | undefined; changed: boolean }> {
  let result = await closeInTransaction(ctx, refundId, to, actor, rejectReason);
  if (result === 'MISSING' && (await recordIfStopped(ctx, refundId, actor.role === 'buyer' ? actor.openid : undefined))) {
    result = await closeInTransaction(ctx, refundId, to, actor, rejectReason);
  }
  if (result === 'MISSING') throw notFound(`refund ${refundId} not found`);
  if (result.owed) await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refundId }, result.owed);
  return result;
}

async function closeInTransaction(
  ctx: RefundContext,
  refundId: string,
  to: Closing,
  actor: Closer,
  rejectReason?: string,
): Promise<'MISSING' | { refund: RefundDoc; order: OrderDoc | undefined; changed: boolean; owed?: OwedMessage }> {
  const { move, event, buyerStage } = CLOSINGS[to];
  return inTransaction(ctx.store, async (tx) => {
    const refund = await findRefundInTx(tx, refundId);
    if (!refund || (actor.role === 'buyer' && refund._openid !== actor.openid)) return 'MISSING' as const;
    if (refund.status === move.to) return { refund, order: undefined, changed: false };
    if (!allows(move, refund.status)) throw conflict(`refund ${refundId} is ${refund.status}: only a ${move.from.join(' or ')} refund can be ${move.to.toLowerCase()}`);
    const order = await findOrderInTx(tx, refund.orderId);
    if (!order) throw notFound(`order ${refund.orderId} not found`);
    const ledger = settleLedger(order, refund, 'RELEASED');
    const closed: RefundDoc = { ...refund, status: move.to, ...(rejectReason ? { rejectReason } : {}) };
    const owed = buyerStage ? buyerMessage(ctx, closed, buyerStage, refund.title ?? order.title, rejectReason) : undefined;
    await tx.collection(COLLECTIONS.refunds).doc(refundId).update({
      data: { status: move.to, updatedAt: ctx.now, statusAt: ctx.now, decidedBy: actor.openid, ...(rejectReason ? { rejectReason } : {}), ...owing(ctx.store, owed ? [owed] : []) },
    });
    const entry = { ...timelineEntry(ctx.now, event, actor.role, rejectReason), refundId };
    await tx.collection(COLLECTIONS.orders).doc(order._id).update({
      data: { refundingFee: ledger.refundingFee, openRefundId: null, refunding: false, updatedAt: ctx.now, timeline: pushTimeline(ctx.store, entry) },
    });
    return { refund: closed, order, changed: true, ...(owed ? { owed } : {}) };
  });
}

// ---- approve (merchant): claim, call, finish ---------------------------------------------------------------

/**
 * The claims that send a refund to WeChat Pay: the merchant approves a refund-only request, or confirms a returned
 * parcel; reconcile does either when the merchant stayed silent past the after-sale timer (`merchant` = SYSTEM).
 */
const CLAIMS = {
  approve: { move: REFUND_MOVES.approve, event: 'refund_approved', automaticEvent: 'refund_auto_approved', due: 'APPROVE' },
  confirmReturn: { move: REFUND_MOVES.confirmReturn, event: 'return_received', automaticEvent: 'return_received', due: 'REFUND_RETURN' },
} as const;

export async function approveRefund(
  ctx: RefundContext,
  payments: Payments,
  refundId: string,
  merchant: string,
  claim: keyof typeof CLAIMS = 'approve',
  /** The refund as the caller has just read it (approveRefund reads it to tell a return from a refund): not read twice. */
  read?: RefundDoc,
): Promise<RefundStatus> {
  const { move, event, automaticEvent, due } = CLAIMS[claim];
  const verb = claim === 'approve' ? 'approved' : 'confirmed';
  const refund = read ?? (await findRefund(ctx.store, refundId)) ?? ((await recordIfStopped(ctx, refundId)) ? await findRefund(ctx.store, refundId) : undefined);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  if (approvedAlready(refund.status)) return refund.status;
  if (claim === 'approve' && refund.type === 'RETURN_AND_REFUND') throw conflict(`refund ${refundId} is a return: agree to it first, then confirm the parcel`);
  if (!allows(move, refund.status)) throw conflict(`refund ${refundId} is ${refund.status}: it can no longer be ${verb}`);
  if (!(await claimProcessing(ctx.store, refundId, merchant, ctx.now, move))) {
    const now = await findRefund(ctx.store, refundId);
    if (now && approvedAlready(now.status)) return now.status; // a concurrent approval won
    throw conflict(`refund ${refundId} is ${now?.status ?? 'gone'}: it can no longer be ${verb}`);
  }
  const automatic = merchant === SYSTEM;
  log('info', automatic ? 'refund.auto_approved' : 'refund.approved', { refundId, claim });
  // The parcel is back: its goods go back on the shelf when the merchant wants it so (once: this call won the claim,
  // and restockReturned keeps the return's id). A failure never holds up the refund; the stock stays sold.
  if (claim === 'confirmReturn' && ctx.settings.stock.restockOnReturn) {
    await restockReturned(ctx.store, { orderId: refund.orderId, returnId: refundId, ...(refund.items?.length ? { items: refund.items } : {}) }).catch((err: unknown) =>
      log('warn', 'stock.restock_failed', { refundId, error: errorSummary(err) }),
    );
  }
  await appendTimeline(ctx.store, refund.orderId, { ...timelineEntry(ctx.now, automatic ? automaticEvent : event, automatic ? 'system' : 'merchant', automatic ? DUE_TEXT[due] : undefined), refundId });
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
 * notify or reconcile's poll finds the booking done and only moves the refund document.
 * The message of the outcome (the buyer's result; the merchants' for ABNORMAL) is owed by the refund document's move,
 * so whoever moves it sends it, once, however the two writes were split between invocations.
 * `won` tells the caller it booked the outcome; `finished` that it moved the refund document.
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
  const entry = { ...timelineEntry(ctx.now, TIMELINE_EVENT[outcome], by, outcome === 'ABNORMAL' ? TIMELINE_NOTES.refundAbnormal(fee) : TIMELINE_NOTES.refundSettled(fee)), refundId: refund._id };
  const booking: RefundBooking = outcome === 'SUCCEEDED' ? { outcome, settledFee: fee } : { outcome };
  const fromAbnormal = { abnormal: refund.status === REFUND_MOVES.abnormal.to };
  let booked = await bookRefundOutcome(ctx.store, refund, booking, fromAbnormal, ctx.now, entry);
  if (!booked && outcome === 'ABNORMAL' && !(await holdsAbnormalRefund(ctx.store, refund.orderId, refund._id))) {
    // Its order no longer holds it as ABNORMAL: a final outcome was booked first (a settlement that stopped before
    // moving the refund document); calling the refund ABNORMAL now would contradict the books.
    return { won: false, finished: false, refund: await findRefund(ctx.store, refund._id) };
  }
  if (!booked && fromAbnormal.abnormal) {
    // No token to take: booked already (a settlement stopped before moving the document), or made ABNORMAL before
    // orders kept abnormalRefundIds, its money still reserved and never to be booked unless it gets its token now.
    const legacy = await adoptLegacyAbnormal(ctx, refund);
    if (legacy === 'UNDECIDED') return { won: false, finished: false, refund };
    if (legacy === 'ADOPTED') booked = await bookRefundOutcome(ctx.store, refund, booking, fromAbnormal, ctx.now, entry);
  }
  const note = options.note ?? (outcome === 'ABNORMAL' ? ABNORMAL_ADVICE : undefined);
  const settled: RefundDoc = { ...refund, status: move.to, ...(settledFee !== undefined ? { settledFee } : {}) };
  // Refunds keep their order's title; older ones without it cost one read.
  const title = refund.title ?? (await findOrder(ctx.store, refund.orderId))?.title;
  const owed =
    outcome === 'ABNORMAL'
      ? merchantMessage(ctx, refund, 'ABNORMAL', '退款异常请到商户平台处理', title, ctx.now)
      : buyerMessage(ctx, { ...settled, refundFee: fee }, outcome, title);
  const finished = await finishSettlement(
    ctx.store,
    refund._id,
    move,
    ctx.now,
    {
      ...(outcome === 'ABNORMAL' ? {} : { settledAt: ctx.now }),
      ...(settledFee !== undefined && settledFee !== refund.refundFee ? { settledFee } : {}),
      ...(note ? { lastError: note.slice(0, 200) } : {}),
      ...(options.providerRefundId ? { providerRefundId: options.providerRefundId } : {}),
    },
    [owed],
  );
  if (booked) log('info', 'refund.settled', { refundId: refund._id, outcome });
  else if (finished) log('info', 'refund.settlement_completed', { refundId: refund._id, outcome });
  if (finished) {
    if (outcome === 'ABNORMAL') {
      // Shown to the merchant beside the order (the anomaly's fixed id keeps it one).
      await recordAnomaly(ctx.store, { _id: `REFUND_ABNORMAL:${refund._id}`, kind: 'REFUND_ABNORMAL', orderId: refund.orderId, refundId: refund._id, detail: ABNORMAL_ADVICE, createdAt: ctx.now });
    }
    await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refund._id }, owed);
  }
  return { won: booked, finished, refund: booked || finished ? settled : await findRefund(ctx.store, refund._id) };
}

/**
 * An ABNORMAL refund whose order holds no token for it: is its amount still reserved (ADOPTED: it now has its token,
 * book it), or was its final outcome booked already (BOOKED: only its document is left to move)? Decided from the
 * order's ledger against its refunds (domain/refund-rules.ts abnormalStillReserved); UNDECIDED leaves it for later.
 */
async function adoptLegacyAbnormal(ctx: RefundContext, refund: RefundDoc): Promise<'ADOPTED' | 'BOOKED' | 'UNDECIDED'> {
  const order = await findOrder(ctx.store, refund.orderId);
  if (!order) return 'UNDECIDED';
  if (order.abnormalRefundIds?.includes(refund._id)) return 'ADOPTED'; // adopted meanwhile by another settlement
  const reserved = abnormalStillReserved(order, await refundsOfOrder(ctx.store, order._id), refund);
  if (reserved === false) return 'BOOKED';
  if (reserved === true && (await adoptAbnormalRefund(ctx.store, order, refund._id, ctx.now))) {
    log('warn', 'refund.abnormal_adopted', { refundId: refund._id, orderId: order._id });
    return 'ADOPTED';
  }
  if (reserved === undefined) log('warn', 'refund.ledger_unexplained', { refundId: refund._id, orderId: order._id });
  return 'UNDECIDED';
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
 * (`<orderId>R1`: a closed order never had a buyer's refund), and tell the merchants (owed by the refund's insert).
 * Safe to call on every duplicate notify: only the invocation that creates the refund submits it and sends it; reconcile
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
    const owed = merchantMessage(ctx, refund, 'AUTO', '关单后付款已自动退款', order.title, ctx.now);
    await tx.collection(COLLECTIONS.refunds).add({ data: { ...refund, ...owingFromStart([owed]) } });
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
    return { refund, owed };
  });
  if (!created) return undefined;
  log('warn', 'refund.late_payment', { orderId, refundId });
  await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refundId }, created.owed);
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

/** The buyer's message about their refund's outcome (a rejection, a result), owed from now. */
export function buyerMessage(ctx: RefundContext, refund: RefundDoc, stage: keyof typeof REFUND_RESULT_PHRASE, title?: string, note?: string): OwedMessage {
  return owedMessage(
    {
      purpose: 'refundResult',
      subject: refund._id,
      stage,
      recipients: [refund._openid],
      facts: { orderId: refund.orderId, refundId: refund._id, title, refundFee: refund.refundFee, result: REFUND_RESULT_PHRASE[stage], note: note ?? REFUND_RESULT_PHRASE[stage], decidedAt: ctx.now },
    },
    ctx.now,
  );
}
