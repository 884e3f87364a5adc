// payNotify: WeChat Pay's payment callback (cloudPay calls it by name). Never trusts its event: the order id is the
// only thing taken from it; amount, merchant and transaction come from queryOrder. Answers {errcode: 0} once the
// callback is handled (including anomalies, which are recorded), and asks for a retry only when something failed.
import { caller, database } from '../../server/cloud';
import { errorSummary, log } from '../../server/logger';
import { confirmPayment } from '../../server/payments';
import { paymentProvider, providerNotifications } from '../../server/provider';
import { loadSettings } from '../../server/settings';

export async function main(event: unknown): Promise<unknown> {
  const answers = providerNotifications();
  const orderId = answers.paymentReference(event);
  if (!orderId) {
    log('warn', 'payNotify.unreadable', {});
    return answers.acknowledge(); // nothing we could ever act on: retrying will not help
  }
  try {
    const store = database();
    const settings = await loadSettings(store);
    const provider = paymentProvider(settings, caller().env);
    const outcome = await confirmPayment({ store, settings, provider, now: new Date(), by: 'wechat' }, orderId);
    if (outcome.kind === 'NOT_PAID') {
      if (outcome.state === 'PAYING') return answers.retryLater('payment still in progress');
      log('warn', 'payNotify.not_paid', { orderId, state: outcome.state }); // forged or stale: the provider says unpaid
    }
    return answers.acknowledge();
  } catch (err) {
    log('error', 'payNotify.failed', { orderId, error: errorSummary(err) });
    return answers.retryLater('temporarily unable to process, please retry');
  }
}
