// Refunds in the database. A refund's request and release change it and its order together (in one transaction);
// the claim REQUESTED → PROCESSING touches the refund alone; settlement books the order first, then finishes the
// refund (refund-flow.ts settleRefund).
import type { RefundStatus } from '../../../typings/api';
import type { RefundDoc } from '../../domain/documents';
import { COLLECTIONS, type Store, type TransactionScope } from '../store';
import { asRefund } from './decode';

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

/** REQUESTED → PROCESSING by a merchant. True when this call won the claim. */
export async function claimProcessing(store: Store, refundId: string, merchant: string, at: Date): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.refunds)
    .where({ _id: refundId, status: 'REQUESTED' })
    .update({ data: { status: 'PROCESSING', decidedBy: merchant, updatedAt: at } });
  return stats.updated === 1;
}

/** PROCESSING → SUCCEEDED | FAILED for the refund document. True when this call made the transition. */
export async function finishProcessing(
  store: Store,
  refundId: string,
  outcome: 'SUCCEEDED' | 'FAILED',
  at: Date,
  extra: { note?: string; providerRefundId?: string } = {},
): Promise<boolean> {
  const fields = { ...(extra.note ? { lastError: extra.note.slice(0, 200) } : {}), ...(extra.providerRefundId ? { providerRefundId: extra.providerRefundId } : {}) };
  const { stats } = await store
    .collection(COLLECTIONS.refunds)
    .where({ _id: refundId, status: 'PROCESSING' })
    .update({ data: { status: outcome, settledAt: at, updatedAt: at, ...fields } });
  return stats.updated === 1;
}

export async function noteRefund(store: Store, refundId: string, fields: Partial<Pick<RefundDoc, 'providerRefundId' | 'lastError'>>, at: Date): Promise<void> {
  await store.collection(COLLECTIONS.refunds).where({ _id: refundId, status: 'PROCESSING' }).update({ data: { ...fields, updatedAt: at } });
}

/** Candidates for one page of the merchant queue, newest first (see domain/cursor.ts). */
export async function listRefunds(store: Store, query: { status?: RefundStatus; atOrBefore?: Date; fetch: number }): Promise<RefundDoc[]> {
  const where: Record<string, unknown> = query.status ? { status: query.status } : {};
  if (query.atOrBefore) where.createdAt = store.command.lte(query.atOrBefore);
  const { data } = await store.collection(COLLECTIONS.refunds).where(where).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(query.fetch).get();
  return data.map(asRefund);
}

/** PROCESSING refunds not touched since `before` (reconcile polls them). */
export async function processingRefundsBefore(store: Store, before: Date, limit: number): Promise<RefundDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.refunds)
    .where({ status: 'PROCESSING', updatedAt: store.command.lte(before) })
    .orderBy('updatedAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asRefund);
}
