// Shipping: the merchant's desk, shipping and reprinting, and the buyer's receipt. One backend call each.
import type { DeskData, DeskTab, OrderStatus, PrintingView, ShipData, ShipEvent } from '../../typings/api';
import { adapters } from '../adapters/index';
import type { ReceiptOutcome } from '../adapters/receipt';
import { config } from '../config';
import { callFunction, callOrders, type Outcome } from './call';
import { fetchOrderDetail } from './order';
import { fetchMe } from './session';
import { isOrderSummary, pageOf, type Check } from './shapes';

const isDesk: Check = (x) => pageOf(isOrderSummary)(x) && typeof (x as { pendingRefunds?: unknown }).pendingRefunds === 'number';

export function fetchDesk(tab: DeskTab, cursor?: string): Promise<Outcome<DeskData>> {
  return callOrders<'desk'>({ action: 'desk', tab, limit: config.pageSize, ...(cursor ? { cursor } : {}) }, isDesk);
}

/** Every order whose number ends with the text or whose receiver's name contains it, newest first. */
export function searchDesk(query: string, cursor?: string): Promise<Outcome<DeskData>> {
  return callOrders<'desk'>({ action: 'desk', query, limit: config.pageSize, ...(cursor ? { cursor } : {}) }, isDesk);
}

export function shipOrder(event: ShipEvent): Promise<Outcome<ShipData>> {
  return callFunction('ship', event);
}

export function reprintReceipt(orderId: string): Promise<Outcome<{ orderId: string; printing: PrintingView }>> {
  return callOrders<'reprint'>({ action: 'reprint', orderId });
}

/** Asks the server again whether WeChat has the buyer's confirmation (after WeChat's window closes). */
export function checkReceipt(orderId: string): Promise<Outcome<{ orderId: string; status: OrderStatus }>> {
  return callOrders<'confirmReceipt'>({ action: 'confirmReceipt', orderId, via: 'wechat' });
}

/**
 * The buyer confirms receipt. Under WeChat's shipping management WeChat's own window comes first; the server then
 * asks WeChat whether the buyer really confirmed there.
 */
export async function confirmReceipt(order: { orderId: string; transactionId: string }, managed: boolean): Promise<Outcome<{ orderId: string; status: OrderStatus }> | ReceiptOutcome> {
  if (managed) {
    const outcome = await adapters().receipt.confirm(order);
    if (outcome.kind !== 'done') return outcome;
    return callOrders<'confirmReceipt'>({ action: 'confirmReceipt', orderId: order.orderId, via: 'wechat' });
  }
  return callOrders<'confirmReceipt'>({ action: 'confirmReceipt', orderId: order.orderId });
}

/**
 * 确认收货 from any page (the order, a list card). Whether WeChat's window comes first is the shop's setting
 * (me.shippingManaged; unknown = WeChat's window: the server refuses what WeChat has not recorded either way). A
 * list card has no transaction id: the order is read for it.
 */
export async function receiveOrder(orderId: string, transactionId?: string): Promise<{ managed: boolean; outcome: Outcome<{ orderId: string; status: OrderStatus }> | ReceiptOutcome }> {
  const me = await fetchMe();
  const managed = me.ok ? me.data.shippingManaged !== false : true;
  let txn = transactionId;
  if (managed && txn === undefined) {
    const order = await fetchOrderDetail(orderId);
    if (!order.ok) return { managed, outcome: order };
    txn = order.data.transactionId ?? '';
  }
  return { managed, outcome: await confirmReceipt({ orderId, transactionId: txn ?? '' }, managed) };
}
