import { config } from '../../../miniprogram/config';
import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage, sentKeys } from '../support/render';

const QUEUE = 'pages/merchant/refund-queue/index';
const REVIEW = 'pages/merchant/refund-detail/index';
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'merchant-1' });
});

function requestRefund(buyer: string, fee?: number, reason = '不想要了') {
  const order = backend.seedOrder(buyer, { status: 'PAID', quantity: 2 });
  return { order, refund: backend.seedRefundRequest(order.orderId, fee, reason) };
}

describe('merchant refund queue', () => {
  it('lists pending requests newest first; decided ones are not in the queue', async () => {
    const first = requestRefund('buyer-1', 1000, '质量问题');
    const second = requestRefund('buyer-2', undefined, '不想要了');
    const decided = requestRefund('buyer-3');
    backend.handle('approveRefund', { refundId: decided.refund.refundId, action: 'approve' }, 'merchant-1');

    const page = await renderPage(QUEUE);
    expect(page.texts('.row-amount')).toEqual(['¥76.00', '¥10.00']);
    expect(page.texts('.row-reason')).toEqual(['不想要了', '质量问题']);
    expect(page.text('.refund-row')).toContain(second.order.orderId);
    expect(page.texts('.row-status')).toEqual(['待商家处理', '待商家处理']);
    expect(first.refund.refundId).toBeTruthy();
  });

  it('is closed to buyers, without even asking for the queue', async () => {
    requestRefund('buyer-1');
    fake.user.openid = 'buyer-1';
    const page = await renderPage(QUEUE);
    expect(page.text('.error-message')).toBe('仅商家可以查看退款申请');
    expect(page.exists('.refund-row')).toBe(false);
    expect(page.exists('.subscribe-btn')).toBe(false);
    expect(backend.served.map((s) => s.action)).toEqual(['me']);
  });

  it('says so when nothing is waiting', async () => {
    const page = await renderPage(QUEUE);
    expect(page.text('.empty')).toBe('没有待处理的退款申请');
  });

  it('asks the merchant to keep subscribing to new-order and refund-request messages; once on, the button is no longer the primary one', async () => {
    const page = await renderPage(QUEUE);
    expect(page.exists('.subscribe-btn.primary')).toBe(true);
    await page.tap('.subscribe-btn');
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-paid', 'tpl-refund-req']]);
    expect(backend.grantsOf('merchant-1')).toEqual({ 'tpl-paid': 1, 'tpl-refund-req': 1 });
    expect(page.text('.subscribe-note')).toBe('已开启新订单和退款申请提醒');
    expect(page.exists('.subscribe-btn.primary')).toBe(false);
    expect(page.text('.subscribe-btn.on')).toBe('已开启提醒 · 再多开启一条');

    fake.user.subscribes = 'reject';
    await page.tap('.subscribe-btn');
    expect(page.text('.subscribe-note')).toBe('提醒没有全部开启，可能会错过新的退款申请');
    expect(backend.grantsOf('merchant-1')).toEqual({ 'tpl-paid': 1, 'tpl-refund-req': 1 });
  });

  it('pages through a long queue on reaching the bottom', async () => {
    for (let i = 0; i < 14; i++) requestRefund(`buyer-${i}`, 100 + i);
    const page = await renderPage(QUEUE);
    expect(page.texts('.refund-row')).toHaveLength(10);
    page.setDataCalls.length = 0;
    await page.lifecycle('onReachBottom');
    expect(page.texts('.row-amount')).toEqual(Array.from({ length: 14 }, (_, i) => `¥${((113 - i) / 100).toFixed(2)}`));
    expect(sentKeys(page.setDataCalls).filter((k) => k.startsWith('list'))).toEqual(['list[10]', 'list[11]', 'list[12]', 'list[13]']);
    expect(page.text('.more')).toBe('没有更多了');
  });

  it('pull-down refresh brings new requests; a failed refresh keeps the rows and says why', async () => {
    requestRefund('buyer-1', 100);
    const page = await renderPage(QUEUE);
    requestRefund('buyer-2', 200);
    await page.lifecycle('onPullDownRefresh');
    expect(page.texts('.row-amount')).toEqual(['¥2.00', '¥1.00']);

    backend.failNext('orders', 'network', 'refunds');
    await page.lifecycle('onPullDownRefresh');
    expect(page.texts('.row-amount')).toEqual(['¥2.00', '¥1.00']);
    expect(fake.screen.toasts).toEqual(['网络连接失败，请检查网络后重试']);
    expect(fake.screen.pullDownStops).toBe(2);
  });

  it('shows an error with retry when the queue cannot load', async () => {
    requestRefund('buyer-1');
    backend.failNext('orders', { ok: false, code: 'INTERNAL', message: 'db down' }, 'refunds');
    const page = await renderPage(QUEUE);
    expect(page.text('.error-message')).toBe('服务暂时不可用，请稍后再试');
    await page.tap('.retry');
    expect(page.texts('.refund-row')).toHaveLength(1);
  });
});

describe('merchant refund review', () => {
  it('the whole flow: open from the queue, reject needs a reason, the decided request leaves the queue on return', async () => {
    const { order, refund } = requestRefund('buyer-1', 3800, '商品与描述不符');
    const other = requestRefund('buyer-2');
    const queue = await renderPage(QUEUE);
    await queue.lifecycle('onShow');
    const row = queue.texts('.refund-row').findIndex((t) => t.includes(order.orderId));
    await queue.tap('.refund-row', row);
    await queue.lifecycle('onHide');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/merchant/refund-detail/index?refundId=${encodeURIComponent(refund.refundId)}`);

    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    expect(review.text('.amount')).toBe('¥38.00');
    expect(review.text('.reason')).toBe('买家原因：商品与描述不符');
    expect(review.text('.order-total')).toBe('¥76.00');
    expect(review.text('.buyer')).toBe('买家 buy***r-1');

    await review.tap('.reject');
    expect(review.text('.reject-error')).toBe('请选择拒绝原因');
    expect(backend.refunds.get(refund.refundId)!.status).toBe('REQUESTED');

    // The reasons are the contract's list; 其他原因 needs words.
    expect(review.texts('.reject-option')).toEqual(['商品已发货，请收到后再申请', '已与买家协商一致，不退款', '商品不支持无理由退货', '退款金额与实际不符', '其他原因']);
    await review.tap('.reject-option', 4);
    await review.type('.reject-input', '   ');
    await review.tap('.reject');
    expect(review.text('.reject-error')).toBe('选择“其他原因”时请写明原因，买家会看到');

    await review.type('.reject-input', '商品已拆封使用');
    // A rejection is final: it is confirmed first (with the amount), and declining rejects nothing.
    fake.user.confirms = false;
    await review.tap('.reject');
    expect(fake.screen.dialogs.at(-1)).toEqual({ title: '拒绝申请', content: '拒绝买家 ¥38.00 的仅退款申请，买家会看到原因：其他原因：商品已拆封使用' });
    expect(backend.refunds.get(refund.refundId)!.status).toBe('REQUESTED');
    expect(fake.screen.subscriptionDialogs).toEqual([]);
    fake.user.confirms = true;
    await review.tap('.reject');
    expect(backend.refunds.get(refund.refundId)).toMatchObject({ status: 'REJECTED', rejectReason: '其他原因：商品已拆封使用' });
    expect(review.text('.status')).toBe('商家已拒绝');
    expect(review.text('.reject-reason')).toBe('拒绝原因：其他原因：商品已拆封使用');
    expect(review.exists('.approve')).toBe(false);
    expect(fake.screen.toasts).toContain('已拒绝申请');
    // Deciding was a moment to renew the merchant's one-time message quota: asked once, after the confirmation.
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-paid', 'tpl-refund-req']]);
    expect(backend.grantsOf('merchant-1')).toEqual({ 'tpl-paid': 1, 'tpl-refund-req': 1 });

    // Meanwhile another buyer asked: coming back shows the queue as it is now.
    const newer = requestRefund('buyer-3', 500);
    fake.screen.pages.pop();
    await queue.lifecycle('onShow');
    expect(queue.texts('.refund-row .hint').filter((t) => t.startsWith('订单号')).map((t) => t.split(' ')[1])).toEqual([newer.order.orderId, other.order.orderId]);
    expect(queue.texts('.row-status')).toEqual(['待商家处理', '待商家处理']);
  });

  it('approving confirms the amount first, then asks for message permission, then refunds and shows the result', async () => {
    const { order, refund } = requestRefund('buyer-1');
    const review = await renderPage(REVIEW, { refundId: refund.refundId });

    fake.user.confirms = false;
    await review.tap('.approve');
    expect(fake.screen.dialogs.at(-1)).toEqual({ title: '同意退款', content: '将退还 ¥76.00 给买家，款项原路返回。' });
    // Declining the amount asks for nothing else.
    expect(fake.screen.subscriptionDialogs).toEqual([]);
    expect(backend.refunds.get(refund.refundId)!.status).toBe('REQUESTED');

    fake.user.confirms = true;
    await review.tap('.approve');
    expect(fake.screen.dialogs).toHaveLength(2);
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-paid', 'tpl-refund-req']]);
    expect(backend.grantsOf('merchant-1')).toEqual({ 'tpl-paid': 1, 'tpl-refund-req': 1 });
    expect(backend.refunds.get(refund.refundId)!.status).toBe('SUCCEEDED');
    expect(backend.orders.get(order.orderId)!.status).toBe('REFUNDED');
    expect(review.text('.status')).toBe('退款成功');
    expect(review.text('.order-refunded')).toBe('¥76.00');
    expect(review.exists('.decision')).toBe(false);
  });

  describe('after approval, while WeChat Pay has the refund', () => {
    const waits = config.refundFollowWaitsMs;
    beforeEach(() => {
      config.refundFollowWaitsMs = [30, 30, 30, 30];
      backend.autoSettleRefunds = false;
    });
    afterEach(() => {
      config.refundFollowWaitsMs = waits;
    });
    const refundReads = () => backend.served.filter((s) => s.action === 'refund').length;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('follows the refund and shows WeChat Pay’s result when it arrives, without the merchant asking', async () => {
      const { refund } = requestRefund('buyer-1');
      const review = await renderPage(REVIEW, { refundId: refund.refundId });
      await review.tap('.approve');
      expect(review.text('.status')).toBe('退款处理中');
      expect(review.text('.following')).toBe('正在等待微信支付的退款结果…');

      backend.settle(refund.refundId, 'SUCCEEDED');
      await pause(120);
      expect(review.text('.status')).toBe('退款成功');
      expect(review.exists('.following')).toBe(false);
      expect(review.exists('.follow-note')).toBe(false);
      expect(backend.served.some((s) => s.action === 'checkRefund')).toBe(false);
    });

    it('stops after a bounded wait and says what the merchant can do; a closed page stops reading', async () => {
      const { refund } = requestRefund('buyer-1');
      const review = await renderPage(REVIEW, { refundId: refund.refundId });
      await review.tap('.approve');
      await pause(250);
      expect(review.text('.status')).toBe('退款处理中');
      expect(review.exists('.following')).toBe(false);
      expect(review.text('.follow-note')).toBe('微信支付仍在处理这笔退款，结果到达后会通知买家；可稍后下拉刷新或向微信支付查询');
      // The first read, the one after deciding, then one per wait: bounded.
      expect(refundReads()).toBe(2 + 4);

      const other = requestRefund('buyer-2');
      const closing = await renderPage(REVIEW, { refundId: other.refund.refundId });
      await closing.tap('.approve');
      const before = refundReads();
      await closing.lifecycle('onUnload');
      await pause(250);
      expect(refundReads()).toBeLessThanOrEqual(before + 1);
    });
  });

  it('a merchant refusing the subscription can still decide', async () => {
    const { refund } = requestRefund('buyer-1');
    fake.user.subscribes = 'fail';
    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    await review.tap('.approve');
    expect(backend.refunds.get(refund.refundId)!.status).toBe('SUCCEEDED');
  });

  it('a request decided elsewhere meanwhile says so and shows the current state', async () => {
    const { refund } = requestRefund('buyer-1');
    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    backend.handle('orders', { action: 'withdrawRefund', refundId: refund.refundId }, 'buyer-1');
    await review.tap('.approve');
    expect(fake.screen.toasts).toContain('订单状态已变化，请刷新后再试');
    expect(review.text('.status')).toBe('已撤回');
    expect(review.exists('.approve')).toBe(false);
  });

  it('shows what WeChat Pay said about a refund that is waiting, such as a balance too low', async () => {
    const { refund } = requestRefund('buyer-1', 500);
    const stored = backend.refunds.get(refund.refundId)!;
    stored.status = 'PROCESSING';
    stored.lastError = 'NOTENOUGH 基本账户余额不足，请充值后重新发起';
    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    expect(review.text('.provider-note')).toBe('微信支付反馈：NOTENOUGH 基本账户余额不足，请充值后重新发起');
    expect(review.exists('.approve')).toBe(false);
    stored.lastError = undefined;
    const later = await renderPage(REVIEW, { refundId: refund.refundId });
    expect(later.exists('.provider-note')).toBe(false);
  });

  it('opens straight from a subscribe message link', async () => {
    const { refund } = requestRefund('buyer-1', 500);
    const review = await renderPage(REVIEW, { refundId: encodeURIComponent(refund.refundId) });
    expect(review.text('.amount')).toBe('¥5.00');
  });

  it('a buyer who follows the link is told it is for merchants', async () => {
    const { refund } = requestRefund('buyer-1');
    fake.user.openid = 'buyer-1';
    const review = await renderPage(REVIEW, { refundId: refund.refundId });
    expect(review.text('.error-message')).toBe('仅商家可以处理退款申请');
  });

  it('an unknown request reads as not found', async () => {
    const review = await renderPage(REVIEW, { refundId: 'O9999R1' });
    expect(review.text('.error-message')).toBe('没有找到这笔订单或退款，请检查链接是否完整');
  });
});
