// 退货退款 end to end in the browser preview, as the two people would do it: the buyer asks to return a shipped
// order, the merchant agrees, the buyer sends the parcel back with a scanned tracking number, the merchant confirms
// it, and the money goes back. Each step is checked against what the database holds.
import { Phone, browserAvailable } from './phone';
import { previewSession, storedOrder } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

interface StoredRefund {
  _id: string;
  orderId: string;
  status: string;
  type?: string;
  returnShipping?: { expressCompany: string; trackingNo: string };
}

run('after-sales in the browser preview', () => {
  const session = previewSession({ demo: true });
  const refundOf = (orderId: string) => (session.cloud.db.list('refunds', { limit: 1000 }).documents as StoredRefund[]).find((r) => r.orderId === orderId);

  it('return and refund: apply → the merchant agrees → the buyer sends the parcel → the merchant confirms → refunded', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    await phone.useAddress();
    await phone.payInCashier();
    await phone.see('.status', '已付款');
    const orderNo = (await phone.text('.order-no')).replace(/^订单号\s*/, '');

    // The merchant ships it (pick-up: no parcel needed for this test).
    await phone.holdAs('demo-merchant');
    await phone.tap('.desk-entry', '订单发货');
    await phone.tap('.desk-row', orderNo);
    await phone.tap('.option', '到店自提');
    await phone.tap('.submit', '确认发货');
    await phone.confirmModal();
    await phone.see('.status', '已发货');

    // The buyer asks to send it back.
    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.tap('.order-card .after-sale', '申请售后');
    await phone.waitForTitle('申请售后');
    await phone.tap('.type-return', '退货退款');
    await phone.tap('.receipt-received', '已收到货');
    await phone.tap('.reason', '质量问题');
    await phone.tap('.submit', '提交申请');
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(true);
    await phone.see('.submitted-title', '售后申请已提交');
    expect(refundOf(orderNo)).toEqual(expect.objectContaining({ status: 'REQUESTED', type: 'RETURN_AND_REFUND' }));
    await phone.tap('.view-aftersale', '查看售后进度');
    await phone.waitForTitle('售后详情');
    await phone.see('.step-current', '商家处理');

    // The merchant agrees from the after-sale queue: the amount first, then message permission.
    await phone.holdAs('demo-merchant');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.tap('.refund-row', '退货退款');
    await phone.see('.type', '退货退款 · 买家已收到货');
    await phone.tap('.approve', '同意退货');
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(false);
    await phone.see('.status', '待买家退货');
    expect(refundOf(orderNo)?.status).toBe('AWAITING_RETURN');

    // The buyer sees the address and sends the parcel: company from the picker, number from the scanner.
    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.tap('.order-card', orderNo);
    await phone.tap('.refund-entry', '待买家退货');
    await phone.waitForTitle('售后详情');
    await phone.see('.address-who', '本地演示小店 售后');
    await phone.tap('.company-picker');
    await phone.pick('中通快递');
    await phone.tap('.scan', '扫码');
    const scanned = await phone.scan('73123456789012');
    await phone.tap('.send-return', '提交退货物流');
    expect(await phone.confirmModal()).toContain(`中通快递 ${scanned}`);
    await phone.answerSubscription(true);
    await phone.see('.status', '待商家确认收货');
    expect(refundOf(orderNo)).toEqual(expect.objectContaining({ status: 'RETURN_SHIPPED', returnShipping: expect.objectContaining({ expressCompany: 'ZTO', trackingNo: scanned }) }));

    // The merchant checks the parcel under 待确认收货 and confirms it; the page follows the refund to its end.
    await phone.holdAs('demo-merchant');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.tap('.tab', '待确认收货');
    await phone.tap('.refund-row', '退货退款');
    await phone.see('.return-tracking', scanned);
    await phone.tap('.approve', '确认收货并退款');
    expect(await phone.confirmModal()).toContain('¥68.00');
    await phone.answerSubscription(false);
    await phone.see('.status', '退款成功');
    expect(refundOf(orderNo)?.status).toBe('SUCCEEDED');
    expect(storedOrder(session.cloud, orderNo)?.status).toBe('REFUNDED');
    await phone.close();
  });
});
