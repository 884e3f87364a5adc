// What a buyer may do with an order in its current state. The server decides for real; this only hides buttons
// that could not succeed.
import type { OrderDetail, OrderSummary, RefundView } from '../../typings/api';

export interface OrderActions {
  pay: boolean;
  cancel: boolean;
  requestRefund: boolean;
  /** The pending request the buyer may withdraw, if any. */
  withdrawRefundId: string;
  /** The goods were shipped: the buyer may confirm receipt. */
  confirmReceipt: boolean;
}

/** The buyer's money is with the shop: refunds stay possible after shipping (returns are agreed with the merchant). */
export function moneyHeld(status: OrderDetail['status']): boolean {
  return status === 'PAID' || status === 'SHIPPED' || status === 'COMPLETED';
}

/**
 * When cancel is offered: the server says (`cancelOpensAt`), from the order's payment provider (APIv2 and cloudPay
 * refuse to close an order in its first 5 minutes, APIv3 does not); before, the page says why.
 */
export function cancelOpensAt(order: Pick<OrderSummary, 'status' | 'cancelOpensAt'>): number | undefined {
  if (order.status !== 'PENDING' || !order.cancelOpensAt) return undefined;
  const opens = Date.parse(order.cancelOpensAt);
  return Number.isNaN(opens) ? undefined : opens;
}

/**
 * A PENDING order can be paid until its payDeadline (the server's unpaid timeout, fixed when the order was made;
 * the server refuses a payment after it and closes the order). Unknown deadlines are left to the server.
 */
export function payOpen(order: Pick<OrderSummary, 'status' | 'payDeadline'>, now: number): boolean {
  if (order.status !== 'PENDING') return false;
  const deadline = order.payDeadline ? Date.parse(order.payDeadline) : Number.NaN;
  return Number.isNaN(deadline) || now < deadline;
}

export function summaryActions(order: OrderSummary, now: number): Pick<OrderActions, 'pay' | 'cancel'> {
  const opens = cancelOpensAt(order);
  return { pay: payOpen(order, now), cancel: opens !== undefined && now >= opens };
}

/** What a buyer's list card offers besides pay and cancel. */
export interface CardActions {
  confirmReceipt: boolean;
  afterSale: boolean;
  track: boolean;
}

/** From the summary alone: the server still decides (the after-sale form explains a refusal). */
export function cardActions(order: OrderSummary, now: number): CardActions {
  const refundable = order.totalFee - order.refundedFee - order.refundingFee;
  return {
    confirmReceipt: order.status === 'SHIPPED',
    afterSale: moneyHeld(order.status) && !order.hasOpenRefund && refundable > 0 && !refundWindowClosed(order, now),
    track: Boolean(order.tracking) && (order.status === 'SHIPPED' || order.status === 'COMPLETED'),
  };
}

/** True once the refund window has closed (unknown windows are left to the server). */
export function refundWindowClosed(order: Pick<OrderSummary, 'refundDeadline'>, now: number): boolean {
  if (!order.refundDeadline) return false;
  const deadline = Date.parse(order.refundDeadline);
  return !Number.isNaN(deadline) && now > deadline;
}

export function canRequestRefund(order: OrderDetail, now: number): boolean {
  return moneyHeld(order.status) && !order.hasOpenRefund && order.refundableFee > 0 && !refundWindowClosed(order, now);
}

export function detailActions(order: OrderDetail, now: number): OrderActions {
  const pending = order.refunds.find((r: RefundView) => r.status === 'REQUESTED');
  return {
    ...summaryActions(order, now),
    requestRefund: canRequestRefund(order, now),
    withdrawRefundId: pending ? pending.refundId : '',
    confirmReceipt: order.status === 'SHIPPED',
  };
}

/**
 * Why a refund request cannot be made now, in words, or '' if it can. Used before showing the form and to explain
 * a CONFLICT, which the server answers for all of these.
 */
export function refundBlocker(order: OrderDetail, now: number): string {
  if (!moneyHeld(order.status)) return order.status === 'REFUNDED' ? '这笔订单已全额退款' : '这笔订单当前不能退款';
  if (order.hasOpenRefund) return '这笔订单已有退款申请在处理中';
  if (order.refundableFee <= 0) return '这笔订单当前没有可退的金额';
  if (refundWindowClosed(order, now)) return '已超过可申请退款的期限';
  return '';
}
