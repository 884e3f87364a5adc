// reconcile: the timer that repairs what callbacks did not. Each step is bounded (a batch per run) and safe to run
// concurrently with notifies and with itself: every change goes through the same once-only transitions.
import type { OrderDoc } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { TIMELINE_NOTES } from '../domain/timeline';
import { errorSummary, log } from './logger';
import { applyPaymentStatus, type PaymentContext } from './payments';
import { resendOwed } from './notifier';
import type { Payments } from './provider';
import { markClosed, pendingOrdersBefore, unrecordedRequests, unsettledStockOrders } from './repositories/orders';
import { owingDocuments, type OwingCollection } from './repositories/owed';
import { processingRefundsBefore } from './repositories/refunds';
import { reconcileRefund, recordRequestedRefund } from './refund-flow';
import { runAfterSaleTimers, type AfterSaleTimerReport } from './aftersale-flow';
import { reconcileShipping, type ShippingReconcileReport } from './shipping-reconcile';
import { sweepLowStock } from './low-stock';
import { releaseOrphanHolds, settleStock, settleStockQuietly } from './stock';
import { COLLECTIONS, type Store } from './store';

export const BATCH = 50;

export interface ReconcileReport {
  ordersChecked: number;
  paid: number;
  closed: number;
  refundsChecked: number;
  refundsSettled: number;
  /** Refund documents made for requests that stopped after reserving their amount. */
  requestsRecorded: number;
  /** Orders whose stock was still HELD after they were paid or closed (the mover stopped before settling it). */
  stockSettled: number;
  /** Stock taken for orders that were never written (the invocation stopped between the take and the order), put back. */
  holdsReleased: number;
  /** Low-stock messages no order's invocation claimed (server/low-stock.ts sweepLowStock). */
  lowStockAlerted: number;
  /** Messages a stopped invocation left owed, sent now. */
  messagesResent: number;
  errors: number;
  shipping?: ShippingReconcileReport;
  /** After-sale requests nobody acted on in time (settings.afterSale). */
  afterSale?: AfterSaleTimerReport;
}

export async function reconcile(store: Store, settings: Settings, payments: Payments, now: Date): Promise<ReconcileReport> {
  const report: ReconcileReport = { ordersChecked: 0, paid: 0, closed: 0, refundsChecked: 0, refundsSettled: 0, requestsRecorded: 0, messagesResent: 0, stockSettled: 0, holdsReleased: 0, lowStockAlerted: 0, errors: 0 };
  const ctx: PaymentContext = { store, settings, payments, now, by: 'system' };
  const pending = await pendingOrdersBefore(store, new Date(now.getTime() - settings.notifyGraceSeconds * 1000), BATCH);
  for (const order of pending) {
    report.ordersChecked++;
    try {
      const outcome = await settlePendingOrder(ctx, order);
      if (outcome === 'PAID') report.paid++;
      if (outcome === 'CLOSED') report.closed++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.order_failed', { orderId: order._id, error: errorSummary(err) });
    }
  }
  const refunds = await processingRefundsBefore(store, new Date(now.getTime() - settings.refundPollSeconds * 1000), BATCH);
  for (const refund of refunds) {
    report.refundsChecked++;
    try {
      const status = await reconcileRefund({ store, settings, now }, payments, refund._id, 'system', { resubmitMissing: true });
      if (status === 'SUCCEEDED' || status === 'FAILED') report.refundsSettled++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.refund_failed', { refundId: refund._id, error: errorSummary(err) });
    }
  }
  // Requests still marked unrecorded, however old (a request younger than refundPollSeconds may still be writing
  // its document). Ordinary requests leave the list with their document, so only stopped ones can fill a batch.
  const pollBefore = new Date(now.getTime() - settings.refundPollSeconds * 1000);
  for (const order of await unrecordedRequests(store, pollBefore, BATCH)) {
    try {
      if (await recordRequestedRefund({ store, settings, now }, order)) report.requestsRecorded++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.request_failed', { orderId: order._id, error: errorSummary(err) });
    }
  }
  for (const order of await unsettledStockOrders(store, BATCH)) {
    try {
      if ((await settleStock(store, order._id)) !== 'NONE') report.stockSettled++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.stock_failed', { orderId: order._id, error: errorSummary(err) });
    }
  }
  // A take's order is written right after it, by the same invocation; messageRetrySeconds outlasts any invocation.
  try {
    report.holdsReleased = await releaseOrphanHolds(store, new Date(now.getTime() - settings.messageRetrySeconds * 1000), BATCH);
  } catch (err) {
    report.errors++;
    log('warn', 'reconcile.holds_failed', { error: errorSummary(err) });
  }
  try {
    report.lowStockAlerted = await sweepLowStock(store, settings, now);
  } catch (err) {
    report.errors++;
    log('warn', 'reconcile.low_stock_failed', { error: errorSummary(err) });
  }
  // After the requests above: a document they made owes its message to the merchants, sent by them already.
  const owedBefore = new Date(now.getTime() - settings.messageRetrySeconds * 1000);
  for (const collection of [COLLECTIONS.orders, COLLECTIONS.refunds, COLLECTIONS.products] as OwingCollection[]) {
    for (const doc of await owingDocuments(store, collection, owedBefore, BATCH)) {
      for (const message of Object.values(doc.owed ?? {})) {
        if (message.at.getTime() > owedBefore.getTime()) continue; // its own invocation may still be sending it
        try {
          if (await resendOwed(store, settings, { collection, docId: doc._id }, message, now)) report.messagesResent++;
        } catch (err) {
          report.errors++;
          log('warn', 'reconcile.message_failed', { collection, docId: doc._id, error: errorSummary(err) });
        }
      }
    }
  }
  try {
    report.afterSale = await runAfterSaleTimers({ store, settings, now }, payments, BATCH);
  } catch (err) {
    report.errors++;
    log('warn', 'reconcile.aftersale_failed', { error: errorSummary(err) });
  }
  try {
    report.shipping = await reconcileShipping(store, settings, now, BATCH);
  } catch (err) {
    report.errors++;
    log('warn', 'reconcile.shipping_failed', { error: errorSummary(err) });
  }
  log('info', 'reconcile.done', { ...report });
  return report;
}

/**
 * A PENDING order, asked about and closed through its own channel: paid there (the notify was lost) → PAID; unpaid
 * past its deadline → closed there, then CLOSED.
 */
async function settlePendingOrder(ctx: PaymentContext, order: OrderDoc): Promise<'PAID' | 'CLOSED' | 'UNCHANGED'> {
  const orderId = order._id;
  const deadline = order.payDeadline;
  const channel = ctx.payments.channelOf(order);
  const provider = ctx.payments.via(channel);
  const status = await provider.queryPayment(orderId);
  if (status.state === 'PAID') {
    const outcome = await applyPaymentStatus(ctx, orderId, status, channel);
    return outcome.kind === 'PAID_NOW' ? 'PAID' : 'UNCHANGED';
  }
  if (deadline.getTime() > ctx.now.getTime() || status.state === 'PAYING') return 'UNCHANGED';
  const closed = await provider.closePayment(orderId);
  if (closed === 'ALREADY_PAID') {
    // Paid between our query and the close: the close failed, so the payment stands.
    const outcome = await applyPaymentStatus(ctx, orderId, await provider.queryPayment(orderId), channel);
    return outcome.kind === 'PAID_NOW' ? 'PAID' : 'UNCHANGED';
  }
  const won = await markClosed(ctx.store, orderId, ctx.now, 'system', TIMELINE_NOTES.closedUnpaid);
  // Whoever closed it, its stock goes back on the shelf once (settleStock moves it only while the order says HELD).
  await settleStockQuietly(ctx.store, orderId);
  return won ? 'CLOSED' : 'UNCHANGED';
}

