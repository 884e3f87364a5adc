// Shipping, receipt and printing writes on orders. Each status change is a conditional write on what the decision
// was made from (the FROM status, the correction count), so two racing invocations cannot both apply.
import type { OrderDoc, OwedMessage, PrintingRecord, ShippingRecord, TimelineRecord } from '../../domain/documents';
import { ORDER_MOVES } from '../../domain/states';
import { COLLECTIONS, type Store } from '../store';
import { fromStatus } from './conditions';
import { asOrder } from './decode';
import { pushTimeline } from './orders';
import { owing } from './owed';

/** PAID → SHIPPED (ORDER_MOVES.ship), unless a refund opened meanwhile; the write makes the buyer's message owed. True when this call shipped it. */
export async function markShipped(store: Store, orderId: string, shipping: ShippingRecord, entry: TimelineRecord, owed: OwedMessage): Promise<boolean> {
  const _ = store.command;
  const move = ORDER_MOVES.ship;
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: fromStatus(store, move), refunding: _.neq(true) })
    .update({ data: { status: move.to, shipping: _.set(shipping), updatedAt: entry.at, timeline: pushTimeline(store, entry), ...owing(store, [owed]) } });
  return stats.updated === 1;
}

/** The one correction: replaces the shipment of a SHIPPED order that was never corrected. */
export async function markCorrected(store: Store, orderId: string, shipping: ShippingRecord, entry: TimelineRecord): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: 'SHIPPED', 'shipping.corrections': 0 })
    .update({ data: { shipping: store.command.set(shipping), updatedAt: entry.at, timeline: pushTimeline(store, entry) } });
  return stats.updated === 1;
}

/** Records an upload attempt of one revision of the shipment; a newer revision (a correction) is left alone. */
export async function recordUpload(store: Store, orderId: string, corrections: number, upload: ShippingRecord['upload'], at: Date, entry?: TimelineRecord): Promise<boolean> {
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, 'shipping.corrections': corrections, 'shipping.upload.state': 'PENDING' })
    .update({ data: { 'shipping.upload': store.command.set(upload), updatedAt: at, ...(entry ? { timeline: pushTimeline(store, entry) } : {}) } });
  return stats.updated === 1;
}

/** SHIPPED → COMPLETED (ORDER_MOVES.complete). True when this call completed it. */
export async function markCompleted(store: Store, orderId: string, entry: TimelineRecord): Promise<boolean> {
  const move = ORDER_MOVES.complete;
  const { stats } = await store
    .collection(COLLECTIONS.orders)
    .where({ _id: orderId, status: fromStatus(store, move) })
    .update({ data: { status: move.to, completedAt: entry.at, updatedAt: entry.at, timeline: pushTimeline(store, entry) } });
  return stats.updated === 1;
}

export async function recordPrinting(store: Store, orderId: string, printing: PrintingRecord, at: Date): Promise<void> {
  await store.collection(COLLECTIONS.orders).doc(orderId).update({ data: { printing: store.command.set(printing), updatedAt: at } });
}

export async function noteReceiptCheck(store: Store, orderId: string, at: Date): Promise<void> {
  await store.collection(COLLECTIONS.orders).where({ _id: orderId, status: 'SHIPPED' }).update({ data: { 'shipping.receiptCheckedAt': at } });
}

/** SHIPPED orders WeChat was not asked about since `before`, least recently asked first. */
export async function dueForReceiptCheck(store: Store, before: Date, limit: number): Promise<OrderDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where({ status: 'SHIPPED', 'shipping.receiptCheckedAt': store.command.lte(before) })
    .orderBy('shipping.receiptCheckedAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asOrder);
}

/** Shipments WeChat has not taken yet, oldest revision first (reconcile retries them). */
export async function pendingUploads(store: Store, limit: number): Promise<OrderDoc[]> {
  const { data } = await store.collection(COLLECTIONS.orders).where({ 'shipping.upload.state': 'PENDING' }).orderBy('shipping.revisedAt', 'asc').limit(limit).get();
  return data.map(asOrder);
}

/** SHIPPED orders whose automatic confirmation is due. */
export async function dueForAutoConfirm(store: Store, now: Date, limit: number): Promise<OrderDoc[]> {
  const { data } = await store
    .collection(COLLECTIONS.orders)
    .where({ status: 'SHIPPED', 'shipping.autoConfirmAt': store.command.lte(now) })
    .orderBy('shipping.autoConfirmAt', 'asc')
    .limit(limit)
    .get();
  return data.map(asOrder);
}

/** Receipts the printer has not taken yet. */
export async function pendingPrints(store: Store, limit: number): Promise<OrderDoc[]> {
  const { data } = await store.collection(COLLECTIONS.orders).where({ 'printing.state': 'PENDING' }).orderBy('updatedAt', 'asc').limit(limit).get();
  return data.map(asOrder);
}
