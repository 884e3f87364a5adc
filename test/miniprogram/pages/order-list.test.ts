import { FakeBackend, fakeFileLink } from '../support/fake-backend';
import { ShippingBackend } from '../support/fake-shipping';
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
afterEach(() => jest.restoreAllMocks());

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
    expect(page.texts('.status')).toEqual(['待付款', '待发货']);
    expect(page.texts('.total')).toEqual(['¥12.50', '¥76.00']);
    expect(page.text('.more')).toBe('没有更多了');
  });

  it('renders a card as markup a reviewer can read', async () => {
    // Half an hour to pay, looked at 10 minutes after ordering (the phone's clock, pinned for a stable countdown).
    backend.unpaidTimeoutSeconds = 30 * 60;
    const order = backend.seedOrder('buyer-1', { status: 'PENDING', quantity: 2 });
    jest.spyOn(Date, 'now').mockReturnValue(order.createdAt.getTime() + 10 * 60_000);
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
    expect(page.texts('.status')).toEqual(['待发货']);
    expect(page.exists('.error')).toBe(false);
  });

  it('maps a function’s own failure code to text, not the raw message', async () => {
    backend.failNext('orders', { ok: false, code: 'UNAUTHENTICATED', message: 'no openid in context' }, 'list');
    const page = await renderPage(ROUTE);
    expect(page.text('.error-message')).toBe('请先登录微信后再试');
    expect(page.text()).not.toContain('no openid');
  });

  it('has the tabs of a shop, and 售后 holds every order with a request or a refund', async () => {
    const paid = backend.seedOrder('buyer-1', { status: 'PAID' });
    const refunding = backend.seedOrder('buyer-1', { status: 'PAID', productId: 'cup' });
    backend.seedRefundRequest(refunding.orderId);
    const refunded = backend.seedOrder('buyer-1', { status: 'REFUNDED' });
    const pending = backend.seedOrder('buyer-1', { status: 'PENDING' });
    backend.seedOrder('buyer-1', { status: 'CLOSED' });
    const page = await renderPage(ROUTE);
    expect(page.texts('.tab')).toEqual(['全部', '待付款', '待发货', '待收货', '已完成', '售后']);

    await page.tap('.tab', 5);
    expect(page.text('.tab.active')).toBe('售后');
    expect(page.texts('.order-no')).toEqual([`订单号 ${refunded.orderId}`, `订单号 ${refunding.orderId}`]);
    expect(page.texts('.status')).toEqual(['已退款', '退款中']);

    await page.tap('.tab', 2); // 待发货
    expect(page.texts('.order-no')).toEqual([`订单号 ${refunding.orderId}`, `订单号 ${paid.orderId}`]);
    expect(page.texts('.status')).toEqual(['退款中', '待发货']);

    await page.tap('.tab', 1); // 待付款
    expect(page.texts('.order-no')).toEqual([`订单号 ${pending.orderId}`]);
  });

  it('a slow answer for a tab left behind never replaces the tab the buyer is on', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID' });
    backend.seedOrder('buyer-1', { status: 'PENDING' });
    const page = await renderPage(ROUTE);

    fake.slowNext('orders', 30, 'list');
    page.tapQuickly('.tab', 2); // 待发货, answered late
    page.tapQuickly('.tab', 1); // 待付款
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(page.text('.tab.active')).toBe('待付款');
    expect(page.texts('.status')).toEqual(['待付款']);
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
    expect(page.texts('.status')).toEqual(['待发货']);
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
    expect(page.texts('.status')).toEqual(['待发货']);
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
    // The request also takes 申请售后 away: one is open.
    expect(sentKeys(page.setDataCalls)).toEqual(['list[0].statusLabel', 'list[0].tone', 'list[0].canAfterSale']);
  });
});

describe('a partly refunded order in the list', () => {
  it('reads as what it is (paid, waiting to ship), with the refunded amount beside it', async () => {
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 2 });
    const refund = backend.seedRefundRequest(order.orderId, 3000);
    backend.handle('approveRefund', { refundId: refund.refundId, action: 'approve' }, 'merchant-1');
    const page = await renderPage(ROUTE);
    expect(page.text('.status')).toBe('待发货');
    expect(page.text('.refund-note')).toBe('已退款 ¥30.00');
  });
});

describe('cards like a shop’s', () => {
  it('show each line with its thumbnail and spec, 共 N 件, and 复制 for the order number', async () => {
    backend.products[0].images = ['cloud://env-1/products/tea-1.jpg', 'cloud://env-1/products/tea-2.jpg'];
    const order = backend.seedOrder('buyer-1', { status: 'PAID', quantity: 3 });
    order.items[0].spec = '500g';
    const page = await renderPage(ROUTE);
    expect(page.texts('.line-name')).toEqual(['乌龙茶']);
    expect(page.texts('.line-spec')).toEqual(['500g']);
    expect(page.texts('.line-qty')).toEqual(['×3']);
    expect(page.text('.count')).toBe('共 3 件');
    // The first of the product's photos as it was when the order was placed, by the link the functions handed out
    // (only its uploader may read the file itself).
    expect((page.instance.data.list as Array<{ lines: Array<{ image: string }> }>)[0].lines[0].image).toBe(fakeFileLink('cloud://env-1/products/tea-1.jpg'));
    expect(page.exists('.thumb-empty')).toBe(false);

    await page.tap('.copy-order');
    expect(fake.screen.copied).toEqual([order.orderId]);
    // Copying does not open the order.
    expect(fake.screen.pages).toEqual(['/pages/shop/index']);
  });

  it('a product without photos gets a placeholder, not a broken image', async () => {
    backend.seedOrder('buyer-1', { status: 'PAID', productId: 'cup' });
    const page = await renderPage(ROUTE);
    expect(page.exists('.thumb-empty')).toBe(true);
    expect(page.texts('.line-name')).toEqual(['白瓷杯']);
  });

  it('offer what people expect per state: 去付款 with the time left, 申请售后, and on a shipped order 查看物流, 复制 the tracking number, 确认收货', async () => {
    const pending = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const paid = backend.seedOrder('buyer-1', { status: 'PAID' });
    const page = await renderPage(ROUTE);
    const cards = page.texts('.order-card');
    expect(cards[1]).toContain('去付款');
    expect(cards[1]).not.toContain('申请售后');
    expect(cards[0]).toContain('申请售后');
    expect(cards[0]).not.toContain('去付款');

    expect(page.text('.countdown')).toMatch(/^剩余 \d+:\d\d:\d\d 自动关闭$/);
    expect(page.exists('.receive')).toBe(false);
    expect(page.exists('.track')).toBe(false);

    await page.tap('.after-sale');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/aftersale/apply/index?orderId=${paid.orderId}`);
    expect(backend.orders.get(pending.orderId)!.status).toBe('PENDING');
  });

  it('a shipped order: 查看物流 opens its shipment, 复制 copies the tracking number, 确认收货 goes through WeChat’s window', async () => {
    const shipping = new ShippingBackend();
    backend = shipping;
    fake = installFakeWx(shipping, { openid: 'buyer-1' });
    const order = shipping.seedShipped('buyer-1');
    const page = await renderPage(ROUTE);
    expect(page.text('.status')).toBe('待收货');
    expect(page.text('.tracking-text')).toBe('顺丰速运 SF1234567890');

    await page.tap('.copy-tracking');
    expect(fake.screen.copied).toEqual(['SF1234567890']);
    await page.tap('.track');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);

    await page.tap('.receive');
    expect(fake.screen.businessViews).toEqual([expect.objectContaining({ businessType: 'weappOrderConfirm', transaction_id: order.transactionId })]);
    expect(shipping.orders.get(order.orderId)!.status).toBe('COMPLETED');
    expect(page.text('.status')).toBe('已完成');
    expect(page.exists('.receive')).toBe(false);
    expect(fake.screen.toasts).toContain('已确认收货');
  });

  it('an unpaid order counts down to its payment deadline, and past it no longer offers to pay', async () => {
    backend.unpaidTimeoutSeconds = 15 * 60;
    backend.setClock(Date.now());
    const order = backend.seedOrder('buyer-1', { status: 'PENDING' });
    const deadline = Date.parse(order.payDeadline.toISOString());
    const page = await renderPage(ROUTE);
    expect(page.text('.countdown')).toMatch(/^剩余 1[45]:\d\d 自动关闭$/);

    page.setDataCalls.length = 0;
    (page.instance as unknown as { tick(now: number): void }).tick(deadline - 61_000);
    expect(page.text('.countdown')).toBe('剩余 1:01 自动关闭');
    expect(sentKeys(page.setDataCalls)).toEqual(['list[0].payCountdown']);

    // The time is up (the phone's clock says so): the card stops offering to pay once the order is read again.
    jest.spyOn(Date, 'now').mockReturnValue(deadline + 1000);
    (page.instance as unknown as { tick(now: number): void }).tick(deadline + 1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(page.exists('.pay')).toBe(false);
    expect(page.exists('.countdown')).toBe(false);
    expect(page.text('.status')).toBe('支付超时');
  });
});
