import type { MerchantRefundDetail, RefundView } from '../../typings/api';
import { ABNORMAL_REFUND_ADVICE, REFUND_STATUS_LABEL } from '../domain/labels';
import { formatFen } from '../utils/money';
import { formatTime } from '../utils/time';
import { toOrderDetail, type OrderDetailVM } from './order';

export interface QueueRowVM {
  refundId: string;
  orderId: string;
  amountText: string;
  reason: string;
  statusLabel: string;
  createdText: string;
  /** What was bought (merchants' views carry the order's title), or ''. */
  title: string;
  /** Who asked: the receiver's name on the order, or a masked openid when the order has no address. */
  buyerText: string;
}

function maskOpenid(openid: string | undefined): string {
  if (!openid) return '';
  return openid.length <= 6 ? `${openid.slice(0, 1)}***` : `${openid.slice(0, 3)}***${openid.slice(-3)}`;
}

export function toQueueRow(refund: RefundView): QueueRowVM {
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    amountText: formatFen(refund.refundFee),
    reason: refund.reason,
    statusLabel: REFUND_STATUS_LABEL[refund.status],
    createdText: formatTime(refund.createdAt),
    title: refund.orderTitle ?? '',
    buyerText: refund.buyerName ?? maskOpenid(refund.buyerOpenid),
  };
}

export interface MerchantRefundVM extends QueueRowVM {
  rejectReason: string;
  /** What WeChat Pay last said about a refund that is waiting or failed (e.g. the balance is too low). */
  providerNote: string;
  /** Only a request nobody has decided yet can be approved or rejected. */
  decidable: boolean;
  /** What the merchant must do at WeChat Pay (an ABNORMAL refund), or ''. */
  adviceText: string;
  /** What WeChat Pay actually refunded when it differs from the request, or ''. */
  settledText: string;
  /** The merchant may ask WeChat Pay about the refund now (it is with WeChat, or waits for the merchant there). */
  checkable: boolean;
  order: OrderDetailVM;
}

export function toMerchantRefund(detail: MerchantRefundDetail): MerchantRefundVM {
  return {
    ...toQueueRow(detail.refund),
    rejectReason: detail.refund.rejectReason ?? '',
    providerNote: detail.refund.lastError ?? '',
    decidable: detail.refund.status === 'REQUESTED',
    adviceText: detail.refund.status === 'ABNORMAL' ? ABNORMAL_REFUND_ADVICE : '',
    settledText: detail.refund.settledFee !== undefined ? formatFen(detail.refund.settledFee) : '',
    checkable: detail.refund.status === 'ABNORMAL' || detail.refund.status === 'PROCESSING',
    order: toOrderDetail(detail.order),
  };
}
