// The merchant's refund queue and decisions. The server refuses anyone who is not a configured merchant.
import type { ApproveRefundData, MerchantRefundDetail, Page, RefundQueueFilter, RefundStatus, RefundView } from '../../typings/api';
import { config } from '../config';
import { pollWhile } from '../utils/poll';
import { callFunction, callOrders, type Outcome } from './call';
import { isMerchantRefund, isRefundView, pageOf } from './shapes';

export function fetchRefundQueue(cursor?: string, status: RefundQueueFilter = 'REQUESTED'): Promise<Outcome<Page<RefundView>>> {
  return callOrders<'refunds'>({ action: 'refunds', status, cursor, limit: config.pageSize }, pageOf(isRefundView));
}

/** Ask WeChat Pay about the refund now (after resolving an abnormal refund in the merchant platform). */
export function checkRefund(refundId: string): Promise<Outcome<{ refundId: string; status: RefundStatus }>> {
  return callOrders<'checkRefund'>({ action: 'checkRefund', refundId });
}

export function fetchRefundDetail(refundId: string): Promise<Outcome<MerchantRefundDetail>> {
  return callOrders<'refund'>({ action: 'refund', refundId }, isMerchantRefund);
}

export function approveRefund(refundId: string): Promise<Outcome<ApproveRefundData>> {
  return callFunction('approveRefund', { refundId, action: 'approve' });
}

export function rejectRefund(refundId: string, rejectReason: string): Promise<Outcome<ApproveRefundData>> {
  return callFunction('approveRefund', { refundId, action: 'reject', rejectReason });
}

/** The returned parcel arrived: refund it (RETURN_SHIPPED → PROCESSING, then WeChat Pay as an approval). */
export function confirmReturn(refundId: string): Promise<Outcome<ApproveRefundData>> {
  return callFunction('approveRefund', { refundId, action: 'confirmReturn' });
}

/** What came back is refused, with the reason the buyer reads. */
export function refuseReturn(refundId: string, rejectReason: string): Promise<Outcome<ApproveRefundData>> {
  return callFunction('approveRefund', { refundId, action: 'refuseReturn', rejectReason });
}

/**
 * After approval the refund is PROCESSING until WeChat Pay's result reaches the server: look again a bounded number
 * of times (config.refundFollowWaitsMs), showing each read, and stop when the person leaves the page.
 */
export function followRefund(refundId: string, stillWanted: () => boolean, onRead: (latest: Outcome<MerchantRefundDetail>) => void): Promise<Outcome<MerchantRefundDetail>> {
  return pollWhile(() => fetchRefundDetail(refundId), (detail) => detail.refund.status === 'PROCESSING', config.refundFollowWaitsMs, { stillWanted, onRead });
}
