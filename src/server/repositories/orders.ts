// Orders in the database. Every status change is a conditional write on the FROM status: the database decides which
// of two racing invocations wins, and the loser learns it from `updated === 0`.
import type { OrderListFilter } from '../../../typings/api';
import type { OrderDoc, OwedMessage, PrintingRecord, RefundDoc, RefundRequestRecord, TimelineRecord } from '../../domain/documents';
import { ORDER_MOVES } from '../../domain/states';
import { TIMELINE_CAP } from '../../domain/timeline';
import { ORDER_LIST_FIELDS, type OrderListDoc } from '../../domain/views';
import { fromStatus } from './conditions';
import { COLLECTIONS, type Command, type Store, type TransactionScope } from '../store';
import { asOrder } from './decode';
import { owing } from './owed';

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
  /** The merchants' message, owed by this write. */
  owed: OwedMessage;
  /** The receipt to print (PENDING, no attempt yet), owed by this write: absent when the shop prints none. */
  printing?: PrintingRecord;
}

/**
 * PENDING → PAID (ORDER_MOVES.pay), only if the amount is the one we asked for; the same write makes the merchants'
 * message and the receipt owed. True when this call made the transition.
 */
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
        ...owing(store, [facts.owed]),
        ...(facts.printing ? { printing: store.command.set({ ...facts.printing }) } : {}),
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

/**
 * A refund request's reservation (refund-flow.ts requestRefund): one conditional write whose condition is every value
 * the request was decided on, so it applies only to the order exactly as read. Of two requests that read the same
 * order one writes; the other changes nothing (refundCount and openRefundId moved) and decides again. The amount
 * joins refundingFee in the same write that opens the refund, so refundedFee + refundingFee ≤ totalFee holds on every
 * write. The request itself rides along (`refundRequest`), so its refund document can be made by anyone later.
 * True when this call reserved it.
 */
export async function reserveRefund(store: Store, order: OrderDoc, request: RefundRequestRecord, entry: TimelineRecord): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({
      _id: order._id,
      status: order.status,
      refundedFee: order.refundedFee,
      refundingFee: order.refundingFee,
      refundCount: order.refundCount,
      openRefundId: null,
    })
    .update({
      data: {
        refundingFee: order.refundingFee + request.refundFee,
        refundCount: order.refundCount + 1,
        openRefundId: request.refundId,
        refunding: true,
        refundRequest: store.command.set({ ...request, recorded: false }),
        updatedAt: request.requestedAt,
        timeline: pushTimeline(store, entry),
      },
    });
  return stats.updated === 1;
}

/**
 * Orders whose last refund request is not known to have its refund document (`refundRequest.recorded: false`),
 * requested at or before `before`, oldest first, however old (index `refund_requests_unrecorded`): where a request
 * that stopped between its reservation and its document is. Ordinary requests leave this list with their document.
 */
export async function unrecordedRequests(store: Store, before: Date, limit: number): Promise<OrderDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where({ 'refundRequest.recorded': false, 'refundRequest.requestedAt': store.command.lte(before) })
    .orderBy('refundRequest.requestedAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asOrder);
}

/** The request's refund document exists: the order leaves reconcile's list of stopped requests. */
export async function markRequestRecorded(store: Store, orderId: string, refundId: string): Promise<void> {
  await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, 'refundRequest.refundId': refundId, 'refundRequest.recorded': false })
    .update({ data: { 'refundRequest.recorded': true } });
}

/**
 * An ABNORMAL refund booked before its order kept `abnormalRefundIds` (an older version of this code): its amount is
 * still in refundingFee but nothing on the order names it, so no final booking can take it. Gives it its token, once:
 * a conditional write on the ledger as read, so it applies only if nothing moved money on the order since.
 */
export async function adoptAbnormalRefund(store: Store, order: OrderDoc, refundId: string, at: Date): Promise<boolean> {
  const _ = store.command;
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, refundedFee: order.refundedFee, refundingFee: order.refundingFee, refundCount: order.refundCount, abnormalRefundIds: _.neq(refundId) })
    .update({ data: { abnormalRefundIds: _.push(refundId), updatedAt: at } });
  return stats.updated === 1;
}

/** What a refund's settlement does to its order's ledger (refund-flow.ts settleRefund). */
export type RefundBooking =
  | { outcome: 'SUCCEEDED'; settledFee: number }
  | { outcome: 'FAILED' }
  /** WeChat still counts the amount against the payment: it stays in refundingFee, but no longer blocks a new request. */
  | { outcome: 'ABNORMAL' };

interface Variant {
  where: Record<string, unknown>;
  data: Record<string, unknown>;
}

/**
 * Books a refund's outcome on its order, once, without reading the order: one conditional write whose condition is
 * the refund's token on the order, which the same write removes, so of any number of racing settlements exactly one
 * books it and the money moves within one document (refundedFee + refundingFee ≤ totalFee at every moment).
 * The token is `openRefundId` while the refund is PROCESSING; an ABNORMAL booking moves it to `abnormalRefundIds`
 * (releasing openRefundId, keeping the amount reserved), where the later SUCCEEDED or FAILED booking takes it from.
 * A token only ever moves open → abnormal → gone, so a final booking tries them in that order (`fromAbnormal` skips
 * the first: a refund already ABNORMAL has left openRefundId).
 * A success's variants are settleLedger's cases (domain/refund-rules.ts) written as conditions: the amount WeChat paid
 * (`settledFee`) moves to refundedFee, never past the total; reaching it makes an order whose money is held REFUNDED
 * (ORDER_MOVES.refundInFull), any other keeps its status. The likely variant goes first, so one write is the usual cost.
 * True when this call booked it; false when it was booked before (or the order does not hold the refund's token).
 */
export async function bookRefundOutcome(
  store: Store,
  refund: Pick<RefundDoc, '_id' | 'orderId' | 'refundFee' | 'totalFee' | 'automatic'>,
  booking: RefundBooking,
  from: { abnormal: boolean },
  at: Date,
  entry: TimelineRecord,
): Promise<boolean> {
  const _ = store.command;
  const tokens = [
    { where: { openRefundId: refund._id }, release: { openRefundId: null, refunding: false } },
    { where: { abnormalRefundIds: refund._id }, release: { abnormalRefundIds: _.pull(refund._id) } },
  ];
  const variants: Variant[] = [];
  if (booking.outcome === 'ABNORMAL') {
    if (from.abnormal) return false;
    variants.push({
      where: tokens[0].where,
      data: { ...tokens[0].release, abnormalRefundIds: _.push(refund._id), timeline: pushTimeline(store, entry), updatedAt: at },
    });
  } else {
    for (const token of from.abnormal ? tokens.slice(1) : tokens) {
      const release = { ...token.release, refundingFee: _.inc(-refund.refundFee), updatedAt: at };
      if (booking.outcome === 'FAILED') {
        variants.push({ where: token.where, data: { ...release, timeline: pushTimeline(store, entry) } });
        continue;
      }
      const full = ORDER_MOVES.refundInFull;
      // At or above this refundedFee, this refund reaches the total (settleLedger's min(totalFee, …)).
      const completing = refund.totalFee - booking.settledFee;
      const partial: Variant = { where: { ...token.where, refundedFee: _.lt(completing) }, data: { ...release, refundedFee: _.inc(booking.settledFee), timeline: pushTimeline(store, entry) } };
      const completes: Variant = {
        where: { ...token.where, refundedFee: _.gte(completing), status: fromStatus(store, full) },
        data: { ...release, refundedFee: refund.totalFee, status: full.to, timeline: pushTimeline(store, entry, { at, event: 'refunded', by: 'system' }) },
      };
      // A paid-after-close payment's refund: its order stays CLOSED.
      const completesKeeping: Variant = {
        where: { ...token.where, refundedFee: _.gte(completing), status: _.nin([...full.from]) },
        data: { ...release, refundedFee: refund.totalFee, timeline: pushTimeline(store, entry) },
      };
      if (refund.automatic) variants.push(completesKeeping, completes, partial);
      else if (booking.settledFee < refund.totalFee) variants.push(partial, completes, completesKeeping);
      else variants.push(completes, completesKeeping, partial);
    }
  }
  for (const v of variants) {
    const { stats } = await store.collection(COLLECTIONS.orders).where({ _id: refund.orderId, ...v.where }).update({ data: v.data });
    if (stats.updated === 1) return true;
  }
  return false;
}

/** True when the order still holds an ABNORMAL booking of the refund (its amount reserved, its final outcome not booked). */
export async function holdsAbnormalRefund(store: Store, orderId: string, refundId: string): Promise<boolean> {
  const { data } = await store.collection(COLLECTIONS.orders).where({ _id: orderId, abnormalRefundIds: refundId }).field({ _id: true }).limit(1).get();
  return data.length === 1;
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
  else if (query.filter && query.filter !== 'AFTERSALE') where.status = query.filter;
  if (query.atOrBefore) where.createdAt = _.lte(query.atOrBefore);
  // 售后: an open request, or money already refunded (partly or wholly), among the buyer's own orders.
  const condition = query.filter === 'AFTERSALE' ? _.and(where, _.or({ refunding: true }, { refundedFee: _.gt(0) })) : where;
  const projection = Object.fromEntries(ORDER_LIST_FIELDS.map((f) => [f, true]));
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where(condition)
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

/** Orders that left PENDING with their stock still HELD (server/stock.ts settleStock was interrupted), oldest first. */
export async function unsettledStockOrders(store: Store, limit: number): Promise<OrderDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where({ stockState: 'HELD', status: store.command.neq('PENDING') })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asOrder);
}
