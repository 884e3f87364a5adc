// What the client sees of our documents: ISO times, no internal fields, buyer openids only for merchants.
import type { DeliveryAddress, MerchantRefundDetail, OrderDetail, OrderItem, OrderLinePreview, OrderSummary, RefundView, ReturnShippingView } from '../../typings/api';
import { dueOf, DUE_TEXT } from './aftersale';
import type { AfterSaleSettings } from './aftersale-settings';
import { closeOpensAt } from './close-window';
import type { OrderDoc, RefundDoc, ReturnShippingRecord, ShippingRecord } from './documents';
import type { PaymentProviderName } from './settings';
import { EXPRESS_COMPANIES } from './shipping';
import { refundableFee, refundDeadline } from './refund-rules';
import { shippingDetail } from './shipping-views';
import { timelineView } from './timeline';

/** e.g. `冻顶乌龙茶 250g ×2` or `冻顶乌龙茶 250g ×2 等3种`: lists and messages show one line per order. */
export function orderTitle(items: ReadonlyArray<{ name: string; quantity: number }>): string {
  if (items.length === 0) return '';
  const first = `${items[0].name} ×${items[0].quantity}`;
  return items.length === 1 ? first : `${first} 等${items.length}种`;
}

export type OrderListDoc = Pick<OrderDoc, '_id' | 'status' | 'totalFee' | 'refundedFee' | 'refundingFee' | 'title' | 'itemCount' | 'createdAt' | 'openRefundId' | 'payChannel'> &
  Partial<Pick<OrderDoc, 'items' | 'payDeadline' | 'paidAt'>> & { shipping?: Pick<ShippingRecord, 'expressCompany' | 'trackingNo'> };

/** The fields a list needs: the list query projects to these so pages stay small. */
export const ORDER_LIST_FIELDS = ['_id', 'status', 'totalFee', 'refundedFee', 'refundingFee', 'title', 'itemCount', 'createdAt', 'openRefundId', 'payChannel', 'items', 'payDeadline', 'paidAt', 'shipping.expressCompany', 'shipping.trackingNo'] as const;

/** How many lines a list card shows as thumbnails (the rest are counted in 共 N 件). */
export const ORDER_PREVIEW_LINES = 3;

function linePreview(item: OrderItem): OrderLinePreview {
  return { name: item.name, quantity: item.quantity, ...(item.spec ? { spec: item.spec } : {}), ...(item.image ? { image: item.image } : {}) };
}

/**
 * `provider`: how the order is paid, so a PENDING order says when its buyer may cancel it (the provider's close
 * rule). Merchants' views leave it out: they do not cancel. `refundWindowDays`: the buyer's own list, so a card
 * offers 申请售后 only while the shop accepts requests.
 */
export function orderSummary(doc: OrderListDoc, provider?: PaymentProviderName, refundWindowDays?: number): OrderSummary {
  const deadline = refundWindowDays !== undefined && doc.paidAt ? refundDeadline({ status: doc.status, paidAt: doc.paidAt }, refundWindowDays) : undefined;
  const trackingNo = doc.shipping?.trackingNo;
  const company = doc.shipping?.expressCompany;
  return {
    orderId: doc._id,
    status: doc.status,
    totalFee: doc.totalFee,
    refundedFee: doc.refundedFee ?? 0,
    refundingFee: doc.refundingFee ?? 0,
    title: doc.title,
    itemCount: doc.itemCount,
    createdAt: iso(doc.createdAt),
    hasOpenRefund: Boolean(doc.openRefundId),
    ...(provider && doc.status === 'PENDING' ? { cancelOpensAt: closeOpensAt(new Date(iso(doc.createdAt)), provider).toISOString() } : {}),
    ...(doc.items ? { lines: doc.items.slice(0, ORDER_PREVIEW_LINES).map(linePreview) } : {}),
    ...(doc.status === 'PENDING' && doc.payDeadline ? { payDeadline: iso(doc.payDeadline) } : {}),
    ...(trackingNo ? { tracking: { trackingNo, ...(company ? { companyName: EXPRESS_COMPANIES[company] ?? company } : {}) } } : {}),
    ...(deadline ? { refundDeadline: iso(deadline) } : {}),
  };
}

const MERCHANT_NOTE_STATUSES: readonly RefundDoc['status'][] = ['PROCESSING', 'ABNORMAL', 'FAILED', 'SUCCEEDED'];

/** How the merchant names a buyer: the receiver on the order's address, else 买家 + the phone's last 4 digits. */
export function buyerName(address: DeliveryAddress | undefined): string | undefined {
  if (!address) return undefined;
  const name = address.userName.trim();
  if (name) return name;
  const digits = address.telNumber.replace(/\D/g, '');
  return digits.length >= 4 ? `买家${digits.slice(-4)}` : undefined;
}

/** The order facts a merchant's refund view carries (a buyer's own view never has them). */
export type RefundOrderFacts = Pick<OrderDoc, 'title' | 'address'>;

export function refundView(doc: RefundDoc, forMerchant: boolean, order?: RefundOrderFacts, afterSale?: AfterSaleSettings): RefundView {
  const name = forMerchant ? buyerName(order?.address) : undefined;
  const due = afterSale ? dueOf(doc, afterSale) : undefined;
  return {
    refundId: doc._id,
    orderId: doc.orderId,
    status: doc.status,
    refundFee: doc.refundFee,
    reason: doc.reason,
    ...(doc.rejectReason ? { rejectReason: doc.rejectReason } : {}),
    ...(forMerchant ? { buyerOpenid: doc._openid } : {}),
    ...(forMerchant && order?.title ? { orderTitle: order.title } : {}),
    ...(name ? { buyerName: name } : {}),
    // Why WeChat Pay has not finished (or refused): the merchant may have to act, e.g. top up the balance.
    ...(forMerchant && doc.lastError && MERCHANT_NOTE_STATUSES.includes(doc.status) ? { lastError: doc.lastError } : {}),
    ...(doc.settledFee !== undefined && doc.settledFee !== doc.refundFee ? { settledFee: doc.settledFee } : {}),
    ...(doc.automatic ? { automatic: true } : {}),
    type: doc.type ?? 'REFUND_ONLY',
    ...(doc.items ? { items: doc.items } : {}),
    ...(doc.receipt ? { receipt: doc.receipt } : {}),
    ...(doc.note ? { note: doc.note } : {}),
    ...(doc.photos?.length ? { photos: doc.photos } : {}),
    // The address matters while the goods are to be sent or on their way back.
    ...(doc.returnAddress && (doc.status === 'AWAITING_RETURN' || doc.status === 'RETURN_SHIPPED') ? { returnAddress: doc.returnAddress } : {}),
    ...(doc.returnShipping ? { returnShipping: returnShippingView(doc.returnShipping) } : {}),
    ...(due ? { dueAt: due.at.toISOString(), dueAction: DUE_TEXT[due.step] } : {}),
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
  };
}

function returnShippingView(r: ReturnShippingRecord): ReturnShippingView {
  const name = EXPRESS_COMPANIES[r.expressCompany];
  return { expressCompany: r.expressCompany, ...(name ? { expressCompanyName: name } : {}), trackingNo: r.trackingNo, shippedAt: iso(r.shippedAt) };
}

/** What a reader of an order may see, and the shop rule the refund deadline comes from. */
export interface DetailViewer {
  forMerchant: boolean;
  refundWindowDays: number;
  /** The shop's after-sale timers: each open request then says when the shop acts by itself. */
  afterSale?: AfterSaleSettings;
  /** How the order is paid: a PENDING order then says when it may be cancelled. */
  provider?: PaymentProviderName;
}

export function orderDetail(doc: OrderDoc, refunds: readonly RefundDoc[], viewer: DetailViewer): OrderDetail {
  const deadline = refundDeadline(doc, viewer.refundWindowDays);
  return {
    // Everything a list row has (a row re-read from the detail keeps its thumbnails), then the detail's own fields.
    ...orderSummary(doc, viewer.provider, viewer.refundWindowDays),
    items: doc.items,
    ...(doc.paidAt ? { paidAt: iso(doc.paidAt) } : {}),
    ...(doc.transactionId ? { transactionId: doc.transactionId } : {}),
    timeline: timelineView(doc.timeline, viewer.forMerchant),
    refunds: refunds.map((r) => refundView(r, viewer.forMerchant, undefined, viewer.afterSale)),
    refundableFee: refundableFee(doc),
    ...(doc.status === 'PENDING' ? { payDeadline: iso(doc.payDeadline) } : {}),
    ...shippingDetail(doc, viewer.forMerchant),
    ...(deadline ? { refundDeadline: iso(deadline) } : {}),
  };
}

export function merchantRefundDetail(refund: RefundDoc, order: OrderDoc, refunds: readonly RefundDoc[], refundWindowDays: number, afterSale?: AfterSaleSettings): MerchantRefundDetail {
  return { refund: refundView(refund, true, order, afterSale), order: orderDetail(order, refunds, { forMerchant: true, refundWindowDays, ...(afterSale ? { afterSale } : {}) }) };
}

export { productView } from './catalogue';

function iso(value: Date | string | number | undefined): string {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return new Date(0).toISOString();
  return new Date(value).toISOString();
}
