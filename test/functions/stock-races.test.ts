// Stock under races that really race: the requests that matter are held at a test barrier of the local cloud
// (emulator/src/barriers.ts, docs/race-tests.md) until every party has arrived. Each test checks that its barrier
// released, then what the merchant would count: stock + held + sold is what was put in, and exactly the stock there
// was is sold. The guards and the mutations that break them: docs/race-tests.md ("Stock").
import type { PayData, Result } from '../../typings/api';
import type { RequestMatch } from '../../emulator/src/barriers';
import { postJson } from '../helpers/local-cloud';
import { BUYER, MERCHANT, openShop, sleep, type Shop } from './support';
import { counters, putStockedProducts } from './stock-support';

jest.setTimeout(90_000);

let shop: Shop;
beforeAll(async () => {
  // Ten instances per function, so ten buyers' pay calls run side by side instead of queueing.
  shop = await openShop({ instances: 10, settings: { unpaidTimeoutSeconds: 1, notifyGraceSeconds: 0 } });
}, 60_000);
afterAll(() => shop?.close());

const hold = (name: string, ...parties: RequestMatch[]) => shop.cloud.barriers.hold({ name, parties, timeoutMs: 20_000 });
/** A conditional write on a product (takeStock, adjustStock): `where({_id, …}).update()`. */
const productWrite = (functionName: string, productId: string): RequestMatch => ({ functionName, action: 'database.modifyDocument', collection: 'products', docId: productId, inTransaction: false });
/** settleStock's read of the order inside its transaction. */
const settleRead = (functionName: string, orderId: string): RequestMatch => ({ functionName, action: 'database.getDocument', collection: 'orders', docId: orderId, inTransaction: true });
const orderWrite = (functionName: string, orderId: string): RequestMatch => ({ functionName, action: 'database.modifyDocument', collection: 'orders', docId: orderId, inTransaction: false });

const buy = (productId: string, quantity: number, buyer: string, skuId?: string) =>
  shop.call<PayData>('pay', { items: [{ productId, quantity, ...(skuId ? { skuId } : {}) }] }, buyer);

const putIn = (c: { stock: number; held: number; sold: number }) => c.stock + c.held + c.sold;

beforeEach(() => putStockedProducts(shop, { small: 5, large: 2, cup: 3 }));

it('eight buyers for the last three cups, all taking at once: exactly three orders, five OUT_OF_STOCK, nothing oversold', async () => {
  const buyers = Array.from({ length: 8 }, (_, i) => `buyer-race-${i}`);
  const takes = hold('eight takes', ...buyers.map(() => productWrite('pay', 'clay-cup')));
  const results: Array<Result<PayData>> = await Promise.all(buyers.map((b) => buy('clay-cup', 1, b)));
  expect(await takes.settled).toBe('released');

  const won = results.filter((r) => r.ok);
  expect(won).toHaveLength(3);
  expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(Array(5).fill('OUT_OF_STOCK'));
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 0, held: 3, sold: 0 });
  const orders = (await shop.docs<{ _openid: string; stockState?: string }>('orders')).filter((o) => buyers.includes(o._openid));
  expect(orders).toHaveLength(3);
  // All three pay: exactly the three there were are sold.
  for (const r of won) if (r.ok) expect((await shop.complete(r.data.orderId)).status).toBe(200);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 0, held: 0, sold: 3 });
});

it('a restock and an order at once: both count (the restock is an increment, never a rewrite of what it read)', async () => {
  const writes = hold('order then restock', productWrite('pay', 'clay-cup'), productWrite('products', 'clay-cup'));
  const [order, restock] = await Promise.all([
    buy('clay-cup', 2, BUYER),
    shop.call('products', { action: 'adjust', productId: 'clay-cup', delta: 10, reason: '到货' }, MERCHANT),
  ]);
  expect(await writes.settled).toBe('released');
  expect(order.ok).toBe(true);
  expect(restock.ok).toBe(true);
  const after = await counters(shop, 'clay-cup', 'default');
  expect(after).toEqual({ stock: 3 - 2 + 10, held: 2, sold: 0 });
  expect(putIn(after)).toBe(3 + 10);
});

it('two closes at once (the buyer cancels twice, from two taps): the stock comes back once', async () => {
  const placed = await buy('leaf-tea', 2, BUYER, 'g250');
  if (!placed.ok) throw new Error(placed.message);
  const { orderId } = placed.data;
  expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 3, held: 2, sold: 0 });
  await sleep(400); // WeChat's minimum age before a close, at the local cloud's speed
  // Both read the order PENDING, both close it, and both settle its stock from the same HELD state.
  const orderRead: RequestMatch = { functionName: 'orders', action: 'database.getDocument', collection: 'orders', docId: orderId, inTransaction: false };
  const reads = hold('both cancels read', orderRead, orderRead);
  const settles = hold('both cancels settle', settleRead('orders', orderId), settleRead('orders', orderId));
  const [a, b] = await Promise.all([shop.call('orders', { action: 'cancel', orderId }, BUYER), shop.call('orders', { action: 'cancel', orderId }, BUYER)]);
  expect(await reads.settled).toBe('released');
  expect(await settles.settled).toBe('released');
  expect(a.ok && b.ok).toBe(true);
  expect((await shop.order(orderId)).status).toBe('CLOSED');
  expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
  await shop.reconcile();
  expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
});

describe.each([
  ['the payment first', ['payNotify', 'reconcile']],
  ['the close first', ['reconcile', 'payNotify']],
])('a close and a payment at once (%s)', (_, [first, second]) => {
  it('the stock is sold or back on the shelf, once, never both; a payment that lost is refunded', async () => {
    const placed = await buy('leaf-tea', 1, BUYER, 'g500');
    if (!placed.ok) throw new Error(placed.message);
    const { orderId } = placed.data;
    // Paid at WeChat, the notify lost; reconcile is told (a stale answer) the trade is unpaid, and WeChat accepts its
    // close: it closes the order while the payment's notify arrives.
    expect((await shop.complete(orderId, { drop: true })).status).toBe(200);
    await sleep(1100);
    await postJson(shop.cloud, '/sandbox/faults', { api: 'queryOrder', mode: 'TAMPERED', count: 1, patch: { trade_state: 'NOTPAY' } });
    await postJson(shop.cloud, '/sandbox/faults', { api: 'closeOrder', mode: 'TAMPERED', count: 1, patch: { result_code: 'SUCCESS', err_code: '', err_code_des: '' } });
    const writes = hold(`${first} then ${second}`, orderWrite(first, orderId), orderWrite(second, orderId));
    // Reconcile first, up to its close write (it must use the stale answers; the notify may ask WeChat too).
    const reconciled = shop.reconcile();
    for (let waited = 0; writes.arrived() < 1; waited += 20) {
      if (waited > 15_000) throw new Error('reconcile never reached its close');
      await sleep(20);
    }
    await Promise.all([postJson(shop.cloud, `/sandbox/payments/${orderId}/notify`, {}), reconciled]);
    expect(await writes.settled).toBe('released');
    await shop.reconcile(); // and any later sweep changes nothing

    const order = await shop.order(orderId);
    const after = await counters(shop, 'leaf-tea', 'g500');
    expect(putIn(after)).toBe(2);
    expect(after.held).toBe(0);
    if (first === 'payNotify') {
      expect(order.status).toBe('PAID');
      expect(after).toEqual({ stock: 1, held: 0, sold: 1 });
    } else {
      expect(order.status).toBe('CLOSED');
      expect(after).toEqual({ stock: 2, held: 0, sold: 0 });
      expect(await shop.docs<{ orderId: string; automatic?: boolean }>('refunds')).toContainEqual(expect.objectContaining({ orderId, automatic: true }));
    }
  });
});

it('soak: many buyers, payments, cancels, timeouts, restocks and WeChat faults at once; every SKU ends with stock + held + sold = put in', async () => {
  const skus = [
    ['leaf-tea', 'g250'],
    ['leaf-tea', 'g500'],
    ['clay-cup', 'default'],
  ] as const;
  const putInBefore = new Map<string, number>([['leaf-tea/g250', 5], ['leaf-tea/g500', 2], ['clay-cup/default', 3]]);
  // WeChat Pay misbehaves now and then: a failed prepay (the order stays, unpaid) and a query that times out.
  await postJson(shop.cloud, '/sandbox/faults', { api: 'unifiedOrder', mode: 'SYSTEMERROR', count: 3 });
  await postJson(shop.cloud, '/sandbox/faults', { api: 'queryOrder', mode: 'TIMEOUT_AFTER_ACTING', count: 2 });
  const restocks: Array<Promise<unknown>> = [];
  const buyers = Array.from({ length: 24 }, (_, i) => `soak-${i}`);
  const placed = await Promise.all(
    buyers.map(async (buyer, i) => {
      const [productId, skuId] = skus[i % skus.length];
      if (i % 8 === 3) {
        restocks.push(shop.call('products', { action: 'adjust', productId, skuId, delta: 2, reason: '补货' }, MERCHANT));
        putInBefore.set(`${productId}/${skuId}`, putInBefore.get(`${productId}/${skuId}`)! + 2);
      }
      return buy(productId, 1 + (i % 2), buyer, skuId === 'default' ? undefined : skuId);
    }),
  );
  expect((await Promise.all(restocks)).every((r) => (r as Result<unknown>).ok)).toBe(true);
  const orderIds = placed.flatMap((r) => (r.ok ? [r.data.orderId] : []));
  expect(placed.filter((r) => !r.ok).every((r) => !r.ok && ['OUT_OF_STOCK', 'PROVIDER_ERROR'].includes(r.code))).toBe(true);
  // A third pay (some notifies delivered three times at once), a third are cancelled, the rest time out unpaid.
  await Promise.all(
    orderIds.map(async (orderId, i) => {
      if (i % 3 === 0) await shop.complete(orderId, { deliveries: 3, concurrent: true });
      if (i % 3 === 1) {
        await sleep(400);
        await shop.call('orders', { action: 'cancel', orderId }, (await shop.doc<{ _openid: string }>('orders', orderId))!._openid);
      }
    }),
  );
  await sleep(1100);
  await Promise.all([shop.reconcile(), shop.reconcile()]);
  await shop.reconcile();

  const orders = (await shop.docs<{ _id: string; status: string; stockLines?: Array<{ productId: string; skuId: string; quantity: number }> }>('orders')).filter((o) => orderIds.includes(o._id));
  for (const [productId, skuId] of skus) {
    const c = await counters(shop, productId, skuId);
    const lines = (statuses: string[]) =>
      orders.filter((o) => statuses.includes(o.status)).flatMap((o) => o.stockLines ?? []).filter((l) => l.productId === productId && l.skuId === skuId).reduce((n, l) => n + l.quantity, 0);
    expect({ sku: `${productId}/${skuId}`, ...c, putIn: putIn(c) }).toEqual({
      sku: `${productId}/${skuId}`,
      stock: expect.any(Number),
      held: lines(['PENDING']),
      sold: lines(['PAID']),
      putIn: putInBefore.get(`${productId}/${skuId}`),
    });
    expect(c.stock).toBeGreaterThanOrEqual(0);
  }
  // Every hold record left is an unpaid order's, one per line it took: the rest were cleared with their settlement.
  for (const productId of ['leaf-tea', 'clay-cup']) {
    const doc = await shop.doc<{ holdCount?: number; stockHolds?: Record<string, unknown> }>('products', productId);
    const pending = orders.filter((o) => o.status === 'PENDING' && o.stockLines?.some((l) => l.productId === productId));
    expect({ productId, holdCount: doc?.holdCount ?? 0, holds: Object.keys(doc?.stockHolds ?? {}).sort() }).toEqual({
      productId,
      holdCount: pending.flatMap((o) => o.stockLines ?? []).filter((l) => l.productId === productId).length,
      holds: pending.map((o) => `o${o._id}`).sort(),
    });
  }
});
