// What the shop does with WeChat's order-management pushes (received by wxPush). A push is a hint, never proof:
// - remind_shipping: the merchants hear once per order that it waits to be shipped (the order records when they were
//   reminded, and owes the message, in the same conditional write that decides the reminder is due);
// - order_settlement: the order completes now if WeChat's get_order confirms the receipt (checkWeChatReceipt), instead
//   of waiting for reconcile's 6-hourly poll, which stays as the safety net.
import type { TradeManageEvent } from '../domain/trade-manage';
import type { Settings } from '../domain/settings';
import { log } from './logger';
import { deliver, owedMessage } from './notifier';
import { owing } from './repositories/owed';
import { findOrder } from './repositories/orders';
import { checkWeChatReceipt } from './shipping-flow';
import { COLLECTIONS, type Store } from './store';

export interface PushContext {
  store: Store;
  settings: Settings;
  now: Date;
}

export async function handleTradeManage(ctx: PushContext, event: TradeManageEvent): Promise<'acted' | 'nothing to do'> {
  if (event.kind === 'other') return 'nothing to do';
  const order = await findOrder(ctx.store, event.outTradeNo);
  // The transaction must be the order's own: a push naming another payment is not about this order.
  if (!order || order.transactionId !== event.transactionId) {
    log('warn', 'push.unknown_order', { kind: event.kind, orderId: event.outTradeNo });
    return 'nothing to do';
  }
  if (event.kind === 'settlement') {
    if (order.status !== 'SHIPPED') return 'nothing to do';
    return (await checkWeChatReceipt(ctx, order)) ? 'acted' : 'nothing to do';
  }
  if (order.status !== 'PAID') return 'nothing to do';
  const _ = ctx.store.command;
  // The merchants' message is owed by the same write that records the reminder (repositories/owed.ts): a crash right
  // after it leaves the message for reconcile to send.
  const owed = owedMessage({
    purpose: 'orderPaid',
    subject: order._id,
    stage: 'remindShipping',
    recipients: ctx.settings.merchantOpenids,
    facts: { orderId: order._id, title: `请尽快发货：${order.title}`, totalFee: order.totalFee, paidAt: order.paidAt, itemCount: order.itemCount },
  }, ctx.now);
  const { stats } = await ctx.store
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, status: 'PAID', shippingRemindedAt: _.exists(false) })
    .update({ data: { shippingRemindedAt: ctx.now, updatedAt: ctx.now, ...owing(ctx.store, [owed]) } });
  if (stats.updated !== 1) return 'nothing to do';
  log('info', 'push.remind_shipping', { orderId: order._id });
  await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.orders, docId: order._id }, owed);
  return 'acted';
}
