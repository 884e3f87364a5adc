// Confirming a payment: shared by payNotify (a callback we do not trust), reconcile (a notify that never came),
// pay and cancel (the provider says the order is paid already).
// Guarantee: PENDING → PAID happens once, only for the amount and merchant we asked for, and only the invocation
// that made the transition tells the merchants.
import type { AnomalyDoc, OrderDoc, TimelineRecord } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { isMoneyHeld } from '../domain/states';
import { timelineEntry } from '../domain/timeline';
import type { PaymentProvider, PaymentStatus } from '../providers/payment-provider';
import { log } from './logger';
import { notify } from './notifier';
import { printPaidOrder } from './printing';
import { appendTimeline, findOrder, markPaid } from './repositories/orders';
import { recordAnomaly } from './repositories/records';
import type { Store } from './store';

export type PaymentOutcome =
  | { kind: 'PAID_NOW' }
  | { kind: 'ALREADY_PAID' }
  | { kind: 'NOT_PAID'; state: PaymentStatus['state'] }
  | { kind: 'ANOMALY'; anomaly: AnomalyDoc['kind'] };

export interface PaymentContext {
  store: Store;
  settings: Settings;
  provider: PaymentProvider;
  now: Date;
  by: TimelineRecord['by'];
}

/** Ask the provider, then apply what it says. */
export async function confirmPayment(ctx: PaymentContext, orderId: string): Promise<PaymentOutcome> {
  const status = await ctx.provider.queryPayment(orderId);
  return applyPaymentStatus(ctx, orderId, status);
}

export async function applyPaymentStatus(ctx: PaymentContext, orderId: string, status: PaymentStatus): Promise<PaymentOutcome> {
  if (status.state !== 'PAID') return { kind: 'NOT_PAID', state: status.state };
  if (status.merchantId !== undefined && status.merchantId !== ctx.settings.subMchId) {
    const order = await findOrder(ctx.store, orderId);
    return anomaly(ctx, orderId, status, 'MERCHANT_MISMATCH', `paid to merchant ${status.merchantId}, expected ${ctx.settings.subMchId}`, order);
  }
  if (status.totalFee === undefined || !status.transactionId) {
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', 'the provider reported a payment without an amount or transaction id');
  }
  const paidAt = status.paidAt ?? ctx.now;
  // The amount is part of the condition: a payment of any other amount can never mark the order paid.
  const won = await markPaid(ctx.store, orderId, { totalFee: status.totalFee, transactionId: status.transactionId, paidAt, at: ctx.now, by: ctx.by });
  if (won) {
    log('info', 'order.paid', { orderId, by: ctx.by });
    await notify(ctx.store, ctx.settings, {
      purpose: 'orderPaid',
      subject: orderId,
      stage: 'paid',
      recipients: ctx.settings.merchantOpenids,
      facts: { orderId, totalFee: status.totalFee, paidAt, title: status.attach },
    }, ctx.now);
    // After the merchants are told: a printer that is down never delays or fails the payment.
    await printPaidOrder(ctx, orderId);
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
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', `a second transaction ${status.transactionId} for an order paid by ${order.transactionId}`, order);
  }
  if (order.status === 'CLOSED') return anomaly(ctx, orderId, status, 'PAID_AFTER_CLOSE', 'paid after the order was closed: refund it by hand', order);
  if (order.totalFee !== status.totalFee) {
    return anomaly(ctx, orderId, status, 'AMOUNT_MISMATCH', `paid ${status.totalFee} fen, the order is ${order.totalFee} fen`, order);
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
