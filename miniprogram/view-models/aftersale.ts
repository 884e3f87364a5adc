// One after-sale request as the buyer's and the merchant's after-sale pages show it: what is asked back (by line,
// with the spec bought), where it stands (progress steps), its own history out of the order's timeline, where the
// goods go back and how, and what each side may do now.
import type { MerchantRefundDetail, OrderDetail, RefundView } from '../../typings/api';
import { AFTERSALE } from '../domain/aftersale-contract';
import { progressOf, type ProgressStep } from '../domain/aftersale-progress';
import { ABNORMAL_REFUND_ADVICE, labelOf, RECEIPT_LABEL, REFUND_STATUS_LABEL, REFUND_TYPE_LABEL } from '../domain/labels';
import { refundBlocker } from '../domain/order-actions';
import type { RejectScene } from '../domain/refund-form';
import { formatFen } from '../utils/money';
import { formatTime } from '../utils/time';
import { buyerTextOf, dueTextOf } from './merchant';
import { toOrderDetail, toTimeline, type OrderDetailVM, type TimelineVM } from './order';

export interface AfterSaleLineVM {
  key: string;
  name: string;
  /** The spec bought (e.g. 500g): the line's own; for refunds from before SKU-level lines, the order's lines of that product. */
  spec: string;
  /** The name with the spec, as the line reads. */
  nameText: string;
  quantityText: string;
  feeText: string;
}

export interface AfterSaleVM {
  refundId: string;
  orderId: string;
  typeLabel: string;
  statusLabel: string;
  amountText: string;
  /** What WeChat Pay actually refunded, when it differs. */
  settledText: string;
  reason: string;
  note: string;
  receiptLabel: string;
  rejectReason: string;
  createdText: string;
  steps: ProgressStep[];
  lines: AfterSaleLineVM[];
  /** When the shop acts by itself and how (e.g. 买家超时未寄回，申请将关闭), or ''. */
  dueText: string;
  returnAddress: { who: string; where: string; copyText: string } | null;
  returnShipping: { companyText: string; trackingNo: string; shippedText: string } | null;
  /** This request's own steps, newest first. */
  timeline: TimelineVM[];
}

function specsOf(order: Pick<OrderDetail, 'items'>, productId: string): string {
  const specs = order.items.filter((i) => i.productId === productId && i.spec).map((i) => i.spec as string);
  return [...new Set(specs)].join('、');
}

export function toAfterSale(refund: RefundView, order: Pick<OrderDetail, 'items' | 'timeline'>): AfterSaleVM {
  const own = order.timeline.filter((e) => e.refundId === refund.refundId);
  const steps = progressOf(refund.type, refund.status, own.map((e) => e.event));
  // A request that ended says how (e.g. 超时未寄回，已关闭 rather than the status's 已撤回).
  const ended = steps.find((s) => s.state === 'ended');
  const address = refund.returnAddress;
  const back = refund.returnShipping;
  const lines = (refund.items ?? []).map((l, i) => {
    const spec = l.spec ?? specsOf(order, l.productId);
    return { key: `${l.productId}-${i}`, name: l.name, spec, nameText: spec ? `${l.name} ${spec}` : l.name, quantityText: `×${l.quantity}`, feeText: formatFen(l.fee) };
  });
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    typeLabel: REFUND_TYPE_LABEL[refund.type],
    statusLabel: ended?.label ?? labelOf(REFUND_STATUS_LABEL, refund.status),
    amountText: formatFen(refund.refundFee),
    settledText: refund.settledFee !== undefined ? formatFen(refund.settledFee) : '',
    reason: refund.reason,
    note: refund.note ?? '',
    receiptLabel: refund.receipt ? RECEIPT_LABEL[refund.receipt] : '',
    rejectReason: refund.rejectReason ?? '',
    createdText: formatTime(refund.createdAt),
    steps,
    lines,
    dueText: dueTextOf(refund),
    returnAddress: address ? { who: `${address.name} ${address.phone}`, where: address.address, copyText: `${address.name} ${address.phone} ${address.address}` } : null,
    returnShipping: back ? { companyText: back.expressCompanyName ?? back.expressCompany, trackingNo: back.trackingNo, shippedText: formatTime(back.shippedAt) } : null,
    timeline: own.map(toTimeline).reverse(),
  };
}

export interface BuyerAfterSaleVM extends AfterSaleVM {
  /** The merchant agreed to the return: the tracking form is due. */
  canSendReturn: boolean;
  canWithdraw: boolean;
  /** Turned down, the newest request of the order, and the order still takes one: 再次申请. */
  canApplyAgain: boolean;
  /** How many more requests the order takes (WeChat's shop: 5 per item; ours per order). */
  applicationsLeft: number;
}

export function toBuyerAfterSale(order: OrderDetail, refundId: string, now: number = Date.now()): BuyerAfterSaleVM | undefined {
  const refund = order.refunds.find((r) => r.refundId === refundId);
  if (!refund) return undefined;
  const asked = order.refunds.filter((r) => !r.automatic).length;
  const left = Math.max(0, AFTERSALE.applicationsPerOrder - asked);
  const newest = order.refunds.reduce((a, b) => (b.createdAt > a.createdAt ? b : a), refund);
  return {
    ...toAfterSale(refund, order),
    canSendReturn: refund.status === 'AWAITING_RETURN',
    canWithdraw: refund.status === 'REQUESTED' || refund.status === 'AWAITING_RETURN',
    canApplyAgain: refund.status === 'REJECTED' && newest.refundId === refund.refundId && left > 0 && refundBlocker(order, now) === '',
    applicationsLeft: left,
  };
}

export interface MerchantAfterSaleVM extends AfterSaleVM {
  buyerText: string;
  /** Temporary links to the buyer's photos ('' for a file that is gone), in the buyer's order. */
  photos: Array<{ key: string; url: string }>;
  /** What the merchant decides now: a new request, or a parcel that came back; null when nothing is theirs. */
  decision: null | { scene: RejectScene; agreeAction: 'approve' | 'agreeReturn' | 'confirmReturn'; agreeLabel: string; rejectLabel: string; reasons: readonly string[] };
  /** What WeChat Pay last said about a refund that is waiting or failed. */
  providerNote: string;
  adviceText: string;
  /** The merchant may ask WeChat Pay about the refund now. */
  checkable: boolean;
  /** Approved and with WeChat Pay: the page follows it until WeChat Pay decides. */
  processing: boolean;
  order: OrderDetailVM;
}

function decisionOf(refund: RefundView): MerchantAfterSaleVM['decision'] {
  if (refund.status === 'REQUESTED') {
    const isReturn = refund.type === 'RETURN_AND_REFUND';
    return { scene: 'REQUEST', agreeAction: isReturn ? 'agreeReturn' : 'approve', agreeLabel: isReturn ? '同意退货' : '同意退款', rejectLabel: '拒绝申请', reasons: AFTERSALE.rejectReasons.REQUEST };
  }
  if (refund.status === 'RETURN_SHIPPED') {
    return { scene: 'RETURN', agreeAction: 'confirmReturn', agreeLabel: '确认收货并退款', rejectLabel: '拒绝收货', reasons: AFTERSALE.rejectReasons.RETURN };
  }
  return null;
}

export function toMerchantAfterSale(detail: MerchantRefundDetail): MerchantAfterSaleVM {
  const { refund, order } = detail;
  return {
    ...toAfterSale(refund, order),
    buyerText: buyerTextOf(refund),
    photos: (refund.photoUrls ?? []).map((url, i) => ({ key: `photo-${i}`, url })),
    decision: decisionOf(refund),
    providerNote: refund.lastError ?? '',
    adviceText: refund.status === 'ABNORMAL' ? ABNORMAL_REFUND_ADVICE : '',
    checkable: refund.status === 'ABNORMAL' || refund.status === 'PROCESSING',
    processing: refund.status === 'PROCESSING',
    order: toOrderDetail(order),
  };
}

/** What each confirmation repeats before the merchant's decision takes effect: the money first. */
export function decisionText(vm: Pick<AfterSaleVM, 'amountText' | 'typeLabel'>, action: 'approve' | 'agreeReturn' | 'confirmReturn' | 'reject' | 'refuseReturn', reason = ''): { title: string; content: string; confirmText: string } {
  switch (action) {
    case 'approve':
      return { title: '同意退款', content: `将退还 ${vm.amountText} 给买家，款项原路返回。`, confirmText: '同意退款' };
    case 'agreeReturn':
      return { title: '同意退货', content: `买家会看到退货地址并寄回商品；确认收货后退还 ${vm.amountText}。`, confirmText: '同意退货' };
    case 'confirmReturn':
      return { title: '确认收货并退款', content: `确认已收到退回的商品，将退还 ${vm.amountText} 给买家，款项原路返回。`, confirmText: '确认退款' };
    case 'reject':
      return { title: '拒绝申请', content: `拒绝买家 ${vm.amountText} 的${vm.typeLabel}申请，买家会看到原因：${reason}`, confirmText: '拒绝申请' };
    case 'refuseReturn':
      return { title: '拒绝收货', content: `拒绝退回的商品，不退还 ${vm.amountText}，买家会看到原因：${reason}`, confirmText: '拒绝收货' };
  }
}
