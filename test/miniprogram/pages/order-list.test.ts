import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage, sentKeys } from '../support/render';

const ROUTE = 'pages/order/order-list/index';

expect.addSnapshotSerializer(require('miniprogram-simulate/jest-snapshot-plugin'));
let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'buyer-1' });
});

function seedMany(n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(backend.seedOrder('buyer-1', { status: i % 2 ? 'PAID' : 'PENDING', quantity: (i % 3) + 1 }).orderId);
  return ids;
}

describe('order list', () => {
  it('shows the buyer’s orders newest first with status labels and amounts in yuan', async () => {
    const older = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const newer = backend.seedOrder('buyer-1', { status: 'PENDING', productId: 'cup' });
    backend.seedOrder('someone-else', { status: 'PAID' });

    const page = await renderPage(ROUTE);

    expect(page.texts('.order-no')).toEqual([`订单号 ${newer.orderId}`, `订单号 ${older.orderId}`]);
    expect(page.texts('.status')).toEqual(['待付款', '已付款']);
    expect(page.texts('.total')).toEqual(['¥12.50', '¥76.00']);
    expect(page.text('.more')).toBe('没有更多了');
  });

  it('renders a card as markup a reviewer can read', async () => {
    backend.seedOrder('buyer-1', { status: 'PENDING', quantity: 2 });
    const page = await renderPage(ROUTE);
    expect(page.markup()).toMatchSnapshot();
  });

  it('says so when there are no orders', async () => {
    const page = await renderPage(ROUTE);
    expect(page.text('.empty')).toBe('这里还没有订单');
    expect(page.exists('.order-card')).toBe(false);
  });

  it('shows an error a person understands and recovers on retry', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.failNext('orders', 'network', 'list');

    const page = await renderPage(ROUTE);
    expect(page.text('.error-message')).toBe('网络连接失败，请检查网络后重试');
    expect(page.exists('.order-card')).toBe(false);

    await page.tap('.retry');
    expect(page.texts('.status')).toEqual(['已付款']);
    expect(page.exists('.error')).toBe(false);
  });

  it('maps a function’s own failure code to text, not the raw message', async () => {
    backend.failNext('orders', { ok: false, code: 'UNAUTHENTICATED', message: 'no openid in context' }, 'list');
    const page = await renderPage(ROUTE);
    expect(page.text('.error-message')).toBe('请先登录微信后再试');
    expect(page.text()).not.toContain('no openid');
  });

  it('filters by tab, including refunding orders', async () => {
    const paid = backend.seedOrder('buyer-1', { status: 'PAID' });
    const refunding = backend.seedOrder('buyer-1', { status: 'PAID', productId: 'cup' });
    backend.seedRefundRequest(refunding.orderId);
    backend.seedOrder('buyer-1', { status: 'CLOSED' });
    const page = await renderPage(ROUTE);

    await page.tap('.tab', 5); // 退款中
    expect(page.text('.tab.active')).toBe('退款中');
    expect(page.texts('.order-no')).toEqual([`订单号 ${refunding.orderId}`]);
    expect(page.texts('.status')).toEqual(['退款中']);

    await page.tap('.tab', 2); // 已付款
    expect(page.texts('.order-no')).toEqual([`订单号 ${refunding.orderId}`, `订单号 ${paid.orderId}`]);

    await page.tap('.tab', 7); // 已关闭
    expect(page.texts('.status')).toEqual(['已关闭']);
  });

  it('a slow answer for a tab left behind never replaces the tab the buyer is on', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.seedOrder('buyer-1', { status: 'CLOSED' });
    const page = await renderPage(ROUTE);

    fake.slowNext('orders', 30, 'list');
    page.tapQuickly('.tab', 2); // 已付款, answered late
    page.tapQuickly('.tab', 7); // 已关闭
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(page.text('.tab.active')).toBe('已关闭');
    expect(page.texts('.status')).toEqual(['已关闭']);
  });

  it('opens on the tab named in the query (links from messages)', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE, { status: 'PENDING' });
    expect(page.text('.tab.active')).toBe('待付款');
    expect(page.texts('.status')).toEqual(['待付款']);
  });

  it('pages through by cursor on reaching the bottom, appending rows by index only', async () => {
    const ids = seedMany(23).reverse();
    const page = await renderPage(ROUTE);
    expect(page.texts('.order-no')).toHaveLength(10);

    page.setDataCalls.length = 0;
    await page.lifecycle('onReachBottom');
    expect(page.texts('.order-no')).toHaveLength(20);
    const appended = sentKeys(page.setDataCalls).filter((k) => k.startsWith('list'));
    expect(appended).toEqual(Array.from({ length: 10 }, (_, i) => `list[${10 + i}]`));

    await page.lifecycle('onReachBottom');
    expect(page.texts('.order-no').map((t) => t.replace('订单号 ', ''))).toEqual(ids);
    expect(page.text('.more')).toBe('没有更多了');

    const served = backend.served.length;
    await page.lifecycle('onReachBottom');
    expect(backend.served.length).toBe(served);
  });

  it('keeps the rows and offers a retry when the next page fails', async () => {
    seedMany(12);
    const page = await renderPage(ROUTE);
    backend.failNext('orders', { ok: false, code: 'INTERNAL', message: 'boom' }, 'list');
    await page.lifecycle('onReachBottom');
    expect(page.texts('.order-no')).toHaveLength(10);
    expect(page.text('.more')).toBe('加载失败，点击重试');

    await page.tap('.more');
    expect(page.texts('.order-no')).toHaveLength(12);
    expect(page.text('.more')).toBe('没有更多了');
  });

  it('pull-down refresh shows new orders and stops the spinner', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    const page = await renderPage(ROUTE);
    const fresh = backend.seedOrder('buyer-1', { status: 'PENDING' });

    await page.lifecycle('onPullDownRefresh');
    expect(page.texts('.order-no')[0]).toBe(`订单号 ${fresh.orderId}`);
    expect(fake.screen.pullDownStops).toBe(1);
  });

  it('a failed pull-down refresh keeps the rows on screen and says why', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    const page = await renderPage(ROUTE);
    backend.failNext('orders', { ok: false, code: 'INTERNAL', message: 'db down' }, 'list');
    await page.lifecycle('onPullDownRefresh');
    expect(page.texts('.status')).toEqual(['已付款']);
    expect(fake.screen.toasts).toEqual(['服务暂时不可用，请稍后再试']);
    expect(fake.screen.pullDownStops).toBe(1);
  });

  it('cancelling one order changes only that row’s fields', async () => {
    const ids = seedMany(6);
    const target = ids[2]; // a PENDING order, shown at row 3 (newest first)
    const page = await renderPage(ROUTE);
    const row = page.texts('.order-no').indexOf(`订单号 ${target}`);
    expect(page.texts('.status')[row]).toBe('待付款');

    page.setDataCalls.length = 0;
    const cancelButtons = page.texts('.order-card').map((t, i) => ({ t, i })).filter(({ t }) => t.includes('取消订单'));
    const buttonIndex = cancelButtons.findIndex(({ i }) => i === row);
    await page.tap('.cancel', buttonIndex);

    expect(backend.orders.get(target)!.status).toBe('CLOSED');
    expect(page.texts('.status')[row]).toBe('已关闭');
    expect(fake.screen.toasts).toContain('订单已取消');
    const keys = sentKeys(page.setDataCalls);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`list[${row}].`))).toBe(true);
    expect(keys).toEqual(expect.arrayContaining([`list[${row}].statusLabel`, `list[${row}].canPay`]));
    expect(keys).not.toContain('list');
  });

  it('a cancel refused for a too-new order is explained and the row stays payable', async () => {
    backend.seedOrder('buyer-1', { status: 'PENDING' });
    backend.refuseEarlyCancel = true;
    const page = await renderPage(ROUTE);
    await page.tap('.cancel');
    expect(fake.screen.toasts).toEqual(['订单刚创建，请几分钟后再取消；不付款的订单会自动关闭']);
    expect(page.texts('.status')).toEqual(['待付款']);
    expect(page.exists('.pay')).toBe(true);
  });

  it('pays a pending order from the list', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE);
    await page.tap('.pay');
    expect(backend.orders.get(order.orderId)!.status).toBe('PAID');
    expect(page.texts('.status')).toEqual(['已付款']);
    expect(fake.screen.toasts).toContain('支付成功');
  });

  it('leaves the order unpaid when the buyer closes the cashier', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    fake.user.pays = 'cancel';
    const page = await renderPage(ROUTE);
    await page.tap('.pay');
    expect(backend.orders.get(order.orderId)!.status).toBe('PENDING');
    expect(page.texts('.status')).toEqual(['待付款']);
    expect(fake.screen.toasts).toContain('已取消支付');
  });

  it('opens the detail, and updates the row when the buyer comes back', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID' });
    const page = await renderPage(ROUTE);
    await page.tap('.order-card');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);

    backend.seedRefundRequest(order.orderId); // done on the detail page
    page.setDataCalls.length = 0;
    await page.lifecycle('onShow');
    expect(page.texts('.status')).toEqual(['退款中']);
    expect(sentKeys(page.setDataCalls)).toEqual(['list[0].statusLabel', 'list[0].tone']);
  });
});

describe('a partly refunded order in the list', () => {
  it('reads as what it is (paid), with the refunded amount beside it', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const refund = backend.seedRefundRequest(order.orderId, 3000);
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'approve' }, 'merchant-1');
    const page = await renderPage(ROUTE);
    expect(page.text('.status')).toBe('已付款');
    expect(page.text('.refund-note')).toBe('已退款 ¥30.00');
  });
});
