// The buyer's refund request.
import type { ApplyRefundData, Fen } from '../../typings/api';
import { callFunction, type Outcome } from './call';

export function applyRefund(orderId: string, refundFee: Fen, reason: string): Promise<Outcome<ApplyRefundData>> {
  return callFunction('applyRefund', { orderId, refundFee, reason });
}
