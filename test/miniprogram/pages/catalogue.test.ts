// The merchant's catalogue pages against the real functions: the demo local cloud (as `npm start` runs it), the pages
// in local mode, photos uploaded to its storage. What the merchant sees and what the database then holds.
import { writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { config } from '../../../miniprogram/config';
import { actOnCloud, getJson, http, startDemoCloud, type DemoCloud } from '../support/demo-cloud';
import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage, settle, type RenderedPage } from '../support/render';

jest.setTimeout(90_000);

const LIST = 'pages/merchant/products/index';
const EDIT = 'pages/merchant/product-edit/index';
const ADJUST = 'pages/merchant/stock-adjust/index';
const MERCHANT = 'demo-merchant';
const BUYER = 'demo-buyer';

interface SkuDoc {
  specs: Record<string, string>;
  price: number;
  stock: number;
  held: number;
  sold: number;
}
interface ProductDoc {
  _id: string;
  name: string;
  active: boolean;
  price: number;
  images?: string[];
  specs?: Array<{ name: string; values: string[] }>;
  skus?: Record<string, SkuDoc>;
}

let cloud: DemoCloud;
let fake: FakeWx;
const photo = path.join(tmpdir(), `catalogue-${process.pid}.png`);

beforeAll(async () => {
  // A PNG's signature and some bytes: the storage serves it as image/png, as the functions check.
  writeFileSync(photo, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]));
  cloud = await startDemoCloud();
}, 60_000);
afterAll(async () => {
  config.localCloud = { ...config.localCloud, enabled: false };
  await cloud?.stop();
});

function as(openid: string, picks: string[] = []): void {
  fake = installFakeWx(new FakeBackend(), { openid });
  actOnCloud(fake, cloud, openid, picks);
}

const products = async () => (await getJson<{ documents: ProductDoc[] }>(`${cloud.url}/db/products?limit=100`)).documents;
const product = async (id: string) => (await products()).find((p) => p._id === id)!;
/** A buyer's order straight through the gateway (what the shop page sends); answers its number. */
async function buyerOrders(productId: string, quantity: number, skuId?: string): Promise<string> {
  const res = await http(`${cloud.url}/functions/pay`, 'POST', JSON.stringify({ data: { items: [{ productId, quantity, ...(skuId ? { skuId } : {}) }] } }), { 'content-type': 'application/json', 'x-wx-openid': BUYER });
  const result = (JSON.parse(res.text) as { result: { ok: boolean; message?: string; data?: { orderId: string } } }).result;
  if (!result.ok) throw new Error(`the buyer's order failed: ${result.message}`);
  return result.data!.orderId;
}
/** Waits until the page has shown something other than 加载中. */
async function ready(page: RenderedPage): Promise<RenderedPage> {
  for (let i = 0; i < 200 && (page.instance.data.state as { kind: string }).kind === 'loading'; i++) await settle();
  return page;
}
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}
const rowOf = (page: RenderedPage, name: string) => {
  const index = page.texts('.product-name').indexOf(name);
  if (index < 0) throw new Error(`${name} is not listed: ${page.texts('.product-name').join(', ')}`);
  return index;
};

describe('the catalogue list', () => {
  it('shows every product with its price, 下架 / 售罄 and each SKU’s stock, held and sold', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(LIST));
    expect(page.texts('.product-name')).toEqual(expect.arrayContaining(['正山小种红茶', '竹制茶盘', '冻顶乌龙茶 250g']));
    const tea = page.texts('.admin-product')[rowOf(page, '正山小种红茶')];
    expect(tea).toContain('¥38.00 起');
    // Each SKU's line: spec, price, on the shelf, sold (the page's texts run together without their spacing).
    expect(tea).toContain('100g¥38.00库存 30已售 12');
    expect(tea).toContain('500g¥168.00库存 0已售 4');
    // A product from before stock was counted: no count, nothing to adjust.
    const oolong = page.texts('.admin-product')[rowOf(page, '冻顶乌龙茶 250g')];
    expect(oolong).toContain('库存 不限');
    expect(page.exists('.subscribe-btn')).toBe(true);
  });

  it('takes a product off the shelf after asking, and buyers no longer see it; puts it back', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(LIST));
    const index = rowOf(page, '白瓷品茗杯');
    await page.tap('.shelf-btn', index);
    await until(() => page.texts('.admin-product')[index]?.includes('下架 ¥19.90'));
    expect(fake.screen.dialogs.at(-1)?.title).toBe('下架商品');
    expect(page.texts('.product-state')).toContain('下架');
    expect((await product('tea-cup')).active).toBe(false);
    const forBuyers = await http(`${cloud.url}/functions/orders`, 'POST', JSON.stringify({ data: { action: 'products' } }), { 'content-type': 'application/json', 'x-wx-openid': BUYER });
    expect(forBuyers.text).not.toContain('白瓷品茗杯');
    await page.tap('.shelf-btn', index);
    await until(() => page.texts('.shelf-btn')[index] === '下架');
    expect((await product('tea-cup')).active).toBe(true);
  });

  it('is closed to buyers', async () => {
    as(BUYER);
    const page = await ready(await renderPage(LIST));
    expect(page.text('.error-message')).toBe('仅商家可以管理商品');
  });

  it('the desk links to it', async () => {
    as(MERCHANT);
    const desk = await ready(await renderPage('pages/merchant/desk/index'));
    await desk.tap('.products-entry');
    expect(fake.screen.pages.at(-1)).toBe('/pages/merchant/products/index');
  });
});

describe('the product editor', () => {
  it('adds a product with a photo and one spec: prices typed in yuan are saved in fen, the list shows its thumbnail', async () => {
    as(MERCHANT, [photo]);
    const page = await ready(await renderPage(EDIT));
    await page.type('.name-input', '桂花乌龙');
    await page.tap('.add-photo');
    await until(() => (page.instance.data.form as { images: string[] }).images.length === 1);
    expect(page.exists('.photo-image')).toBe(true);
    await page.tap('.add-spec');
    await page.type('.spec-name-input', '规格');
    await page.type('.spec-values-input', '小罐 大罐');
    expect(page.texts('.sku-edit-label')).toEqual(['小罐', '大罐']);
    // A second spec makes a row per combination; removing it brings the two rows back.
    await page.tap('.add-spec');
    await page.type('.spec-name-input', '口味', 1);
    await page.type('.spec-values-input', '清香 浓香', 1);
    expect(page.texts('.sku-edit-label')).toEqual(['小罐 / 清香', '小罐 / 浓香', '大罐 / 清香', '大罐 / 浓香']);
    await page.tap('.remove-spec', 1);
    expect(page.texts('.sku-edit-label')).toEqual(['小罐', '大罐']);
    await page.type('.price-input', '12.5');
    await page.type('.stock-input', '3');
    await page.tap('.save-btn');
    expect(page.text('.rows-error')).toBe('「大罐」的价格请填写金额（元），例如 12.50');

    await page.type('.price-input', '20', 1);
    await page.type('.stock-input', '0', 1);
    await page.tap('.save-btn');
    await until(() => fake.screen.toasts.includes('已保存'));

    const saved = (await products()).find((p) => p.name === '桂花乌龙')!;
    expect(saved).toMatchObject({ active: true, price: 1250, specs: [{ name: '规格', values: ['小罐', '大罐'] }] });
    expect(Object.values(saved.skus!).map((s) => [s.specs.规格, s.price, s.stock])).toEqual([
      ['小罐', 1250, 3],
      ['大罐', 2000, 0],
    ]);
    expect(saved.images).toEqual([expect.stringMatching(new RegExp(`/product-photos/${MERCHANT}/.+\\.png$`))]);

    const list = await ready(await renderPage(LIST));
    const index = rowOf(list, '桂花乌龙');
    expect(list.texts('.admin-product')[index]).toContain('大罐¥20.00库存 0');
    const thumb = (list.instance.data.products as Array<{ name: string; image: string }>).find((p) => p.name === '桂花乌龙')!.image;
    expect(thumb).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storage\/files\/product-photos\//);
    expect((await http(thumb, 'GET')).statusCode).toBe(200);
  });

  it('an edit from a count an order has since changed is refused and read again; saving again keeps the order’s take', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(EDIT, { productId: 'black-tea' }));
    expect(page.texts('.sku-edit-label')).toEqual(['100g', '250g', '500g']);
    expect((page.instance.data.form as { specs: unknown }).specs).toEqual([{ name: '规格', valuesText: '100g 250g 500g' }]);
    await buyerOrders('black-tea', 1, 'g100'); // 30 → 29 while the page shows 30
    await page.type('.stock-input', '40');
    await page.tap('.save-btn');
    await until(() => page.text('.save-error') !== '');
    expect(page.text('.save-error')).toBe('库存刚有变动（有订单下单或关闭），已重新读取，请核对后再保存');
    expect((await product('black-tea')).skus!.g100).toMatchObject({ stock: 29, held: 1 });
    expect((page.instance.data.form as { rows: Array<{ stockText: string }> }).rows[0].stockText).toBe('29');

    await page.type('.stock-input', '40');
    await page.type('.name-input', '正山小种红茶（新茶）');
    await page.tap('.save-btn');
    await until(() => fake.screen.toasts.includes('已保存'));
    const saved = await product('black-tea');
    expect(saved.name).toBe('正山小种红茶（新茶）');
    expect(saved.skus!.g100).toMatchObject({ stock: 40, held: 1 });
    expect(saved.skus!.g250.stock).toBe(2); // untouched counts stay as they are
  });

  it('refuses a photo that is not the merchant’s own upload, saving nothing', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(EDIT, { productId: 'tea-tray' }));
    // What a tampered page would send: a buyer's after-sale photo as the product's picture.
    const setData = page.instance.setData as (patch: Record<string, unknown>) => void;
    setData.call(page.instance, { 'form.images': ['cloud://local-cloud.6c6f-local-cloud-1300000000/buyer-uploads/demo-buyer/x.png'] });
    await page.tap('.save-btn');
    await until(() => page.text('.save-error') !== '');
    expect(page.text('.save-error')).toMatch(/^保存失败：photo 1 /);
    expect((await product('tea-tray')).images).toEqual([expect.stringMatching(/product-photos\/demo-merchant\/tea-tray\.png$/)]);
  });
});

describe('the stock page', () => {
  it('出库 never takes more than the shelf has; 盘点 sets the count; the list then shows 售罄', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(ADJUST, { productId: 'tea-tray', skuId: 'default' }));
    expect(page.text('.adjust-title')).toBe('竹制茶盘');
    expect(page.text('.shelf')).toBe('库存 1');
    await page.tap('.mode', 1);
    await page.type('.quantity-input', '2');
    await page.tap('.submit-btn');
    expect(page.text('.adjust-error')).toBe('货架上只有 1 件，待付款订单占用的不能出库');

    await page.tap('.mode', 2);
    await page.type('.quantity-input', '0');
    await page.tap('.submit-btn');
    await until(() => fake.screen.toasts.includes('库存现为 0'));
    expect((await product('tea-tray')).skus!.default.stock).toBe(0);
    const log = (await getJson<{ documents: Array<{ productId: string; delta: number; reason: string; by: string }> }>(`${cloud.url}/db/stock_log?limit=100`)).documents.filter((e) => e.productId === 'tea-tray');
    expect(log.at(-1)).toMatchObject({ delta: -1, reason: '盘点', by: MERCHANT });

    const list = await ready(await renderPage(LIST));
    const tray = (list.instance.data.products as Array<{ name: string; stateText: string }>).find((p) => p.name === '竹制茶盘')!;
    expect(tray.stateText).toBe('售罄');

    const again = await ready(await renderPage(ADJUST, { productId: 'tea-tray', skuId: 'default' }));
    await again.type('.quantity-input', '5');
    await again.type('.reason-input', '补货');
    await again.tap('.submit-btn');
    await until(() => fake.screen.toasts.includes('库存现为 5'));
    expect((await product('tea-tray')).skus!.default.stock).toBe(5);
  });

  it('a 盘点 from a count an order has since changed is refused and read again', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(ADJUST, { productId: 'black-tea', skuId: 'g250' }));
    expect(page.text('.shelf')).toBe('库存 2');
    await buyerOrders('black-tea', 1, 'g250');
    await page.tap('.mode', 2);
    await page.type('.quantity-input', '10');
    await page.tap('.submit-btn');
    await until(() => page.text('.adjust-error') !== '');
    expect(page.text('.adjust-error')).toBe('库存刚有变动（有订单下单或关闭），已重新读取，请核对后再提交');
    expect(page.text('.shelf')).toBe('库存 1');
    expect((await product('black-tea')).skus!.g250).toMatchObject({ stock: 1, held: 1 });
  });
});

describe('the demo catalogue’s photos', () => {
  it('every demo product has one, served by the local storage; the shop page and the order page show them, with the spec bought', async () => {
    const all = await products();
    expect(all.filter((p) => !p.images?.length).map((p) => p._id)).toEqual([]);
    as(BUYER);
    const shop = await ready(await renderPage('pages/shop/index'));
    const cards = shop.instance.data.products as Array<{ name: string; image: string }>;
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect([card.name, (await http(card.image, 'GET')).statusCode]).toEqual([card.name, 200]);

    const orderId = await buyerOrders('black-tea', 2, 'g100');
    const detail = await ready(await renderPage('pages/order/order-detail/index', { orderId }));
    expect(detail.text('.item-name')).toBe('正山小种红茶（新茶） ×2');
    expect(detail.text('.item-spec')).toBe('100g');
    const thumb = (detail.instance.data.order as { items: Array<{ image: string }> }).items[0].image;
    expect(thumb).toMatch(/\/storage\/files\/product-photos\/demo-merchant\/black-tea\.png\?/);
    expect(detail.exists('.item-thumb')).toBe(true);
  });
});

describe('the low-stock message', () => {
  it('the merchant subscribes from the list; an order that leaves a SKU at 3 or fewer tells them once', async () => {
    as(MERCHANT);
    const page = await ready(await renderPage(LIST));
    await page.tap('.subscribe-btn');
    await until(() => fake.screen.toasts.includes('库存不足时会通知你一次'));
    const before = (await getJson<{ messages: unknown[] }>(`${cloud.url}/sandbox/messages?templateId=LOCAL_TMPL_LOW_STOCK&limit=100`)).messages.length;
    await buyerOrders('black-tea', 1, 'g100'); // not low
    await buyerOrders('tea-tray', 3); // 5 → 2: low
    await buyerOrders('tea-tray', 1); // 2 → 1: already told
    const messages = (await getJson<{ messages: Array<{ touser: string; data: Record<string, string>; page?: string }> }>(`${cloud.url}/sandbox/messages?templateId=LOCAL_TMPL_LOW_STOCK&limit=100`)).messages;
    expect(messages.length - before).toBe(1);
    expect(messages[0]).toMatchObject({ touser: MERCHANT, data: { thing1: '竹制茶盘', number3: '2', thing4: '竹制茶盘 仅剩2件' }, page: 'pages/merchant/product-edit/index?productId=tea-tray' });
  });
});
