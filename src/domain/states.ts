// The order and refund state machines as data, so the rules can be read (and tested) in one place.
import type { OrderStatus, RefundStatus } from '../../typings/api';

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAID', 'CLOSED'],
  PAID: ['SHIPPED', 'REFUNDED'],
  // Refunds stay possible after shipping (returns are agreed with the merchant).
  SHIPPED: ['COMPLETED', 'REFUNDED'],
  COMPLETED: ['REFUNDED'],
  CLOSED: [],
  REFUNDED: [],
};

export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  REQUESTED: ['REJECTED', 'CANCELLED', 'PROCESSING'],
  PROCESSING: ['SUCCEEDED', 'FAILED'],
  REJECTED: [],
  CANCELLED: [],
  SUCCEEDED: [],
  FAILED: [],
};

export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
export const REFUND_STATUSES = Object.keys(REFUND_TRANSITIONS) as RefundStatus[];
/** A refund in one of these holds money in the order's refundingFee; an order has at most one. */
export const OPEN_REFUND_STATUSES: readonly RefundStatus[] = ['REQUESTED', 'PROCESSING'];

/** The buyer's money is with the shop: refunds may be asked for and settled in these. */
export const MONEY_HELD_STATUSES: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'COMPLETED'];

export function isMoneyHeld(status: OrderStatus): boolean {
  return MONEY_HELD_STATUSES.includes(status);
}

export function canOrderTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from]?.includes(to) ?? false;
}

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_TRANSITIONS[from]?.includes(to) ?? false;
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ORDER_TRANSITIONS, value);
}

export function isRefundStatus(value: unknown): value is RefundStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REFUND_TRANSITIONS, value);
}

export function isOpenRefund(status: RefundStatus): boolean {
  return OPEN_REFUND_STATUSES.includes(status);
}
