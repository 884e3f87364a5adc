// What buyers and merchants see of the cases issue 10 found: an order too new to cancel, an abnormal refund the
// merchant must resolve at WeChat Pay, and amounts in ¥ on the timeline.
import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage } from '../support/render';

const DETAIL = 'pages/order/order-detail/index';
const QUEUE = 'pages/merchant/refund-queue/index';
const REVIEW = 'pages/merchant/refund-detail/index';
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

describe('cancel in WeChat Pay’s first 5 minutes', () => {
  it('is not offered; the page says when it will be (not WeChat Pay’s rule), and the order can still be paid', async () => {
    backend.setClock(Date.now() - 60_000); // placed a minute ago
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(DETAIL, { orderId: order.orderId });
    expect(page.exists('.cancel')).toBe(false);
    expect(page.text('.cancel-hint')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d 后可取消订单$/);
    expect(page.text('.order-detail')).not.toContain('微信支付不允许');
    expect(page.exists('.pay')).toBe(true);

    const list = await renderPage('pages/order/order-list/index');
    expect(list.exists('.cancel')).toBe(false);
  });

  it('is offered at once when the shop takes APIv3, which has no such rule', async () => {
    backend.provider = 'v3';
    backend.setClock(Date.now() - 60_000);
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(DETAIL, { orderId: order.orderId });
    expect(page.exists('.cancel')).toBe(true);
    expect(page.exists('.cancel-hint')).toBe(false);
    const list = await renderPage('pages/order/order-list/index');
    expect(list.exists('.cancel')).toBe(true);
  });

  it('is offered once the order is older than that', async () => {
    backend.setClock(Date.now() - 6 * 60_000);
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(DETAIL, { orderId: order.orderId });
    expect(page.exists('.cancel')).toBe(true);
    expect(page.exists('.cancel-hint')).toBe(false);
  });
});

describe('an abnormal refund', () => {
  function abnormalRefund() {
    backend.autoSettleRefunds = false;
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const refund = backend.seedRefundRequest(order.orderId, 3000, '不想要了');
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'approve' }, 'merchant-1');
    backend.settle(refund.refundId, 'ABNORMAL');
    return { order, refund };
  }

  it('the buyer sees it is being handled, the amount stays out of what can be asked back', async () => {
    const { order } = abnormalRefund();
    const page = await renderPage(DETAIL, { orderId: order.orderId });
    expect(page.text('.refund-status')).toBe('退款未到账，商家处理中');
    expect(page.texts('.event-label')[0]).toBe('退款未能到账');
    expect(page.texts('.event-note')[0]).toBe('¥30.00：退款未能到账，商家处理中');
    expect(page.exists('.btn.refund')).toBe(true); // the other ¥46.00 can still be asked for
  });

  it('the merchant finds it under its own tab, reads what to do, and asks WeChat Pay again once resolved', async () => {
    const { refund, order } = abnormalRefund();
    fake.user.openid = 'merchant-1';
    const queue = await renderPage(QUEUE);
    expect(queue.exists('.refund-row')).toBe(false); // nothing left to decide
    await queue.tap('.tab', 4); // 退款异常
    expect(queue.texts('.row-status')).toEqual(['退款未到账，商家处理中']);

    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    expect(review.text('.advice')).toContain('微信支付商户平台');
    expect(review.text('.provider-note')).toContain('商户平台');
    expect(review.exists('.decision')).toBe(false);

    await review.tap('.check-btn');
    expect(fake.screen.toasts).toEqual(['微信支付还没有完成这笔退款']);
    backend.wechatRefundOutcome.set(refund.refundId, 'SUCCEEDED'); // resolved in the merchant platform
    await review.tap('.check-btn');
    expect(fake.screen.toasts.at(-1)).toBe('状态已更新');
    expect(review.text('.status')).toBe('退款成功');
    expect(review.exists('.check-btn')).toBe(false);
    expect(backend.orders.get(order.orderId)).toMatchObject({ refundedFee: 3000, refundingFee: 0 });
  });
});
