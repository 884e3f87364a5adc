// Creating and re-paying orders. Prices come from `products`, never from the client; the buyer is the caller.
import { createHash, randomBytes } from 'node:crypto';
import type { DeliveryAddress, OrderItem, PaymentParams } from '../../typings/api';
import { newOrderChannel } from '../domain/channels';
import type { OrderDoc } from '../domain/documents';
import { conflict, invalid, notFound } from '../domain/errors';
import { newOutTradeNo, RANDOM_SUFFIX_LENGTH } from '../domain/ids';
import { assertPayable, newOrderDoc, sameItems } from '../domain/order-rules';
import type { Settings } from '../domain/settings';
import { ProviderError } from '../providers/payment-provider';
import { confirmPayment } from './payments';
import type { Payments } from './provider';
import { productsByIds } from './repositories/products';
import { findOrder, findOrderInTx } from './repositories/orders';
import { COLLECTIONS, inTransaction, type Store } from './store';

export interface OrderContext {
  store: Store;
  settings: Settings;
  now: Date;
}

export async function priceItems(store: Store, lines: Array<{ productId: string; quantity: number }>): Promise<OrderItem[]> {
  const products = await productsByIds(store, lines.map((l) => l.productId));
  return lines.map((line) => {
    const product = products.get(line.productId);
    if (!product || !product.active) throw invalid(`unknown product ${line.productId}`);
    return { productId: product._id, name: product.name, unitPrice: product.price, quantity: line.quantity };
  });
}

export function newOrder(ctx: OrderContext, buyer: string, items: OrderItem[], idempotencyKey?: string, address?: DeliveryAddress): OrderDoc {
  return newOrderDoc({
    id: newOutTradeNo(ctx.now, randomBytes(RANDOM_SUFFIX_LENGTH)),
    buyer,
    items,
    now: ctx.now,
    unpaidTimeoutSeconds: ctx.settings.unpaidTimeoutSeconds,
    payChannel: newOrderChannel(ctx.settings),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(address ? { address } : {}),
  });
}

/**
 * Creates the order, or with an idempotency key returns the order the same buyer created with it before. The key
 * document and the order are written in one transaction, so two concurrent calls cannot both create an order.
 */
export async function createOrder(ctx: OrderContext, buyer: string, items: OrderItem[], idempotencyKey?: string, address?: DeliveryAddress): Promise<OrderDoc> {
  const order = newOrder(ctx, buyer, items, idempotencyKey, address);
  if (!idempotencyKey) {
    await ctx.store.collection(COLLECTIONS.orders).add({ data: { ...order } });
    return order;
  }
  const keyId = createHash('sha256').update(`${buyer}\n${idempotencyKey}`).digest('hex').slice(0, 40);
  return inTransaction(ctx.store, async (tx) => {
    const { data: existing } = await tx.collection(COLLECTIONS.idempotency).doc(keyId).get();
    if (existing && typeof existing === 'object' && typeof (existing as { orderId?: unknown }).orderId === 'string') {
      const previous = await findOrderInTx(tx, (existing as { orderId: string }).orderId);
      if (!previous) throw notFound('the order created with this idempotencyKey no longer exists');
      if (!sameItems(previous.items, items)) throw conflict('this idempotencyKey was used for a different order');
      return previous;
    }
    await tx.collection(COLLECTIONS.idempotency).add({ data: { _id: keyId, orderId: order._id, createdAt: ctx.now } });
    await tx.collection(COLLECTIONS.orders).add({ data: { ...order } });
    return order;
  });
}

export async function ownOrder(store: Store, buyer: string, orderId: string): Promise<OrderDoc> {
  const order = await findOrder(store, orderId);
  if (!order || order._openid !== buyer) throw notFound(`order ${orderId} not found`);
  return order;
}

export { assertPayable };

/**
 * Asks the order's own channel for the payment object (an order created before a switch is still paid where it was
 * created); an order the provider already saw paid is confirmed instead.
 */
export async function paymentFor(ctx: OrderContext, payments: Payments, order: OrderDoc, clientIp: string): Promise<PaymentParams> {
  const remainingMs = order.payDeadline.getTime() - ctx.now.getTime();
  try {
    const { payment } = await payments.of(order).createPayment({
      outTradeNo: order._id,
      totalFee: order.totalFee,
      description: `${ctx.settings.shopName}-${order.title}`,
      payerOpenid: order._openid,
      clientIp,
      attach: order.title,
      // WeChat wants the expiry at least a few minutes out; shorter timeouts are enforced by reconcile alone.
      ...(remainingMs >= 5 * 60_000 ? { expiresAt: order.payDeadline } : {}),
    });
    return payment;
  } catch (err) {
    if (err instanceof ProviderError && err.code === 'ORDERPAID') {
      await confirmPayment({ ...ctx, payments, by: 'wechat' }, order._id);
      throw conflict(`order ${order._id} is already paid`);
    }
    if (err instanceof ProviderError && err.code === 'ORDERCLOSED') throw conflict(`order ${order._id} is closed at WeChat Pay; place a new order`);
    throw err;
  }
}
