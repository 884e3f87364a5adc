// payNotify: WeChat Pay's payment callback, as a cloudPay event or an HTTP request (APIv2, APIv3), from any channel
// the shop has configured. Never trusts it: the channel checks it in its own protocol and names the order; amount,
// merchant and transaction come from a query to the order's own channel. Answers "handled" once done (anomalies included, they are recorded), and asks for a retry only when
// something failed on our side or the payment is still in progress.
import { log } from '../../server/logger';
import { notifyFunction } from '../../server/notify-handler';
import { confirmPayment } from '../../server/payments';
import { payments } from '../../server/provider';

export const main = notifyFunction('payNotify', 'payment', async (orderId, { store, settings, env, channel }) => {
  const outcome = await confirmPayment({ store, settings, payments: payments(settings, env), now: new Date(), by: 'wechat' }, orderId, channel);
  if (outcome.kind === 'NOT_PAID') {
    if (outcome.state === 'PAYING') return { kind: 'retry', reason: 'payment still in progress' };
    log('warn', 'payNotify.not_paid', { orderId, state: outcome.state }); // forged or stale: the provider says unpaid
  }
  return { kind: 'handled' };
});
