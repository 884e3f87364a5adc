// Stock held by orders. Taking is one conditional write per line (`stock >= n` is the overselling guard: the
// database, not a read we made earlier, decides whether it is there), all lines or none. Where an order's stock goes
// next (sold, back on the shelf, restocked after a return) moves once, in one transaction with the order's
// `stockState`, so two closes, or a close and a payment, can never count it twice.
import { orderLineKey } from '../domain/aftersale';
import type { OrderItem } from '../../typings/api';
import { lineLabel, stockDestination, type StockSettlement } from '../domain/catalogue';
import type { StockLine } from '../domain/documents';
import { AppError } from '../domain/errors';
import { log } from './logger';
import { findOrderInTx } from './repositories/orders';
import { COLLECTIONS, inTransaction, type Command, type Store, type TransactionScope } from './store';

const field = (skuId: string, counter: 'stock' | 'held' | 'sold') => `skus.${skuId}.${counter}`;

/**
 * Which order holds stock, kept on the product by the take itself (`stockHolds.o<orderId>: {<skuId>: n, at}`), until
 * the order's stock is settled or given back. A take whose order was never written (the invocation stopped between
 * the two) is found by it and released by reconcile (`releaseOrphanHolds`). The `o` keeps an all-digit order number
 * from reading as an array index.
 */
export const holdField = (orderId: string) => `stockHolds.o${orderId}`;

/** The order a take is for, and when it was taken. */
export interface HoldFor {
  orderId: string;
  at: Date;
}

/** Takes one line's stock onto the shelf's `held`, recording the hold; false when fewer than its quantity are on the shelf. */
async function takeLine(store: Store, line: StockLine, hold: HoldFor): Promise<boolean> {
  const _ = store.command;
  const { stats } = await store
    .collection(COLLECTIONS.products)
    .where({ _id: line.productId, [field(line.skuId, 'stock')]: _.gte(line.quantity) })
    .update({
      data: {
        [field(line.skuId, 'stock')]: _.inc(-line.quantity),
        [field(line.skuId, 'held')]: _.inc(line.quantity),
        [`${holdField(hold.orderId)}.${line.skuId}`]: _.inc(line.quantity),
        [`${holdField(hold.orderId)}.lines`]: _.inc(1),
        [`${holdField(hold.orderId)}.at`]: hold.at,
        holdCount: _.inc(1),
      },
    });
  return stats.updated === 1;
}

/** Puts lines this invocation took for `orderId` back on the shelf (an order that was not made after all). */
export async function giveBack(store: Store, lines: readonly StockLine[], orderId: string): Promise<void> {
  const _ = store.command;
  for (const line of lines) {
    await store
      .collection(COLLECTIONS.products)
      .doc(line.productId)
      .update({ data: { [field(line.skuId, 'stock')]: _.inc(line.quantity), [field(line.skuId, 'held')]: _.inc(-line.quantity), [holdField(orderId)]: _.remove(), holdCount: _.inc(-1) } });
  }
}

async function shelfCount(store: Store, line: StockLine): Promise<number> {
  const { data } = await store.collection(COLLECTIONS.products).where({ _id: line.productId }).limit(1).get();
  const skus = (data[0] as { skus?: Record<string, { stock?: unknown }> } | undefined)?.skus;
  const stock = skus?.[line.skuId]?.stock;
  return typeof stock === 'number' ? Math.max(0, stock) : 0;
}

/**
 * Takes every line's stock, or none: when a line is short, the lines taken before it go back and OUT_OF_STOCK names
 * the short line. Resolves once all are held by the order about to be written.
 */
export async function takeStock(store: Store, lines: readonly StockLine[], items: readonly OrderItem[], hold: HoldFor): Promise<void> {
  const taken: StockLine[] = [];
  for (const line of lines) {
    if (await takeLine(store, line, hold)) {
      taken.push(line);
      continue;
    }
    await giveBack(store, taken, hold.orderId);
    const left = await shelfCount(store, line);
    throw new AppError('OUT_OF_STOCK', `${lineLabel(items, line)}: only ${left} left, ${line.quantity} asked for`);
  }
}

type Counter = 'stock' | 'held' | 'sold';

/**
 * Moves each line's quantity from one counter to another, one write per product, inside a transaction. `clearHold`:
 * the order whose hold record goes with it, `holdLines` of it per product (what its takes counted in `holdCount`).
 */
async function moveCounters(tx: TransactionScope, _: Store['command'], lines: readonly StockLine[], from: Counter, to: Counter, clearHold?: { orderId: string; holdLines: (productId: string) => number }): Promise<void> {
  const byProduct = new Map<string, Record<string, Command>>();
  for (const line of lines) {
    const data = byProduct.get(line.productId) ?? (clearHold ? { [holdField(clearHold.orderId)]: _.remove(), holdCount: _.inc(-clearHold.holdLines(line.productId)) } : {});
    data[field(line.skuId, from)] = _.inc(-line.quantity);
    data[field(line.skuId, to)] = _.inc(line.quantity);
    byProduct.set(line.productId, data);
  }
  for (const [productId, data] of byProduct) await tx.collection(COLLECTIONS.products).doc(productId).update({ data });
}

/**
 * After an order left PENDING: its held stock becomes sold (paid) or goes back on the shelf (closed), once. Safe to
 * call any number of times, from anyone who saw the order move (the mover, reconcile's sweep): the transaction moves
 * the counters only while the order still says HELD, and takes HELD away in the same commit.
 */
export type { StockSettlement };

export async function settleStock(store: Store, orderId: string): Promise<StockSettlement> {
  const _ = store.command;
  const outcome = await inTransaction(store, async (tx) => {
    const order = await findOrderInTx(tx, orderId);
    if (!order) return 'NONE';
    const to = stockDestination(order);
    if (to === 'NONE') return to;
    const lines = order.stockLines ?? [];
    // An order from before holds were recorded has none to clear.
    const clearHold = order.holdsRecorded ? { orderId, holdLines: (productId: string) => lines.filter((l) => l.productId === productId).length } : undefined;
    await moveCounters(tx, _, lines, 'held', to === 'SOLD' ? 'sold' : 'stock', clearHold);
    await tx.collection(COLLECTIONS.orders).doc(orderId).update({ data: { stockState: to } });
    return to;
  });
  if (outcome !== 'NONE') log('info', 'stock.settled', { orderId, outcome });
  return outcome;
}

/** Calls settleStock, logging instead of failing: the order's own move already happened; reconcile finishes the rest. */
export async function settleStockQuietly(store: Store, orderId: string): Promise<void> {
  try {
    await settleStock(store, orderId);
  } catch (err) {
    log('warn', 'stock.settle_failed', { orderId, error: err instanceof Error ? err.message.slice(0, 200) : String(err) });
  }
}

/**
 * A confirmed return put goods back on the shelf (sold → stock), once per return; the caller checks the merchant's
 * setting (`stock.restockOnReturn`). `items` are the refund's lines (by SKU; by product on refunds from before
 * SKU-level lines); absent, the whole order came back. Each returned quantity goes back to the order's counted lines
 * it names, never more than they took, nor more than their SKU has sold; a SKU the merchant has removed since is
 * skipped. True when this call restocked.
 */
export async function restockReturned(store: Store, input: { orderId: string; returnId: string; items?: ReadonlyArray<{ productId: string; skuId?: string; quantity: number }> }): Promise<boolean> {
  const _ = store.command;
  const outcome = await inTransaction(store, async (tx) => {
    const order = await findOrderInTx(tx, input.orderId);
    if (!order || order.stockState !== 'SOLD' || (order.restockedReturns ?? []).includes(input.returnId)) return false;
    const left = new Map<string, number>();
    for (const item of input.items ?? order.stockLines ?? []) left.set(orderLineKey(item), (left.get(orderLineKey(item)) ?? 0) + item.quantity);
    // A returned line names its SKU, or (older refunds) only the product: take from whichever the return named.
    const keyOf = (line: StockLine): string => (left.has(orderLineKey(line)) ? orderLineKey(line) : line.productId);
    const lines: StockLine[] = [];
    for (const line of order.stockLines ?? []) {
      const key = keyOf(line);
      const want = Math.min(line.quantity, left.get(key) ?? 0);
      if (want <= 0) continue;
      const { data } = await tx.collection(COLLECTIONS.products).doc(line.productId).get();
      const sold = (data as { skus?: Record<string, { sold?: unknown }> } | null)?.skus?.[line.skuId]?.sold;
      const quantity = typeof sold === 'number' ? Math.min(want, sold) : 0;
      if (quantity <= 0) continue;
      left.set(key, (left.get(key) ?? 0) - quantity);
      lines.push({ ...line, quantity });
    }
    await moveCounters(tx, _, lines, 'sold', 'stock');
    await tx.collection(COLLECTIONS.orders).doc(input.orderId).update({ data: { restockedReturns: _.push(input.returnId) } });
    return lines.length > 0;
  });
  if (outcome) log('info', 'stock.restocked', { orderId: input.orderId, returnId: input.returnId });
  return outcome;
}

/** A hold record on a product: the SKUs' quantities an order took, and when. */
type HoldRecord = Record<string, unknown> & { at?: unknown };

/**
 * reconcile: holds older than `before` whose order does not exist were taken by an invocation that stopped before
 * writing the order. Each goes back on the shelf once: one transaction reads the hold and the order again, moves the
 * counters only while the hold is there and the order is not, and removes the hold in the same commit. A hold whose
 * order exists but no longer holds stock (settled before holds were recorded on its product) is only removed.
 * Answers how many holds were released.
 */
export async function releaseOrphanHolds(store: Store, before: Date, limit: number): Promise<number> {
  const _ = store.command;
  const { data } = await store.collection(COLLECTIONS.products).where({ holdCount: _.gt(0) }).limit(limit).field({ _id: true, stockHolds: true }).get();
  let released = 0;
  for (const product of data as Array<{ _id: string; stockHolds?: Record<string, HoldRecord> }>) {
    for (const [key, hold] of Object.entries(product.stockHolds ?? {})) {
      const at = hold.at instanceof Date ? hold.at : undefined;
      if (!key.startsWith('o') || !at || at.getTime() > before.getTime()) continue;
      if (await releaseHold(store, product._id, key.slice(1))) released += 1;
    }
  }
  return released;
}

async function releaseHold(store: Store, productId: string, orderId: string): Promise<boolean> {
  const _ = store.command;
  const outcome = await inTransaction(store, async (tx) => {
    const { data } = await tx.collection(COLLECTIONS.products).doc(productId).get();
    const hold = (data as { stockHolds?: Record<string, HoldRecord> } | null)?.stockHolds?.[`o${orderId}`];
    if (!hold) return 'GONE';
    const order = await findOrderInTx(tx, orderId);
    if (order) {
      // Its stock moves with the order (settleStock); a hold left beside a settled order is only a stale record.
      if (order.stockState !== 'HELD') await tx.collection(COLLECTIONS.products).doc(productId).update({ data: { [holdField(orderId)]: _.remove(), holdCount: _.inc(-(typeof hold.lines === 'number' ? hold.lines : 0)) } });
      return 'ORDER';
    }
    const taken = typeof hold.lines === 'number' ? hold.lines : 0;
    const lines: StockLine[] = Object.entries(hold)
      .filter(([skuId, quantity]) => skuId !== 'at' && skuId !== 'lines' && typeof quantity === 'number' && quantity > 0)
      .map(([skuId, quantity]) => ({ productId, skuId, quantity: quantity as number }));
    await moveCounters(tx, _, lines, 'held', 'stock', { orderId, holdLines: () => taken });
    if (lines.length === 0) await tx.collection(COLLECTIONS.products).doc(productId).update({ data: { [holdField(orderId)]: _.remove(), holdCount: _.inc(-taken) } });
    return 'RELEASED';
  });
  if (outcome === 'RELEASED') log('warn', 'stock.orphan_released', { productId, orderId });
  return outcome === 'RELEASED';
}
