// With the one switch on, the same pages talk to the local cloud's gateway and sandbox instead of wx.cloud.
import { config } from '../../../miniprogram/config';
import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage } from '../support/render';

let backend: FakeBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'not-used-locally' });
  // Proves nothing goes through wx.cloud: any call to it would throw.
  (fake.wx as { cloud?: unknown }).cloud = undefined;
  config.localCloud = { enabled: true, url: 'http://127.0.0.1:3999', openid: 'demo-buyer' };
});

afterAll(() => {
  config.localCloud = { ...config.localCloud, enabled: false };
});

it('is off by default', () => {
  jest.isolateModules(() => {
    const fresh = require('../../../miniprogram/config') as typeof import('../../../miniprogram/config');
    expect(fresh.config.localCloud.enabled).toBe(false);
  });
});

it('buys as the configured demo buyer and pays in the sandbox', async () => {
  const page = await renderPage('pages/shop/index');
  await page.tap('.plus', 0);
  await page.tap('.buy');

  const [order] = [...backend.orders.values()];
  expect(order).toMatchObject({ buyer: 'demo-buyer', status: 'PAID', totalFee: 3800 });
  expect(fake.screen.dialogs[0]).toEqual({ title: '本地沙箱支付', content: `订单 ${order.orderId}\n支付 ¥38.00（不会真实扣款）` });
  expect(fake.screen.pages.at(-1)).toBe(`/pages/order/order-detail/index?orderId=${order.orderId}`);
});

it('declining the sandbox payment leaves the order unpaid', async () => {
  fake.user.confirms = false;
  const page = await renderPage('pages/shop/index');
  await page.tap('.plus', 1);
  await page.tap('.buy');
  const [order] = [...backend.orders.values()];
  expect(order.status).toBe('PENDING');
  expect(fake.screen.toasts).toContain('订单已保留，可稍后付款');
});

it('lists the demo buyer’s orders and requests a refund, granting the subscription in the sandbox', async () => {
  const order = backend.seedOrder('demo-buyer', { status: 'PAID' });
  backend.seedOrder('someone-else', { status: 'PAID' });
  const list = await renderPage('pages/order/order-list/index');
  expect(list.texts('.order-no')).toEqual([`订单号 ${order.orderId}`]);

  const form = await renderPage('pages/order/refund-apply/index', { orderId: order.orderId });
  await form.tap('.reason', 0);
  await form.tap('.submit');
  expect([...backend.refunds.values()]).toEqual([expect.objectContaining({ orderId: order.orderId, buyerOpenid: 'demo-buyer', refundFee: 3800 })]);
  expect(backend.grantsOf('demo-buyer')).toEqual({ 'tpl-refund-result': 1 });
  expect(fake.screen.subscriptionDialogs).toHaveLength(0);
});

it('a local cloud that is not running reads as a network failure', async () => {
  config.localCloud.url = 'http://127.0.0.1:3999/nowhere';
  const page = await renderPage('pages/order/order-list/index');
  expect(page.text('.error-message')).toBe('网络连接失败，请检查网络后重试');
});
