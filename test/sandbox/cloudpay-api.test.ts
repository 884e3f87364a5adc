// The five cloudPay APIs through the unmodified wx-server-sdk, with WeChat Pay's rules and errors.
import { BUYER, cloudPay, control, newTradeNo, orderData, placeOrder, prepareReceiver, refundData, startHarness, SUB_MCH_ID, type Harness } from './support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await prepareReceiver(h.sdk);
});
afterAll(async () => {
  await h?.cloud.close();
});
afterEach(async () => {
  await control.post(h, '/sandbox/reset');
});

const complete = (outTradeNo: string, body: Record<string, unknown> = {}) => control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true, ...body });

describe('unifiedOrder', () => {
  it('creates an unpaid trade and answers the payment object for wx.requestPayment', async () => {
    const { outTradeNo, answer } = await placeOrder(h.sdk);
    expect(answer).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', subMchId: SUB_MCH_ID, tradeType: 'JSAPI', errMsg: 'cloudPay.unifiedOrder:ok' });
    const payment = answer.payment as Record<string, string>;
    expect(Object.keys(payment).sort()).toEqual(['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
    expect(payment.package).toBe(`prepay_id=${String(answer.prepayId)}`);
    expect(Number(payment.timeStamp)).toBeCloseTo(Date.now() / 1000, -1);

    const query = await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect(query).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'NOTPAY', totalFee: 2400, outTradeNo });
    expect(query.transactionId).toBeUndefined();
  });

  it('answers a repeated order with the same prepay id, so a buyer can pay again', async () => {
    const outTradeNo = newTradeNo();
    const first = await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo));
    const again = await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo, { nonceStr: 'other' }));
    expect(again.resultCode).toBe('SUCCESS');
    expect(again.prepayId).toBe(first.prepayId);
  });

  it('refuses the same out_trade_no with another amount (OUT_TRADE_NO_USED)', async () => {
    const outTradeNo = newTradeNo();
    await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo));
    const again = await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo, { totalFee: 1 }));
    expect(again).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: expect.stringContaining('商户订单号重复') });
    // The SDK overwrites WeChat's err_code with its own errCode 0: callers must read resultCode and errCodeDes.
    expect(again.errCode).toBe(0);
  });

  it.each([
    ['a float amount', { totalFee: 24.5 }, 'total_fee'],
    ['an amount as a string', { totalFee: '2400' }, 'total_fee'],
    ['a zero amount', { totalFee: 0 }, 'total_fee'],
    ['no out_trade_no', { outTradeNo: undefined }, 'out_trade_no'],
    ['an out_trade_no of 33 characters', { outTradeNo: 'x'.repeat(33) }, 'out_trade_no'],
    ['no callback function', { functionName: undefined }, 'function_name'],
    ['no sub-merchant', { subMchId: undefined }, 'sub_mch_id'],
    ['no description', { body: undefined }, 'body'],
  ])('refuses %s, naming the field', async (_name, over, field) => {
    const answer = await cloudPay(h.sdk, 'unifiedOrder', orderData(newTradeNo(), over));
    expect(answer.resultCode).toBe('FAIL');
    expect(answer.errCodeDes).toContain(field);
  });

  it('refuses to order again once paid (ORDERPAID)', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await complete(outTradeNo);
    expect(await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo))).toMatchObject({ resultCode: 'FAIL', errCodeDes: '该订单已支付' });
  });
});

describe('queryOrder', () => {
  it('reports a paid trade with its transaction, by out_trade_no or transaction_id', async () => {
    const { outTradeNo } = await placeOrder(h.sdk, { attach: 'shop-1' });
    await complete(outTradeNo);
    const byNo = await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect(byNo).toMatchObject({ tradeState: 'SUCCESS', totalFee: 2400, cashFee: 2400, subOpenid: BUYER, attach: 'shop-1', timeEnd: expect.stringMatching(/^\d{14}$/) });
    expect(byNo.transactionId).toMatch(/^4200\d{24}$/);
    const byTx = await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, transactionId: byNo.transactionId, nonceStr: 'n' });
    expect(byTx.outTradeNo).toBe(outTradeNo);
  });

  it("answers ORDERNOTEXIST for an unknown trade and for another merchant's", async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    const unknown = await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: 'nope', nonceStr: 'n' });
    expect(unknown).toMatchObject({ resultCode: 'FAIL', errCodeDes: '此交易订单号不存在' });
    const other = await cloudPay(h.sdk, 'queryOrder', { subMchId: '1900000999', outTradeNo, nonceStr: 'n' });
    expect(other.resultCode).toBe('FAIL');
  });
});

describe('closeOrder', () => {
  // The test cloud runs at timeScale 0.001: WeChat's five minutes are 300 ms here.
  it('refuses in the first five minutes, then closes; a closed trade cannot be paid or re-ordered', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    const early = await cloudPay(h.sdk, 'closeOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect(early).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('5分钟') });
    await new Promise((r) => setTimeout(r, 320));
    expect(await cloudPay(h.sdk, 'closeOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ resultCode: 'SUCCESS' });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'CLOSED' });
    expect(await cloudPay(h.sdk, 'closeOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('已关闭') });
    expect(await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo))).toMatchObject({ resultCode: 'FAIL', errCodeDes: '该订单已关闭' });
    const pay = await complete(outTradeNo);
    expect(pay).toMatchObject({ status: 409, body: { code: 'ORDER_CLOSED' } });
  });

  it('answers ORDERPAID for a paid trade, so the merchant learns it was paid after all', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await complete(outTradeNo);
    const answer = await cloudPay(h.sdk, 'closeOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect(answer).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('已支付') });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'SUCCESS' });
  });
});

describe('refund and queryRefund', () => {
  async function paidOrder(): Promise<string> {
    const { outTradeNo } = await placeOrder(h.sdk);
    await complete(outTradeNo);
    return outTradeNo;
  }

  it('refunds in parts up to what was paid, and never more', async () => {
    const no = await paidOrder();
    const first = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 1000, { functionName: undefined }));
    expect(first).toMatchObject({ resultCode: 'SUCCESS', outRefundNo: `${no}R1`, refundFee: 1000, totalFee: 2400 });
    expect(first.refundId).toMatch(/^503\d{26}$/);
    const over = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R2`, 1401, { functionName: undefined }));
    expect(over).toMatchObject({ resultCode: 'FAIL', errCodeDes: '申请退款金额超过订单可退金额' });
    expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R3`, 1400, { functionName: undefined }))).toMatchObject({ resultCode: 'SUCCESS' });
    const listed = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' });
    expect(listed).toMatchObject({ resultCode: 'SUCCESS', totalRefundCount: 2, outRefundNoList: [`${no}R1`, `${no}R3`], refundFeeList: [1000, 1400], refundStatusList: ['SUCCESS', 'SUCCESS'] });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ tradeState: 'REFUND' });
  });

  it('never refunds one out_refund_no twice: a retry answers the same refund, other amounts are refused', async () => {
    const no = await paidOrder();
    const first = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500));
    const retry = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500));
    expect(retry).toMatchObject({ resultCode: 'SUCCESS', refundId: first.refundId });
    const changed = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 600));
    expect(changed.resultCode).toBe('FAIL');
    const listed = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' });
    expect(listed.totalRefundCount).toBe(1);
  });

  it('lets only one of two concurrent refunds through when together they exceed the payment', async () => {
    const no = await paidOrder();
    const answers = await Promise.all([cloudPay(h.sdk, 'refund', refundData(no, `${no}A`, 2000)), cloudPay(h.sdk, 'refund', refundData(no, `${no}B`, 2000))]);
    expect(answers.map((a) => a.resultCode).sort()).toEqual(['FAIL', 'SUCCESS']);
  });

  it('refuses refunds of unpaid and unknown trades, and a total_fee that is not what was paid', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    expect(await cloudPay(h.sdk, 'refund', refundData(outTradeNo, `${outTradeNo}R1`, 100))).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('未支付') });
    expect(await cloudPay(h.sdk, 'refund', refundData('missing', 'missingR1', 100))).toMatchObject({ resultCode: 'FAIL' });
    const no = await paidOrder();
    expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 100, { totalFee: 2399 }))).toMatchObject({ resultCode: 'FAIL' });
    expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 1.5))).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('refund_fee') });
  });

  it('allows at most 50 refunds per trade', async () => {
    const no = await paidOrder();
    for (let i = 1; i <= 50; i++) {
      const a = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R${i}`, 1, { functionName: undefined }));
      expect(a.resultCode).toBe('SUCCESS');
    }
    const fiftyFirst = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R51`, 1, { functionName: undefined }));
    expect(fiftyFirst).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('50') });
    const page = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n', offset: 40 });
    expect(page).toMatchObject({ totalRefundCount: 50, refundCount: 10 });
    expect((page.outRefundNoList as string[])[0]).toBe(`${no}R41`);
  });

  it('keeps refunds PROCESSING while auto-settle is off; a closed refund frees its amount again', async () => {
    await control.post(h, '/sandbox/config', { autoSettleRefunds: false });
    const no = await paidOrder();
    await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 2400, { functionName: undefined }));
    const pending = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outRefundNo: `${no}R1`, nonceStr: 'n' });
    expect(pending.refundStatusList).toEqual(['PROCESSING']);
    expect((await control.post(h, `/sandbox/refunds/${no}R1/settle`, { status: 'REFUNDCLOSE' })).body).toMatchObject({ refundStatus: 'REFUNDCLOSE' });
    expect((await control.post(h, `/sandbox/refunds/${no}R1/settle`, { status: 'SUCCESS' })).status).toBe(409);
    const closed = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outRefundNo: `${no}R1`, nonceStr: 'n' });
    expect(closed).toMatchObject({ refundStatusList: ['REFUNDCLOSE'], refundSuccessTimeList: [''] });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ tradeState: 'SUCCESS' });
    expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R2`, 2400, { functionName: undefined }))).toMatchObject({ resultCode: 'SUCCESS' });
  });

  it('answers REFUNDNOTEXIST for an unknown refund', async () => {
    const answer = await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outRefundNo: 'nothing', nonceStr: 'n' });
    expect(answer).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('退款订单查询失败') });
  });
});
