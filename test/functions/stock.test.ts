// Stock and SKUs through pay and the order's life: what the shelf (the product's counters) shows after each step a
// buyer or WeChat Pay takes, under every payment provider. Races at the local cloud's barriers: stock-races.test.ts.
import type { OrderDetail, PayData, Product } from '../../typings/api';
import { postJson } from '../helpers/local-cloud';
import { BUYER, MERCHANT, OTHER_BUYER, PROVIDERS, TEA, failure, openShop, providerTrade, sleep, type Shop } from './support';
import { counters, putStockedProducts } from './stock-support';

jest.setTimeout(90_000);

const closeUnpaid = async (shop: Shop) => {
  await sleep(2100); // past the 2 s unpaid timeout (a busy machine needs the margin)
  await shop.reconcile();
};

describe.each(PROVIDERS)('stock under $label', (provider) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ provider, settings: { unpaidTimeoutSeconds: 2, notifyGraceSeconds: 0 } });
    putStockedProducts(shop);
  }, 60_000);
  afterAll(() => shop?.close());

  it('an order holds its SKU’s stock at the SKU’s price, keeps the spec and thumbnail as bought; payment sells it', async () => {
    const { orderId, totalFee } = await shop.placeOrder([{ productId: 'leaf-tea', skuId: 'g500', quantity: 2 }]);
    expect(totalFee).toBe(2 * 5600);
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 0, held: 2, sold: 0 });
    const order = await shop.order(orderId);
    expect(order.items).toEqual([
      { productId: 'leaf-tea', skuId: 'g500', name: '高山茶', spec: '500g', unitPrice: 5600, quantity: 2, image: 'cloud://demo-env.6465-demo/products/leaf-tea.png' },
    ]);
    const products = await shop.ok<Product[]>('orders', { action: 'products' });
    const tea = products.find((p) => p.productId === 'leaf-tea')!;
    expect(tea.skus.map((s) => [s.skuId, s.spec, s.stock])).toEqual([
      ['g250', '250g', 5],
      ['g500', '500g', 0],
    ]);
    expect(tea.soldOut).toBe(false);

    expect((await shop.complete(orderId)).status).toBe(200);
    expect((await shop.order(orderId)).status).toBe('PAID');
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 0, held: 0, sold: 2 });

    // Sold out: refused with OUT_OF_STOCK naming the line, and nothing changes.
    const short = failure(await shop.call('pay', { items: [{ productId: 'leaf-tea', skuId: 'g500', quantity: 1 }] }, OTHER_BUYER));
    expect(short.code).toBe('OUT_OF_STOCK');
    expect(short.message).toContain('items[0] (高山茶 500g)');
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 0, held: 0, sold: 2 });
  });

  it('an unpaid order closed by reconcile gives its stock back once; its payment arriving afterwards is refunded and takes nothing', async () => {
    const before = await counters(shop, 'clay-cup', 'default');
    const { orderId } = await shop.placeOrder([{ productId: 'clay-cup', quantity: 1 }]);
    expect((await shop.complete(orderId, { drop: true })).status).toBe(200); // paid at WeChat, the notify lost…
    // …and our books close it first (an unpaid-timeout that raced the payment).
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'orders',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: orderId, status: 'PENDING' }),
      data: JSON.stringify({ $set: { status: 'CLOSED' } }),
      multi: true,
      merge: true,
      upsert: false,
    });
    await shop.reconcile(); // the sweep finds it CLOSED with its stock HELD
    expect(await counters(shop, 'clay-cup', 'default')).toEqual(before);
    expect((await postJson(shop.cloud, `/sandbox/payments/${orderId}/notify`, {})).status).toBe(200);
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ refundFee: 1500 })]);
    expect((await shop.order(orderId)).status).toBe('CLOSED');
    expect(await counters(shop, 'clay-cup', 'default')).toEqual(before);
  });

  it('an unpaid order past its deadline closes and its stock is back on the shelf', async () => {
    const before = await counters(shop, 'leaf-tea', 'g250');
    const { orderId } = await shop.placeOrder([{ productId: 'leaf-tea', skuId: 'g250', quantity: 3 }]);
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ ...before, stock: before.stock - 3, held: before.held + 3 });
    await closeUnpaid(shop);
    expect((await shop.order(orderId)).status).toBe('CLOSED');
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual(before);
    await shop.reconcile();
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual(before);
  });
});

describe('stock rules', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ settings: { unpaidTimeoutSeconds: 2, notifyGraceSeconds: 0, stock: { restockOnReturn: true } } });
    putStockedProducts(shop, { small: 5, large: 2, cup: 1 });
  }, 60_000);
  afterAll(() => shop?.close());

  it('a buyer’s cancel gives the stock back', async () => {
    const { orderId } = await shop.placeOrder([{ productId: 'leaf-tea', skuId: 'g250', quantity: 2 }]);
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 3, held: 2, sold: 0 });
    await sleep(400); // WeChat's minimum age before a close, at the local cloud's speed
    expect(await shop.ok('orders', { action: 'cancel', orderId })).toEqual({ orderId, status: 'CLOSED' });
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
    expect(await shop.ok('orders', { action: 'cancel', orderId })).toEqual({ orderId, status: 'CLOSED' });
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
  });

  it('all lines or none: a short second line gives the first back and creates no order', async () => {
    const ordersBefore = (await shop.docs('orders')).length;
    const short = failure(
      await shop.call('pay', { items: [{ productId: 'leaf-tea', skuId: 'g250', quantity: 2 }, { productId: 'clay-cup', quantity: 2 }] }, BUYER),
    );
    expect(short.code).toBe('OUT_OF_STOCK');
    expect(short.message).toBe('items[1] (陶杯): only 1 left, 2 asked for');
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
    expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 1, held: 0, sold: 0 });
    expect(await shop.docs('orders')).toHaveLength(ordersBefore);
  });

  it('a product with several SKUs needs skuId; an unknown SKU is refused; two lines of one SKU are refused', async () => {
    expect(failure(await shop.call('pay', { items: [{ productId: 'leaf-tea', quantity: 1 }] }, BUYER))).toEqual(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('skuId') }));
    expect(failure(await shop.call('pay', { items: [{ productId: 'leaf-tea', skuId: 'g999', quantity: 1 }] }, BUYER)).code).toBe('INVALID_ARGUMENT');
    const twice = { items: [{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }, { productId: 'leaf-tea', skuId: 'g250', quantity: 1 }] };
    expect(failure(await shop.call('pay', twice, BUYER)).code).toBe('INVALID_ARGUMENT');
    // Two SKUs of one product are two lines.
    const both = await shop.ok<PayData>('pay', { items: [{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }, { productId: 'leaf-tea', skuId: 'g500', quantity: 1 }] });
    expect(both.totalFee).toBe(3000 + 5600);
    await closeUnpaid(shop);
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual({ stock: 5, held: 0, sold: 0 });
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 2, held: 0, sold: 0 });
  });

  it('the same idempotencyKey takes stock once', async () => {
    const event = { items: [{ productId: 'clay-cup', quantity: 1 }], idempotencyKey: 'stock-key-0001' };
    const first = await shop.ok<PayData>('pay', event);
    const again = await shop.ok<PayData>('pay', event);
    expect(again.orderId).toBe(first.orderId);
    expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 0, held: 1, sold: 0 });
    await closeUnpaid(shop);
    expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: 1, held: 0, sold: 0 });
  });

  it('a product written before SKUs existed sells as one SKU without a stock count', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 3 }]);
    const order = await shop.doc<{ stockState?: string; items: OrderDetail['items'] }>('orders', orderId);
    expect(order?.stockState).toBeUndefined();
    expect(order?.items).toEqual([{ productId: TEA._id, name: TEA.name, unitPrice: TEA.price, quantity: 3 }]);
    const tea = (await shop.ok<Product[]>('orders', { action: 'products' })).find((p) => p.productId === TEA._id)!;
    expect(tea.skus).toEqual([{ skuId: 'default', specs: {}, price: TEA.price, stock: null }]);
    expect(tea.soldOut).toBe(false);
  });

  it('a price change never changes a pending order’s amount', async () => {
    const { orderId, totalFee } = await shop.placeOrder([{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }]);
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'products',
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'leaf-tea' }),
      data: JSON.stringify({ $set: { 'skus.g250.price': 9900 } }),
      multi: false,
      merge: true,
      upsert: false,
    });
    const repay = await shop.ok<PayData>('pay', { orderId });
    expect(repay.totalFee).toBe(totalFee);
    expect(totalFee).toBe(3000);
    expect((await shop.ok<PayData>('pay', { items: [{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }] })).totalFee).toBe(9900);
  });

  it('a confirmed return puts its goods back on the shelf once (restockOnReturn); a refund without a return does not', async () => {
    const returned = await shop.paidOrder([{ productId: 'leaf-tea', skuId: 'g500', quantity: 2 }]);
    const kept = await shop.paidOrder([{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }]);
    const g250 = await counters(shop, 'leaf-tea', 'g250');
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 0, held: 0, sold: 2 });
    await shop.ok('ship', { orderId: returned, logisticsType: 'SELF_PICKUP' }, MERCHANT);
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId: returned, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', items: [{ productId: 'leaf-tea', quantity: 1 }] });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    await shop.ok('orders', { action: 'submitReturn', refundId, expressCompany: 'ZTO', trackingNo: '7312 3456 7890' });
    await shop.ok('approveRefund', { refundId, action: 'confirmReturn' }, MERCHANT);
    await shop.call('approveRefund', { refundId, action: 'confirmReturn' }, MERCHANT); // confirmed twice: restocked once
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ stock: 1, held: 0, sold: 1 });

    const refundOnly = await shop.ok<{ refundId: string }>('applyRefund', { orderId: kept, type: 'REFUND_ONLY', reason: '不想要了' });
    await shop.ok('approveRefund', { refundId: refundOnly.refundId, action: 'approve' }, MERCHANT);
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual(g250);
  });

  it('a return of one SKU of a product bought in two puts back that SKU only, and pays back its price', async () => {
    const orderId = await shop.paidOrder([{ productId: 'leaf-tea', skuId: 'g250', quantity: 1 }, { productId: 'leaf-tea', skuId: 'g500', quantity: 1 }]);
    const [g250, g500] = [await counters(shop, 'leaf-tea', 'g250'), await counters(shop, 'leaf-tea', 'g500')];
    await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
    const ambiguous = failure(await shop.call('applyRefund', { orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', items: [{ productId: 'leaf-tea', quantity: 1 }] }, BUYER));
    expect(ambiguous.code).toBe('INVALID_ARGUMENT');
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', items: [{ productId: 'leaf-tea', skuId: 'g500', quantity: 1 }] });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    await shop.ok('orders', { action: 'submitReturn', refundId, expressCompany: 'ZTO', trackingNo: '7312 3456 7891' });
    await shop.ok('approveRefund', { refundId, action: 'confirmReturn' }, MERCHANT);
    expect(await counters(shop, 'leaf-tea', 'g500')).toEqual({ ...g500, stock: g500.stock + 1, sold: g500.sold - 1 });
    expect(await counters(shop, 'leaf-tea', 'g250')).toEqual(g250);
    const refund = (await shop.docs('refunds')).find((r) => r._id === refundId) as { refundFee: number; items: unknown[] };
    expect(refund.items).toEqual([expect.objectContaining({ productId: 'leaf-tea', skuId: 'g500', quantity: 1 })]);
    expect(refund.refundFee).toBe(5600); // the 500g's price, not the 250g's
  });
});

