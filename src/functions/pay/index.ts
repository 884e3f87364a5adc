// pay: creates an order from `products` prices and returns what wx.requestPayment needs; `{orderId}` re-pays the
// caller's PENDING order; the same idempotencyKey from the same buyer returns the same order.
import type { PayData } from '../../../typings/api';
import { conflict } from '../../domain/errors';
import { parsePayEvent } from '../../domain/events';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { createOrder, ownPendingOrder, paymentFor, priceItems } from '../../server/order-flow';
import { paymentProvider } from '../../server/provider';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<PayData>('pay', async (event, who) => {
  const request = parsePayEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  const ctx = { store, settings, now: new Date() };
  const order =
    'orderId' in request
      ? await ownPendingOrder(store, who.openid, request.orderId, ctx.now)
      : await createOrder(ctx, who.openid, await priceItems(store, request.items), request.idempotencyKey);
  // A repeated idempotencyKey can name an order that was paid or closed meanwhile.
  if (order.status !== 'PENDING') throw conflict(`order ${order._id} is ${order.status}`);
  const payment = await paymentFor(ctx, paymentProvider(settings, who.env), order, who.clientIp);
  return { orderId: order._id, totalFee: order.totalFee, payment };
});
