// The buyer's refund request.
import type { ApplyRefundData, ApplyRefundEvent, Fen } from '../../typings/api';
import { callFunction, type Outcome } from './call';

export function applyRefund(orderId: string, refundFee: Fen, reason: string): Promise<Outcome<ApplyRefundData>> {
  return callFunction('applyRefund', { orderId, refundFee, reason });
}

/** An after-sale request (仅退款 / 退货退款) by lines, with the reason from the list, a note and photo file ids. */
export function applyAfterSale(request: Required<Pick<ApplyRefundEvent, 'orderId' | 'type' | 'items' | 'receipt' | 'reason' | 'refundFee'>> & Pick<ApplyRefundEvent, 'note' | 'photos'>): Promise<Outcome<ApplyRefundData>> {
  return callFunction('applyRefund', request);
}
