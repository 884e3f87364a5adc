// Refunds in the database. A refund's request and release change it and its order together (in one transaction);
// the claim REQUESTED → PROCESSING touches the refund alone; settlement books the order first (orders.ts
// bookRefundOutcome), then finishes the refund here (refund-flow.ts settleRefund).
import type { RefundQueueFilter, RefundStatus } from '../../../typings/api';
import type { OwedMessage, RefundDoc } from '../../domain/documents';
import { FINISHED_REFUND_STATUSES, POLLED_REFUND_STATUSES, REFUND_MOVES, type Move } from '../../domain/states';
import { fromStatus } from './conditions';
import { COLLECTIONS, isDuplicateId, type Store, type TransactionScope } from '../store';
import { asRefund } from './decode';
import { owing, owingFromStart } from './owed';

export async function findRefund(store: Store, refundId: string): Promise<RefundDoc | undefined> {
  const { data } = await store.collection(COLLECTIONS.refunds).where({ _id: refundId }).limit(1).get();
  return data.length ? asRefund(data[0]) : undefined;
}

export async function findRefundInTx(tx: TransactionScope, refundId: string): Promise<RefundDoc | undefined> {
  const { data } = await tx.collection(COLLECTIONS.refunds).doc(refundId).get();
  return data ? asRefund(data) : undefined;
}

export async function refundsOfOrder(store: Store, orderId: string): Promise<RefundDoc[]> {
  const { data } = await store.collection(COLLECTIONS.refunds).where({ orderId }).orderBy('createdAt', 'desc').limit(100).get();
  return data.map(asRefund);
}

/**
 * A requested refund's document, under its deterministic id, owing the merchants' message from its first write.
 * False when it existed already (someone else made it, and owes the message).
 */
export async function insertRefund(store: Store, refund: RefundDoc, owed: readonly OwedMessage[] = []): Promise<boolean> {
  try {
    await store.collection(COLLECTIONS.refunds).add({ data: { ...refund, ...owingFromStart(owed) } });
    return true;
  } catch (err) {
    if (isDuplicateId(err)) return false;
    throw err;
  }
}

/**
 * REQUESTED → PROCESSING by a merchant (REFUND_MOVES.approve), or RETURN_SHIPPED → PROCESSING once the returned parcel
 * is confirmed (REFUND_MOVES.confirmReturn). True when this call won the claim.
 */
export async function claimProcessing(store: Store, refundId: string, merchant: string, at: Date, move: Move<RefundStatus> = REFUND_MOVES.approve): Promise<boolean> {
  return moveRefund(store, refundId, move, at, { decidedBy: merchant, submittedAt: at });
}

/**
 * One after-sale step of a refund alone (agree to a return, the buyer's tracking, a claim), conditional on the move's
 * FROM statuses and on `where` (e.g. the buyer's openid): the database decides which of two racing steps wins.
 * Every step records when the refund entered its new status (`statusAt`: the after-sale timers start there), and
 * carries the messages it makes owed (repositories/owed.ts), sent by the caller right after.
 */
export async function moveRefund(
  store: Store,
  refundId: string,
  move: Move<RefundStatus>,
  at: Date,
  fields: Partial<Pick<RefundDoc, 'decidedBy' | 'returnAddress' | 'returnShipping' | 'submittedAt'>> = {},
  where: Partial<Pick<RefundDoc, '_openid'>> = {},
  owed: readonly OwedMessage[] = [],
): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.refunds)
    .where({ ...where, _id: refundId, status: fromStatus(store, move) })
    .update({ data: { status: move.to, updatedAt: at, statusAt: at, ...fields, ...owing(store, owed) } });
  return stats.updated === 1;
}

/** Refunds in `status` that entered it at or before `before` (by `statusAt`, or `createdAt` for REQUESTED), oldest first. */
export async function refundsInStatusSince(store: Store, status: RefundStatus, before: Date, limit: number): Promise<RefundDoc[]> {
  const field = status === 'REQUESTED' ? 'createdAt' : 'statusAt';
  const { data } = await store
    .collection(COLLECTIONS.refunds)
    .where({ status, [field]: store.command.lte(before) })
    .orderBy(field, 'asc')
    .limit(limit)
    .get();
  return data.map(asRefund);
}

/**
 * A settlement's move of the refund document (REFUND_MOVES.succeed | fail | abnormal), conditional on its FROM
 * statuses; the same write makes the move's message owed. True when this call made the transition.
 */
export async function finishSettlement(
  store: Store,
  refundId: string,
  move: Move<RefundStatus>,
  at: Date,
  fields: Partial<Pick<RefundDoc, 'lastError' | 'providerRefundId' | 'settledFee' | 'settledAt'>> = {},
  owed: readonly OwedMessage[] = [],
): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.refunds)
    .where({ _id: refundId, status: fromStatus(store, move) })
    .update({ data: { status: move.to, updatedAt: at, ...fields, ...owing(store, owed) } });
  return stats.updated === 1;
}

/** Bookkeeping on a refund that is with the provider; a refund that has moved on is left as it is. */
export async function noteRefund(store: Store, refundId: string, fields: Partial<Pick<RefundDoc, 'providerRefundId' | 'lastError'>>, at: Date): Promise<void> {
  await store.collection(COLLECTIONS.refunds).where({ _id: refundId, status: REFUND_MOVES.approve.to }).update({ data: { ...fields, updatedAt: at } });
}

/** Marks a refund as just polled (reconcile asks about the least recently touched first); only if still `status`. */
export async function touchRefund(store: Store, refundId: string, status: RefundDoc['status'], at: Date): Promise<void> {
  await store.collection(COLLECTIONS.refunds).where({ _id: refundId, status }).update({ data: { updatedAt: at } });
}

/** Candidates for one page of the merchant queue, newest first (see domain/cursor.ts). */
export async function listRefunds(store: Store, query: { status?: RefundQueueFilter; atOrBefore?: Date; fetch: number }): Promise<RefundDoc[]> {
  const where: Record<string, unknown> = !query.status ? {} : query.status === 'FINISHED' ? { status: store.command.in([...FINISHED_REFUND_STATUSES]) } : { status: query.status };
  if (query.atOrBefore) where.createdAt = store.command.lte(query.atOrBefore);
  const { data } = await store.collection(COLLECTIONS.refunds).where(where).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(query.fetch).get();
  return data.map(asRefund);
}

/** PROCESSING and ABNORMAL refunds not touched since `before` (reconcile polls them). */
export async function processingRefundsBefore(store: Store, before: Date, limit: number): Promise<RefundDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.refunds)
    .where({ status: store.command.in([...POLLED_REFUND_STATUSES]), updatedAt: store.command.lte(before) })
    .orderBy('updatedAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asRefund);
}
