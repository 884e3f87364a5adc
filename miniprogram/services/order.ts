// The buyer's order operations, one backend call each.
import type { OrderDetail, OrderListFilter, OrderStatus, OrderSummary, Page, RefundStatus } from '../../typings/api';
import { config } from '../config';
import { callOrders, type Outcome } from './call';
import { isOrderDetail, isOrderSummary, pageOf } from './shapes';

export interface FetchOrdersParams {
  status?: OrderListFilter;
  cursor?: string;
}

export function fetchOrders(params: FetchOrdersParams): Promise<Outcome<Page<OrderSummary>>> {
  return callOrders<'list'>({ action: 'list', limit: config.pageSize, ...params }, pageOf(isOrderSummary));
}

export function fetchOrderDetail(orderId: string): Promise<Outcome<OrderDetail>> {
  return callOrders<'get'>({ action: 'get', orderId }, isOrderDetail);
}

export function cancelOrder(orderId: string): Promise<Outcome<{ orderId: string; status: OrderStatus }>> {
  return callOrders<'cancel'>({ action: 'cancel', orderId });
}

export function withdrawRefund(refundId: string): Promise<Outcome<{ refundId: string; status: RefundStatus }>> {
  return callOrders<'withdrawRefund'>({ action: 'withdrawRefund', refundId });
}

/** The buyer's parcel back to the merchant, for a return the merchant agreed to (AWAITING_RETURN → RETURN_SHIPPED). */
export function submitReturn(refundId: string, expressCompany: string, trackingNo: string): Promise<Outcome<{ refundId: string; status: RefundStatus }>> {
  return callOrders<'submitReturn'>({ action: 'submitReturn', refundId, expressCompany, trackingNo });
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * After the cashier says "paid" the order turns PAID only when WeChat's callback reaches the server, usually
 * within a second or two: look again a few times before showing it as still unpaid.
 */
export async function fetchOrderAfterPayment(orderId: string): Promise<Outcome<OrderDetail>> {
  let latest: Outcome<OrderDetail> = { ok: false, code: 'INTERNAL', message: 'not fetched' };
  for (const wait of config.paymentConfirmWaitsMs) {
    if (wait > 0) await pause(wait);
    latest = await fetchOrderDetail(orderId);
    if (!latest.ok || latest.data.status !== 'PENDING') return latest;
  }
  return latest;
}
