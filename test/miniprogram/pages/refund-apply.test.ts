import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage } from '../support/render';

const ROUTE = 'pages/order/refund-apply/index';
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

function paidOrder(quantity = 2) {
  return backend.seedOrder('buyer-1', { status: 'PAID', quantity }); // 乌龙茶 ¥38.00 each
}

function openRefund(orderId: string) {
  return [...backend.refunds.values()].filter((r) => r.orderId === orderId && r.status === 'REQUESTED');
}

describe('refund request', () => {
  it('defaults the amount to all that is refundable', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.instance.data.form).toMatchObject({ amountText: '76.00' });
    expect(page.text('.refundable')).toBe('最多可退 ¥76.00');
    expect(page.text('.order-title')).toBe('乌龙茶 ×2');
  });

  it('submits the full amount with a reason and a note, then shows the request', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });

    await page.tap('.reason', 2); // 质量问题
    await page.type('.note-input', '  罐子有裂缝 ');
    await page.tap('.submit');

    const [refund] = openRefund(order.orderId);
    expect(refund).toMatchObject({ refundFee: 7600, reason: '质量问题：罐子有裂缝' });
    expect(page.text('.submitted-title')).toBe('退款申请已提交');
    expect(page.text('.submitted-amount')).toBe('¥76.00');
    expect(page.text('.submitted-status')).toBe('待商家处理');
    expect(page.text('.submitted-note')).toBe('商家处理后会通过微信通知你');
    // The amount was confirmed first; then the buyer was asked for the refund-result message and granted it.
    expect(fake.screen.dialogs).toEqual([{ title: '申请退款', content: '申请退还 ¥76.00，商家同意后原路退回。' }]);
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-refund-result']]);
    expect(backend.grantsOf('buyer-1')).toEqual({ 'tpl-refund-result': 1 });

    await page.tap('.view-order');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);
  });

  it('declining the amount sends nothing and asks for no permission; the form stays as filled', async () => {
    const order = paidOrder();
    fake.user.confirms = false;
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.type('.amount-input', '12.3');
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(fake.screen.dialogs).toEqual([{ title: '申请退款', content: '申请退还 ¥12.30，商家同意后原路退回。' }]);
    expect(fake.screen.subscriptionDialogs).toEqual([]);
    expect(openRefund(order.orderId)).toHaveLength(0);
    expect(page.exists('.submitted-title')).toBe(false);
    expect(page.instance.data.submitting).toBe(false);

    fake.user.confirms = true;
    await page.tap('.submit');
    expect(openRefund(order.orderId)[0]).toMatchObject({ refundFee: 1230 });
  });

  it('a double tap on submit sends one request', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.reason', 0);
    page.tapQuickly('.submit');
    page.tapQuickly('.submit');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(backend.served.filter((s) => s.name === 'applyRefund')).toHaveLength(1);
    expect(fake.screen.subscriptionDialogs).toHaveLength(1);
    expect(page.text('.submitted-title')).toBe('退款申请已提交');
  });

  it('a part refund: the typed amount is sent in fen', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.type('.amount-input', '12.3');
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(openRefund(order.orderId)[0]).toMatchObject({ refundFee: 1230, reason: '不想要了' });
  });

  it('refusing the notification does not block the request', async () => {
    const order = paidOrder();
    fake.user.subscribes = 'reject';
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(openRefund(order.orderId)).toHaveLength(1);
    expect(page.text('.submitted-note')).toBe('你没有开启退款结果通知，可在订单详情查看进度');
    expect(backend.grantsOf('buyer-1')).toEqual({});
  });

  it('a dialog that cannot open does not block the request either', async () => {
    const order = paidOrder();
    fake.user.subscribes = 'fail';
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.reason', 1);
    await page.tap('.submit');
    expect(openRefund(order.orderId)).toHaveLength(1);
  });

  it.each([
    ['', '请填写退款金额'],
    ['abc', '请填写正确的金额，最多两位小数'],
    ['1.234', '请填写正确的金额，最多两位小数'],
    ['-5', '请填写正确的金额，最多两位小数'],
    ['0', '退款金额必须大于 0'],
    ['76.01', '最多可退 ¥76.00'],
    ['1000', '最多可退 ¥76.00'],
  ])('amount %p is refused with “%s” and nothing is sent', async (typed, message) => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.type('.amount-input', typed);
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(page.text('.amount-error')).toBe(message);
    expect(openRefund(order.orderId)).toHaveLength(0);
    expect(fake.screen.subscriptionDialogs).toHaveLength(0);
  });

  it('asks for a reason, and for a note when the reason is “other”', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.submit');
    expect(page.text('.reason-error')).toBe('请选择退款原因');

    await page.tap('.reason', 4); // 其他原因
    expect(page.exists('.reason-error')).toBe(false);
    await page.tap('.submit');
    expect(page.text('.note-error')).toBe('选择“其他原因”时请写明原因');
    expect(openRefund(order.orderId)).toHaveLength(0);

    await page.type('.note-input', '买重复了');
    await page.tap('.submit');
    expect(openRefund(order.orderId)[0].reason).toBe('其他原因：买重复了');
  });

  it('“all” puts the refundable amount back', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.type('.amount-input', '1');
    await page.tap('.all-amount');
    expect(page.instance.data.form).toMatchObject({ amountText: '76.00' });
  });

  it('caps at what is left after an earlier refund', async () => {
    const order = paidOrder();
    const first = backend.seedRefundRequest(order.orderId, 5000);
    backend.handle('approveRefund', { refundId: first.refundId, action: 'approve' }, 'merchant-1');
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.refundable')).toBe('最多可退 ¥26.00');
    expect(page.instance.data.form).toMatchObject({ amountText: '26.00' });
  });

  it('shows the server’s refusal in words when the amount became too large meanwhile', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    backend.orders.get(order.orderId)!.refundedFee = 7000; // refunded elsewhere after the form opened
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(page.text('.amount-error')).toBe('退款金额超过了可退金额');
    expect(openRefund(order.orderId)).toHaveLength(0);
  });

  it('a network failure on submit keeps the form and says what happened', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    backend.failNext('applyRefund', 'network');
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(page.text('.submit-error')).toBe('网络连接失败，请检查网络后重试');
    expect(page.exists('.submitted')).toBe(false);

    await page.tap('.submit');
    expect(openRefund(order.orderId)).toHaveLength(1);
    expect(page.text('.submitted-title')).toBe('退款申请已提交');
  });

  it('an order with a request in progress cannot get a second one', async () => {
    const order = paidOrder();
    backend.seedRefundRequest(order.orderId, 100);
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('这笔订单已有退款申请在处理中');
    expect(page.exists('.submit')).toBe(false);
  });

  it('an unpaid order cannot be refunded', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('这笔订单当前不能退款');
  });

  it('after the refund window the form says so instead of opening', async () => {
    const order = paidOrder();
    backend.refundWindowDays = 0;
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('已超过可申请退款的期限');
    expect(page.exists('.submit')).toBe(false);
  });

  it('a refusal by the server is explained by what changed: the window closed while the form was open', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    backend.refundWindowDays = 0;
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(page.text('.submit-error')).toBe('已超过可申请退款的期限');
    expect(openRefund(order.orderId)).toHaveLength(0);
  });

  it('a refusal by the server is explained by what changed: a request was made from another phone', async () => {
    const order = paidOrder();
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    backend.seedRefundRequest(order.orderId, 100);
    await page.tap('.reason', 0);
    await page.tap('.submit');
    expect(page.text('.submit-error')).toBe('这笔订单已有退款申请在处理中');
    expect(openRefund(order.orderId)).toHaveLength(1);
  });
});
