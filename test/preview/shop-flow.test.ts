// A buyer and the merchant use the real pages in a real browser through /preview, backed by a real local cloud:
// buy, pay in the cashier, ask for a refund, hand the phone to the merchant, approve, and the buyer sees the
// order refunded. What the pages show is checked against what the database and the WeChat Pay sandbox hold.
import { Phone, browserAvailable } from './phone';
import { previewSession, storedOrder } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

run('the shop in the browser preview', () => {
  const session = previewSession({ demo: true });

  it('buy, pay, ask for a refund, the merchant approves, the buyer sees it refunded', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.waitForTitle('小店');
    await phone.see('.product-name', '冻顶乌龙茶');

    // Buy one tin of the first tea and pay in WeChat's cashier.
    await phone.tap('.product .plus');
    await phone.see('.quantity', '1');
    await phone.tap('.buy', '购买');
    // The first purchase asks where the goods go (wx.chooseAddress); the order keeps that address.
    expect(await phone.useAddress()).toContain('陈小明');
    expect(await phone.payInCashier()).toBe('¥68.00');
    await phone.waitForTitle('订单详情');
    await phone.see('.status', '已付款');
    const orderNo = (await phone.text('.order-no')).replace(/^订单号\s*/, '');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('PAID');
    const stored = (session.cloud.db.list('orders', { limit: 1000 }).documents as { _id: string; address?: { userName?: string } }[]).find((o) => o._id === orderNo);
    expect(stored?.address?.userName).toBe('陈小明');

    // Ask for the whole amount back.
    await phone.tap('.refund', '申请退款');
    await phone.waitForTitle('申请退款');
    await phone.tap('.reason', '不想要了');
    await phone.type('.note-input', '买错了规格');
    await phone.tap('.submit', '提交申请');
    // Money before permissions: the amount is confirmed, then WeChat asks about the result message.
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(true);
    await phone.see('.submitted-title', '退款申请已提交');

    // The merchant picks up the phone, finds the request in the queue and approves it.
    await phone.holdAs('demo-merchant');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.waitForTitle('退款审核');
    // The queue says what was bought and who asked, by the receiver's name on the order.
    const row = phone.screen.locator('.refund-row', { hasText: '买错了规格' });
    expect(await row.locator('.row-title').innerText()).toContain('冻顶乌龙茶');
    expect(await row.locator('.row-buyer').innerText()).toBe('买家 陈小明');
    await phone.tap('.refund-row', '买错了规格');
    await phone.see('.amount', '¥68.00');
    await phone.see('.buyer', '买家 陈小明');
    await phone.tap('.approve', '同意退款');
    // The amount first; then WeChat asks about messages from that confirmation; the merchant declines, the
    // decision goes on, and the page follows the refund until WeChat Pay's result without being asked.
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(false);
    await phone.see('.status', '退款成功');

    // Back with the buyer: the order list and the order say refunded.
    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.see('.order-card .status', '已退款');
    await phone.tap('.order-card', '冻顶乌龙茶');
    await phone.see('.status', '已退款');
    await phone.see('.refunded', '¥68.00');

    expect(storedOrder(session.cloud, orderNo)?.status).toBe('REFUNDED');
    await phone.close();
  });

  it('closing the cashier keeps the order to pay later, and the back button returns to the shop', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer-2');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    await phone.useAddress();
    await phone.page.locator('.wx-cashier .wx-sheet-close').click();
    expect(await phone.toast()).toContain('订单已保留');
    await phone.waitForTitle('订单详情');
    await phone.see('.status', '待付款');
    await phone.back();
    await phone.waitForTitle('小店');
    await phone.see('.quantity', '0');
    await phone.close();
  });

  it('a buyer who opens the merchant queue from a link is told why, with no retry that cannot help', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.page.goto(`${session.cloud.url}/preview?as=demo-buyer&page=pages/merchant/refund-queue/index`);
    await phone.page.locator('body[data-ready="true"]').waitFor();
    await phone.waitForTitle('退款审核');
    await phone.see('[class*="error-message"]', '仅商家可以查看退款申请');
    expect(await phone.screen.locator('[class*="retry"]').count()).toBe(0);
    await phone.close();
  });

  it('the local cloud UI lists the messages sent, and a message’s link opens that page in the preview as its recipient', async () => {
    const ui = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await ui.goto(`${session.cloud.url}/`);
    await ui.locator('#tabs button[data-tab="messages"]').click();
    const link = ui.locator('#messages a', { hasText: 'pages/merchant/refund-detail/index' }).first();
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toContain('as=demo-merchant');
    await ui.locator('#tabs button[data-tab="requests"]').click();
    await ui.locator('#requests td', { hasText: 'invoke: "auth != null" → allowed' }).first().waitFor();
    // WeChat Pay's trades with their protocol, and the tickets the printer printed for the paid orders.
    await ui.locator('#tabs button[data-tab="pay"]').click();
    await ui.locator('#payments tr', { hasText: 'cloudpay' }).filter({ hasText: 'REFUND' }).first().waitFor();
    await ui.locator('#tabs button[data-tab="shipping"]').click();
    await ui.locator('#printer pre', { hasText: '冻顶乌龙茶' }).first().waitFor();
    await ui.close();

    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-merchant');
    await phone.page.goto(`${session.cloud.url}${href}`);
    await phone.page.locator('body[data-ready="true"]').waitFor();
    await phone.waitForTitle('处理退款');
    await phone.see('.amount', '¥68.00');
    await phone.close();
  });
});
