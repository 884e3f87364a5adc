// The preview's cashier works whichever way the shop takes WeChat Pay: with APIv2 (signed XML) and APIv3 (signed
// JSON, encrypted notifies) the page's wx.requestPayment finds the trade by its prepay_id, pays it in the sandbox,
// and the order the buyer then sees is paid, as WeChat Pay recorded it under that protocol; a refund asked for and
// approved on the pages is followed to WeChat Pay's result under that protocol too.
import { Phone, browserAvailable } from './phone';
import { previewSession, storedOrder } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

run.each(['v2', 'v3'] as const)('the preview with --pay %s', (pay) => {
  const session = previewSession({ demo: true, pay });

  it('buys and pays in the cashier; the order is paid and WeChat Pay holds the trade under that protocol', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    await phone.useAddress();
    expect(await phone.payInCashier()).toBe('¥68.00');
    await phone.see('.status', '已付款');
    const orderNo = (await phone.text('.order-no')).replace(/^订单号\s*/, '');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('PAID');
    const trades = (await (await fetch(`${session.cloud.url}/sandbox/payments?limit=50`)).json()) as { payments: Array<{ outTradeNo: string; protocol?: string; tradeState: string }> };
    expect(trades.payments.find((t) => t.outTradeNo === orderNo)).toEqual(expect.objectContaining({ protocol: pay, tradeState: 'SUCCESS' }));
    await phone.close();
  });

  it('a refund: the amount confirmed before message permission on both sides, and the review page follows it to WeChat Pay’s result', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    const address = phone.page.locator('.wx-address');
    await phone.page.locator('.wx-address, .wx-cashier').first().waitFor();
    if (await address.isVisible()) await phone.useAddress();
    await phone.payInCashier();
    await phone.see('.status', '已付款');
    const orderNo = (await phone.text('.order-no')).replace(/^订单号\s*/, '');
    await phone.tap('.refund', '申请退款');
    await phone.waitForTitle('申请退款');
    await phone.tap('.reason', '不想要了');
    await phone.type('.note-input', `协议 ${pay}`);
    await phone.tap('.submit', '提交申请');
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(true);
    await phone.see('.submitted-title', '退款申请已提交');

    await phone.holdAs('demo-merchant');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.tap('.refund-row', `协议 ${pay}`);
    await phone.tap('.approve', '同意退款');
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(false);
    // Nobody asks WeChat Pay by hand: the page reads the refund again until its result is in.
    await phone.see('.status', '退款成功');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('REFUNDED');
    await phone.close();
  });
});
