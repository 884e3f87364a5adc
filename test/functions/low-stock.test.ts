// The low-stock alert: an order that leaves a SKU at or below `stock.lowStockThreshold` makes the merchants owed one
// message, carried by the same conditional write that claims it on the SKU (`lowAlerted`), so it goes out once per
// crossing however many orders see the SKU low at the same moment, and reconcile sends it if its invocation stopped.
import type { RequestMatch } from '../../emulator/src/barriers';
import { putDocument } from '../../emulator/src/demo';
import { DEMO_SETTINGS } from '../../emulator/src/demo';
import { BUYER, MERCHANT, MERCHANT_2, OTHER_BUYER, openShop, type Shop } from './support';
import { counters, putStockedProducts } from './stock-support';

jest.setTimeout(90_000);

const LOW_STOCK = DEMO_SETTINGS.templates.lowStock.templateId;
let shop: Shop;

beforeAll(async () => {
  shop = await openShop({ instances: 4, settings: { stock: { lowStockThreshold: 2 }, messageRetrySeconds: 0 } });
  for (let i = 0; i < 10; i++) for (const m of [MERCHANT, MERCHANT_2]) shop.cloud.outbox.grant(m, [LOW_STOCK]);
}, 60_000);
afterAll(() => shop?.close());

beforeEach(() => putStockedProducts(shop, { small: 5, large: 2, cup: 4 }));

/** The first merchant's low-stock messages about a product, oldest first (the outbox lists the newest first). */
const alertsAbout = async (productName: string) => (await shop.sent({ templateId: LOW_STOCK, touser: MERCHANT })).filter((m) => m.data.thing1 === productName).reverse();

it('an order that leaves a SKU at the threshold tells each merchant once, with what is left; later orders below it tell nobody', async () => {
  const before = (await alertsAbout('陶杯')).length;
  await shop.placeOrder([{ productId: 'clay-cup', quantity: 1 }]);
  expect(await alertsAbout('陶杯')).toHaveLength(before); // 3 left: above the threshold
  await shop.placeOrder([{ productId: 'clay-cup', quantity: 1 }]);
  const alerts = await alertsAbout('陶杯');
  expect(alerts).toHaveLength(before + 1);
  expect(alerts.at(-1)!.data).toMatchObject({ thing1: '陶杯', number3: '2', thing4: '陶杯 仅剩2件' });
  expect((await shop.sent({ templateId: LOW_STOCK, touser: MERCHANT_2 })).filter((m) => m.data.thing1 === '陶杯').length).toBeGreaterThan(0);
  await shop.placeOrder([{ productId: 'clay-cup', quantity: 2 }]);
  expect(await alertsAbout('陶杯')).toHaveLength(before + 1);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 0, held: 4, sold: 0 });
  const product = await shop.doc<{ owedCount?: number; skus: Record<string, { lowAlerted?: boolean }> }>('products', 'clay-cup');
  expect(product!.skus.default.lowAlerted).toBe(true);
  expect(product!.owedCount ?? 0).toBe(0); // sent and taken off the product
});

it('names the spec, and arms again once the merchant puts stock in: the next crossing tells them again', async () => {
  const before = (await alertsAbout('高山茶')).length;
  await shop.placeOrder([{ productId: 'leaf-tea', quantity: 1, skuId: 'g500' }]);
  expect((await alertsAbout('高山茶')).slice(before).map((m) => [m.data.thing2, m.data.number3, m.data.thing4])).toEqual([['500g', '1', '高山茶 500g 仅剩1件']]);
  await shop.ok('products', { action: 'adjust', productId: 'leaf-tea', skuId: 'g500', delta: 5, reason: '到货' }, MERCHANT);
  await shop.placeOrder([{ productId: 'leaf-tea', quantity: 3, skuId: 'g500' }]);
  expect(await alertsAbout('高山茶')).toHaveLength(before + 1); // 6 → 3: above
  await shop.placeOrder([{ productId: 'leaf-tea', quantity: 3, skuId: 'g500' }]);
  const alerts = (await alertsAbout('高山茶')).slice(before);
  expect(alerts.map((m) => m.data.thing4)).toEqual(['高山茶 500g 仅剩1件', '高山茶 500g 已售罄']);
});

it('two orders see the SKU low at the same moment: one claims it, the merchant is told once', async () => {
  putStockedProducts(shop, { small: 5, large: 2, cup: 3 });
  const before = (await alertsAbout('陶杯')).length;
  // Both orders took their cup, then both read the product (each sees 1 left and no alert yet) before either claims.
  const read: RequestMatch = { functionName: 'pay', action: 'database.getDocument', collection: 'products', docId: 'clay-cup', inTransaction: false };
  const reads = shop.cloud.barriers.hold({ name: 'both read the low cup', parties: [read, read], timeoutMs: 20_000 });
  const [a, b] = await Promise.all([
    shop.call('pay', { items: [{ productId: 'clay-cup', quantity: 1 }] }, BUYER),
    shop.call('pay', { items: [{ productId: 'clay-cup', quantity: 1 }] }, OTHER_BUYER),
  ]);
  expect(await reads.settled).toBe('released');
  expect(a.ok && b.ok).toBe(true);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 1, held: 2, sold: 0 });
  expect(await alertsAbout('陶杯')).toHaveLength(before + 1);
  const claims = await shop.logs((l) => l.event === 'stock.low' && l.productId === 'clay-cup');
  expect(claims.length).toBeGreaterThan(0);
});

it('a message the claiming invocation did not send is sent by reconcile, once', async () => {
  const at = new Date(Date.now() - 60_000);
  putDocument(shop.cloud, 'products', {
    _id: 'iron-kettle',
    name: '铁壶',
    price: 50000,
    active: true,
    sort: 30,
    skus: { default: { specs: {}, price: 50000, stock: 1, held: 1, sold: 0, lowAlerted: true } },
    // What a crash between the claim and the send leaves: the owed entry on the product.
    owed: {
      'lowStock-default-crash': {
        purpose: 'lowStock',
        subject: 'iron-kettle',
        stage: 'default-crash',
        recipients: [MERCHANT],
        facts: { productId: 'iron-kettle', productName: '铁壶', stock: 1, threshold: 2, summary: '铁壶 仅剩1件' },
        at: { $date: at.toISOString() },
      },
    },
    owedCount: 1,
    owedAt: { $date: at.toISOString() },
  });
  await shop.reconcile();
  await shop.reconcile();
  const sent = await alertsAbout('铁壶');
  expect(sent.map((m) => m.data.thing4)).toEqual(['铁壶 仅剩1件']);
  expect((await shop.doc<{ owedCount: number }>('products', 'iron-kettle'))!.owedCount).toBe(0);
});

it('a SKU left low with nobody told (the order’s invocation stopped before its claim, no order since): reconcile tells the merchant, once', async () => {
  putDocument(shop.cloud, 'products', {
    _id: 'tea-scoop',
    name: '茶则',
    price: 3000,
    active: true,
    sort: 31,
    skus: { default: { specs: {}, price: 3000, stock: 2, held: 1, sold: 0 } },
  });
  await shop.reconcile();
  await shop.reconcile();
  expect((await alertsAbout('茶则')).map((m) => m.data.thing4)).toEqual(['茶则 仅剩2件']);
  expect((await shop.doc<{ skus: Record<string, { lowAlerted?: boolean }> }>('products', 'tea-scoop'))!.skus.default.lowAlerted).toBe(true);
});
