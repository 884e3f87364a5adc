// approveRefund: merchants only. Reject (with a reason) releases the reserved amount; approve claims PROCESSING,
// asks WeChat Pay to refund with the refund's own outRefundNo, and tells the buyer.
import type { ApproveRefundData } from '../../../typings/api';
import { forbidden } from '../../domain/errors';
import { parseApproveRefundEvent } from '../../domain/events';
import { isMerchant } from '../../domain/settings';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { payments } from '../../server/provider';
import { approveRefund, closeRequestedRefund } from '../../server/refund-flow';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<ApproveRefundData>('approveRefund', async (event, who) => {
  const request = parseApproveRefundEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  if (!isMerchant(settings, who.openid)) throw forbidden('only the shop’s merchants can decide refunds');
  const ctx = { store, settings, now: new Date() };
  if (request.action === 'reject') {
    const { refund } = await closeRequestedRefund(ctx, request.refundId, 'REJECTED', { openid: who.openid, role: 'merchant' }, request.rejectReason);
    return { refundId: refund._id, status: refund.status };
  }
  const status = await approveRefund(ctx, payments(settings, who.env), request.refundId, who.openid);
  return { refundId: request.refundId, status };
});
