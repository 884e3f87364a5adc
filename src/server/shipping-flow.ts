// Shipping, receipt and the upload to WeChat's shipping-info service (发货信息管理), without which WeChat keeps the
// money of a managed mini-program frozen.
// Guarantees: an order ships once (a repeated or concurrent identical `ship` answers as the first did, and the buyer is
// told once); one correction, as WeChat allows; the upload is claimed on the order and retried by reconcile until
// WeChat takes it ("already shipped", 10060002, counts as taken for a first upload); receipt completes once.
import type { OrderStatus, ShipData, ShipEvent, ShippingUploadState } from '../../typings/api';
import { maskName } from '../domain/address';
import { channelOf } from '../domain/channels';
import type { OrderDoc, OwedMessage, ShippingRecord } from '../domain/documents';
import { AppError, conflict, notFound } from '../domain/errors';
import type { Settings } from '../domain/settings';
import {
  decideShipment,
  EXPRESS_COMPANIES,
  LOGISTICS_LABELS,
  MAX_UPLOAD_ATTEMPTS,
  sameShipment,
  shipmentNote,
  shipmentOf,
  shippingRecord,
  uploadOutcome,
  uploadShippingInfoRequest,
  wechatConfirmedReceipt,
  type Shipment,
} from '../domain/shipping';
import { timelineEntry } from '../domain/timeline';
import { getShippingOrder, sdkErrCode, uploadShippingInfo } from './cloud';
import { errorSummary, log } from './logger';
import { deliver, owedMessage } from './notifier';
import { findOrder } from './repositories/orders';
import { recordRequestedRefund } from './refund-flow';
import { markCompleted, markCorrected, markShipped, noteReceiptCheck, recordUpload } from './repositories/shipping';
import type { Store } from './store';

export interface ShippingContext {
  store: Store;
  settings: Settings;
  now: Date;
}

export async function shipOrder(ctx: ShippingContext, merchant: string, request: ShipEvent): Promise<ShipData> {
  const order = await findOrder(ctx.store, request.orderId);
  if (!order) throw notFound(`order ${request.orderId} not found`);
  // A refund request that stopped before its document: made now, so the merchant sees what blocks the shipment.
  if (order.refundRequest?.recorded === false) await recordRequestedRefund(ctx, order);
  const shipment = shipmentOf(request);
  const decision = decideShipment(order, shipment);
  if (decision.kind === 'SAME') {
    // A repeated tap: nothing changes, but a shipment WeChat has not taken yet gets another try.
    if (order.shipping?.upload.state === 'PENDING') await uploadShipping(ctx, order._id);
    return { orderId: order._id, status: 'SHIPPED', corrected: false };
  }
  const correcting = decision.kind === 'CORRECT';
  const record = shippingRecord(shipment, order.shipping, correcting, { at: ctx.now, by: merchant, autoConfirmDays: ctx.settings.shipping.autoConfirmDays, managed: ctx.settings.shipping.managed });
  const note = shipmentNote(shipment);
  // One message per shipment: a correction is not news worth the buyer's one-time authorization.
  const owed = correcting ? undefined : shippedMessage(ctx, order, record);
  const won = owed
    ? await markShipped(ctx.store, order._id, record, timelineEntry(ctx.now, 'shipped', 'merchant', note), owed)
    : await markCorrected(ctx.store, order._id, record, timelineEntry(ctx.now, 'shipping_corrected', 'merchant', note));
  if (!won) return explainLostShipment(ctx, order._id, shipment);
  log('info', correcting ? 'order.shipping_corrected' : 'order.shipped', { orderId: order._id, logisticsType: shipment.logisticsType, merchant });

  if (record.upload.state === 'PENDING') await uploadShipping(ctx, order._id);
  if (owed) await deliver(ctx.store, ctx.settings, { collection: 'orders', docId: order._id }, owed);
  return { orderId: order._id, status: 'SHIPPED', corrected: correcting };
}

/** The conditional write changed nothing: someone else shipped (or refunded) between our read and write. */
async function explainLostShipment(ctx: ShippingContext, orderId: string, shipment: Shipment): Promise<ShipData> {
  const now = await findOrder(ctx.store, orderId);
  if (now?.status === 'SHIPPED' && now.shipping && sameShipment(now.shipping, shipment)) return { orderId, status: 'SHIPPED', corrected: now.shipping.corrections > 0 };
  if (now?.refunding) throw conflict(`a refund was requested on order ${orderId} meanwhile: decide it before shipping`);
  throw conflict(`order ${orderId} changed while it was being shipped (now ${now?.status ?? 'gone'}); reload it and try again`);
}

/** The buyer's message about the shipment, owed by the write that ships. */
function shippedMessage(ctx: ShippingContext, order: OrderDoc, record: ShippingRecord): OwedMessage {
  return owedMessage(
    {
      purpose: 'orderShipped',
      subject: order._id,
      stage: 'shipped',
      recipients: [order._openid],
      facts: {
        orderId: order._id,
        title: order.title,
        logistics: LOGISTICS_LABELS[record.logisticsType],
        expressCompany: record.expressCompany ? EXPRESS_COMPANIES[record.expressCompany] ?? record.expressCompany : LOGISTICS_LABELS[record.logisticsType],
        trackingNo: record.trackingNo ?? '-',
        shippedAt: record.shippedAt,
        // Messages carry the receiver's masked name only (see domain/address.ts).
        receiver: order.address ? maskName(order.address.userName) : '-',
      },
    },
    ctx.now,
  );
}

/**
 * Sends the order's current shipment to WeChat and records the outcome on that revision. Safe to run concurrently
 * with itself: the result is written only while the revision is still the current one and still PENDING.
 */
export async function uploadShipping(ctx: ShippingContext, orderId: string): Promise<ShippingUploadState | undefined> {
  const order = await findOrder(ctx.store, orderId);
  const shipping = order?.shipping;
  if (!order || !shipping) return undefined;
  if (shipping.upload.state !== 'PENDING') return shipping.upload.state;
  const correction = shipping.corrections > 0;
  const body = uploadShippingInfoRequest({
    orderId,
    transactionId: order.transactionId,
    // The merchant that took this order's money, which after a switch of channel may not be the current one.
    mchid: channelOf(order, ctx.settings).merchantId,
    buyerOpenid: order._openid,
    title: order.title,
    address: order.address,
    shipment: shipping,
    uploadedAt: shipping.revisedAt,
  });
  let errCode: number | undefined;
  let error: string | undefined;
  try {
    await uploadShippingInfo(body);
  } catch (err) {
    errCode = sdkErrCode(err) ?? -1;
    error = errorSummary(err).slice(0, 160);
  }
  const outcome = uploadOutcome(errCode, correction);
  const attempts = shipping.upload.attempts + 1;
  const state: ShippingUploadState = outcome === 'UPLOADED' ? 'UPLOADED' : outcome === 'REFUSED' || attempts >= MAX_UPLOAD_ATTEMPTS ? 'FAILED' : 'PENDING';
  const upload: ShippingRecord['upload'] = {
    state,
    attempts,
    ...(state === 'UPLOADED' ? { uploadedAt: ctx.now } : { lastError: error ?? 'WeChat did not take the shipping information' }),
  };
  const entry =
    state === 'UPLOADED'
      ? timelineEntry(ctx.now, 'shipping_uploaded', 'wechat')
      : state === 'FAILED'
        ? timelineEntry(ctx.now, 'shipping_upload_failed', 'wechat', 'enter it in the mini-program admin (发货信息管理)')
        : undefined;
  await recordUpload(ctx.store, orderId, shipping.corrections, upload, ctx.now, entry);
  log(state === 'UPLOADED' ? 'info' : 'warn', 'shipping.upload', { orderId, state, attempts, errCode });
  return state;
}

/**
 * The buyer says the goods arrived. Where the shop is under WeChat's shipping management the buyer confirms in
 * WeChat's own component, so WeChat is asked (get_order) before the order completes: a page cannot complete it alone.
 */
export async function confirmReceipt(ctx: ShippingContext, buyer: string, orderId: string): Promise<{ orderId: string; status: OrderStatus }> {
  const order = await findOrder(ctx.store, orderId);
  if (!order || order._openid !== buyer) throw notFound(`order ${orderId} not found`);
  if (order.status === 'COMPLETED') return { orderId, status: 'COMPLETED' };
  if (order.status !== 'SHIPPED') throw conflict(`order ${orderId} is ${order.status}: only a shipped order can be received`);
  const managed = ctx.settings.shipping.managed;
  if (managed) {
    if (!order.transactionId) throw conflict(`order ${orderId} has no WeChat Pay transaction to confirm`);
    let orderState: unknown;
    try {
      orderState = (await getShippingOrder({ transaction_id: order.transactionId })).order?.orderState;
    } catch (err) {
      log('warn', 'shipping.get_order_failed', { orderId, error: errorSummary(err) });
      throw new AppError('PROVIDER_ERROR', 'WeChat could not be asked about this order; please try again');
    }
    if (!wechatConfirmedReceipt(orderState)) throw conflict('WeChat has not recorded your confirmation: confirm receipt in WeChat’s window first');
  }
  // The buyer confirmed (in WeChat's window when managed): WeChat only recorded it.
  const won = await markCompleted(ctx.store, orderId, timelineEntry(ctx.now, 'received', 'buyer'));
  if (won) log('info', 'order.received', { orderId, by: 'buyer', managed });
  const after = won ? undefined : await findOrder(ctx.store, orderId);
  return { orderId, status: won ? 'COMPLETED' : after?.status ?? 'COMPLETED' };
}

/**
 * reconcile: the buyer may have confirmed in WeChat's own notice rather than on our page. Asks WeChat, completes the
 * order if it says so, and otherwise notes when it asked. True when the order was completed.
 */
export async function checkWeChatReceipt(ctx: ShippingContext, order: OrderDoc): Promise<boolean> {
  if (!order.transactionId) return false;
  let orderState: unknown;
  try {
    orderState = (await getShippingOrder({ transaction_id: order.transactionId })).order?.orderState;
  } catch (err) {
    log('warn', 'shipping.get_order_failed', { orderId: order._id, error: errorSummary(err) });
  }
  if (wechatConfirmedReceipt(orderState)) {
    const won = await markCompleted(ctx.store, order._id, timelineEntry(ctx.now, 'received', 'wechat'));
    if (won) log('info', 'order.received', { orderId: order._id, by: 'wechat' });
    return won;
  }
  await noteReceiptCheck(ctx.store, order._id, ctx.now);
  return false;
}

/** reconcile: the buyer never confirmed; the configured number of days after shipping, the order completes. */
export async function autoConfirm(ctx: ShippingContext, order: OrderDoc): Promise<boolean> {
  const won = await markCompleted(ctx.store, order._id, timelineEntry(ctx.now, 'received', 'system', `confirmed automatically ${ctx.settings.shipping.autoConfirmDays} days after shipping`));
  if (won) log('info', 'order.auto_received', { orderId: order._id });
  return won;
}

