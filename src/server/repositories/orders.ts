// Orders in the database. Every status change is a conditional write on the FROM status: the database decides which
// of two racing invocations wins, and the loser learns it from `updated === 0`.
import type { OrderListFilter } from '../../../typings/api';
import type { OrderDoc, TimelineRecord } from '../../domain/documents';
import { ORDER_MOVES } from '../../domain/states';
import { TIMELINE_CAP } from '../../domain/timeline';
import { ORDER_LIST_FIELDS, type OrderListDoc } from '../../domain/views';
import { fromStatus } from './conditions';
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

/** The orders with these ids (a page of refunds names at most a page of orders). */
export async function ordersByIds(store: Store, ids: readonly string[]): Promise<Map<string, OrderDoc>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { data } = await store.collection(COLLECTIONS.orders).where({ _id: store.command.in(unique) }).limit(unique.length).get();
  return new Map(data.map(asOrder).map((o) => [o._id, o]));
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

/** PENDING → PAID (ORDER_MOVES.pay), only if the amount is the one we asked for. True when this call made the transition. */
export async function markPaid(store: Store, orderId: string, facts: PaidFacts): Promise<boolean> {
  const move = ORDER_MOVES.pay;
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: fromStatus(store, move), totalFee: facts.totalFee })
    .update({
      data: {
        status: move.to,
        transactionId: facts.transactionId,
        paidAt: facts.paidAt,
        updatedAt: facts.at,
        timeline: pushTimeline(store, { at: facts.at, event: 'paid', by: facts.by }),
      },
    });
  return stats.updated === 1;
}

/** PENDING → CLOSED (ORDER_MOVES.close). True when this call made the transition. */
export async function markClosed(store: Store, orderId: string, at: Date, by: TimelineRecord['by'], note?: string): Promise<boolean> {
  const move = ORDER_MOVES.close;
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: fromStatus(store, move) })
    .update({ data: { status: move.to, closedAt: at, updatedAt: at, timeline: pushTimeline(store, { at, event: 'closed', by, ...(note ? { note } : {}) }) } });
  return stats.updated === 1;
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
