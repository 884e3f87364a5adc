// Subscribe-message authorizations are one-time: each "accept" allows one message. Pages ask at natural moments,
// always from the tap itself (WeChat only shows the dialog for a user gesture); the answer never blocks anything.
import type { MeData } from '../../typings/api';
import { adapters } from '../adapters/index';
import type { SubscribeOutcome } from '../adapters/subscription';

export function askSubscriptions(templateIds: Array<string | undefined>): Promise<SubscribeOutcome> {
  return adapters().subscription.ask(templateIds.filter((id): id is string => typeof id === 'string' && id !== ''));
}

/** The merchant renews "new order" and "refund request" messages each time they agree. */
export function askMerchantSubscriptions(templates: MeData['templates']): Promise<SubscribeOutcome> {
  return askSubscriptions([templates.orderPaid, templates.refundRequested]);
}

/** The catalogue page renews the low-stock message (absent when the shop set no threshold). */
export function askLowStockSubscription(templates: MeData['templates']): Promise<SubscribeOutcome> {
  return askSubscriptions([templates.lowStock]);
}
