// approveRefund: merchants only. Reject (with a reason) releases the reserved amount; approve claims PROCESSING,
// asks WeChat Pay to refund with the refund's own outRefundNo, and tells the buyer. For a return, approve agrees to it
// (the buyer is given the return address); confirmReturn refunds once the parcel is back, refuseReturn turns it down.
import type { ApproveRefundData } from '../../../typings/api';
import { forbidden } from '../../domain/errors';
import { parseApproveRefundEvent } from '../../domain/events';
import { isMerchant } from '../../domain/settings';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { payments } from '../../server/provider';
import { agreeReturn } from '../../server/aftersale-flow';
import { approveRefund, closeRequestedRefund } from '../../server/refund-flow';
import { findRefund } from '../../server/repositories/refunds';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<ApproveRefundData>('approveRefund', async (event, who) => {
  const request = parseApproveRefundEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  if (!isMerchant(settings, who.openid)) throw forbidden('only the shop’s merchants can decide refunds');
  const ctx = { store, settings, now: new Date() };
  const merchant = { openid: who.openid, role: 'merchant' } as const;
  switch (request.action) {
    case 'reject':
    case 'refuseReturn': {
      const { refund } = await closeRequestedRefund(ctx, request.refundId, request.action === 'reject' ? 'REJECTED' : 'RETURN_REFUSED', merchant, request.rejectReason);
      return { refundId: refund._id, status: refund.status };
    }
    case 'approve': {
      // A return is agreed first (the buyer sends the goods back); a refund-only request is refunded now.
      const refund = await findRefund(store, request.refundId);
      if (refund?.type === 'RETURN_AND_REFUND') return { refundId: request.refundId, status: await agreeReturn(ctx, request.refundId, who.openid) };
      return { refundId: request.refundId, status: await approveRefund(ctx, payments(settings, who.env), request.refundId, who.openid, 'approve', refund) };
    }
    case 'confirmReturn':
      return { refundId: request.refundId, status: await approveRefund(ctx, payments(settings, who.env), request.refundId, who.openid, 'confirmReturn') };
  }
});
