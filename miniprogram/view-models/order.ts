// Backend DTOs → the small, already-formatted objects the templates render. Templates do no arithmetic.
import type { OrderDetail, OrderLinePreview, OrderSummary, RefundView, TimelineEntry } from '../../typings/api';
import {
  ACTOR_LABEL,
  BUYER_CARD_STATUS_LABEL,
  labelOf,
  PAY_EXPIRED_LABEL,
  ORDER_STATUS_LABEL,
  REFUND_STATUS_LABEL,
  REFUNDING_LABEL,
  TIMELINE_EVENT_LABEL,
  WECHAT_LABEL,
} from '../domain/labels';
import { cancelOpensAt, cardActions, detailActions, summaryActions, type OrderActions } from '../domain/order-actions';
import { formatFen } from '../utils/money';
import { countdownText, formatTime } from '../utils/time';
import { toAddress, toShipping, type AddressVM, type ShippingVM } from './shipping';

export type StatusTone = 'warn' | 'ok' | 'muted' | 'info';

export interface OrderCardVM {
  orderId: string;
  title: string;
  statusLabel: string;
  /** What was refunded so far, beside the status (an order partly refunded is still shipped, completed…). */
  refundNote: string;
  tone: StatusTone;
  totalText: string;
  createdText: string;
  canPay: boolean;
  canCancel: boolean;
}

/** "已退款 ¥x" while the order goes on after a partial refund; nothing once it is wholly refunded (its status says so). */
function refundNoteOf(order: OrderSummary): string {
  return order.refundedFee > 0 && order.status !== 'REFUNDED' ? `已退款 ${formatFen(order.refundedFee)}` : '';
}

function statusOf(order: OrderSummary): { label: string; tone: StatusTone } {
  const held = order.status === 'PAID' || order.status === 'SHIPPED' || order.status === 'COMPLETED';
  if (held && order.hasOpenRefund) return { label: REFUNDING_LABEL, tone: 'info' };
  const tone: StatusTone = order.status === 'PENDING' ? 'warn' : order.status === 'SHIPPED' ? 'info' : held ? 'ok' : 'muted';
  return { label: ORDER_STATUS_LABEL[order.status], tone };
}

export function toOrderCard(order: OrderSummary, now: number = Date.now()): OrderCardVM {
  const status = statusOf(order);
  const actions = summaryActions(order, now);
  return {
    orderId: order.orderId,
    title: order.title,
    statusLabel: status.label,
    refundNote: refundNoteOf(order),
    tone: status.tone,
    totalText: formatFen(order.totalFee),
    createdText: formatTime(order.createdAt),
    canPay: actions.pay,
    canCancel: actions.cancel,
  };
}

export interface CardLineVM {
  key: string;
  name: string;
  /** The SKU's spec as bought, or ''. */
  specText: string;
  quantityText: string;
  /** A link to the product's thumbnail as bought, or '' for a placeholder (pages never load a fileID: only its
   * uploader may read the file; the functions hand out links). */
  image: string;
}

/** A card of the buyer's own list: what a shop's order list shows. */
export interface BuyerCardVM extends OrderCardVM {
  lines: CardLineVM[];
  /** 共 N 件: every piece, not only the lines shown. */
  countText: string;
  /** PENDING orders: what is left to pay before the order closes, e.g. 14:59; '' otherwise. */
  payCountdown: string;
  /** The instant the countdown counts to (the server's payDeadline), for the page's ticker. */
  payDeadline: string;
  canConfirmReceipt: boolean;
  canAfterSale: boolean;
  canTrack: boolean;
  trackingNo: string;
  companyText: string;
}

function cardLine(line: OrderLinePreview, index: number): CardLineVM {
  return { key: `${index}-${line.name}`, name: line.name, specText: line.spec ?? '', quantityText: `×${line.quantity}`, image: line.imageUrl ?? '' };
}

export function toBuyerCard(order: OrderSummary, now: number = Date.now()): BuyerCardVM {
  const card = toOrderCard(order, now);
  const actions = cardActions(order, now);
  const held = order.status === 'PAID' || order.status === 'SHIPPED' || order.status === 'COMPLETED';
  return {
    ...card,
    // A refund in progress is said by the status (退款中); otherwise the card speaks of what the buyer waits for.
    statusLabel: held && order.hasOpenRefund ? card.statusLabel : order.status === 'PENDING' && !card.canPay ? PAY_EXPIRED_LABEL : BUYER_CARD_STATUS_LABEL[order.status],
    lines: (order.lines ?? []).map(cardLine),
    countText: `共 ${order.itemCount} 件`,
    payCountdown: card.canPay ? countdownText(order.payDeadline, now) : '',
    payDeadline: card.canPay ? order.payDeadline ?? '' : '',
    canConfirmReceipt: actions.confirmReceipt,
    canAfterSale: actions.afterSale,
    canTrack: actions.track,
    trackingNo: order.tracking?.trackingNo ?? '',
    companyText: order.tracking?.companyName ?? '',
  };
}

export interface RefundVM {
  refundId: string;
  statusLabel: string;
  amountText: string;
  /** What WeChat Pay actually refunded, when it differs from what was asked. */
  settledText: string;
  reason: string;
  rejectReason: string;
  createdText: string;
}

export function toRefund(refund: RefundView): RefundVM {
  return {
    refundId: refund.refundId,
    statusLabel: REFUND_STATUS_LABEL[refund.status],
    amountText: formatFen(refund.refundFee),
    settledText: refund.settledFee !== undefined ? formatFen(refund.settledFee) : '',
    reason: refund.reason,
    rejectReason: refund.rejectReason ?? '',
    createdText: formatTime(refund.createdAt),
  };
}

export interface TimelineVM {
  key: string;
  timeText: string;
  label: string;
  byLabel: string;
  note: string;
}

/** Timeline notes carry amounts as the server writes them ("6800 fen: 买错了"); people read "¥68.00：买错了". */
export function readableNote(note: string): string {
  return note.replace(/\b(\d+) fen\b(: )?/g, (_all, fen: string, colon?: string) => `${formatFen(Number(fen))}${colon ? '：' : ''}`);
}

/** The shop's own bookkeeping with WeChat (shipping info synchronised or not): the merchant's business, not the buyer's. */
const INTERNAL_EVENTS: ReadonlySet<string> = new Set(['shipping_uploaded', 'shipping_upload_failed', 'anomaly']);
/** Events WeChat *Pay* decides; any other step WeChat records (a receipt confirmed in WeChat) is WeChat's. */
const PAYMENT_EVENTS: ReadonlySet<string> = new Set(['paid', 'closed', 'refund_succeeded', 'refund_failed', 'refund_abnormal', 'refund_automatic', 'refunded']);

function actorLabel(entry: TimelineEntry): string {
  if (entry.by === 'wechat' && !PAYMENT_EVENTS.has(entry.event)) return WECHAT_LABEL;
  return labelOf(ACTOR_LABEL, entry.by);
}

export function toTimeline(entry: TimelineEntry, index: number): TimelineVM {
  return {
    key: `${index}-${entry.event}`,
    timeText: formatTime(entry.at),
    label: labelOf(TIMELINE_EVENT_LABEL, entry.event),
    byLabel: actorLabel(entry),
    note: readableNote(entry.note ?? ''),
  };
}

export interface OrderDetailVM {
  orderId: string;
  statusLabel: string;
  refundNote: string;
  tone: StatusTone;
  /** `image`: a link to the line's thumbnail as bought ('' for a placeholder); `specText`: its spec as bought, or ''. */
  items: Array<{ key: string; name: string; specText: string; image: string; quantityText: string; unitPriceText: string; subtotalText: string }>;
  /** 实付 once paid; an order never paid shows what it would have cost. */
  totalLabel: string;
  totalText: string;
  refundedText: string;
  refundingText: string;
  refundableText: string;
  createdText: string;
  paidText: string;
  payDeadlineText: string;
  /** When the cancel button appears (WeChat Pay refuses to close an order in its first 5 minutes; the buyer needs the time, not the rule). */
  cancelHintText: string;
  /** Shown while a refund can still be requested. */
  refundDeadlineText: string;
  transactionId: string;
  /** Newest first: the latest event is what the buyer looks for. */
  timeline: TimelineVM[];
  refunds: RefundVM[];
  actions: OrderActions;
  address: AddressVM | null;
  shipping: ShippingVM | null;
  completedText: string;
  /** For WeChat's receipt window. */
  transactionIdForReceipt: string;
}

function cancelHint(order: OrderDetail, actions: OrderActions, now: number): string {
  const opens = cancelOpensAt(order);
  if (opens === undefined || actions.cancel || now >= opens) return '';
  return `${formatTime(new Date(opens).toISOString())} 后可取消订单`;
}

export function toOrderDetail(order: OrderDetail, now: number = Date.now()): OrderDetailVM {
  const status = statusOf(order);
  const actions = detailActions(order, now);
  return {
    orderId: order.orderId,
    statusLabel: status.label,
    refundNote: refundNoteOf(order),
    tone: status.tone,
    items: order.items.map((item, i) => ({
      key: `${item.productId}-${i}`,
      name: item.name,
      specText: item.spec ?? '',
      image: (item.image && order.imageLinks?.[item.image]) || '',
      quantityText: `×${item.quantity}`,
      unitPriceText: formatFen(item.unitPrice),
      subtotalText: formatFen(item.unitPrice * item.quantity),
    })),
    totalLabel: order.paidAt ? '实付' : '订单金额',
    totalText: formatFen(order.totalFee),
    refundedText: order.refundedFee > 0 ? formatFen(order.refundedFee) : '',
    refundingText: order.refundingFee > 0 ? formatFen(order.refundingFee) : '',
    refundableText: formatFen(order.refundableFee),
    createdText: formatTime(order.createdAt),
    paidText: formatTime(order.paidAt),
    payDeadlineText: order.status === 'PENDING' ? formatTime(order.payDeadline) : '',
    cancelHintText: cancelHint(order, actions, now),
    refundDeadlineText: actions.requestRefund ? formatTime(order.refundDeadline) : '',
    transactionId: order.transactionId ?? '',
    timeline: order.timeline.filter((entry) => !INTERNAL_EVENTS.has(entry.event)).map(toTimeline).reverse(),
    refunds: order.refunds.map(toRefund),
    actions,
    address: toAddress(order),
    shipping: toShipping(order),
    completedText: order.completedAt ? formatTime(order.completedAt) : '',
    transactionIdForReceipt: order.transactionId ?? '',
  };
}
