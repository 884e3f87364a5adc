// Who may ask for how much back, and what settling a refund does to the order. Pure: the caller loads the order
// inside a transaction, asks these functions, and writes what they return.
import type { Fen, OrderStatus } from '../../typings/api';
import type { OrderDoc, RefundDoc } from './documents';
import { AppError, conflict, notFound } from './errors';
import { outRefundNo } from './ids';
import { requireFen } from './money';
import { ORDER_MOVES, RESERVING_REFUND_STATUSES, allows, isMoneyHeld } from './states';

/** What a refund's lastError tells the merchant when WeChat Pay, not a call, decided (shown on the merchant's pages). */
export const REFUND_NOTES = {
  abnormal: '微信支付退款异常（买家的银行卡可能已注销或冻结）：请到微信支付商户平台处理这笔退款',
  closedByProvider: '微信支付关闭了这笔退款，金额可以重新申请退款',
} as const;

/** WeChat Pay accepts at most 50 partial refunds on one payment. */
export const MAX_REFUNDS_PER_ORDER = 50;
const DAY_MS = 24 * 3600_000;

type RefundLedger = Pick<OrderDoc, 'status' | 'totalFee' | 'refundedFee' | 'refundingFee'>;

export function refundableFee(order: RefundLedger): Fen {
  if (!isMoneyHeld(order.status)) return 0;
  return Math.max(0, order.totalFee - order.refundedFee - order.refundingFee);
}

/** Until when the buyer may ask for a refund of a paid (or shipped, or received) order: paidAt + the shop's window. */
export function refundDeadline(order: Pick<OrderDoc, 'status' | 'paidAt'>, refundWindowDays: number): Date | undefined {
  if (!isMoneyHeld(order.status) || !order.paidAt) return undefined;
  return new Date(order.paidAt.getTime() + refundWindowDays * DAY_MS);
}

export interface RefundDecision {
  refundId: string;
  refundFee: Fen;
}

/**
 * Decides a buyer's refund request against the order as read inside the transaction.
 * Guarantees: only the owner, only orders whose money the shop holds, within the window, one open refund, at most 50, never more than
 * what is left (refundedFee + refundingFee ≤ totalFee after the write).
 */
export function decideRefundRequest(
  order: Pick<OrderDoc, '_id' | '_openid' | 'status' | 'totalFee' | 'refundedFee' | 'refundingFee' | 'refundCount' | 'openRefundId' | 'paidAt'>,
  request: { caller: string; refundFee?: number; now: Date; refundWindowDays: number },
): RefundDecision {
  if (order._openid !== request.caller) throw notFound(`order ${order._id} not found`);
  if (!isMoneyHeld(order.status)) throw conflict(`order ${order._id} is ${order.status}: only paid orders can be refunded`);
  if (order.openRefundId) throw conflict(`refund ${order.openRefundId} is still open on this order: wait for it or withdraw it`);
  if (order.refundCount >= MAX_REFUNDS_PER_ORDER) throw conflict(`an order can be refunded at most ${MAX_REFUNDS_PER_ORDER} times`);
  const deadline = refundDeadline(order, request.refundWindowDays);
  if (deadline && request.now.getTime() > deadline.getTime()) {
    throw conflict(`the refund window of ${request.refundWindowDays} days after payment has closed`);
  }
  const left = refundableFee(order);
  if (left <= 0) throw new AppError('REFUND_EXCEEDS_PAID', 'nothing is left to refund on this order');
  const refundFee = request.refundFee === undefined ? left : requireFen(request.refundFee, 'refundFee');
  if (refundFee > left) throw new AppError('REFUND_EXCEEDS_PAID', `at most ${left} fen can still be refunded on this order, asked ${refundFee}`);
  return { refundId: outRefundNo(order._id, order.refundCount + 1), refundFee };
}

export interface LedgerChange {
  refundedFee: number;
  refundingFee: number;
  status: OrderStatus;
}

/**
 * The order's ledger after a refund stops reserving money: SUCCEEDED moves it to refundedFee (`settledFee`, what
 * the provider actually paid out, which is the refund's amount unless the provider says otherwise), RELEASED gives
 * it back to what can be refunded. An ABNORMAL refund does neither: its amount stays in refundingFee.
 */
export function settleLedger(order: RefundLedger, refund: Pick<RefundDoc, 'refundFee'>, outcome: 'SUCCEEDED' | 'RELEASED', settledFee = refund.refundFee): LedgerChange {
  const refundingFee = Math.max(0, order.refundingFee - refund.refundFee);
  if (outcome === 'RELEASED') return { refundedFee: order.refundedFee, refundingFee, status: order.status };
  // Never more than was paid, whatever a provider answer says (a mismatch is recorded as an anomaly by the caller).
  const refundedFee = Math.min(order.totalFee, order.refundedFee + settledFee);
  const full = ORDER_MOVES.refundInFull;
  const status: OrderStatus = allows(full, order.status) && refundedFee >= order.totalFee ? full.to : order.status;
  return { refundedFee, refundingFee, status };
}

/**
 * Whether an ABNORMAL refund's amount is still in its order's refundingFee, from the order's ledger and its refunds:
 * refundingFee is always the sum of what its reserving refunds (and a request whose document is not written yet)
 * hold. true: still reserved (its final outcome not booked); false: booked already (only its document is behind);
 * undefined: the ledger matches neither, so nothing may be decided from it.
 */
export function abnormalStillReserved(
  order: Pick<OrderDoc, 'refundingFee' | 'openRefundId' | 'refundRequest'>,
  refunds: ReadonlyArray<Pick<RefundDoc, '_id' | 'status' | 'refundFee'>>,
  refund: Pick<RefundDoc, '_id' | 'refundFee'>,
): boolean | undefined {
  let reserved = 0;
  for (const r of refunds) if (RESERVING_REFUND_STATUSES.includes(r.status) || r._id === refund._id) reserved += r.refundFee;
  if (!refunds.some((r) => r._id === refund._id)) reserved += refund.refundFee;
  const request = order.refundRequest;
  if (request && order.openRefundId === request.refundId && !refunds.some((r) => r._id === request.refundId)) reserved += request.refundFee;
  if (order.refundingFee === reserved) return true;
  if (order.refundingFee === reserved - refund.refundFee) return false;
  return undefined;
}
