// The buyer's refund request.
import type { ApplyRefundData, Fen } from '../../typings/api';
import { adapters } from '../adapters/index';
import type { SubscribeOutcome } from '../adapters/subscription';
import { callFunction, type Outcome } from './call';

export function applyRefund(orderId: string, refundFee: Fen, reason: string): Promise<Outcome<ApplyRefundData>> {
  return callFunction('applyRefund', { orderId, refundFee, reason });
}

/** Must be started from the tap itself (WeChat only shows the dialog for a user gesture). */
export function askSubscriptions(templateIds: Array<string | undefined>): Promise<SubscribeOutcome> {
  return adapters().subscription.ask(templateIds.filter((id): id is string => typeof id === 'string' && id !== ''));
}
