// The low-stock alert: after an order took stock, each SKU it left at or below `stock.lowStockThreshold` owes the
// merchants one message. Of all the orders that see the SKU low, one claims it: a conditional write that sets the
// SKU's `lowAlerted` only while it is unset, and carries the owed message in the same write (repositories/owed.ts),
// so it is sent once, by the claimer or, if that invocation stops, by reconcile. `lowAlerted` is cleared when the
// merchant puts stock in (server/catalogue.ts), which arms the next alert.
import type { OwedMessage, StockLine } from '../domain/documents';
import { lowStockFacts } from '../domain/low-stock';
import type { Settings } from '../domain/settings';
import { errorSummary, log } from './logger';
import { deliver, owedMessage } from './notifier';
import { owing } from './repositories/owed';
import { activeProducts, findProduct } from './repositories/products';
import { COLLECTIONS, type Store } from './store';

/** Claims the alert of every SKU the lines left low; answers the messages this call made owed (to deliver). */
export async function claimLowStockAlerts(store: Store, settings: Settings, lines: readonly StockLine[], now: Date): Promise<Array<{ productId: string; message: OwedMessage }>> {
  const threshold = settings.stock.lowStockThreshold;
  if (threshold <= 0) return [];
  const _ = store.command;
  const claimed: Array<{ productId: string; message: OwedMessage }> = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const key = `${line.productId}/${line.skuId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const product = await findProduct(store, line.productId);
    const facts = product && lowStockFacts(product, line.skuId, threshold);
    if (!facts) continue;
    const message = owedMessage(
      // One stage per crossing: the claim is once per `lowAlerted` cycle, so its time names it.
      { purpose: 'lowStock', subject: line.productId, stage: `${line.skuId}-${now.getTime().toString(36)}`, recipients: settings.merchantOpenids, facts: { ...facts } },
      now,
    );
    const flag = `skus.${line.skuId}.lowAlerted`;
    // The guard: only while no other order has claimed it (and the shelf is still low, e.g. no restock meanwhile).
    const { stats } = await store
      .collection(COLLECTIONS.products)
      .where({ _id: line.productId, [flag]: _.neq(true), [`skus.${line.skuId}.stock`]: _.lte(threshold) })
      .update({ data: { [flag]: true, ...owing(store, [message]) } });
    if (stats.updated === 1) claimed.push({ productId: line.productId, message });
  }
  return claimed;
}

/** Claims and sends the alerts an order's take made due. Never throws: the order stands; an unclaimed alert is claimed by the next take. */
export async function alertLowStock(store: Store, settings: Settings, lines: readonly StockLine[], now: Date): Promise<void> {
  try {
    for (const { productId, message } of await claimLowStockAlerts(store, settings, lines, now)) {
      log('info', 'stock.low', { productId, stage: message.stage });
      await deliver(store, settings, { collection: COLLECTIONS.products, docId: productId }, message);
    }
  } catch (err) {
    log('warn', 'stock.low_alert_failed', { error: errorSummary(err) });
  }
}

/**
 * reconcile: a SKU on sale at or below the threshold that nobody told the merchant about (the order's invocation
 * stopped between its take and the claim, and no order came since) is claimed and sent here, by the same guarded
 * write. Answers how many were sent.
 */
export async function sweepLowStock(store: Store, settings: Settings, now: Date): Promise<number> {
  const threshold = settings.stock.lowStockThreshold;
  if (threshold <= 0) return 0;
  const due: StockLine[] = (await activeProducts(store)).flatMap((p) =>
    Object.entries(p.skus ?? {})
      .filter(([, sku]) => sku.lowAlerted !== true && sku.stock <= threshold)
      .map(([skuId]) => ({ productId: p._id, skuId, quantity: 0 })),
  );
  if (due.length === 0) return 0;
  const claimed = await claimLowStockAlerts(store, settings, due, now);
  for (const { productId, message } of claimed) {
    log('info', 'stock.low', { productId, stage: message.stage, by: 'reconcile' });
    await deliver(store, settings, { collection: COLLECTIONS.products, docId: productId }, message);
  }
  return claimed.length;
}
