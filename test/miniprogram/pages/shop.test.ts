import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage, sentKeys } from '../support/render';

const ROUTE = 'pages/shop/index';
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

function ordersOf(openid: string) {
  return [...backend.orders.values()].filter((o) => o.buyer === openid);
}

describe('shop', () => {
  it('shows the products with prices in yuan and a zero total', async () => {
    const page = await renderPage(ROUTE);
    expect(page.texts('.product-name')).toEqual(['乌龙茶', '白瓷杯']);
    expect(page.texts('.product-price')).toEqual(['¥38.00', '¥12.50']);
    expect(page.text('.shop-total')).toBe('¥0.00');
    expect(page.exists('.merchant-entry')).toBe(false);
  });

  it('quantities change the total, and only the changed quantity is sent', async () => {
    const page = await renderPage(ROUTE);
    page.setDataCalls.length = 0;
    await page.tap('.plus', 0);
    await page.tap('.plus', 0);
    await page.tap('.plus', 1);
    await page.tap('.minus', 0);
    expect(page.texts('.quantity')).toEqual(['1', '1']);
    expect(page.text('.shop-total')).toBe('¥50.50');
    expect(sentKeys(page.setDataCalls)).not.toContain('products');

    await page.tap('.minus', 1);
    await page.tap('.minus', 1);
    expect(page.texts('.quantity')).toEqual(['1', '0']);
  });

  it('buying creates the order priced by the server, pays it and opens it', async () => {
    const page = await renderPage(ROUTE);
    await page.tap('.plus', 0);
    await page.tap('.plus', 0);
    await page.tap('.plus', 1);
    await page.tap('.buy');

    const [order] = ordersOf('buyer-1');
    expect(order).toMatchObject({ status: 'PAID', totalFee: 8850 });
    expect(order.items.map((i) => [i.productId, i.quantity])).toEqual([['tea', 2], ['cup', 1]]);
    expect(fake.screen.toasts).toContain('支付成功');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);
    expect(page.texts('.quantity')).toEqual(['0', '0']);
  });

  it('nothing is bought with nothing chosen', async () => {
    const page = await renderPage(ROUTE);
    await page.tap('.buy');
    expect(ordersOf('buyer-1')).toHaveLength(0);
  });

  it('closing the cashier keeps the order unpaid and opens it for later', async () => {
    fake.user.pays = 'cancel';
    const page = await renderPage(ROUTE);
    await page.tap('.plus', 1);
    await page.tap('.buy');
    const [order] = ordersOf('buyer-1');
    expect(order.status).toBe('PENDING');
    expect(fake.screen.toasts).toContain('订单已保留，可稍后付款');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);
  });

  it('a retry after a lost answer does not create a second order', async () => {
    const page = await renderPage(ROUTE);
    await page.tap('.plus', 0);
    backend.failNext('pay', 'answer-lost'); // the order is created, the answer never arrives
    await page.tap('.buy');
    expect(fake.screen.toasts).toContain('网络连接失败，请检查网络后重试');
    expect(ordersOf('buyer-1')).toHaveLength(1);

    await page.tap('.buy');
    expect(ordersOf('buyer-1')).toHaveLength(1);
    expect(ordersOf('buyer-1')[0].status).toBe('PAID');
  });

  it('shows a merchant the way to the refund queue', async () => {
    fake.user.openid = 'merchant-1';
    const page = await renderPage(ROUTE);
    await page.tap('.merchant-entry');
    expect(fake.screen.pages.at(-1)).toBe('/pages/merchant/refund-queue/index');
  });

  it('an unknown product refused by the server is explained', async () => {
    const page = await renderPage(ROUTE);
    backend.products = backend.products.filter((p) => p.productId !== 'cup'); // removed from sale meanwhile
    await page.tap('.plus', 1);
    await page.tap('.buy');
    expect(fake.screen.toasts).toContain('填写的信息有误，请检查后重试');
    expect(ordersOf('buyer-1')).toHaveLength(0);
  });

  it('shows an error with retry when products cannot load', async () => {
    backend.failNext('orders', 'network', 'products');
    const page = await renderPage(ROUTE);
    expect(page.text('.error-message')).toBe('网络连接失败，请检查网络后重试');
    await page.tap('.retry');
    expect(page.texts('.product-name')).toEqual(['乌龙茶', '白瓷杯']);
  });

  describe('specs and stock', () => {
    beforeEach(() => {
      backend.products = [
        {
          productId: 'leaf',
          name: '高山茶',
          price: 3000,
          images: ['cloud://env.bucket/products/leaf.png'],
          specs: [{ name: '规格', values: ['250g', '500g'] }],
          skus: {
            g250: { specs: { 规格: '250g' }, price: 3000, stock: 0, held: 0, sold: 4 },
            g500: { specs: { 规格: '500g' }, price: 5600, stock: 2, held: 0, sold: 0 },
          },
        },
        { productId: 'cup', name: '陶杯', price: 1500, skus: { default: { specs: {}, price: 1500, stock: 0, held: 0, sold: 3 } } },
      ];
    });

    it('shows the photo, opens on a SKU that can be bought, and says how many are left; a sold-out product says 售罄', async () => {
      const page = await renderPage(ROUTE);
      expect(page.exists('.product-image')).toBe(true);
      // The link the functions made, never the fileID (only its uploader may read that file).
      expect((page.instance.data.products as Array<{ image: string }>)[0].image).toBe('https://storage.test/cloud%3A%2F%2Fenv.bucket%2Fproducts%2Fleaf.png?sign=fake');
      expect(page.texts('.spec-value')).toEqual(['250g', '500g']);
      expect(page.texts('.spec-value.selected')).toEqual(['500g']);
      expect(page.texts('.spec-value.spec-sold-out')).toEqual(['250g']);
      expect(page.texts('.product-price')).toEqual(['¥56.00', '¥15.00']);
      expect(page.texts('.stock-text')).toEqual(['仅剩 2 件', '售罄']);
    });

    it('a sold-out SKU or product cannot be added; the stock caps the quantity', async () => {
      const page = await renderPage(ROUTE);
      await page.tap('.plus', 1);
      expect(page.texts('.quantity')).toEqual(['0', '0']);
      await page.tap('.plus', 0);
      await page.tap('.plus', 0);
      await page.tap('.plus', 0);
      expect(page.texts('.quantity')).toEqual(['2', '0']);
      await page.tap('.spec-value', 0); // 250g: sold out
      expect(page.texts('.stock-text')[0]).toBe('售罄');
      expect(page.texts('.quantity')).toEqual(['0', '0']);
      expect(page.text('.shop-total')).toBe('¥0.00');
    });

    it('buys the chosen SKU at its price, and keeps its spec on the order', async () => {
      const page = await renderPage(ROUTE);
      await page.tap('.plus', 0);
      expect(page.text('.shop-total')).toBe('¥56.00');
      await page.tap('.buy');
      const [order] = ordersOf('buyer-1');
      expect(order).toMatchObject({ status: 'PAID', totalFee: 5600 });
      expect(order.items).toEqual([expect.objectContaining({ productId: 'leaf', skuId: 'g500', spec: '500g', unitPrice: 5600, quantity: 1 })]);
      expect(backend.products[0].skus!.g500).toMatchObject({ stock: 1, held: 0, sold: 1 });
    });

    it('someone else bought the last ones first: OUT_OF_STOCK is explained and the page shows what is left', async () => {
      const page = await renderPage(ROUTE);
      await page.tap('.plus', 0);
      backend.products[0].skus!.g500.stock = 0;
      await page.tap('.buy');
      expect(fake.screen.toasts).toContain('库存不足，请减少数量或换一个规格');
      expect(ordersOf('buyer-1')).toHaveLength(0);
      expect(page.texts('.stock-text')).toEqual(['售罄', '售罄']);
    });
  });
});

