// Subscribe-message authorizations are one-time: the merchant grants one more "new order" and "refund request"
// message each time they agree, so the pages ask again at every natural moment (opening the queue, deciding).
import type { MeData } from '../../typings/api';
import type { SubscribeOutcome } from '../adapters/subscription';
import { askSubscriptions } from './refund';

export function askMerchantSubscriptions(templates: MeData['templates']): Promise<SubscribeOutcome> {
  return askSubscriptions([templates.orderPaid, templates.refundRequested]);
}
