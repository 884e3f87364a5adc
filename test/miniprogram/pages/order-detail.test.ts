import { config } from '../../../miniprogram/config';
import { FakeBackend } from '../support/fake-backend';
import { SEEDED_ADDRESS as DELIVERY, ShippingBackend } from '../support/fake-shipping';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage, sentKeys } from '../support/render';

const ROUTE = 'pages/order/order-detail/index';
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new ShippingBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

describe('order detail', () => {
  it('shows items, amounts in yuan, status and the timeline newest first', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 3 });
    const page = await renderPage(ROUTE, { orderId: order.orderId });

    expect(page.text('.status')).toBe('已付款');
    expect(page.text('.item-name')).toBe('乌龙茶 ×3');
    expect(page.text('.item-amount')).toBe('¥114.00');
    expect(page.text('.total')).toBe('¥114.00');
    expect(page.texts('.event-label')).toEqual(['支付成功', '下单']);
    expect(page.text('.timeline')).toContain('微信支付');
    expect(page.text('.hint.order-no')).toBe(`订单号 ${order.orderId}`);
    expect(page.exists('.pay')).toBe(false);
    expect(page.exists('.btn.refund')).toBe(true);
    // The refund button is a button, not a refund row: nothing else on the page wears the row's class.
    expect(page.exists('.refund-entry')).toBe(false);
  });

  it('shows until when a refund can be asked, and no refund button once that has passed', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.refundWindowDays = 36500; // far ahead of any day this test runs on
    const open = await renderPage(ROUTE, { orderId: order.orderId });
    expect(open.text('.refund-deadline')).toMatch(/^可申请退款至 ?21\d\d-\d\d-\d\d \d\d:\d\d$/);

    backend.refundWindowDays = 0;
    const closed = await renderPage(ROUTE, { orderId: order.orderId });
    expect(closed.exists('.btn.refund')).toBe(false);
    expect(closed.exists('.refund-deadline')).toBe(false);
  });

  it('accepts an URI-encoded orderId, as a subscribe message link sends it', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: encodeURIComponent(order.orderId) });
    expect(page.text('.status')).toBe('待付款');
    expect(page.text('.deadline')).toMatch(/^请在 \d{4}-\d\d-\d\d \d\d:\d\d 前付款/);
  });

  it('a pending order can be paid; the page then shows it paid', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.exists('.cancel')).toBe(true);

    page.setDataCalls.length = 0;
    await page.tap('.pay');

    expect(backend.orders.get(order.orderId)!.status).toBe('PAID');
    expect(page.text('.status')).toBe('已付款');
    expect(page.exists('.pay')).toBe(false);
    expect(page.texts('.event-label')[0]).toBe('支付成功');
    // Only the order's changed fields crossed, never the whole order again.
    expect(sentKeys(page.setDataCalls)).not.toContain('order');
    expect(sentKeys(page.setDataCalls)).toEqual(expect.arrayContaining(['order.statusLabel', 'order.actions', 'order.timeline']));
    expect(sentKeys(page.setDataCalls)).not.toContain('order.items');
  });

  it('says the payment is being confirmed while WeChat’s callback has not arrived, then shows it on refresh', async () => {
    config.paymentConfirmWaitsMs = [0, 1, 1];
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    fake.user.pays = 'pay-unconfirmed';
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.pay');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.screen.toasts).toEqual(['支付结果确认中，请稍后刷新查看']);
    expect(page.text('.status')).toBe('待付款');
    expect(backend.served.filter((s) => s.action === 'get')).toHaveLength(4); // the first load and three looks

    backend.markPaid(order.orderId); // the callback arrives
    await page.lifecycle('onPullDownRefresh');
    expect(page.text('.status')).toBe('已付款');
    expect(fake.screen.pullDownStops).toBe(1);
  });

  it('a failed cashier leaves the order payable and says so', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    fake.user.pays = 'fail';
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.pay');
    expect(backend.orders.get(order.orderId)!.status).toBe('PENDING');
    expect(fake.screen.toasts).toContain('支付没有完成，请稍后再试');
    expect(page.exists('.pay')).toBe(true);
  });

  it('cancelling asks first; declining changes nothing, confirming closes the order', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });

    fake.user.confirms = false;
    await page.tap('.cancel');
    expect(backend.orders.get(order.orderId)!.status).toBe('PENDING');

    fake.user.confirms = true;
    await page.tap('.cancel');
    expect(fake.screen.dialogs.map((d) => d.title)).toEqual(['取消订单', '取消订单']);
    expect(backend.orders.get(order.orderId)!.status).toBe('CLOSED');
    expect(page.text('.status')).toBe('已关闭');
    expect(page.texts('.event-label')[0]).toBe('订单关闭');
    expect(page.texts('.event-note')[0]).toBe('买家取消');
    expect(page.exists('.actions .btn')).toBe(false);
  });

  it('explains a cancel refused because the order is too new, and keeps it payable', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    backend.refuseEarlyCancel = true;
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.cancel');
    expect(fake.screen.toasts).toEqual(['订单刚创建，请几分钟后再取消；不付款的订单会自动关闭']);
    expect(backend.orders.get(order.orderId)!.status).toBe('PENDING');
    expect(page.exists('.pay')).toBe(true);
  });

  it('says the order changed when paying an order that was closed meanwhile', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    backend.orders.get(order.orderId)!.status = 'CLOSED'; // closed by the timeout elsewhere

    await page.tap('.pay');
    expect(fake.screen.toasts).toContain('订单状态已变化，请刷新后再试');
    expect(page.text('.status')).toBe('已关闭');
  });

  it('shows refunds, and a pending request can be withdrawn', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const refund = backend.seedRefundRequest(order.orderId, 3800, '不想要了');
    const page = await renderPage(ROUTE, { orderId: order.orderId });

    expect(page.text('.status')).toBe('退款中');
    expect(page.text('.refund-amount')).toBe('¥38.00');
    expect(page.text('.refund-status')).toBe('待商家处理');
    expect(page.text('.refunding')).toBe('¥38.00');
    expect(page.exists('.btn.refund')).toBe(false);

    await page.tap('.withdraw');
    expect(backend.refunds.get(refund.refundId)!.status).toBe('CANCELLED');
    expect(page.text('.refund-status')).toBe('已撤回');
    expect(page.exists('.withdraw')).toBe(false);
    expect(page.exists('.btn.refund')).toBe(true);
    expect(page.text('.status')).toBe('已付款');
  });

  it('a request that stopped after reserving its amount: opening the order finishes it, and it can be withdrawn', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    backend.stopRequestsAfterReserving = true;
    expect(backend.handle('applyRefund', { orderId: order.orderId, reason: '不想要了', refundFee: 3800 }, 'buyer-1', false).ok).toBe(true);
    // In between: the amount is reserved, the refund not written yet.
    expect(backend.orders.get(order.orderId)!.refundingFee).toBe(3800);
    expect(backend.refunds.size).toBe(0);
    const page = await renderPage(ROUTE, { orderId: order.orderId });

    expect(page.text('.status')).toBe('退款中');
    expect(page.text('.refund-status')).toBe('待商家处理');
    await page.tap('.withdraw');
    expect(page.text('.refund-status')).toBe('已撤回');
    expect(page.text('.status')).toBe('已付款');
  });

  it('a settlement that booked the order before moving its refund: the refund reads 退款处理中 until it moves', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const refund = backend.seedRefundRequest(order.orderId, 3800);
    backend.autoSettleRefunds = false;
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'approve' }, 'merchant-1');
    backend.stopSettlementsAfterBooking = true;
    backend.settle(refund.refundId, 'SUCCEEDED');
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.refund-status')).toBe('退款处理中');
    expect(backend.orders.get(order.orderId)!.refundedFee).toBe(3800);

    backend.settle(refund.refundId, 'SUCCEEDED'); // the next callback only moves the refund
    const after = await renderPage(ROUTE, { orderId: order.orderId });
    expect(after.text('.refund-status')).toBe('退款成功');
    expect(backend.orders.get(order.orderId)!.refundedFee).toBe(3800);
  });

  it('shows the merchant’s reason on a rejected refund', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID' });
    const refund = backend.seedRefundRequest(order.orderId);
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'reject', rejectReason: '其他原因：商品已拆封' }, 'merchant-1');
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.refund-status')).toBe('商家已拒绝');
    expect(page.text('.refund-reject')).toBe('商家说明：其他原因：商品已拆封');
    expect(page.texts('.event-note')).toEqual(['其他原因：商品已拆封', '¥38.00：不想要了']);
  });

  it('request refund opens the form for this order and reloads on return', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    await page.tap('.btn.refund');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/refund-apply/index?orderId=${order.orderId}`);

    backend.seedRefundRequest(order.orderId, 1000);
    await page.lifecycle('onShow');
    expect(page.text('.refund-status')).toBe('待商家处理');
  });

  it('someone else’s order reads as not found, without claiming orders get deleted, and offers a way out', async () => {
    const order = backend.seedOrder('buyer-2', { status: 'PAID' });
    // Opened from a link: the page is alone on the stack, so the way out is the shop.
    fake.screen.pages.splice(0, fake.screen.pages.length, `/${ROUTE}`);
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('没有找到这笔订单或退款，请检查链接是否完整');
    expect(page.text('.error-message')).not.toContain('删除');
    expect(page.text('.go-back')).toBe('去首页');
    await page.tap('.go-back');
    expect(fake.screen.pages).toEqual(['/pages/shop/index']);
  });

  it('a page opened from another offers to go back to it', async () => {
    const order = backend.seedOrder('buyer-2', { status: 'PAID' });
    fake.screen.pages.push(`/${ROUTE}`);
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.go-back')).toBe('返回上一页');
    await page.tap('.go-back');
    expect(fake.screen.pages).toEqual(['/pages/shop/index']);
  });

  it('without an orderId it says what is missing', async () => {
    const page = await renderPage(ROUTE, {});
    expect(page.text('.error-message')).toBe('链接里缺少订单号');
    expect(backend.served).toHaveLength(0);
  });

  it('recovers from a network failure with retry', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.failNext('orders', 'network', 'get');
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('网络连接失败，请检查网络后重试');
    await page.tap('.retry');
    expect(page.text('.status')).toBe('已付款');
  });
});

describe('what the tap-through found on the order page', () => {
  function shipped(order: { orderId: string }) {
    expect(backend.handle('ship', { orderId: order.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890123' }, 'merchant-1').ok).toBe(true);
  }

  it('after a partial refund the header says what the order is (shipped), with the refunded amount beside it', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2, address: DELIVERY });
    const refund = backend.seedRefundRequest(order.orderId, 3000);
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'approve' }, 'merchant-1');
    shipped(order);
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.status')).toBe('已发货');
    expect(page.text('.refund-note')).toBe('已退款 ¥30.00');
    expect(page.text('.order-detail')).not.toContain('部分退款');
  });

  it('a closed order that was never paid shows its amount, not 实付', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'CLOSED' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.text('.total-label')).toBe('订单金额');
    const paid = await renderPage(ROUTE, { orderId: backend.seedOrder('buyer-1', { status: 'PAID' }).orderId });
    expect(paid.text('.total-label')).toBe('实付');
  });

  it('the buyer’s own receipt is the buyer’s, and WeChat’s shipping bookkeeping is not in the buyer’s timeline', async () => {
    backend.shippingManaged = false;
    const order = backend.seedOrder('buyer-1', { status: 'PAID', address: DELIVERY });
    shipped(order);
    // What the ship function writes once WeChat took the shipping information.
    backend.orders.get(order.orderId)!.timeline.push({ at: new Date(backend.now()), event: 'shipping_uploaded', by: 'wechat' } as never);
    expect(backend.handle('orders', { action: 'confirmReceipt', orderId: order.orderId }, 'buyer-1').ok).toBe(true);
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.texts('.event-label')).not.toContain('发货信息已同步到微信');
    const timeline = page.text('.timeline').replace(/\s+/g, '');
    expect(timeline).toContain('确认收货买家');
    expect(timeline).not.toContain('确认收货微信支付');
    expect(timeline).not.toContain('发货信息');
    expect(timeline).toContain('支付成功微信支付');
  });

  it('right after paying, offers to tell the buyer when the order ships', async () => {
    backend.templates = { ...backend.templates, orderShipped: 'tpl-shipped' };
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { orderId: order.orderId });
    expect(page.exists('.subscribe-shipping')).toBe(false);
    await page.tap('.pay');
    expect(page.text('.status')).toBe('已付款');
    expect(page.text('.subscribe-shipping')).toBe('发货时通知我');
  });
});

