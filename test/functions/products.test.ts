// The merchant's catalogue (`products`): what a merchant saves is what buyers see and order, bad input changes
// nothing, buyers are refused, and every change of stock is recorded.
import type { MerchantProduct, PayData, Product, ProductsData } from '../../typings/api';
import type { RequestMatch } from '../../emulator/src/barriers';
import { uploadAs } from '../helpers/local-cloud';
import { BUYER, MERCHANT, MERCHANT_2, TEA, failure, openShop, type Shop } from './support';
import { counters } from './stock-support';

jest.setTimeout(60_000);

let shop: Shop;
beforeAll(async () => {
  shop = await openShop({ settings: { unpaidTimeoutSeconds: 1, notifyGraceSeconds: 0 } });
}, 60_000);
afterAll(() => shop?.close());

const products = (event: Record<string, unknown>, who = MERCHANT) => shop.call<unknown>('products', event, who);
const save = async (product: Record<string, unknown>) => {
  const r = await products({ action: 'save', product });
  if (!r.ok) throw new Error(`save answered ${r.code}: ${r.message}`);
  return (r.data as ProductsData['save']).productId;
};
const catalogue = async () => {
  const r = await products({ action: 'list' });
  if (!r.ok) throw new Error(r.message);
  return r.data as MerchantProduct[];
};
const stockLog = async (productId: string) => (await shop.docs<{ productId: string; skuId: string; delta: number; reason: string; by: string }>('stock_log')).filter((e) => e.productId === productId);

describe('products', () => {
  it('a product saved without specs is one SKU with its stock; buyers see it and can order it', async () => {
    const cake = await uploadAs(shop.cloud, MERCHANT, `product-photos/${MERCHANT}/cake.png`);
    const productId = await save({ name: '桂花糕', price: 1200, stock: 4, active: true, description: '一盒 6 块', images: [cake] });
    const mine = (await catalogue()).find((p) => p.productId === productId)!;
    expect(mine).toEqual(expect.objectContaining({ name: '桂花糕', price: 1200, active: true, soldOut: false, images: [cake] }));
    // Only its uploader may read the file (the storage rule), so everyone gets a link from the functions instead.
    expect(mine.imageUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/storage\/files\/product-photos\/.+cake\.png\?/)]);
    expect((await fetch(mine.imageUrls![0])).status).toBe(200);
    expect(mine.skus).toEqual([{ skuId: 'default', specs: {}, price: 1200, stock: 4, held: 0, sold: 0 }]);
    const seen = (await shop.ok<Product[]>('orders', { action: 'products' })).find((p) => p.productId === productId);
    expect(seen?.skus).toEqual([{ skuId: 'default', specs: {}, price: 1200, stock: 4 }]);
    expect(seen?.imageUrls).toEqual([expect.stringContaining('cake.png')]);
    const { totalFee, orderId } = await shop.ok<PayData>('pay', { items: [{ productId, quantity: 2 }] });
    expect(totalFee).toBe(2400);
    // The order keeps the thumbnail as bought; its detail carries a link to it.
    const detail = await shop.order(orderId);
    expect(detail.items[0].image).toBe(cake);
    expect(detail.imageLinks?.[cake]).toEqual(expect.stringContaining('cake.png'));
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 2, held: 2, sold: 0 });
    expect(await stockLog(productId)).toEqual([expect.objectContaining({ skuId: 'default', delta: 4, reason: '新建商品', by: MERCHANT })]);
  });

  it('specs and SKUs: each SKU its price and stock; an edit keeps SKU ids, counters and held stock', async () => {
    const productId = await save({
      name: '红茶',
      active: true,
      specs: [{ name: '规格', values: ['100g', '250g'] }],
      skus: [
        { skuId: 'small', specs: { 规格: '100g' }, price: 2800, stock: 10 },
        { skuId: 'big', specs: { 规格: '250g' }, price: 6000, stock: 3 },
      ],
    });
    await shop.ok<PayData>('pay', { items: [{ productId, skuId: 'big', quantity: 1 }] });
    await save({
      productId,
      name: '正山小种',
      active: true,
      specs: [{ name: '规格', values: ['100g', '250g'] }],
      skus: [
        { skuId: 'small', specs: { 规格: '100g' }, price: 3000, stock: 12 },
        { skuId: 'big', specs: { 规格: '250g' }, price: 6000, stock: 2 },
      ],
    });
    const mine = (await catalogue()).find((p) => p.productId === productId)!;
    expect(mine.name).toBe('正山小种');
    expect(mine.price).toBe(3000);
    expect(mine.skus.map((s) => [s.skuId, s.spec, s.price, s.stock, s.held])).toEqual([
      ['small', '100g', 3000, 12, 0],
      ['big', '250g', 6000, 2, 1],
    ]);
    expect((await stockLog(productId)).map((e) => [e.skuId, e.delta])).toEqual([
      ['small', 10],
      ['big', 3],
      ['small', 2],
    ]);
    // A SKU unpaid orders hold cannot be removed.
    const removal = {
      productId,
      name: '正山小种',
      active: true,
      specs: [{ name: '规格', values: ['100g'] }],
      skus: [{ skuId: 'small', specs: { 规格: '100g' }, price: 3000, stock: 12 }],
    };
    expect(failure(await products({ action: 'save', product: removal })).code).toBe('CONFLICT');
    expect((await catalogue()).find((p) => p.productId === productId)!.skus).toHaveLength(2);
  });

  it('shelve and unshelve: a product off the shelf is not listed for buyers and cannot be ordered', async () => {
    const productId = await save({ name: '茶巾', price: 900, stock: 5, active: true });
    expect((await products({ action: 'unshelve', productId })).ok).toBe(true);
    expect((await shop.ok<Product[]>('orders', { action: 'products' })).map((p) => p.productId)).not.toContain(productId);
    expect(failure(await shop.call('pay', { items: [{ productId, quantity: 1 }] }, BUYER)).code).toBe('INVALID_ARGUMENT');
    expect((await catalogue()).find((p) => p.productId === productId)?.active).toBe(false);
    expect((await products({ action: 'shelve', productId })).ok).toBe(true);
    expect((await shop.ok<Product[]>('orders', { action: 'products' })).map((p) => p.productId)).toContain(productId);
  });

  it('adjust: puts in or takes out with a reason, recorded; never below zero; sold out shows as soldOut', async () => {
    const productId = await save({ name: '茶夹', price: 500, stock: 1, active: true });
    expect((await products({ action: 'adjust', productId, delta: -1, reason: '样品损坏' })).ok).toBe(true);
    const soldOut = (await shop.ok<Product[]>('orders', { action: 'products' })).find((p) => p.productId === productId)!;
    expect(soldOut.soldOut).toBe(true);
    expect(failure(await shop.call('pay', { items: [{ productId, quantity: 1 }] }, BUYER)).code).toBe('OUT_OF_STOCK');
    expect(failure(await products({ action: 'adjust', productId, delta: -1, reason: '再拿一个' })).code).toBe('CONFLICT');
    const r = await products({ action: 'adjust', productId, delta: 20, reason: '到货' });
    expect(r.ok && r.data).toEqual({ productId, skuId: 'default', stock: 20 });
    expect((await stockLog(productId)).map((e) => [e.delta, e.reason])).toEqual([
      [1, '新建商品'],
      [-1, '样品损坏'],
      [20, '到货'],
    ]);
    // A product from before stock counts has nothing to adjust yet.
    expect(failure(await products({ action: 'adjust', productId: TEA._id, delta: 5, reason: '到货' })).code).toBe('CONFLICT');
  });

  it('adjust to a count: sets the shelf from the count the merchant saw, recorded as the difference; held stock stays', async () => {
    const productId = await save({ name: '茶巾', price: 800, stock: 6, active: true });
    await shop.ok<PayData>('pay', { items: [{ productId, quantity: 2 }] });
    const r = await products({ action: 'adjust', productId, to: 10, from: 4, reason: '盘点' });
    expect(r.ok && r.data).toEqual({ productId, skuId: 'default', stock: 10 });
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 10, held: 2, sold: 0 });
    // Read before an order took one: refused, nothing changes.
    await shop.ok<PayData>('pay', { items: [{ productId, quantity: 1 }] });
    const stale = failure(await products({ action: 'adjust', productId, to: 3, from: 10, reason: '盘点' }));
    expect(stale.code).toBe('CONFLICT');
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 9, held: 3, sold: 0 });
    expect((await products({ action: 'adjust', productId, to: 0, from: 9, reason: '下架清点' })).ok).toBe(true);
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 0, held: 3, sold: 0 });
    expect((await stockLog(productId)).map((e) => [e.delta, e.reason])).toEqual([
      [6, '新建商品'],
      [6, '盘点'],
      [-9, '下架清点'],
    ]);
  });

  it('an edit made from a page that showed an older count: the count it did not touch stays; one it changed is CONFLICT', async () => {
    const productId = await save({ name: '茶盘', price: 9000, stock: 5, active: true });
    await shop.ok<PayData>('pay', { items: [{ productId, quantity: 1 }] }); // the page still shows 5
    expect((await products({ action: 'save', product: { productId, name: '竹茶盘', price: 8800, stock: 5, stockFrom: 5, active: true } })).ok).toBe(true);
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 4, held: 1, sold: 0 });
    const stale = failure(await products({ action: 'save', product: { productId, name: '竹茶盘', price: 8800, stock: 9, stockFrom: 5, active: true } }));
    expect(stale.code).toBe('CONFLICT');
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 4, held: 1, sold: 0 });
    expect((await products({ action: 'save', product: { productId, name: '竹茶盘', price: 8800, stock: 9, stockFrom: 4, active: true } })).ok).toBe(true);
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 9, held: 1, sold: 0 });
  });

  it('adjust to a count while an order takes stock: the order keeps its take, the count answers CONFLICT', async () => {
    const productId = await save({ name: '茶针', price: 600, stock: 5, active: true });
    const write = (functionName: string): RequestMatch => ({ functionName, action: 'database.modifyDocument', collection: 'products', docId: productId, inTransaction: false });
    const both = shop.cloud.barriers.hold({ name: 'take then set', parties: [write('pay'), write('products')], timeoutMs: 20_000 });
    const [order, set] = await Promise.all([shop.call<PayData>('pay', { items: [{ productId, quantity: 2 }] }, BUYER), products({ action: 'adjust', productId, to: 8, from: 5, reason: '盘点' })]);
    expect(await both.settled).toBe('released');
    expect(order.ok).toBe(true);
    expect(failure(set).code).toBe('CONFLICT');
    expect(await counters(shop, productId, 'default')).toEqual({ stock: 3, held: 2, sold: 0 });
  });

  it('a buyer is refused, whatever the action', async () => {
    for (const event of [{ action: 'list' }, { action: 'save', product: { name: '假货', price: 100, stock: 1, active: true } }, { action: 'adjust', productId: TEA._id, delta: 1, reason: 'x' }]) {
      expect(failure(await products(event, BUYER)).code).toBe('FORBIDDEN');
    }
    expect((await shop.docs<{ name: string }>('products')).map((p) => p.name)).not.toContain('假货');
  });

  it.each([
    ['a price in yuan', { name: '茶', price: 12.5, stock: 1, active: true }],
    ['a price as text', { name: '茶', price: '1200', stock: 1, active: true }],
    ['a negative stock', { name: '茶', price: 1200, stock: -1, active: true }],
    ['a fractional stock', { name: '茶', price: 1200, stock: 1.5, active: true }],
    ['an empty name', { name: '  ', price: 1200, stock: 1, active: true }],
    ['no active', { name: '茶', price: 1200, stock: 1 }],
    ['an unknown field', { name: '茶', price: 1200, stock: 1, active: true, colour: 'red' }],
    ['an image that is not a fileID', { name: '茶', price: 1200, stock: 1, active: true, images: ['https://evil.example/x.png'] }],
    ['a price beside specs', { name: '茶', price: 1200, active: true, specs: [{ name: '规格', values: ['a'] }], skus: [{ specs: { 规格: 'a' }, price: 1, stock: 1 }] }],
    ['a SKU value not in its spec', { name: '茶', active: true, specs: [{ name: '规格', values: ['a'] }], skus: [{ specs: { 规格: 'b' }, price: 100, stock: 1 }] }],
    ['two SKUs with the same values', { name: '茶', active: true, specs: [{ name: '规格', values: ['a'] }], skus: [{ specs: { 规格: 'a' }, price: 100, stock: 1 }, { specs: { 规格: 'a' }, price: 200, stock: 1 }] }],
    ['a SKU id that is a path', { name: '茶', active: true, specs: [{ name: '规格', values: ['a'] }], skus: [{ skuId: 'a.stock', specs: { 规格: 'a' }, price: 100, stock: 1 }] }],
  ])('%s is INVALID_ARGUMENT and saves nothing', async (_, product) => {
    const before = (await shop.docs('products')).length;
    expect(failure(await products({ action: 'save', product })).code).toBe('INVALID_ARGUMENT');
    expect(await shop.docs('products')).toHaveLength(before);
  });

  it('photos: only the merchant’s own uploads in the product folder, found in storage, as pictures; a photo the product has stays', async () => {
    const mine = await uploadAs(shop.cloud, MERCHANT, `product-photos/${MERCHANT}/pot.png`);
    const refused = {
      'a buyer photo folder': await uploadAs(shop.cloud, MERCHANT, `buyer-uploads/${MERCHANT}/pot.png`),
      'another merchant’s upload': await uploadAs(shop.cloud, MERCHANT_2, `product-photos/${MERCHANT_2}/pot.png`),
      'a file not in storage': `${mine.slice(0, mine.lastIndexOf('/'))}/never-uploaded.png`,
      'not a picture': await uploadAs(shop.cloud, MERCHANT, `product-photos/${MERCHANT}/notes.txt`, Buffer.from('hello')),
    };
    const before = (await shop.docs('products')).length;
    for (const [what, fileID] of Object.entries(refused)) {
      const answer = failure(await products({ action: 'save', product: { name: '茶壶', price: 9900, stock: 1, active: true, images: [mine, fileID] } }));
      expect([what, answer.code]).toEqual([what, 'INVALID_ARGUMENT']);
      expect(answer.message).toMatch(/^photo 2 /);
    }
    expect(await shop.docs('products')).toHaveLength(before);
    const productId = await save({ name: '茶壶', price: 9900, stock: 1, active: true, images: [mine] });
    // Edited by the other merchant: the photo already on the product is not theirs, and stays.
    const edited = await products({ action: 'save', product: { productId, name: '紫砂茶壶', price: 9900, stock: 1, active: true, images: [mine] } }, MERCHANT_2);
    expect(edited.ok).toBe(true);
    expect((await catalogue()).find((p) => p.productId === productId)?.images).toEqual([mine]);
  });

  it.each([
    ['a zero delta', { action: 'adjust', productId: TEA._id, delta: 0, reason: '盘点' }],
    ['no reason', { action: 'adjust', productId: TEA._id, delta: 1 }],
    ['a fractional delta', { action: 'adjust', productId: TEA._id, delta: 0.5, reason: '盘点' }],
    ['an unknown action', { action: 'delete', productId: TEA._id }],
    ['a count with a delta', { action: 'adjust', productId: TEA._id, delta: 1, to: 5, from: 4, reason: '盘点' }],
    ['a count without what it was', { action: 'adjust', productId: TEA._id, to: 5, reason: '盘点' }],
    ['a negative count', { action: 'adjust', productId: TEA._id, to: -1, from: 4, reason: '盘点' }],
  ])('%s is INVALID_ARGUMENT', async (_, event) => {
    expect(failure(await products(event)).code).toBe('INVALID_ARGUMENT');
  });
});
