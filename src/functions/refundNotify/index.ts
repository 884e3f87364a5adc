// refundNotify: WeChat Pay's refund result callback. Takes only the refund number from the event, confirms with
// queryRefund, settles the refund once and tells the buyer.
import { caller, database } from '../../server/cloud';
import { errorSummary, log } from '../../server/logger';
import { paymentProvider, providerNotifications } from '../../server/provider';
import { reconcileRefund } from '../../server/refund-flow';
import { loadSettings } from '../../server/settings';

export async function main(event: unknown): Promise<unknown> {
  const answers = providerNotifications();
  const refundId = answers.refundReference(event);
  if (!refundId) {
    log('warn', 'refundNotify.unreadable', {});
    return answers.acknowledge();
  }
  try {
    const store = database();
    const settings = await loadSettings(store);
    // Still PROCESSING at the provider (or unknown to us) is acknowledged too: reconcile polls open refunds.
    await reconcileRefund({ store, settings, now: new Date() }, paymentProvider(settings, caller().env), refundId, 'wechat', { resubmitMissing: false });
    return answers.acknowledge();
  } catch (err) {
    log('error', 'refundNotify.failed', { refundId, error: errorSummary(err) });
    return answers.retryLater('temporarily unable to process, please retry');
  }
}
