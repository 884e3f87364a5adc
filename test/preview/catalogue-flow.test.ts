// The merchant's catalogue in the browser preview: from the desk to the product list, a new product with a photo
// picked in the browser and one spec's values, 盘点 on the stock page, 下架; the buyer's shop then shows the new
// product's photo and not the one taken off the shelf. The database must agree with what the pages said.
import { Phone, browserAvailable } from './phone';
import { previewSession } from './support/session';

const run = browserAvailable() ? describe : describe.skip;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 3)]);

interface ProductDoc {
  _id: string;
  name: string;
  active: boolean;
  images?: string[];
  skus?: Record<string, { specs: Record<string, string>; price: number; stock: number }>;
}

run('the merchant’s catalogue in the browser preview', () => {
  const session = previewSession({ demo: true });
  const products = async () => {
    const res = await fetch(`${session.cloud.url}/db/products?limit=100`);
    return ((await res.json()) as { documents: ProductDoc[] }).documents;
  };

  it('adds a product with a photo and two sizes, counts the tray to 0 (售罄), takes the cup off the shelf; buyers see the new product, not the cup', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-merchant');
    await phone.tap('.desk-entry', '订单发货');
    await phone.tap('.products-entry', '商品');
    await phone.waitForTitle('商品管理');
    await phone.see('.product-name', '正山小种红茶');

    await phone.tap('.add-btn', '新增商品');
    await phone.waitForTitle('新增商品');
    await phone.type('.name-input', '桂花乌龙');
    const chooser = phone.page.waitForEvent('filechooser');
    await phone.tap('.add-photo');
    await (await chooser).setFiles({ name: 'cover.png', mimeType: 'image/png', buffer: PNG });
    await phone.screen.locator('.photo-image').first().waitFor();
    await phone.tap('.add-spec', '添加规格');
    await phone.type('.spec-name-input', '规格');
    await phone.type('.spec-values-input', '小罐 大罐');
    await phone.see('.sku-edit-label', '大罐');
    const prices = phone.screen.locator('.price-input .wx-native-control');
    const stocks = phone.screen.locator('.stock-input .wx-native-control');
    await prices.nth(0).fill('12.5');
    await stocks.nth(0).fill('3');
    await prices.nth(1).fill('20');
    await stocks.nth(1).fill('0');
    await phone.tap('.save-btn', '保存');
    await phone.waitForTitle('商品管理');
    await phone.see('.product-name', '桂花乌龙');
    const saved = (await products()).find((p) => p.name === '桂花乌龙')!;
    expect(Object.values(saved.skus!).map((s) => [s.specs.规格, s.price, s.stock])).toEqual([
      ['小罐', 1250, 3],
      ['大罐', 2000, 0],
    ]);
    expect(saved.images).toEqual([expect.stringMatching(/\/product-photos\/demo-merchant\/.+\.png$/)]);

    await phone.screen.locator('.admin-product', { hasText: '竹制茶盘' }).locator('.adjust-btn').click();
    await phone.waitForTitle('调整库存');
    await phone.see('.shelf', '库存 1');
    await phone.tap('.mode', '盘点');
    await phone.type('.quantity-input', '0');
    await phone.tap('.submit-btn', '确定');
    await phone.waitForTitle('商品管理');
    await phone.screen.locator('.admin-product', { hasText: '竹制茶盘' }).locator('.product-state', { hasText: '售罄' }).waitFor();

    await phone.screen.locator('.admin-product', { hasText: '白瓷品茗杯' }).locator('.shelf-btn').click();
    expect(await phone.confirmModal()).toContain('下架后买家看不到');
    await phone.screen.locator('.admin-product', { hasText: '白瓷品茗杯' }).locator('.product-state', { hasText: '下架' }).waitFor();
    const all = await products();
    expect(all.find((p) => p._id === 'tea-tray')?.skus?.default.stock).toBe(0);
    expect(all.find((p) => p._id === 'tea-cup')?.active).toBe(false);

    await phone.holdAs('demo-buyer');
    await phone.page.goto(`${session.cloud.url}/preview?as=demo-buyer&page=pages/shop/index`);
    await phone.see('.product-name', '桂花乌龙');
    expect(await phone.screen.locator('.product-name', { hasText: '白瓷品茗杯' }).count()).toBe(0);
    const cover = phone.screen.locator('.product', { hasText: '桂花乌龙' }).locator('.product-image img, .product-image').first();
    await cover.waitFor();
    await phone.close();
  });
});
