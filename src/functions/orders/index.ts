// orders: everything the pages read (lists, details, products, who am I), the buyer's cancel and withdraw, and
// the merchant's refund queue. One function with actions keeps cold starts and deployments down.
import type { OrdersData } from '../../../typings/api';
import { parseOrdersEvent } from '../../domain/events';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { cancelOrder, checkRefund, getOrder, listMyOrders, listProducts, me, merchantRefund, merchantRefunds } from '../../server/orders-queries';
import { payments } from '../../server/provider';
import { closeRequestedRefund } from '../../server/refund-flow';
import { submitReturn } from '../../server/aftersale-flow';
import { merchantDesk, reprint } from '../../server/desk-queries';
import { confirmReceipt } from '../../server/shipping-flow';
import { loadSettings } from '../../server/settings';
import { explainBillDifference, merchantBillDay, merchantBills } from '../../server/bill-queries';

export const main = clientFunction<OrdersData[keyof OrdersData]>('orders', async (event, who) => {
  const request = parseOrdersEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  const ctx = { store, settings, openid: who.openid, now: new Date() };
  switch (request.action) {
    case 'list':
      return listMyOrders(ctx, request.status, request.cursor, request.limit);
    case 'get':
      return getOrder(ctx, request.orderId);
    case 'cancel':
      return cancelOrder(ctx, payments(settings, who.env), request.orderId);
    case 'withdrawRefund': {
      const { refund } = await closeRequestedRefund(ctx, request.refundId, 'CANCELLED', { openid: who.openid, role: 'buyer' });
      return { refundId: refund._id, status: refund.status };
    }
    case 'submitReturn':
      return { refundId: request.refundId, status: await submitReturn(ctx, who.openid, request.refundId, { expressCompany: request.expressCompany, trackingNo: request.trackingNo }) };
    case 'products':
      return listProducts(ctx);
    case 'me':
      return me(ctx);
    case 'refunds':
      return merchantRefunds(ctx, request.status, request.cursor, request.limit);
    case 'refund':
      return merchantRefund(ctx, request.refundId);
    case 'confirmReceipt':
      return confirmReceipt(ctx, who.openid, request.orderId);
    case 'desk':
      return merchantDesk(ctx, request);
    case 'reprint':
      return reprint(ctx, request.orderId);
    case 'checkRefund':
      return checkRefund(ctx, payments(settings, who.env), request.refundId);
    case 'bills':
      return merchantBills(ctx);
    case 'billDay':
      return merchantBillDay(ctx, request.date);
    case 'explainBillDifference':
      return explainBillDifference(ctx, request.differenceId, request.note);
  }
});
