// The after-sale apply page against the fake backend (which answers with the functions' own rules): 仅退款 by lines
// with steppers, the amount following the lines, reasons by receipt state, 退货退款 once shipped.
import { ShippingBackend } from '../support/fake-shipping';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage } from '../support/render';

const ROUTE = 'pages/aftersale/apply/index';
let backend: ShippingBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new ShippingBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

const requests = () => [...backend.refunds.values()];

describe('after-sale request', () => {
  it('an order never shipped: only 仅退款, not-received reasons, all of it by default; one fewer with the stepper', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 }); // 乌龙茶 ¥38.00 ×2
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.not-shipped')).toBe('商品还没有发货，只能申请仅退款');
    expect(page.exists('.type-return')).toBe(false);
    expect(page.exists('.receipt')).toBe(false);
    expect(page.texts('.reason')[2]).toBe('快递一直未送到');
    expect(page.text('.line-quantity')).toBe('2');
    expect(page.instance.data.amountText).toBe('76.00');

    await page.tap('.minus');
    expect(page.text('.line-quantity')).toBe('1');
    expect(page.text('.max-amount')).toBe('最多可退 ¥38.00，可以改少');
    await page.tap('.reason', 1); // 拍错/多拍
    await page.tap('.submit');

    expect(requests()).toEqual([expect.objectContaining({ type: 'REFUND_ONLY', refundFee: 3800, reason: '拍错/多拍', receipt: 'NOT_RECEIVED', items: [expect.objectContaining({ productId: 'tea', quantity: 1, fee: 3800 })] })]);
    expect(page.text('.submitted-title')).toBe('售后申请已提交');
    expect(page.text('.submitted-amount')).toBe('¥38.00');
    // The amount is confirmed before the result message is asked for.
    expect(fake.screen.dialogs).toEqual([{ title: '申请仅退款', content: '申请退还 ¥38.00，商家同意后原路退回。' }]);
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-refund-result']]);
  });

  it('the amount may be lowered, never raised; no line, no reason and 其他原因 without a note are said before sending', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 1 });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.type('.amount-input', '38.01');
    await page.tap('.submit');
    expect(page.text('.amount-error')).toBe('最多可退 ¥38.00');
    expect(page.text('.reason-error')).toBe('请选择原因');
    await page.tap('.minus');
    await page.tap('.reason', 4); // 其他原因
    await page.tap('.submit');
    expect(page.text('.items-error')).toBe('请选择要退的商品');
    expect(page.text('.note-error')).toBe('选择“其他原因”时请写明原因');
    expect(requests()).toEqual([]);

    await page.tap('.plus');
    await page.type('.amount-input', '20');
    await page.type('.note-input', '朋友送了一罐');
    await page.tap('.submit');
    expect(requests()).toEqual([expect.objectContaining({ refundFee: 2000, reason: '其他原因', note: '朋友送了一罐' })]);
  });

  it('a shipped order: 退货退款 is offered, the buyer says whether the goods arrived and the reasons follow', async () => {
    const order = backend.seedShipped('buyer-1');
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.type-return');
    await page.tap('.receipt-received');
    expect(page.texts('.reason')[0]).toBe('质量问题');
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(requests()).toEqual([expect.objectContaining({ type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', refundFee: 7600 })]);
    expect(page.text('.submitted-status')).toBe('待商家处理');
  });
  it('two SKUs of one product are two lines, each with its spec; the request names the SKU and pays back its price', async () => {
    backend.products = [
      {
        productId: 'leaf',
        name: '高山茶',
        price: 3000,
        specs: [{ name: '规格', values: ['250g', '500g'] }],
        skus: {
          g250: { specs: { 规格: '250g' }, price: 3000, stock: 5, held: 0, sold: 0 },
          g500: { specs: { 规格: '500g' }, price: 5600, stock: 5, held: 0, sold: 0 },
        },
      },
    ];
    const paid = backend.handle('pay', { items: [{ productId: 'leaf', skuId: 'g250', quantity: 1 }, { productId: 'leaf', skuId: 'g500', quantity: 1 }] }, 'buyer-1');
    if (!paid.ok) throw new Error(paid.message);
    const orderId = (paid.data as { orderId: string }).orderId;
    backend.markPaid(orderId);
    const page = await renderPage(ROUTE, { orderId });
    expect(page.texts('.line-spec').map((t) => t.trim())).toEqual(['250g', '500g']);
    await page.tap('.minus', 1); // none of the 500g
    expect(page.instance.data.amountText).toBe('30.00');
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(requests()).toEqual([expect.objectContaining({ refundFee: 3000, items: [expect.objectContaining({ productId: 'leaf', skuId: 'g250', spec: '250g', quantity: 1, fee: 3000 })] })]);
  });
});
