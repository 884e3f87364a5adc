// The order and refund state machines, as the named moves the code makes. Every write that changes a status takes
// its FROM condition and its TO value from here (repositories/orders.ts, repositories/refunds.ts, refund-flow.ts),
// so the tables below are what the database actually enforces, not a description beside it.
import type { OrderStatus, RefundStatus } from '../../typings/api';

export interface Move<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
}

const move = <S extends string>(from: readonly S[], to: S): Move<S> => ({ from, to });

export const ORDER_MOVES = {
  /** The provider confirmed the payment of the order's amount (payNotify, reconcile, pay, cancel). */
  pay: move<OrderStatus>(['PENDING'], 'PAID'),
  /** Cancelled by the buyer or unpaid past the deadline, after the provider's order was closed. */
  close: move<OrderStatus>(['PENDING'], 'CLOSED'),
  /** The merchant shipped; the shipping information goes to WeChat (repositories/shipping.ts). */
  ship: move<OrderStatus>(['PAID'], 'SHIPPED'),
  /** The buyer (or WeChat, or the automatic confirmation) confirmed receipt. */
  complete: move<OrderStatus>(['SHIPPED'], 'COMPLETED'),
  /** Settled refunds reached the total (the refund settlement's transaction). Refunds stay possible after shipping. */
  refundInFull: move<OrderStatus>(['PAID', 'SHIPPED', 'COMPLETED'], 'REFUNDED'),
} as const;

export const REFUND_MOVES = {
  /** The merchant's claim of a refund-only request before calling the provider (or reconcile's, when the merchant is silent). */
  approve: move<RefundStatus>(['REQUESTED'], 'PROCESSING'),
  reject: move<RefundStatus>(['REQUESTED'], 'REJECTED'),
  /** The buyer withdraws, before the merchant decided or before sending the goods back. */
  withdraw: move<RefundStatus>(['REQUESTED', 'AWAITING_RETURN'], 'CANCELLED'),
  /** The merchant agrees to a return: the buyer is shown the return address. */
  agreeReturn: move<RefundStatus>(['REQUESTED'], 'AWAITING_RETURN'),
  /** The buyer gave the return's tracking number. */
  shipReturn: move<RefundStatus>(['AWAITING_RETURN'], 'RETURN_SHIPPED'),
  /** The merchant received the parcel (or reconcile, when the merchant never confirmed it): claimed before the provider is called. */
  confirmReturn: move<RefundStatus>(['RETURN_SHIPPED'], 'PROCESSING'),
  /** The merchant refuses what came back, with a reason. */
  refuseReturn: move<RefundStatus>(['RETURN_SHIPPED'], 'REJECTED'),
  /** The buyer did not send the goods back in time (reconcile). */
  closeReturn: move<RefundStatus>(['AWAITING_RETURN'], 'CANCELLED'),
  /** The provider paid the money out; an ABNORMAL refund gets here once the merchant resolved it at WeChat Pay. */
  succeed: move<RefundStatus>(['PROCESSING', 'ABNORMAL'], 'SUCCEEDED'),
  /** The provider refused or closed the refund: its amount is refundable again. */
  fail: move<RefundStatus>(['PROCESSING', 'ABNORMAL'], 'FAILED'),
  /** WeChat's CHANGE / ABNORMAL: the money is still counted against the payment; the merchant must act. */
  abnormal: move<RefundStatus>(['PROCESSING'], 'ABNORMAL'),
} as const;

/** Where refunds begin: a buyer's request, or a refund we start ourselves (a payment that arrived after the close). */
export const REFUND_START = { requested: 'REQUESTED', automatic: 'PROCESSING' } as const satisfies Record<string, RefundStatus>;

function table<S extends string>(statuses: readonly S[], moves: Record<string, Move<S>>): Readonly<Record<S, readonly S[]>> {
  const out = Object.fromEntries(statuses.map((s) => [s, [] as S[]])) as Record<S, S[]>;
  for (const m of Object.values(moves)) for (const from of m.from) if (!out[from].includes(m.to)) out[from].push(m.to);
  return out;
}

export const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'COMPLETED', 'CLOSED', 'REFUNDED'];
export const REFUND_STATUSES: readonly RefundStatus[] = ['REQUESTED', 'AWAITING_RETURN', 'RETURN_SHIPPED', 'PROCESSING', 'ABNORMAL', 'REJECTED', 'CANCELLED', 'SUCCEEDED', 'FAILED'];

export const ORDER_TRANSITIONS = table(ORDER_STATUSES, ORDER_MOVES);
export const REFUND_TRANSITIONS = table(REFUND_STATUSES, REFUND_MOVES);

/**
 * A refund in one of these holds its amount in the order's refundingFee. These are "open" (at most one per order,
 * `openRefundId`): a return keeps its amount reserved while the goods travel back; ABNORMAL keeps its amount reserved
 * without blocking a new request.
 */
export const OPEN_REFUND_STATUSES: readonly RefundStatus[] = ['REQUESTED', 'AWAITING_RETURN', 'RETURN_SHIPPED', 'PROCESSING'];
export const RESERVING_REFUND_STATUSES: readonly RefundStatus[] = [...OPEN_REFUND_STATUSES, 'ABNORMAL'];
/** The merchant's 已完成 tab (RefundQueueFilter FINISHED): decided, whatever WeChat Pay then says; ABNORMAL has its own tab. */
export const FINISHED_REFUND_STATUSES: readonly RefundStatus[] = ['PROCESSING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED'];
/** Refunds reconcile asks the provider about. */
export const POLLED_REFUND_STATUSES: readonly RefundStatus[] = ['PROCESSING', 'ABNORMAL'];

/** The buyer's money is with the shop: refunds may be asked for and settled in these. */
export const MONEY_HELD_STATUSES: readonly OrderStatus[] = ORDER_MOVES.refundInFull.from;

export function isMoneyHeld(status: OrderStatus): boolean {
  return MONEY_HELD_STATUSES.includes(status);
}

export function canOrderTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from]?.includes(to) ?? false;
}

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_TRANSITIONS[from]?.includes(to) ?? false;
}

export function allows<S extends string>(m: Move<S>, status: S): boolean {
  return m.from.includes(status);
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isRefundStatus(value: unknown): value is RefundStatus {
  return typeof value === 'string' && (REFUND_STATUSES as readonly string[]).includes(value);
}

export function isOpenRefund(status: RefundStatus): boolean {
  return OPEN_REFUND_STATUSES.includes(status);
}
