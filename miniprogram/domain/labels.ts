// Every status, tab, reason and event the pages show, each with its label beside it. Pages never spell a label.
import type { OrderListFilter, OrderStatus, RefundStatus } from '../../typings/api';

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
export const PARTLY_REFUNDED_LABEL = '部分退款';

export const REFUND_STATUS_LABEL: Record<RefundStatus, string> = {
  REQUESTED: '待商家处理',
  PROCESSING: '退款处理中',
  SUCCEEDED: '退款成功',
  FAILED: '退款失败',
  REJECTED: '商家已拒绝',
  CANCELLED: '已撤回',
};

export interface OrderTab {
  key: 'ALL' | OrderListFilter;
  label: string;
}

export const ORDER_TABS: readonly OrderTab[] = [
  { key: 'ALL', label: '全部' },
  { key: 'PENDING', label: '待付款' },
  { key: 'PAID', label: '已付款' },
  { key: 'SHIPPED', label: '待收货' },
  { key: 'COMPLETED', label: '已完成' },
  { key: 'REFUNDING', label: '退款中' },
  { key: 'REFUNDED', label: '已退款' },
  { key: 'CLOSED', label: '已关闭' },
];

/** The merchant's desk. */
export const DESK_TABS: ReadonlyArray<{ key: 'TO_SHIP' | 'SHIPPED' | 'ALL'; label: string }> = [
  { key: 'TO_SHIP', label: '待发货' },
  { key: 'SHIPPED', label: '已发货' },
  { key: 'ALL', label: '全部' },
];

export const TIMELINE_EVENT_LABEL: Record<string, string> = {
  created: '下单',
  paid: '支付成功',
  closed: '订单关闭',
  cancelled: '买家取消订单',
  refund_requested: '申请退款',
  refund_withdrawn: '撤回退款申请',
  refund_cancelled: '撤回退款申请',
  refund_approved: '商家同意退款',
  refund_rejected: '商家拒绝退款',
  refund_succeeded: '退款成功',
  refund_failed: '退款失败',
  refunded: '全部退款完成',
  anomaly: '异常，已通知商家',
  shipped: '商家已发货',
  shipping_corrected: '商家修改了发货信息',
  shipping_uploaded: '发货信息已同步到微信',
  shipping_upload_failed: '发货信息同步失败',
  received: '确认收货',
};

export const ACTOR_LABEL: Record<string, string> = {
  buyer: '买家',
  merchant: '商家',
  wechat: '微信支付',
  system: '系统',
};

/** Reasons a buyer can pick; `needsNote` makes the note required. */
export const REFUND_REASONS: ReadonlyArray<{ label: string; needsNote: boolean }> = [
  { label: '不想要了', needsNote: false },
  { label: '商品与描述不符', needsNote: false },
  { label: '质量问题', needsNote: false },
  { label: '未按约定时间发货', needsNote: false },
  { label: '其他原因', needsNote: true },
];

export function labelOf(table: Record<string, string>, key: string): string {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
}

/** What the buyer is told around confirming receipt. */
export const RECEIPT_TEXT = {
  confirmed: '已确认收货',
  notYet: '微信还没有收到你的确认，请在确认收货页面完成确认',
  windowFailed: '没能打开确认收货页面，请稍后再试',
} as const;

/** What the buyer is told after the cashier, by what the server then says about the order. */
export const PAYMENT_TEXT = {
  confirmed: '支付成功',
  unconfirmed: '支付结果确认中，请稍后刷新查看',
  cancelled: '已取消支付',
  failed: '支付没有完成，请稍后再试',
} as const;
