// The preview's cashier works whichever way the shop takes WeChat Pay: with APIv2 (signed XML) and APIv3 (signed
// JSON, encrypted notifies) the page's wx.requestPayment finds the trade by its prepay_id, pays it in the sandbox,
// and the order the buyer then sees is paid, as WeChat Pay recorded it under that protocol.
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
});
