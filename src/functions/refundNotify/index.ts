// refundNotify: WeChat Pay's refund result, as a cloudPay event or an HTTP request (APIv2, APIv3). Takes only the
// refund number from it, confirms with queryRefund, settles the refund once and tells the buyer.
import { notifyFunction } from '../../server/notify-handler';
import { payments } from '../../server/provider';
import { reconcileRefund } from '../../server/refund-flow';

export const main = notifyFunction('refundNotify', 'refund', async (refundId, { store, settings, env }) => {
  // Still PROCESSING at the provider (or unknown to us) is acknowledged too: reconcile polls open refunds.
  await reconcileRefund({ store, settings, now: new Date() }, payments(settings, env), refundId, 'wechat', { resubmitMissing: false });
  return { kind: 'handled' };
});
