// The crash between taking stock and writing the order: each take records its hold on the product in the same
// conditional write (`stockHolds.o<orderId>`, `holdCount`), an order's settlement clears it, and reconcile puts back
// the stock of a hold whose order was never written. The crash is real: the order's insert is held at a test barrier
// until pay passes its 10-second timeout and the runner terminates the instance; the held insert is then dropped.
import type { RequestMatch } from '../../emulator/src/barriers';
import { putDocument } from '../../emulator/src/demo';
import { callFunction } from '../helpers/local-cloud';
import { BUYER, openShop, sleep, type Shop } from './support';
import { counters, putStockedProducts } from './stock-support';

jest.setTimeout(120_000);

let shop: Shop;
beforeAll(async () => {
  // reconcile treats a hold as orphaned once it is older than messageRetrySeconds: just past pay's timeout here.
  shop = await openShop({ settings: { messageRetrySeconds: 11, unpaidTimeoutSeconds: 1, notifyGraceSeconds: 0 } });
}, 60_000);
afterAll(() => shop?.close());
beforeEach(() => putStockedProducts(shop, { small: 5, large: 2, cup: 3 }));

const holdsOf = async (productId: string) => {
  const doc = await shop.doc<{ holdCount?: number; stockHolds?: Record<string, unknown> }>('products', productId);
  return { holdCount: doc?.holdCount ?? 0, holds: Object.keys(doc?.stockHolds ?? {}).length };
};

it('an order’s hold is recorded with its take and cleared with its settlement, paid or closed', async () => {
  const paid = await shop.placeOrder([{ productId: 'leaf-tea', quantity: 1, skuId: 'g250' }, { productId: 'leaf-tea', quantity: 1, skuId: 'g500' }]);
  const closed = await shop.placeOrder([{ productId: 'clay-cup', quantity: 2 }]);
  expect(await holdsOf('leaf-tea')).toEqual({ holdCount: 2, holds: 1 });
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 1, holds: 1 });
  expect((await shop.complete(paid.orderId)).status).toBe(200);
  expect(await holdsOf('leaf-tea')).toEqual({ holdCount: 0, holds: 0 });
  await sleep(400);
  expect((await shop.call('orders', { action: 'cancel', orderId: closed.orderId }, BUYER)).ok).toBe(true);
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 0, holds: 0 });
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 3, held: 0, sold: 0 });
  // A hold whose order exists is left to the order (its settlement), however old.
  const pending = await shop.placeOrder([{ productId: 'leaf-tea', quantity: 1, skuId: 'g250' }]);
  await shop.reconcile();
  expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 3, held: 1, sold: 1 });
  expect((await shop.complete(pending.orderId)).status).toBe(200);
  expect(await holdsOf('leaf-tea')).toEqual({ holdCount: 0, holds: 0 });
});

it('pay stops between the take and the order: no order, the stock held; reconcile puts it back once, after the grace', async () => {
  const insert: RequestMatch = { functionName: 'pay', action: 'database.insertDocument', collection: 'orders' };
  const probe: RequestMatch = { action: 'test.probe', docId: 'resume crash between take and order' };
  const barrier = shop.cloud.barriers.hold({ name: 'order insert', parties: [insert, probe], timeoutMs: 60_000 });
  const ordersBefore = (await shop.docs('orders')).length;
  const reply = await callFunction<{ result?: unknown }>(shop.cloud, 'pay', { items: [{ productId: 'clay-cup', quantity: 2 }] }, BUYER);
  expect(barrier.arrived()).toBe(1);
  await shop.cloud.barriers.pass({ action: 'test.probe', docId: 'resume crash between take and order', inTransaction: false }, async () => undefined);
  expect(await barrier.settled).toBe('released');
  expect(reply.body.result).toBeUndefined(); // the instance was terminated: no answer
  expect(await shop.docs('orders')).toHaveLength(ordersBefore);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 1, held: 2, sold: 0 });
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 1, holds: 1 });

  await sleep(1_500); // the hold is now older than pay's timeout + 1 s
  await Promise.all([shop.reconcile(), shop.reconcile()]);
  await shop.reconcile();
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 3, held: 0, sold: 0 });
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 0, holds: 0 });
  const released = await shop.logs((l) => l.event === 'stock.orphan_released' && l.productId === 'clay-cup');
  expect(released).toHaveLength(1);
});

it('an old hold whose order exists is the order’s: reconcile leaves its stock held', async () => {
  const { orderId } = await shop.placeOrder([{ productId: 'clay-cup', quantity: 1 }]);
  // As if the order had waited long past the grace (an unpaid order lives 30 minutes in a real shop).
  const doc = (await shop.doc<Record<string, unknown> & { _id: string; stockHolds: Record<string, Record<string, unknown>> }>('products', 'clay-cup'))!;
  const hold = doc.stockHolds[`o${orderId}`];
  putDocument(shop.cloud, 'products', { ...doc, stockHolds: { [`o${orderId}`]: { ...hold, at: { $date: new Date(Date.now() - 3_600_000).toISOString() } } } });
  await shop.reconcile();
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 2, held: 1, sold: 0 });
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 1, holds: 1 });
  expect((await shop.complete(orderId)).status).toBe(200);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 2, held: 0, sold: 1 });
  expect(await holdsOf('clay-cup')).toEqual({ holdCount: 0, holds: 0 });
});
