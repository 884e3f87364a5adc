// Receipts on the shop's cloud printer. A paid order prints once, from the invocation that marked it paid; a
// failure is recorded and retried by reconcile, and never fails the payment. A reprint is the merchant's action.
import type { OrderDoc, PrintingRecord } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { receiptPrinter, PrinterError, type Receipt, type ReceiptPrinter } from '../providers/printer';
import { errorSummary, log } from './logger';
import { findOrder } from './repositories/orders';
import { recordPrinting } from './repositories/shipping';
import type { Store } from './store';

/** Retries by reconcile before the merchant is left to reprint by hand. */
export const MAX_PRINT_ATTEMPTS = 10;

export interface PrintContext {
  store: Store;
  settings: Settings;
  now: Date;
  /** Tests and benchmarks may pass their own; by default the one settings and the environment name. */
  printer?: ReceiptPrinter;
}

export function receiptOf(order: OrderDoc, shopName: string, reprint: boolean): Receipt {
  return {
    shopName,
    orderId: order._id,
    paidAt: order.paidAt ?? order.createdAt,
    items: order.items.map((i) => ({ name: i.name, quantity: i.quantity, amount: i.unitPrice * i.quantity })),
    totalFee: order.totalFee,
    ...(order.refundedFee > 0 ? { refundedFee: order.refundedFee } : {}),
    ...(order.openRefundId ? { refundOpen: true } : {}),
    ...(order.address ? { address: order.address } : {}),
    reprint,
  };
}

/**
 * Prints the order's receipt and records the outcome on the order (one write). Answers what was recorded, or
 * undefined when the shop has no printer. Never throws for a printer failure.
 */
export async function printReceipt(ctx: PrintContext, order: OrderDoc, options: { reprint: boolean }): Promise<PrintingRecord | undefined> {
  const setting = ctx.settings.printer;
  if (!setting) return undefined;
  const attempts = (options.reprint ? 0 : order.printing?.attempts ?? 0) + 1;
  const printer = ctx.printer ?? receiptPrinter(setting);
  let record: PrintingRecord;
  if (!printer) {
    record = { state: 'FAILED', attempts, copies: setting.copies, lastError: `the ${setting.provider} printer account is not configured in the function's environment` };
  } else {
    try {
      const job = await printer.print(receiptOf(order, ctx.settings.shopName, options.reprint), setting.copies);
      record = { state: 'PRINTED', attempts, copies: setting.copies, printedAt: ctx.now, jobId: job.jobId };
    } catch (err) {
      const retry = err instanceof PrinterError ? err.retryable : true;
      record = {
        state: retry && !options.reprint && attempts < MAX_PRINT_ATTEMPTS ? 'PENDING' : 'FAILED',
        attempts,
        copies: setting.copies,
        lastError: (err instanceof PrinterError ? err.message : errorSummary(err)).slice(0, 120),
      };
    }
  }
  log(record.state === 'PRINTED' ? 'info' : 'warn', 'receipt.print', { orderId: order._id, state: record.state, attempts, reprint: options.reprint, error: record.lastError });
  try {
    await recordPrinting(ctx.store, order._id, record, ctx.now);
  } catch (err) {
    log('error', 'receipt.record_failed', { orderId: order._id, error: errorSummary(err) });
  }
  return record;
}

/** For the payment flow: whatever happens here, the payment stands. `paid`: the order read after its payment, if the caller has it. */
export async function printPaidOrder(ctx: PrintContext, orderId: string, paid?: OrderDoc): Promise<void> {
  if (!ctx.settings.printer) return;
  try {
    const order = paid ?? (await findOrder(ctx.store, orderId));
    if (order) await printReceipt(ctx, order, { reprint: false });
  } catch (err) {
    log('error', 'receipt.print_crashed', { orderId, error: errorSummary(err) });
  }
}
