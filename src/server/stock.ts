// Stock held by orders. Taking is one conditional write per line (`stock >= n` is the overselling guard: the
// database, not a read we made earlier, decides whether it is there), all lines or none. Where an order's stock goes
// next (sold, back on the shelf, restocked after a return) moves once, in one transaction with the order's
// `stockState`, so two closes, or a close and a payment, can never count it twice.
import type { OrderItem } from '../../typings/api';
import { lineLabel, stockDestination, type StockSettlement } from '../domain/catalogue';
import type { StockLine } from '../domain/documents';
import { AppError } from '../domain/errors';
import { log } from './logger';
import { findOrderInTx } from './repositories/orders';
import { COLLECTIONS, inTransaction, type Command, type Store, type TransactionScope } from './store';

const field = (skuId: string, counter: 'stock' | 'held' | 'sold') => `skus.${skuId}.${counter}`;

/** Takes one line's stock onto the shelf's `held`; false when fewer than its quantity are on the shelf. */
async function takeLine(store: Store, line: StockLine): Promise<boolean> {
  const _ = store.command;
  const { stats } = await store
    .collection(COLLECTIONS.products)
    .where({ _id: line.productId, [field(line.skuId, 'stock')]: _.gte(line.quantity) })
    .update({ data: { [field(line.skuId, 'stock')]: _.inc(-line.quantity), [field(line.skuId, 'held')]: _.inc(line.quantity) } });
  return stats.updated === 1;
}

/** Puts lines this invocation took back on the shelf (an order that was not made after all). */
export async function giveBack(store: Store, lines: readonly StockLine[]): Promise<void> {
  const _ = store.command;
  for (const line of lines) {
    await store
      .collection(COLLECTIONS.products)
      .doc(line.productId)
      .update({ data: { [field(line.skuId, 'stock')]: _.inc(line.quantity), [field(line.skuId, 'held')]: _.inc(-line.quantity) } });
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
export async function takeStock(store: Store, lines: readonly StockLine[], items: readonly OrderItem[]): Promise<void> {
  const taken: StockLine[] = [];
  for (const line of lines) {
    if (await takeLine(store, line)) {
      taken.push(line);
      continue;
    }
    await giveBack(store, taken);
    const left = await shelfCount(store, line);
    throw new AppError('OUT_OF_STOCK', `${lineLabel(items, line)}: only ${left} left, ${line.quantity} asked for`);
  }
}

type Counter = 'stock' | 'held' | 'sold';

/** Moves each line's quantity from one counter to another, one write per product, inside a transaction. */
async function moveCounters(tx: TransactionScope, _: Store['command'], lines: readonly StockLine[], from: Counter, to: Counter): Promise<void> {
  const byProduct = new Map<string, Record<string, Command>>();
  for (const line of lines) {
    const data = byProduct.get(line.productId) ?? {};
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
    await moveCounters(tx, _, order.stockLines ?? [], 'held', to === 'SOLD' ? 'sold' : 'stock');
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
 * setting (`stock.restockOnReturn`). `items` are the refund's lines (by product); absent, the whole order came back.
 * Each product's returned quantity goes back to the order's counted lines of that product, never more than they
 * took, nor more than their SKU has sold; a SKU the merchant has removed since is skipped. True when this call restocked.
 */
export async function restockReturned(store: Store, input: { orderId: string; returnId: string; items?: ReadonlyArray<{ productId: string; quantity: number }> }): Promise<boolean> {
  const _ = store.command;
  const outcome = await inTransaction(store, async (tx) => {
    const order = await findOrderInTx(tx, input.orderId);
    if (!order || order.stockState !== 'SOLD' || (order.restockedReturns ?? []).includes(input.returnId)) return false;
    const left = new Map<string, number>();
    for (const item of input.items ?? order.stockLines ?? []) left.set(item.productId, (left.get(item.productId) ?? 0) + item.quantity);
    const lines: StockLine[] = [];
    for (const line of order.stockLines ?? []) {
      const want = Math.min(line.quantity, left.get(line.productId) ?? 0);
      if (want <= 0) continue;
      const { data } = await tx.collection(COLLECTIONS.products).doc(line.productId).get();
      const sold = (data as { skus?: Record<string, { sold?: unknown }> } | null)?.skus?.[line.skuId]?.sold;
      const quantity = typeof sold === 'number' ? Math.min(want, sold) : 0;
      if (quantity <= 0) continue;
      left.set(line.productId, (left.get(line.productId) ?? 0) - quantity);
      lines.push({ ...line, quantity });
    }
    await moveCounters(tx, _, lines, 'sold', 'stock');
    await tx.collection(COLLECTIONS.orders).doc(input.orderId).update({ data: { restockedReturns: _.push(input.returnId) } });
    return lines.length > 0;
  });
  if (outcome) log('info', 'stock.restocked', { orderId: input.orderId, returnId: input.returnId });
  return outcome;
}
