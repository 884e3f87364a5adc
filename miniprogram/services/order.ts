// The buyer's order operations, one backend call each.
import type { OrderDetail, OrderListFilter, OrderStatus, OrderSummary, Page, RefundStatus } from '../../typings/api';
import { config } from '../config';
import { pollWhile } from '../utils/poll';
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

/**
 * After the cashier says "paid" the order turns PAID only when WeChat's callback reaches the server, usually
 * within a second or two: look again a few times before showing it as still unpaid.
 */
export function fetchOrderAfterPayment(orderId: string): Promise<Outcome<OrderDetail>> {
  return pollWhile(() => fetchOrderDetail(orderId), (order) => order.status === 'PENDING', config.paymentConfirmWaitsMs);
}
