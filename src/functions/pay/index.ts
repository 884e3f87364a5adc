// pay: creates an order from `products` prices and returns what wx.requestPayment needs; `{orderId}` re-pays the
// caller's PENDING order; the same idempotencyKey from the same buyer returns the same order.
import type { PayData } from '../../../typings/api';
import { parsePayEvent } from '../../domain/events';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { assertPayable, createOrder, ownOrder, paymentFor, priceItems } from '../../server/order-flow';
import { paymentProvider } from '../../server/provider';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<PayData>('pay', async (event, who) => {
  const request = parsePayEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  const ctx = { store, settings, now: new Date() };
  const order =
    'orderId' in request
      ? await ownOrder(store, who.openid, request.orderId)
      : await createOrder(ctx, who.openid, await priceItems(store, request.items), request.idempotencyKey);
  assertPayable(order, ctx.now);
  const payment = await paymentFor(ctx, paymentProvider(settings, who.env), order, who.clientIp);
  return { orderId: order._id, totalFee: order.totalFee, payment };
});
