// applyRefund: the buyer asks for money back on a PAID order. One transaction creates the REQUESTED refund and
// reserves its amount in the order's refundingFee; then the merchants are told.
import type { ApplyRefundData } from '../../../typings/api';
import { parseApplyRefundEvent } from '../../domain/events';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { requestRefund } from '../../server/refund-flow';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<ApplyRefundData>('applyRefund', async (event, who) => {
  const request = parseApplyRefundEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  const refund = await requestRefund({ store, settings, now: new Date() }, who.openid, request.orderId, request.reason, request.refundFee);
  return { refundId: refund._id, status: 'REQUESTED', refundFee: refund.refundFee };
});
