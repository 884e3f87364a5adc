// Creating and re-paying orders. Prices come from `products`, never from the client; the buyer is the caller.
import { createHash, randomBytes } from 'node:crypto';
import type { DeliveryAddress, OrderItem, PaymentParams } from '../../typings/api';
import { newOrderChannel } from '../domain/channels';
import { priceLines, type PricedOrder } from '../domain/catalogue';
import type { OrderDoc } from '../domain/documents';
import { AppError, conflict, notFound } from '../domain/errors';
import { newOutTradeNo, RANDOM_SUFFIX_LENGTH } from '../domain/ids';
import { assertPayable, newOrderDoc, sameItems } from '../domain/order-rules';
import type { Settings } from '../domain/settings';
import { ProviderError } from '../providers/payment-provider';
import { confirmPayment } from './payments';
import type { Payments } from './provider';
import { productsByIds } from './repositories/products';
import { findOrder, findOrderInTx } from './repositories/orders';
import { alertLowStock } from './low-stock';
import { giveBack, takeStock } from './stock';
import { COLLECTIONS, inTransaction, type Store, type TransactionScope } from './store';

export interface OrderContext {
  store: Store;
  settings: Settings;
  now: Date;
}

export async function priceItems(store: Store, lines: Array<{ productId: string; quantity: number; skuId?: string }>): Promise<PricedOrder> {
  const products = await productsByIds(store, [...new Set(lines.map((l) => l.productId))]);
  return priceLines(products, lines);
}

export function newOrder(ctx: OrderContext, buyer: string, priced: PricedOrder, idempotencyKey?: string, address?: DeliveryAddress): OrderDoc {
  return newOrderDoc({
    id: newOutTradeNo(ctx.now, randomBytes(RANDOM_SUFFIX_LENGTH)),
    buyer,
    items: priced.items,
    stockLines: priced.stockLines,
    now: ctx.now,
    unpaidTimeoutSeconds: ctx.settings.unpaidTimeoutSeconds,
    payChannel: newOrderChannel(ctx.settings),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(address ? { address } : {}),
  });
}

const keyIdOf = (buyer: string, idempotencyKey: string) => createHash('sha256').update(`${buyer}\n${idempotencyKey}`).digest('hex').slice(0, 40);

/** The order a key document names, if any (it must name the same lines). */
function checkPrevious(previous: OrderDoc | undefined, items: readonly OrderItem[]): OrderDoc {
  if (!previous) throw notFound('the order created with this idempotencyKey no longer exists');
  if (!sameItems(previous.items, items)) throw conflict('this idempotencyKey was used for a different order');
  return previous;
}

const keyOrderId = (doc: unknown): string | undefined =>
  doc && typeof doc === 'object' && typeof (doc as { orderId?: unknown }).orderId === 'string' ? (doc as { orderId: string }).orderId : undefined;

/** Outside the transaction: a repeated call finds its order without taking stock again. */
async function previousOrder(store: Store, keyId: string, items: readonly OrderItem[]): Promise<OrderDoc | undefined> {
  const { data } = await store.collection(COLLECTIONS.idempotency).where({ _id: keyId }).limit(1).get();
  const orderId = keyOrderId(data[0]);
  return orderId ? checkPrevious(await findOrder(store, orderId), items) : undefined;
}

async function previousOrderInTx(tx: TransactionScope, keyId: string, items: readonly OrderItem[]): Promise<OrderDoc | undefined> {
  const { data } = await tx.collection(COLLECTIONS.idempotency).doc(keyId).get();
  const orderId = keyOrderId(data);
  return orderId ? checkPrevious(await findOrderInTx(tx, orderId), items) : undefined;
}

/**
 * Creates the order holding its stock, or with an idempotency key returns the order the same buyer created with it
 * before (taking nothing). The stock is taken first (server/stock.ts takeStock: all lines or OUT_OF_STOCK); the key
 * document and the order are then written in one transaction, so two concurrent calls cannot both create an order.
 * Stock taken for an order that is not written after all (the key's earlier order won, a refusal) goes back. A failure
 * whose outcome is unknown (the write may have committed) leaves it held: never sold twice, and visible to the merchant.
 */
export async function createOrder(ctx: OrderContext, buyer: string, priced: PricedOrder, idempotencyKey?: string, address?: DeliveryAddress): Promise<OrderDoc> {
  const order = newOrder(ctx, buyer, priced, idempotencyKey, address);
  const keyId = idempotencyKey ? keyIdOf(buyer, idempotencyKey) : undefined;
  if (keyId) {
    const previous = await previousOrder(ctx.store, keyId, priced.items);
    if (previous) return previous;
  }
  await takeStock(ctx.store, priced.stockLines, priced.items, { orderId: order._id, at: ctx.now });
  if (!keyId) {
    await ctx.store.collection(COLLECTIONS.orders).add({ data: { ...order } });
    await alertLowStock(ctx.store, ctx.settings, priced.stockLines, ctx.now);
    return order;
  }
  let written: OrderDoc;
  try {
    written = await inTransaction(ctx.store, async (tx) => {
      const previous = await previousOrderInTx(tx, keyId, priced.items);
      if (previous) return previous;
      await tx.collection(COLLECTIONS.idempotency).add({ data: { _id: keyId, orderId: order._id, createdAt: ctx.now } });
      await tx.collection(COLLECTIONS.orders).add({ data: { ...order } });
      return order;
    });
  } catch (err) {
    if (err instanceof AppError) await giveBack(ctx.store, priced.stockLines, order._id);
    throw err;
  }
  if (written._id !== order._id) await giveBack(ctx.store, priced.stockLines, order._id);
  else await alertLowStock(ctx.store, ctx.settings, priced.stockLines, ctx.now);
  return written;
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
