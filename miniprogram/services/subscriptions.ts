// Subscribe-message authorizations are one-time: each "accept" allows one message. Pages ask at natural moments,
// always from the tap itself (WeChat only shows the dialog for a user gesture); the answer never blocks anything.
import type { MeData } from '../../typings/api';
import { adapters } from '../adapters/index';
import type { SubscribeOutcome } from '../adapters/subscription';
import { confirmDialog } from '../utils/feedback';

export function askSubscriptions(templateIds: Array<string | undefined>): Promise<SubscribeOutcome> {
  return adapters().subscription.ask(templateIds.filter((id): id is string => typeof id === 'string' && id !== ''));
}

/** The merchant renews "new order" and "refund request" messages each time they decide or agree. */
export function merchantTemplates(templates: MeData['templates']): Array<string | undefined> {
  return [templates.orderPaid, templates.refundRequested];
}

export function askMerchantSubscriptions(templates: MeData['templates']): Promise<SubscribeOutcome> {
  return askSubscriptions(merchantTemplates(templates));
}

export interface Confirmation {
  title: string;
  content: string;
  confirmText: string;
}

/**
 * Money before permissions: the person first confirms what is about to happen (the amount), and only then is asked
 * for message permission, from the dialog's confirm tap. Declining the confirmation asks nothing. The subscription's
 * answer never holds the action back: the caller may act without awaiting it.
 */
export async function confirmThenSubscribe(confirmation: Confirmation, templateIds: Array<string | undefined>): Promise<{ confirmed: false } | { confirmed: true; subscription: Promise<SubscribeOutcome> }> {
  let subscription: Promise<SubscribeOutcome> | undefined;
  const confirmed = await confirmDialog(confirmation.title, confirmation.content, confirmation.confirmText, () => {
    subscription = askSubscriptions(templateIds);
  });
  if (!confirmed || !subscription) return { confirmed: false };
  return { confirmed: true, subscription };
}

/** The catalogue page renews the low-stock message (absent when the shop set no threshold). */
export function askLowStockSubscription(templates: MeData['templates']): Promise<SubscribeOutcome> {
  return askSubscriptions([templates.lowStock]);
}
