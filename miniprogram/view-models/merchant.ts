import type { RefundView } from '../../typings/api';
import { REFUND_STATUS_LABEL, REFUND_TYPE_LABEL } from '../domain/labels';
import { formatFen } from '../utils/money';
import { formatTime } from '../utils/time';

export interface QueueRowVM {
  refundId: string;
  orderId: string;
  amountText: string;
  reason: string;
  statusLabel: string;
  /** 仅退款 / 退货退款. */
  typeLabel: string;
  /** What is asked back, e.g. `冻顶乌龙茶 ×1`; '' for a request by amount alone. */
  linesText: string;
  createdText: string;
  /** What was bought (merchants' views carry the order's title), or ''. */
  title: string;
  /** Who asked: the receiver's name on the order, or a masked openid when the order has no address. */
  buyerText: string;
  /** When the shop acts by itself if nobody does first, and how; '' when no timer runs. */
  dueText: string;
}

/** e.g. `2026-12-13 14:56 前：买家超时未寄回，申请将关闭`. */
export function dueTextOf(refund: Pick<RefundView, 'dueAt' | 'dueAction'>): string {
  return refund.dueAt && refund.dueAction ? `${formatTime(refund.dueAt)} 前：${refund.dueAction}` : '';
}

function maskOpenid(openid: string | undefined): string {
  if (!openid) return '';
  return openid.length <= 6 ? `${openid.slice(0, 1)}***` : `${openid.slice(0, 3)}***${openid.slice(-3)}`;
}

export function buyerTextOf(refund: Pick<RefundView, 'buyerName' | 'buyerOpenid'>): string {
  return refund.buyerName ?? maskOpenid(refund.buyerOpenid);
}

export function toQueueRow(refund: RefundView): QueueRowVM {
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    amountText: formatFen(refund.refundFee),
    reason: refund.reason,
    statusLabel: REFUND_STATUS_LABEL[refund.status],
    typeLabel: REFUND_TYPE_LABEL[refund.type],
    linesText: (refund.items ?? []).map((l) => `${l.name} ×${l.quantity}`).join('，'),
    createdText: formatTime(refund.createdAt),
    title: refund.orderTitle ?? '',
    buyerText: buyerTextOf(refund),
    dueText: dueTextOf(refund),
  };
}
