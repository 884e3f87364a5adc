// Confirming a payment: shared by payNotify (a callback we do not trust), reconcile (a notify that never came),
// pay and cancel (the provider says the order is paid already).
// Guarantee: PENDING → PAID happens once, only for the amount and merchant we asked for; the same write makes the
// merchants' message and the receipt owed, which the invocation that made the transition sends and prints right
// after (reconcile does, if it stopped first).
import type { PayChannel } from '../domain/channels';
import { stockDestination } from '../domain/catalogue';
import type { AnomalyDoc, OrderDoc, TimelineRecord } from '../domain/documents';
import { formatYuan } from '../domain/money';
import type { Settings } from '../domain/settings';
import { isMoneyHeld } from '../domain/states';
import { timelineEntry } from '../domain/timeline';
import type { PaymentStatus } from '../providers/payment-provider';
import { log } from './logger';
import { deliver, owedMessage } from './notifier';
import { printPaidOrder } from './printing';
import { appendTimeline, findOrder, markPaid } from './repositories/orders';
import { recordAnomaly } from './repositories/records';
import { lateRefundId as lateRefundNumber, refundLatePayment } from './refund-flow';
import type { Payments } from './provider';
import { settleStockQuietly } from './stock';
import type { Store } from './store';

export type PaymentOutcome =
  | { kind: 'PAID_NOW' }
  | { kind: 'ALREADY_PAID' }
  | { kind: 'NOT_PAID'; state: PaymentStatus['state'] }
  | { kind: 'ANOMALY'; anomaly: AnomalyDoc['kind'] };

export interface PaymentContext {
  store: Store;
  settings: Settings;
  payments: Payments;
  now: Date;
  by: TimelineRecord['by'];
}

/**
 * Ask the order's own channel, then apply what it says. `arrivedVia`: the channel a callback came through, asked
 * about an order we do not have (so its payment is still recorded as an anomaly).
 */
export async function confirmPayment(ctx: PaymentContext, orderId: string, arrivedVia?: PayChannel): Promise<PaymentOutcome> {
  // With one channel configured every order the shop can act on was taken by it: no need to read the order first.
  const order = ctx.payments.sole ? undefined : await findOrder(ctx.store, orderId);
  const channel = order ? ctx.payments.channelOf(order) : (ctx.payments.sole ?? arrivedVia ?? ctx.payments.current);
  const status = await ctx.payments.via(channel).queryPayment(orderId);
  return applyPaymentStatus(ctx, orderId, status, channel);
}

/** `channel`: the order's, whose merchant must be the one paid. */
export async function applyPaymentStatus(ctx: PaymentContext, orderId: string, status: PaymentStatus, channel: PayChannel): Promise<PaymentOutcome> {
  if (status.state !== 'PAID') return { kind: 'NOT_PAID', state: status.state };
  // An answer that names no merchant proves nothing about where the money went: it is a mismatch, never a pass.
  if (!status.merchantId || status.merchantId !== channel.merchantId) {
    const order = await findOrder(ctx.store, orderId);
    const paidTo = status.merchantId ? `款项付给了商户号 ${status.merchantId}` : '微信支付的回复没有商户号';
    return anomaly(ctx, orderId, status, 'MERCHANT_MISMATCH', `${paidTo}，本店商户号是 ${channel.merchantId}`, order);
  }
  if (status.totalFee === undefined || !status.transactionId) {
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', '微信支付报告的支付没有金额或交易单号');
  }
  const paidAt = status.paidAt ?? ctx.now;
  // The amount is part of the condition: a payment of any other amount can never mark the order paid.
  const owed = owedMessage(
    { purpose: 'orderPaid', subject: orderId, stage: 'paid', recipients: ctx.settings.merchantOpenids, facts: { orderId, totalFee: status.totalFee, paidAt, title: status.attach } },
    ctx.now,
  );
  const printer = ctx.settings.printer;
  const won = await markPaid(ctx.store, orderId, {
    totalFee: status.totalFee,
    transactionId: status.transactionId,
    paidAt,
    at: ctx.now,
    by: ctx.by,
    owed,
    ...(printer ? { printing: { state: 'PENDING', attempts: 0, copies: printer.copies } } : {}),
  });
  if (won) {
    log('info', 'order.paid', { orderId, by: ctx.by });
    // One read of the paid order serves the stock and the receipt: an order that holds no stock (any order of a shop
    // that does not count it) needs no transaction, which would be three requests to find that out. Once PAID an
    // order never comes to hold stock again, so what this read says stays true. Unread, each step reads for itself.
    const paid = await findOrder(ctx.store, orderId).catch(() => undefined);
    // The stock the order held is now sold; a failure here leaves it HELD (still counted), and reconcile finishes it.
    if (!paid || stockDestination(paid) !== 'NONE') await settleStockQuietly(ctx.store, orderId);
    await deliver(ctx.store, ctx.settings, { collection: 'orders', docId: orderId }, owed);
    // After the merchants are told: a printer that is down never delays or fails the payment.
    await printPaidOrder(ctx, orderId, paid);
    return { kind: 'PAID_NOW' };
  }
  return explainLostTransition(ctx, orderId, status);
}

/** The conditional write changed nothing: a duplicate (fine), or something that does not match our books. */
async function explainLostTransition(ctx: PaymentContext, orderId: string, status: PaymentStatus): Promise<PaymentOutcome> {
  const order = await findOrder(ctx.store, orderId);
  if (!order) return anomaly(ctx, orderId, status, 'UNKNOWN_ORDER', 'the provider reported a payment for an order we do not have');
  if (isMoneyHeld(order.status) || order.status === 'REFUNDED') {
    if (order.transactionId === status.transactionId) return { kind: 'ALREADY_PAID' };
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', `又收到一笔交易 ${status.transactionId}，订单已由 ${order.transactionId} 支付`, order);
  }
  if (order.status === 'CLOSED') {
    const outcome = await anomaly(ctx, orderId, status, 'PAID_AFTER_CLOSE', `订单关闭后收到付款 ${formatYuan(status.totalFee ?? 0)}，已自动退款（退款单号 ${lateRefundNumber(orderId)}）`, order);
    if (status.totalFee) await refundLatePayment(ctx, ctx.payments, orderId, { totalFee: status.totalFee, ...(status.transactionId ? { transactionId: status.transactionId } : {}) });
    return outcome;
  }
  if (order.totalFee !== status.totalFee) {
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', `实付 ${formatYuan(status.totalFee ?? 0)}，订单金额是 ${formatYuan(order.totalFee)}`, order);
  }
  // PENDING with the right amount, yet the write did not apply: a concurrent writer moved it between our two calls.
  throw new Error(`order ${orderId} is PENDING with a matching payment but could not be marked paid; will retry`);
}

async function anomaly(
  ctx: PaymentContext,
  orderId: string,
  status: PaymentStatus,
  kind: AnomalyDoc['kind'],
  detail: string,
  order?: OrderDoc,
): Promise<PaymentOutcome> {
  const first = await recordAnomaly(ctx.store, { _id: `${kind}:${orderId}:${status.transactionId ?? 'none'}`, kind, orderId, detail, createdAt: ctx.now });
  log('warn', 'payment.anomaly', { orderId, kind, detail });
  // Shown on the order's timeline for the merchant, once.
  if (first && order) await appendTimeline(ctx.store, orderId, timelineEntry(ctx.now, 'anomaly', 'system', `${kind}: ${detail}`));
  return { kind: 'ANOMALY', anomaly: kind };
}
