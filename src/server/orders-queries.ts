// The `orders` function's actions: what buyers and merchants read, and the two things a buyer can undo.
import type { MeData, OrderDetail, OrderListFilter, OrderStatus, OrderSummary, OrdersData, RefundQueueFilter, RefundStatus } from '../../typings/api';
import { channelOf } from '../domain/channels';
import { decodeCursor, encodeCursor, fetchSize, pageOf } from '../domain/cursor';
import { forbidden, notFound } from '../domain/errors';
import { CLOSE_WAIT_MS, closeOpensAt } from '../domain/close-window';
import { decideCancel, payingNow, tooEarlyToCancel } from '../domain/order-rules';
import { TIMELINE_NOTES } from '../domain/timeline';
import { DEFAULT_PAGE } from '../domain/events';
import { isMerchant, type Settings } from '../domain/settings';
import { merchantPhotoLinks, productImageLinks, withImageUrls } from './storage-files';
import { merchantRefundDetail, orderDetail, orderSummary, productView, refundView } from '../domain/views';
import { ProviderError } from '../providers/payment-provider';
import { applyPaymentStatus } from './payments';
import type { Payments } from './provider';
import { activeProducts } from './repositories/products';
import { settleStockQuietly } from './stock';
import { findOrder, listOrders, markClosed, ordersByIds } from './repositories/orders';
import { findRefund, listRefunds, refundsOfOrder } from './repositories/refunds';
import { reconcileRefund, withRecordedRequest } from './refund-flow';
import type { Store } from './store';

export interface QueryContext {
  store: Store;
  settings: Settings;
  openid: string;
  now: Date;
}

export async function listMyOrders(ctx: QueryContext, filter: OrderListFilter | undefined, cursorText: string | undefined, limit = DEFAULT_PAGE): Promise<OrdersData['list']> {
  const cursor = cursorText ? decodeCursor(cursorText) : undefined;
  const docs = await listOrders(ctx.store, { openid: ctx.openid, filter, atOrBefore: cursor ? new Date(cursor.t) : undefined, fetch: fetchSize(cursor, limit) });
  const page = pageOf(docs, cursor, limit);
  const items = page.items.map((doc) => orderSummary(doc, channelOf(doc, ctx.settings).provider, ctx.settings.refundWindowDays));
  return { items: await withThumbnailLinks(items), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
}

/** The cards' thumbnails as links, one storage call per page (pages never load a fileID themselves). */
async function withThumbnailLinks(items: OrderSummary[]): Promise<OrderSummary[]> {
  const links = await productImageLinks([...new Set(items.flatMap((o) => (o.lines ?? []).flatMap((l) => (l.image ? [l.image] : []))))]);
  if (Object.keys(links).length === 0) return items;
  return items.map((o) => (o.lines ? { ...o, lines: o.lines.map((l) => (l.image && links[l.image] ? { ...l, imageUrl: links[l.image] } : l)) } : o));
}

export async function getOrder(ctx: QueryContext, orderId: string): Promise<OrderDetail> {
  const merchant = isMerchant(ctx.settings, ctx.openid);
  const order = await findOrder(ctx.store, orderId);
  if (!order || (order._openid !== ctx.openid && !merchant)) throw notFound(`order ${orderId} not found`);
  // A refund request that stopped before writing its document is finished here, so the order never shows 退款中
  // without a refund to withdraw or decide.
  const refunds = await withRecordedRequest(ctx, order, await refundsOfOrder(ctx.store, orderId));
  const detail = orderDetail(order, refunds, { forMerchant: merchant, refundWindowDays: ctx.settings.refundWindowDays, afterSale: ctx.settings.afterSale, provider: channelOf(order, ctx.settings).provider });
  const imageLinks = await productImageLinks(order.items.flatMap((i) => (i.image ? [i.image] : [])));
  return Object.keys(imageLinks).length ? { ...detail, imageLinks } : detail;
}

/** The buyer cancels a PENDING order: the provider's order is closed first, so it can no longer be paid. */
export async function cancelOrder(ctx: QueryContext, payments: Payments, orderId: string): Promise<{ orderId: string; status: OrderStatus }> {
  const order = await findOrder(ctx.store, orderId);
  // (decideCancel throws for a missing order: `!order` only tells the type checker.)
  if (decideCancel(order, ctx.openid, orderId) === 'DONE' || !order) return { orderId, status: 'CLOSED' };
  // Closed where it can be paid: its own channel, by that channel's rules.
  const channel = payments.channelOf(order);
  const provider = payments.via(channel);
  let closed: 'CLOSED' | 'ALREADY_PAID';
  try {
    closed = await provider.closePayment(orderId);
  } catch (err) {
    // WeChat Pay is asked even before the order's cancelOpensAt (its clock, not ours, decides); its "too early" is
    // INVALID_REQUEST only where the provider has that rule (close-window.ts), elsewhere it means something else.
    if (err instanceof ProviderError && err.code === 'INVALID_REQUEST' && CLOSE_WAIT_MS[channel.provider] > 0) {
      throw tooEarlyToCancel(closeOpensAt(order.createdAt, channel.provider));
    }
    if (err instanceof ProviderError && err.code === 'USER_PAYING') throw payingNow();
    throw err;
  }
  if (closed === 'ALREADY_PAID') {
    await applyPaymentStatus({ store: ctx.store, settings: ctx.settings, payments, now: ctx.now, by: 'wechat' }, orderId, await provider.queryPayment(orderId), channel);
  } else {
    await markClosed(ctx.store, orderId, ctx.now, 'buyer', TIMELINE_NOTES.closedByBuyer);
    // Whoever closed it (this call, or reconcile a moment before), its stock goes back on the shelf once.
    await settleStockQuietly(ctx.store, orderId);
  }
  const after = await findOrder(ctx.store, orderId);
  return { orderId, status: after?.status ?? 'CLOSED' };
}

export async function listProducts(ctx: QueryContext): Promise<OrdersData['products']> {
  return withImageUrls((await activeProducts(ctx.store)).map(productView));
}

export function me(ctx: QueryContext): MeData {
  const t = ctx.settings.templates;
  return {
    openid: ctx.openid,
    isMerchant: isMerchant(ctx.settings, ctx.openid),
    templates: {
      ...(t.orderPaid ? { orderPaid: t.orderPaid.templateId } : {}),
      ...(t.refundRequested ? { refundRequested: t.refundRequested.templateId } : {}),
      ...(t.refundResult ? { refundResult: t.refundResult.templateId } : {}),
      ...(t.orderShipped ? { orderShipped: t.orderShipped.templateId } : {}),
      ...(t.lowStock && ctx.settings.stock.lowStockThreshold > 0 ? { lowStock: t.lowStock.templateId } : {}),
    },
    shippingManaged: ctx.settings.shipping.managed,
  };
}

function requireMerchant(ctx: QueryContext): void {
  if (!isMerchant(ctx.settings, ctx.openid)) throw forbidden('only the shop’s merchants can see the refund queue');
}

export async function merchantRefunds(ctx: QueryContext, status: RefundQueueFilter | undefined, cursorText: string | undefined, limit = DEFAULT_PAGE): Promise<OrdersData['refunds']> {
  requireMerchant(ctx);
  const cursor = cursorText ? decodeCursor(cursorText) : undefined;
  const docs = await listRefunds(ctx.store, { status, atOrBefore: cursor ? new Date(cursor.t) : undefined, fetch: fetchSize(cursor, limit) });
  const page = pageOf(docs, cursor, limit);
  // The queue says what was bought and by whom, so the merchant can decide without opening every request.
  const orders = await ordersByIds(ctx.store, page.items.map((r) => r.orderId));
  return { items: page.items.map((r) => refundView(r, true, orders.get(r.orderId), ctx.settings.afterSale)), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
}

export async function merchantRefund(ctx: QueryContext, refundId: string): Promise<OrdersData['refund']> {
  requireMerchant(ctx);
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  const order = await findOrder(ctx.store, refund.orderId);
  if (!order) throw notFound(`order ${refund.orderId} not found`);
  const detail = merchantRefundDetail(refund, order, await refundsOfOrder(ctx.store, order._id), ctx.settings.refundWindowDays, ctx.settings.afterSale);
  // The buyer's evidence, as links that expire (never public URLs of a buyer's photos); a file gone has an empty link.
  if (refund.photos?.length) {
    const links = await merchantPhotoLinks(refund.photos);
    detail.refund.photoUrls = refund.photos.map((id) => links[id] ?? '');
  }
  return detail;
}

/** A merchant asks WeChat Pay about a refund now, e.g. after resolving an ABNORMAL one in the merchant platform. */
export async function checkRefund(ctx: QueryContext, payments: Payments, refundId: string): Promise<OrdersData['checkRefund']> {
  requireMerchant(ctx);
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  await reconcileRefund({ store: ctx.store, settings: ctx.settings, now: ctx.now }, payments, refundId, 'merchant', { resubmitMissing: false });
  const after = await findRefund(ctx.store, refundId);
  return { refundId, status: after?.status ?? refund.status };
}
