// Shipping on the phone: the address at checkout, the merchant's desk and ship form (with a scanned tracking
// number), the buyer's shipped and completed states with WeChat's confirm-receipt window, the refund note after
// shipping, and the pages the new messages open.
import * as fs from 'fs';
import * as path from 'path';
import { SEEDED_ADDRESS, ShippingBackend } from '../support/fake-shipping';
import { installFakeWx, PICKED_ADDRESS, type FakeWx } from '../support/fake-wx';
import { MINIPROGRAM_ROOT, renderPage } from '../support/render';

const MERCHANT = 'merchant-1';
const BUYER = 'buyer-1';
let backend: ShippingBackend;
let fake: FakeWx;

beforeEach(() => {
  backend = new ShippingBackend();
  fake = installFakeWx(backend, { openid: BUYER });
});

describe('checkout', () => {
  it('asks for the delivery address when buying, and the order carries it', async () => {
    const page = await renderPage('pages/shop/index');
    expect(page.text('.address-empty')).toBe('选择收货地址');
    await page.tap('.plus', 0);
    await page.tap('.buy');
    const [order] = [...backend.orders.values()];
    expect(order.address).toEqual({
      userName: '张三',
      telNumber: '13800138000',
      provinceName: '浙江省',
      cityName: '杭州市',
      countyName: '西湖区',
      detailInfo: '北山街 84 号',
      postalCode: '310000',
    });
    expect(page.text('.address-who')).toBe('送至 张三 13800138000');
  });

  it('closing the picker places no order', async () => {
    fake.user.address = 'cancel';
    const page = await renderPage('pages/shop/index');
    await page.tap('.plus', 0);
    await page.tap('.buy');
    expect(backend.orders.size).toBe(0);
    expect(fake.screen.toasts).toEqual(['请选择收货地址']);
  });

  it('an address can be chosen before buying, and changed', async () => {
    const page = await renderPage('pages/shop/index');
    await page.tap('.address');
    expect(page.text('.address-where')).toBe('浙江省杭州市西湖区北山街 84 号');
    fake.user.address = { ...PICKED_ADDRESS, userName: '李四', detailInfo: '文三路 90 号' };
    await page.tap('.address');
    expect(page.text('.address-who')).toBe('送至 李四 13800138000');
  });
});

describe('the merchant’s desk', () => {
  beforeEach(() => {
    fake.user.openid = MERCHANT;
  });

  it('shows paid orders to ship oldest first (not one waiting on a refund request), the refund badge, and opens the order’s ship page', async () => {
    const first = backend.seedOrder('buyer-2', { status: 'PAID' });
    const second = backend.seedOrder('buyer-3', { status: 'PAID' });
    backend.seedOrder('buyer-4', { status: 'PENDING' });
    const refunded = backend.seedOrder('buyer-5', { status: 'PAID' });
    backend.seedRefundRequest(refunded.orderId, 100);

    const page = await renderPage('pages/merchant/desk/index');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${first.orderId}`, `订单号 ${second.orderId}`]);
    expect(page.text('.badge')).toBe('1');
    await page.tap('.desk-row', 1);
    expect(fake.screen.pages.at(-1)).toBe(`/pages/merchant/ship/index?orderId=${second.orderId}`);
  });

  it('has a shipped tab', async () => {
    const shipped = backend.seedShipped('buyer-2');
    const paid = backend.seedOrder('buyer-3', { status: 'PAID' });
    const page = await renderPage('pages/merchant/desk/index');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${paid.orderId}`]);
    await page.tap('.tab', 1);
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${shipped.orderId}`]);
    expect(page.texts('.desk-row .status')).toEqual(['已发货']);
  });

  it('finds orders of every tab by the last characters of the number or by the receiver’s name, and ✕ clears the search', async () => {
    const shipped = backend.seedShipped('buyer-2');
    const paid = backend.seedOrder('buyer-3', { status: 'PAID', address: { ...SEEDED_ADDRESS, userName: '李四' } });
    const pending = backend.seedOrder('buyer-4', { status: 'PENDING', address: { ...SEEDED_ADDRESS, userName: '李小龙' } });
    const page = await renderPage('pages/merchant/desk/index');
    expect(page.exists('.search-clear')).toBe(false);

    // What a buyer reads out: the last few characters, typed in any case.
    await page.type('.search-input', ` ${shipped.orderId.slice(-5).toLowerCase()} `);
    expect(page.exists('.search-clear')).toBe(true);
    await page.tap('.search-btn');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${shipped.orderId}`]);
    expect(page.text('.search-note')).toContain(shipped.orderId.slice(-5).toLowerCase());
    expect(page.exists('.tab.active')).toBe(false);

    await page.type('.search-input', '李');
    await page.tap('.search-btn');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${pending.orderId}`, `订单号 ${paid.orderId}`]);

    await page.type('.search-input', '王五');
    await page.tap('.search-btn');
    expect(page.text('.empty')).toBe('没有找到订单：可输入订单号的最后几位或收货人姓名');

    await page.tap('.search-clear');
    expect(page.instance.data.query).toBe('');
    expect(page.exists('.search-clear')).toBe(false);
    expect(page.exists('.search-note')).toBe(false);
    expect(page.text('.tab.active')).toBe('待发货');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${paid.orderId}`]);
    const searches = backend.served.filter((s) => s.action === 'desk').length;
    expect(searches).toBe(5);
  });

  it('reloads on the way back: an order shipped on its page leaves 待发货, and the refund badge follows decisions made elsewhere', async () => {
    const first = backend.seedOrder('buyer-2', { status: 'PAID' });
    const second = backend.seedOrder('buyer-3', { status: 'PAID' });
    const asking = backend.seedOrder('buyer-4', { status: 'PAID' });
    const request = backend.seedRefundRequest(asking.orderId, 100);
    const page = await renderPage('pages/merchant/desk/index');
    await page.lifecycle('onShow');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${first.orderId}`, `订单号 ${second.orderId}`]);
    expect(page.text('.badge')).toBe('1');

    await page.tap('.desk-row', 0);
    await page.lifecycle('onHide');
    expect(backend.handle('ship', { orderId: first.orderId, logisticsType: 'VIRTUAL' }, MERCHANT, false).ok).toBe(true);
    expect(backend.handle('approveRefund', { refundId: request.refundId, action: 'reject', rejectReason: '商品已发货，请收到后再申请' }, MERCHANT, false).ok).toBe(true);
    await page.lifecycle('onShow');
    expect(page.texts('.desk-row .order-no')).toEqual([`订单号 ${second.orderId}`, `订单号 ${asking.orderId}`]);
    expect(page.exists('.badge')).toBe(false);
  });

  it('is closed to buyers', async () => {
    fake.user.openid = BUYER;
    const page = await renderPage('pages/merchant/desk/index');
    expect(page.text('.error-message')).toBe('仅商家可以使用订单工作台');
    expect(backend.served.map((s) => s.action)).toEqual(['me']);
  });
});

describe('the ship form', () => {
  beforeEach(() => {
    fake.user.openid = MERCHANT;
  });

  function paidOrderWithAddress() {
    return backend.seedOrder(BUYER, { status: 'PAID', quantity: 2, address: { ...SEEDED_ADDRESS } });
  }

  it('ships by express with a scanned tracking number', async () => {
    const order = paidOrderWithAddress();
    fake.user.scans = 'SF 1234 5678 90';
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    expect(page.text('.address-who')).toBe('张三 13800138000');
    expect(page.text('.printing')).toBe('小票已打印');
    await page.pick('.company-picker', 0); // 顺丰速运
    await page.tap('.scan');
    expect(page.instance.data.form).toMatchObject({ trackingNo: 'SF1234567890' });
    await page.tap('.submit');
    expect(backend.orders.get(order.orderId)!.status).toBe('SHIPPED');
    expect(backend.orders.get(order.orderId)!.shipping).toMatchObject({ logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' });
    expect(fake.screen.toasts).toContain('已发货');
    expect(page.text('.tracking-no')).toBe('SF1234567890');
    expect(page.text('.express-company')).toBe('顺丰速运');
    // Now the form offers the one correction.
    expect(page.text('.ship-form .section-title')).toBe('修改发货信息（仅可修改一次）');
  });

  it('says what is missing beside the field and sends nothing', async () => {
    const order = paidOrderWithAddress();
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    await page.tap('.submit');
    expect(page.text('.company-error')).toBe('请选择快递公司');
    expect(page.text('.tracking-error')).toBe('请填写或扫描快递单号');
    await page.pick('.company-picker', 1);
    await page.type('.tracking-input', '12');
    await page.tap('.submit');
    expect(page.text('.tracking-error')).toBe('快递单号应为 5-40 位字母、数字或 -');
    expect(backend.served.filter((s) => s.name === 'ship')).toHaveLength(0);
    expect(backend.orders.get(order.orderId)!.status).toBe('PAID');
  });

  it('ships a pick-up without a tracking number, then corrects it once after a warning', async () => {
    const order = paidOrderWithAddress();
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    await page.tap('.option', 2); // 到店自提
    expect(page.exists('.tracking-input')).toBe(false);
    await page.tap('.submit');
    expect(backend.orders.get(order.orderId)!.shipping).toMatchObject({ logisticsType: 'SELF_PICKUP' });

    await page.tap('.option', 0);
    await page.pick('.company-picker', 1); // 中通快递
    await page.type('.tracking-input', '731234567890');
    await page.tap('.submit');
    expect(fake.screen.dialogs.at(-1)).toEqual({ title: '修改发货信息', content: '微信只允许修改一次发货信息，确定修改吗？' });
    expect(backend.orders.get(order.orderId)!.shipping).toMatchObject({ logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' });
    expect(fake.screen.toasts).toContain('发货信息已修改');
    expect(page.exists('.ship-form')).toBe(false);
  });

  it('asks before shipping, repeating what goes to WeChat; declining ships nothing', async () => {
    const order = paidOrderWithAddress();
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    await page.pick('.company-picker', 0);
    await page.type('.tracking-input', 'SF1234567890');
    fake.user.confirms = false;
    await page.tap('.submit');
    expect(fake.screen.dialogs.at(-1)).toEqual({ title: '确认发货', content: '快递 顺丰速运 SF1234567890。发货信息会同步到微信，只能修改一次。' });
    expect(backend.served.filter((x) => x.name === 'ship')).toHaveLength(0);
    expect(backend.orders.get(order.orderId)!.status).toBe('PAID');
    fake.user.confirms = true;
    await page.tap('.submit');
    expect(backend.orders.get(order.orderId)!.status).toBe('SHIPPED');
  });

  it('an order with an open refund request says why it cannot ship and links to the request; a refunded part is shown', async () => {
    const order = paidOrderWithAddress();
    const first = backend.seedRefundRequest(order.orderId, 2000);
    backend.handle('approveRefund', { refundId: first.refundId, action: 'approve' }, MERCHANT);
    const open = backend.seedRefundRequest(order.orderId, 1000);
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    expect(page.text('.refunded-line')).toBe('已退款-¥20.00');
    expect(page.text('.open-refund-why')).toBe('买家申请了退款（¥10.00，待商家处理），处理后才能发货');
    expect(page.exists('.ship-form')).toBe(false);
    await page.tap('.open-refund-link');
    expect(fake.screen.pages.at(-1)).toBe(`/pages/merchant/refund-detail/index?refundId=${encodeURIComponent(open.refundId)}`);
  });

  it('reprints the receipt', async () => {
    const order = paidOrderWithAddress();
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    await page.tap('.reprint');
    expect(backend.reprints).toEqual([order.orderId]);
    expect(fake.screen.toasts).toContain('已发送到打印机');
  });

  it('is closed to buyers', async () => {
    const order = paidOrderWithAddress();
    fake.user.openid = BUYER;
    const page = await renderPage('pages/merchant/ship/index', { orderId: order.orderId });
    expect(page.text('.error-message')).toBe('仅商家可以发货');
    expect(page.exists('.ship-form')).toBe(false);
  });
});

describe('the buyer’s shipped and completed order', () => {
  it('shows the shipment and the address; confirming receipt opens WeChat’s window, then the order is completed', async () => {
    const order = backend.seedShipped(BUYER);
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    expect(page.text('.status')).toBe('已发货');
    expect(page.text('.express-company')).toBe('顺丰速运');
    expect(page.text('.tracking-no')).toBe('SF1234567890');
    expect(page.text('.address-where')).toBe('浙江省杭州市西湖区北山街 84 号');
    expect(page.text('.auto-confirm')).toContain('后将自动确认收货');

    await page.tap('.confirm-receipt');
    expect(fake.screen.businessViews).toEqual([{ businessType: 'weappOrderConfirm', transaction_id: order.transactionId! }]);
    expect(backend.orders.get(order.orderId)!.status).toBe('COMPLETED');
    expect(fake.screen.toasts).toContain('已确认收货');
    expect(page.text('.status')).toBe('已完成');
    expect(page.exists('.confirm-receipt')).toBe(false);
    expect(page.text('.completed')).toContain('确认收货');
  });

  it('when WeChat records the confirmation only after its window closes, coming back to the page completes the order', async () => {
    const order = backend.seedShipped(BUYER);
    // The window opens; the buyer confirms there, but WeChat records it after the first check.
    fake.user.receipt = 'cancel';
    (fake.wx as { openBusinessView: (o: { success?: () => void }) => void }).openBusinessView = (o) => setTimeout(() => o.success?.(), 0);
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    await page.tap('.confirm-receipt');
    expect(fake.screen.toasts).toContain('微信还没有收到你的确认，请在确认收货页面完成确认');
    expect(backend.orders.get(order.orderId)!.status).toBe('SHIPPED');
    backend.confirmInWeChat(order.transactionId!);
    await page.lifecycle('onShow');
    expect(backend.orders.get(order.orderId)!.status).toBe('COMPLETED');
    expect(page.text('.status')).toBe('已完成');
  });

  it('closing WeChat’s window leaves the order shipped', async () => {
    const order = backend.seedShipped(BUYER);
    fake.user.receipt = 'cancel';
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    await page.tap('.confirm-receipt');
    expect(backend.orders.get(order.orderId)!.status).toBe('SHIPPED');
    expect(backend.served.filter((s) => s.action === 'confirmReceipt')).toHaveLength(0);
    expect(page.exists('.confirm-receipt')).toBe(true);
  });

  it('a shop outside WeChat’s shipping management confirms with the buyer’s tap alone', async () => {
    backend.shippingManaged = false;
    const order = backend.seedShipped(BUYER);
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    await page.tap('.confirm-receipt');
    expect(fake.screen.businessViews).toEqual([]);
    expect(backend.orders.get(order.orderId)!.status).toBe('COMPLETED');
  });

  it('the refund form says a shipped order is returned by agreement with the merchant', async () => {
    const order = backend.seedShipped(BUYER);
    const page = await renderPage('pages/order/refund-apply/index', { orderId: order.orderId });
    expect(page.text('.shipped-note')).toBe('商品已发出：退款前请先联系商家，按商家同意的方式寄回商品。');
  });
});

describe('the buyer’s order list', () => {
  it('has tabs for shipped (待收货) and completed orders', async () => {
    const shipped = backend.seedShipped(BUYER);
    backend.seedOrder(BUYER, { status: 'PAID' });
    const page = await renderPage('pages/order/order-list/index');
    await page.tap('.tab', 3);
    expect(page.text('.tab.active')).toBe('待收货');
    expect(page.texts('.order-no')).toEqual([`订单号 ${shipped.orderId}`]);
    // The card says what the buyer waits for, as its tab does.
    expect(page.texts('.status')).toEqual(['待收货']);
    await page.tap('.tab', 4);
    expect(page.text('.tab.active')).toBe('已完成');
    expect(page.exists('.order-no')).toBe(false);
  });
});

describe('the shipping message', () => {
  it('a paid order offers to be told when it ships; accepting grants one message', async () => {
    backend.templates = { ...backend.templates, orderShipped: 'tpl-shipped' };
    const order = backend.seedOrder(BUYER, { status: 'PAID' });
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    await page.tap('.subscribe-shipping');
    expect(fake.screen.subscriptionDialogs).toEqual([['tpl-shipped']]);
    expect(backend.grantsOf(BUYER)).toEqual({ 'tpl-shipped': 1 });
    expect(page.exists('.subscribe-shipping')).toBe(false);
  });

  it('is not offered when the shop has no such template', async () => {
    const order = backend.seedOrder(BUYER, { status: 'PAID' });
    const page = await renderPage('pages/order/order-detail/index', { orderId: order.orderId });
    expect(page.exists('.subscribe-shipping')).toBe(false);
  });
});

describe('deep links of the new messages', () => {
  const appPages = (JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] }).pages;
  const demoSettings = fs.readFileSync(path.resolve(MINIPROGRAM_ROOT, '../emulator/src/demo/settings.ts'), 'utf8');
  const pageOf = (templateId: string) => {
    const m = new RegExp(`templateId: '${templateId}',\\s*(?://[^\\n]*\\n\\s*)*page: '([^']+)'`).exec(demoSettings);
    if (!m) throw new Error(`no page for ${templateId} in the demo settings`);
    return m[1];
  };
  const open = (link: string, orderId: string) => {
    const [route, query] = link.replace('{orderId}', orderId).split('?');
    expect(appPages).toContain(route);
    return renderPage(route, Object.fromEntries(new URLSearchParams(query)));
  };

  it('the new-order message opens the order on the merchant’s ship page, with its actions', async () => {
    fake.user.openid = MERCHANT;
    const order = backend.seedOrder(BUYER, { status: 'PAID' });
    const page = await open(pageOf('LOCAL_TMPL_ORDER_PAID'), order.orderId);
    expect(page.text('.order-no')).toBe(`订单号 ${order.orderId}`);
    expect(page.exists('.ship-form')).toBe(true);
    expect(page.exists('.reprint')).toBe(true);
  });

  it('the shipped message opens the buyer’s order with its shipment', async () => {
    const order = backend.seedShipped(BUYER);
    const page = await open(pageOf('LOCAL_TMPL_ORDER_SHIPPED'), order.orderId);
    expect(page.text('.tracking-no')).toBe('SF1234567890');
    expect(page.exists('.confirm-receipt')).toBe(true);
  });
});
