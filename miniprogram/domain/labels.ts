// Every status, tab, reason and event the pages show, each with its label beside it. Pages never spell a label.
import type { OrderListFilter, OrderStatus, ReceiptState, RefundQueueFilter, RefundStatus, RefundType, TimelineActor, TimelineEvent } from '../../typings/api';

export const ORDER_STATUS_LABEL: Record<OrderStatus, string> = {
  PENDING: '待付款',
  PAID: '已付款',
  SHIPPED: '已发货',
  COMPLETED: '已完成',
  CLOSED: '已关闭',
  REFUNDED: '已退款',
};

/** A paid order with an open refund reads as "refunding" in lists, like the tab it is filed under. */
export const REFUNDING_LABEL = '退款中';

export const REFUND_TYPE_LABEL: Record<RefundType, string> = {
  REFUND_ONLY: '仅退款',
  RETURN_AND_REFUND: '退货退款',
};

export const REFUND_STATUS_LABEL: Record<RefundStatus, string> = {
  REQUESTED: '待商家处理',
  AWAITING_RETURN: '待买家退货',
  RETURN_SHIPPED: '待商家确认收货',
  PROCESSING: '退款处理中',
  ABNORMAL: '退款未到账，商家处理中',
  SUCCEEDED: '退款成功',
  FAILED: '退款失败',
  REJECTED: '商家已拒绝',
  CANCELLED: '已撤回',
};

export interface OrderTab {
  key: 'ALL' | OrderListFilter;
  label: string;
}

/** The buyer's list, like a shop's: what to do next, then after-sales (the bar scrolls sideways). */
export const ORDER_TABS: readonly OrderTab[] = [
  { key: 'ALL', label: '全部' },
  { key: 'PENDING', label: '待付款' },
  { key: 'PAID', label: '待发货' },
  { key: 'SHIPPED', label: '待收货' },
  { key: 'COMPLETED', label: '已完成' },
  { key: 'AFTERSALE', label: '售后' },
];

/** A PENDING order past its payment deadline: the server closes it; the card no longer offers to pay. */
export const PAY_EXPIRED_LABEL = '支付超时';

/** A buyer's card says what the buyer waits for, in the words of the tab it is filed under. */
export const BUYER_CARD_STATUS_LABEL: Record<OrderStatus, string> = {
  ...ORDER_STATUS_LABEL,
  PAID: '待发货',
  SHIPPED: '待收货',
};

/** The merchant's desk. */
export const DESK_TABS: ReadonlyArray<{ key: 'TO_SHIP' | 'SHIPPED' | 'ALL'; label: string }> = [
  { key: 'TO_SHIP', label: '待发货' },
  { key: 'SHIPPED', label: '已发货' },
  { key: 'ALL', label: '全部' },
];

/** One label per event the functions write (the contract's TimelineEvent: a new event does not compile without one). */
export const TIMELINE_EVENT_LABEL: Record<TimelineEvent, string> = {
  created: '下单',
  paid: '支付成功',
  closed: '订单关闭',
  refund_requested: '申请退款',
  refund_withdrawn: '撤回退款申请',
  refund_approved: '商家同意退款',
  refund_rejected: '商家拒绝退款',
  refund_succeeded: '退款成功',
  refund_failed: '退款失败',
  refund_abnormal: '退款未能到账',
  refund_automatic: '订单关闭后收到付款，已自动退款',
  return_agreed: '商家同意退货',
  return_shipped: '买家已寄回商品',
  return_received: '商家确认收到退货',
  return_refused: '商家拒绝收货',
  return_closed: '退货申请关闭',
  refund_auto_approved: '商家超时未处理，已自动同意退款',
  refunded: '全部退款完成',
  anomaly: '异常，已通知商家',
  shipped: '商家已发货',
  shipping_corrected: '商家修改了发货信息',
  shipping_uploaded: '发货信息已同步到微信',
  shipping_upload_failed: '发货信息同步失败',
  received: '确认收货',
};

export const ACTOR_LABEL: Record<TimelineActor, string> = {
  buyer: '买家',
  merchant: '商家',
  wechat: '微信支付',
  system: '系统',
};

/** WeChat itself (not WeChat Pay): e.g. a receipt the buyer confirmed in WeChat's own notice. */
export const WECHAT_LABEL = '微信';

/** Reasons a buyer can pick; `needsNote` makes the note required. */
export const REFUND_REASONS: ReadonlyArray<{ label: string; needsNote: boolean }> = [
  { label: '不想要了', needsNote: false },
  { label: '商品与描述不符', needsNote: false },
  { label: '质量问题', needsNote: false },
  { label: '未按约定时间发货', needsNote: false },
  { label: '其他原因', needsNote: true },
];

export function labelOf<K extends string>(table: Record<K, string>, key: string): string {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key as K] : key;
}

/** What the buyer is told around confirming receipt. */
export const RECEIPT_TEXT = {
  confirmed: '已确认收货',
  notYet: '微信还没有收到你的确认，请在确认收货页面完成确认',
  windowFailed: '没能打开确认收货页面，请稍后再试',
} as const;

/** What a merchant does about a refund WeChat Pay could not pay out (ABNORMAL). */
export const ABNORMAL_REFUND_ADVICE = '微信支付未能把这笔退款退到买家账户（如银行卡已注销或冻结）。请登录微信支付商户平台，在「交易中心 › 退款管理」处理这笔异常退款，处理后点击下方按钮刷新状态。';

/**
 * The merchant's after-sale queue, as WeChat's shop files it: requests to decide, returns the buyer still has to
 * send, parcels to check, decided ones; and refunds that need the merchant at WeChat Pay.
 */
export const QUEUE_TABS: ReadonlyArray<{ key: RefundQueueFilter; label: string; empty: string }> = [
  { key: 'REQUESTED', label: '待处理', empty: '没有待处理的退款申请' },
  { key: 'AWAITING_RETURN', label: '待买家退货', empty: '没有等待买家寄回的退货' },
  { key: 'RETURN_SHIPPED', label: '待确认收货', empty: '没有待确认收货的退货' },
  { key: 'FINISHED', label: '已完成', empty: '还没有处理过的售后' },
  { key: 'ABNORMAL', label: '退款异常', empty: '没有异常的退款' },
];

export const RECEIPT_LABEL: Record<ReceiptState, string> = {
  NOT_RECEIVED: '未收到货',
  RECEIVED: '已收到货',
};

/** What the buyer is told after the cashier, by what the server then says about the order. */
export const PAYMENT_TEXT = {
  confirmed: '支付成功',
  unconfirmed: '支付结果确认中，请稍后刷新查看',
  cancelled: '已取消支付',
  failed: '支付没有完成，请稍后再试',
} as const;
