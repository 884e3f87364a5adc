// pay: creates an order from `products` prices and returns what wx.requestPayment needs; `{orderId}` re-pays the
// caller's PENDING order; counted stock is taken with the order (OUT_OF_STOCK names a short line and takes nothing); the same idempotencyKey from the same buyer returns the same order.
import type { PayData } from '../../../typings/api';
import { AppError } from '../../domain/errors';
import { parsePayEvent } from '../../domain/events';
import { ProviderError } from '../../providers/payment-provider';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { assertPayable, createOrder, ownOrder, paymentFor, priceItems } from '../../server/order-flow';
import { payments } from '../../server/provider';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<PayData>('pay', async (event, who) => {
  const request = parsePayEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  const ctx = { store, settings, now: new Date() };
  const order =
    'orderId' in request
      ? await ownOrder(store, who.openid, request.orderId)
      : await createOrder(ctx, who.openid, await priceItems(store, request.items), request.idempotencyKey, request.address);
  assertPayable(order, ctx.now);
  try {
    const payment = await paymentFor(ctx, payments(settings, who.env), order, who.clientIp);
    return { orderId: order._id, totalFee: order.totalFee, payment };
  } catch (err) {
    // The order exists and stays PENDING: say which, so it can be paid again (or left to close by itself).
    if (err instanceof ProviderError) throw new AppError('PROVIDER_ERROR', `WeChat Pay could not start the payment of order ${order._id}; try paying it again from your orders`);
    throw err;
  }
});
