// The merchant ships an order in the browser preview and the buyer confirms receipt in WeChat's own window:
// the desk lists the paid order, the ship page shows the buyer's address, the express company comes from the
// picker and the tracking number from the scanner; WeChat's shipping-info service and the database must agree.
import { Phone, browserAvailable } from './phone';
import { previewSession, storedOrder } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

run('shipping in the browser preview', () => {
  const session = previewSession({ demo: true });

  it('the merchant ships a paid order by express with a scanned number, and the buyer confirms receipt', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    await phone.useAddress();
    await phone.payInCashier();
    await phone.see('.status', '已付款');
    const orderNo = (await phone.text('.order-no')).replace(/^订单号\s*/, '');

    // The merchant's desk lists it; its ship page says where it goes.
    await phone.holdAs('demo-merchant');
    await phone.tap('.desk-entry', '订单发货');
    await phone.waitForTitle('订单发货');
    await phone.tap('.desk-row', orderNo);
    await phone.see('.address-who', '陈小明 13912345678');
    await phone.see('.address-where', '广东省广州市海珠区新港中路397号');

    // Without a company and number the form says what is missing, and nothing is shipped.
    await phone.tap('.submit', '确认发货');
    await phone.see('.company-error', '请选择快递公司');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('PAID');

    await phone.tap('.company-picker');
    await phone.pick('顺丰速运');
    await phone.see('.company-value', '顺丰速运');
    await phone.tap('.scan', '扫码');
    const scanned = await phone.scan();
    expect(scanned).toMatch(/^SF\d{13}$/);
    await phone.tap('.submit', '确认发货');
    // WeChat allows one correction: the page repeats what goes to WeChat and asks first.
    expect(await phone.confirmModal()).toContain(scanned);
    await phone.see('.status', '已发货');
    await phone.see('.tracking-no', scanned);

    expect(storedOrder(session.cloud, orderNo)).toEqual(expect.objectContaining({ status: 'SHIPPED', shipping: expect.objectContaining({ logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: scanned }) }));
    const wechat = (await (await fetch(`${session.cloud.url}/sandbox/shipping/${orderNo}`)).json()) as { orderState: number; shippingList: Array<{ tracking_no?: string; express_company?: string }> };
    expect(wechat.orderState).toBe(2);
    expect(wechat.shippingList[0]).toEqual(expect.objectContaining({ tracking_no: scanned, express_company: 'SF' }));

    // The buyer confirms receipt in WeChat's window; WeChat and the order both say so.
    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.tap('.order-card', '冻顶乌龙茶');
    await phone.see('.status', '已发货');
    await phone.tap('.confirm-receipt', '确认收货');
    await phone.confirmReceipt();
    await phone.see('.status', '已完成');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('COMPLETED');
    expect(((await (await fetch(`${session.cloud.url}/sandbox/shipping/${orderNo}`)).json()) as { orderState: number }).orderState).toBe(3);
    await phone.close();
  });
});
