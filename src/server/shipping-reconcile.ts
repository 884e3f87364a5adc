// reconcile's shipping steps: upload again what WeChat has not taken, complete orders whose automatic confirmation
// is due, and print receipts the printer has not taken. Each step is a bounded batch, safe to run concurrently with
// the functions (every change is the same once-only write they use).
import type { Settings } from '../domain/settings';
import { errorSummary, log } from './logger';
import { printReceipt } from './printing';
import { RECEIPT_CHECK_INTERVAL_MS } from '../domain/shipping';
import { dueForAutoConfirm, dueForReceiptCheck, pendingPrints, pendingUploads } from './repositories/shipping';
import { autoConfirm, checkWeChatReceipt, uploadShipping } from './shipping-flow';
import type { Store } from './store';

export interface ShippingReconcileReport {
  uploadsTried: number;
  uploaded: number;
  autoCompleted: number;
  /** Completed because WeChat says the buyer confirmed there. */
  confirmedAtWeChat: number;
  printsTried: number;
  printed: number;
  errors: number;
}

export async function reconcileShipping(store: Store, settings: Settings, now: Date, batch: number): Promise<ShippingReconcileReport> {
  const report: ShippingReconcileReport = { uploadsTried: 0, uploaded: 0, autoCompleted: 0, confirmedAtWeChat: 0, printsTried: 0, printed: 0, errors: 0 };
  const ctx = { store, settings, now };
  // A revision younger than the grace period is still being uploaded by the `ship` call that recorded it.
  const graceMs = settings.notifyGraceSeconds * 1000;
  for (const order of await pendingUploads(store, batch)) {
    if (order.shipping && now.getTime() - order.shipping.revisedAt.getTime() < graceMs) continue;
    report.uploadsTried++;
    try {
      if ((await uploadShipping(ctx, order._id)) === 'UPLOADED') report.uploaded++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.upload_failed', { orderId: order._id, error: errorSummary(err) });
    }
  }
  if (settings.shipping.managed) {
    // A small batch: one WeChat call per order, each order asked at most every few hours.
    for (const order of await dueForReceiptCheck(store, new Date(now.getTime() - RECEIPT_CHECK_INTERVAL_MS), Math.min(batch, 20))) {
      try {
        if (await checkWeChatReceipt(ctx, order)) report.confirmedAtWeChat++;
      } catch (err) {
        report.errors++;
        log('warn', 'reconcile.receipt_check_failed', { orderId: order._id, error: errorSummary(err) });
      }
    }
  }
  for (const order of await dueForAutoConfirm(store, now, batch)) {
    try {
      if (await autoConfirm(ctx, order)) report.autoCompleted++;
    } catch (err) {
      report.errors++;
      log('warn', 'reconcile.auto_confirm_failed', { orderId: order._id, error: errorSummary(err) });
    }
  }
  if (settings.printer) {
    const owedBefore = now.getTime() - settings.messageRetrySeconds * 1000;
    for (const order of await pendingPrints(store, batch)) {
      // Never tried yet: the payment's own invocation prints it unless it stopped, which it has once this is old.
      if (order.printing?.attempts === 0 && order.updatedAt.getTime() > owedBefore) continue;
      report.printsTried++;
      const record = await printReceipt(ctx, order, { reprint: false });
      if (record?.state === 'PRINTED') report.printed++;
    }
  }
  return report;
}
