// Orders in the database. Every status change is a conditional write on the FROM status: the database decides which
// of two racing invocations wins, and the loser learns it from `updated === 0`.
import type { OrderListFilter } from '../../../typings/api';
import type { OrderDoc, TimelineRecord } from '../../domain/documents';
import { TIMELINE_CAP } from '../../domain/timeline';
import { ORDER_LIST_FIELDS, type OrderListDoc } from '../../domain/views';
import { COLLECTIONS, type Command, type Store, type TransactionScope } from '../store';
import { asOrder } from './decode';

export function pushTimeline(store: Store, ...entries: TimelineRecord[]): Command {
  // `slice` keeps the last entries only: the timeline stays short however many refund rounds an order sees.
  return store.command.push({ each: entries, slice: -TIMELINE_CAP });
}

export async function findOrder(store: Store, orderId: string): Promise<OrderDoc | undefined> {
  const { data } = await store.collection(COLLECTIONS.orders).where({ _id: orderId }).limit(1).get();
  return data.length ? asOrder(data[0]) : undefined;
}

export async function findOrderInTx(tx: TransactionScope, orderId: string): Promise<OrderDoc | undefined> {
  const { data } = await tx.collection(COLLECTIONS.orders).doc(orderId).get();
  return data ? asOrder(data) : undefined;
}

export interface PaidFacts {
  totalFee: number;
  transactionId: string;
  paidAt: Date;
  at: Date;
  by: TimelineRecord['by'];
}

/** PENDING → PAID, only if the amount is the one we asked for. True when this call made the transition. */
export async function markPaid(store: Store, orderId: string, facts: PaidFacts): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: 'PENDING', totalFee: facts.totalFee })
    .update({
      data: {
        status: 'PAID',
        transactionId: facts.transactionId,
        paidAt: facts.paidAt,
        updatedAt: facts.at,
        timeline: pushTimeline(store, { at: facts.at, event: 'paid', by: facts.by }),
      },
    });
  return stats.updated === 1;
}

/** PENDING → CLOSED. True when this call made the transition. */
export async function markClosed(store: Store, orderId: string, at: Date, by: TimelineRecord['by'], note?: string): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: 'PENDING' })
    .update({ data: { status: 'CLOSED', closedAt: at, updatedAt: at, timeline: pushTimeline(store, { at, event: 'closed', by, ...(note ? { note } : {}) }) } });
  return stats.updated === 1;
}

/**
 * Books a settled refund on its order, once, without reading the order: releases the reservation (refundingFee),
 * adds the amount to refundedFee when it succeeded, clears openRefundId. Every variant is conditional on openRefundId
 * still naming the refund, so only one write ever books it, and the money moves within one document. The variants are
 * settleLedger's cases (domain/refund-rules.ts) written as conditions: a success that completes a PAID order makes it
 * REFUNDED, any other keeps the status. The likely variant goes first, so one write is the usual cost.
 * True when this call booked it; false when it was booked before.
 */
export async function bookRefundOutcome(
  store: Store,
  refund: { _id: string; orderId: string; refundFee: number; totalFee: number },
  succeeded: boolean,
  at: Date,
  entry: TimelineRecord,
): Promise<boolean> {
  const _ = store.command;
  const open = { _id: refund.orderId, openRefundId: refund._id };
  const release = { refundingFee: _.inc(-refund.refundFee), openRefundId: null, refunding: false, updatedAt: at };
  const completing = refund.totalFee - refund.refundFee;
  const credit = { ...release, refundedFee: _.inc(refund.refundFee), timeline: pushTimeline(store, entry) };
  const variants: Array<{ where: Record<string, unknown>; data: Record<string, unknown> }> = succeeded
    ? [
        {
          where: { ...open, status: 'PAID', refundedFee: completing },
          data: { ...credit, status: 'REFUNDED', timeline: pushTimeline(store, entry, { at, event: 'refunded', by: 'system' }) },
        },
        { where: { ...open, refundedFee: _.neq(completing) }, data: credit },
        { where: { ...open, status: _.neq('PAID') }, data: credit },
      ]
    : [{ where: open, data: { ...release, timeline: pushTimeline(store, entry) } }];
  // A refund of less than the total usually leaves some of it: try "keeps its status" first.
  if (succeeded && refund.refundFee < refund.totalFee) variants.unshift(variants.splice(1, 1)[0]);
  for (const v of variants) {
    const { stats } = await store.collection(COLLECTIONS.orders).where(v.where).update({ data: v.data });
    if (stats.updated === 1) return true;
  }
  return false;
}

export async function appendTimeline(store: Store, orderId: string, entry: TimelineRecord): Promise<void> {
  await store.collection(COLLECTIONS.orders).doc(orderId).update({ data: { timeline: pushTimeline(store, entry), updatedAt: entry.at } });
}

/**
 * Candidates for one page of a buyer's orders, newest first: one query, served by the (_openid, [status | refunding,] createdAt, _id)
 * indexes. `atOrBefore` comes from the cursor (see domain/cursor.ts).
 */
export async function listOrders(
  store: Store,
  query: { openid: string; filter?: OrderListFilter; atOrBefore?: Date; fetch: number },
): Promise<OrderListDoc[]> {
  const _ = store.command;
  const where: Record<string, unknown> = { _openid: query.openid };
  if (query.filter === 'REFUNDING') where.refunding = true;
  else if (query.filter) where.status = query.filter;
  if (query.atOrBefore) where.createdAt = _.lte(query.atOrBefore);
  const projection = Object.fromEntries(ORDER_LIST_FIELDS.map((f) => [f, true]));
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where(where)
    .orderBy('createdAt', 'desc')
    .orderBy('_id', 'desc')
    .limit(query.fetch)
    .field(projection)
    .get();
  return data.map((d) => asOrder(d));
}

/** PENDING orders created before `before`, oldest first (reconcile's work list). */
export async function pendingOrdersBefore(store: Store, before: Date, limit: number): Promise<OrderDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where({ status: 'PENDING', createdAt: store.command.lt(before) })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asOrder);
}
