// applyRefund: the buyer asks for money back on a paid order: 仅退款 or 退货退款, by lines, with a reason from the list for
// the receipt state, a note and evidence photos. The order's reservation is one conditional write, then the REQUESTED
// refund is written under its fixed number; then the merchants are told.
import type { ApplyRefundData } from '../../../typings/api';
import { parseApplyRefundEvent } from '../../domain/events';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { requestRefund } from '../../server/refund-flow';
import { loadSettings } from '../../server/settings';
import { checkBuyerPhotos } from '../../server/storage-files';

export const main = clientFunction<ApplyRefundData>('applyRefund', async (event, who) => {
  const request = parseApplyRefundEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  // Evidence photos must be the buyer's own, present in storage, pictures within the size limit.
  await checkBuyerPhotos(who.openid, request.photos);
  const afterSale = request.type
    ? { type: request.type, ...(request.items ? { items: request.items } : {}), ...(request.receipt ? { receipt: request.receipt } : {}), ...(request.note ? { note: request.note } : {}), ...(request.photos ? { photos: request.photos } : {}) }
    : undefined;
  const refund = await requestRefund({ store, settings, now: new Date() }, who.openid, request.orderId, request.reason, request.refundFee, afterSale);
  return { refundId: refund._id, status: 'REQUESTED', refundFee: refund.refundFee };
});
