// Faults injected through POST /sandbox/faults, seen through the real SDK and from inside a function.
import { cloudPay, control, placeOrder, refundData, startHarness, SUB_MCH_ID, type Harness } from './support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cloud.close();
});
afterEach(async () => {
  await control.post(h, '/sandbox/reset');
});

async function paidOrder(): Promise<string> {
  const { outTradeNo } = await placeOrder(h.sdk);
  await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true });
  return outTradeNo;
}

const noCallback = { functionName: undefined };

it('SYSTEMERROR: WeChat answers a system error and does nothing, for the next N calls only', async () => {
  const no = await paidOrder();
  expect((await control.post(h, '/sandbox/faults', { api: 'refund', count: 2, mode: 'SYSTEMERROR' })).status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const answer = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback));
    expect(answer).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: expect.stringContaining('系统超时') });
  }
  expect((await control.post(h, `/sandbox/refunds/${no}R1/settle`)).status).toBe(404);
  expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback))).toMatchObject({ resultCode: 'SUCCESS' });
});

it('TIMEOUT_AFTER_ACTING: the refund happens, the caller hears nothing; retrying the same out_refund_no does not refund twice', async () => {
  const no = await paidOrder();
  await control.post(h, '/sandbox/faults', { api: 'refund', mode: 'TIMEOUT_AFTER_ACTING' });
  await expect(cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback))).rejects.toMatchObject({ errMsg: expect.stringContaining('504') });
  expect(await control.get(h, `/sandbox/refunds/${no}R1`)).toMatchObject({ refundStatus: 'SUCCESS', refundFee: 500 });
  const retry = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback));
  expect(retry).toMatchObject({ resultCode: 'SUCCESS', outRefundNo: `${no}R1` });
  expect(await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ totalRefundCount: 1, refundFeeList: [500] });
});

it('TIMEOUT_AFTER_ACTING on unifiedOrder and closeOrder: the trade exists, or is closed, though the call failed', async () => {
  await control.post(h, '/sandbox/faults', { api: 'unifiedOrder', mode: 'TIMEOUT_AFTER_ACTING' });
  const failed = await placeOrder(h.sdk).catch((err: unknown) => err);
  expect(failed).toMatchObject({ errCode: -501001, errMsg: expect.stringContaining('504 Gateway Timeout') });
  const listed = await control.get<{ payments: Array<{ outTradeNo: string; tradeState: string }> }>(h, '/sandbox/payments');
  expect(listed.payments).toHaveLength(1);
  const outTradeNo = listed.payments[0].outTradeNo;
  expect(listed.payments[0].tradeState).toBe('NOTPAY');

  await new Promise((r) => setTimeout(r, 320)); // past the (scaled) five minutes
  await control.post(h, '/sandbox/faults', { api: 'closeOrder', mode: 'TIMEOUT_AFTER_ACTING' });
  await expect(cloudPay(h.sdk, 'closeOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).rejects.toMatchObject({ errCode: -501001 });
  expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'CLOSED' });
});

it('a function calling refund sees a failure while the provider refunded (what payment code must survive)', async () => {
  const no = await paidOrder();
  await control.post(h, '/sandbox/faults', { api: 'refund', mode: 'TIMEOUT_AFTER_ACTING' });
  const outcome = await h.cloud.runner.invoke({ name: 'sandbox-merchant', event: { pay: 'refund', data: refundData(no, `${no}R1`, 2400, noCallback) }, source: 'wx_client', openid: 'oMerchant' });
  expect(outcome).toMatchObject({ ok: true, result: { ok: false, errCode: -501001, errMsg: expect.stringContaining('504') } });
  expect(await control.get(h, `/sandbox/refunds/${no}R1`)).toMatchObject({ refundStatus: 'SUCCESS' });
});

it('NOTENOUGH: the merchant balance cannot cover the refund, nothing changes', async () => {
  const no = await paidOrder();
  await control.post(h, '/sandbox/faults', { api: 'refund', mode: 'NOTENOUGH' });
  expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback))).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('余额不足') });
  expect((await control.get<{ refunds: unknown[] }>(h, `/sandbox/payments/${no}`)).refunds).toEqual([]);
});

it('FREQUENCY_LIMITED (any API) and USER_ACCOUNT_ABNORMAL (refunds): WeChat says no, nothing changes', async () => {
  const no = await paidOrder();
  await control.post(h, '/sandbox/faults', { api: 'queryOrder', mode: 'FREQUENCY_LIMITED' });
  expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('频率') });
  await control.post(h, '/sandbox/faults', { api: 'refund', mode: 'USER_ACCOUNT_ABNORMAL' });
  expect(await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 500, noCallback))).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('用户账户异常') });
  expect((await control.get<{ refunds: unknown[] }>(h, `/sandbox/payments/${no}`)).refunds).toEqual([]);
});

it('faults apply to the named API only, queue in order, and are cleared by a reset', async () => {
  const no = await paidOrder();
  await control.post(h, '/sandbox/faults', { api: 'queryOrder', mode: 'SYSTEMERROR', count: 5 });
  expect(await cloudPay(h.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('退款订单') });
  expect(await control.get(h, '/sandbox/faults')).toEqual({ faults: [{ api: 'queryOrder', mode: 'SYSTEMERROR', remaining: 5 }] });
  expect((await control.post(h, '/sandbox/faults', { reset: true })).body).toEqual({ faults: [] });
  expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: no, nonceStr: 'n' })).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'SUCCESS' });
});

it.each([
  [{ api: 'pay', mode: 'SYSTEMERROR' }, '"api"'],
  [{ api: 'refund', mode: 'EXPLODE' }, '"mode"'],
  [{ api: 'queryOrder', mode: 'NOTENOUGH' }, 'refund fault'],
  [{ api: 'closeOrder', mode: 'USER_ACCOUNT_ABNORMAL' }, 'refund fault'],
  [{ api: 'refund', mode: 'SYSTEMERROR', count: 0 }, '"count"'],
  [{ api: 'refund', mode: 'SYSTEMERROR', count: 1.5 }, '"count"'],
])('refuses a bad fault %j', async (body, message) => {
  const res = await control.post<{ code: string; message: string }>(h, '/sandbox/faults', body);
  expect(res.status).toBe(400);
  expect(res.body.message).toContain(message);
});

it('TAMPERED: the answer says what the patch says, for the next N calls; bad patches are refused and arm nothing', async () => {
  const { outTradeNo } = await placeOrder(h.sdk);
  for (const bad of [undefined, {}, { return_code: 'FAIL' }, { total_fee: { $gt: 0 } }, ['x']]) {
    const refused = await control.post(h, '/sandbox/faults', { api: 'queryOrder', mode: 'TAMPERED', patch: bad });
    expect(refused.status).toBe(400);
  }
  expect((await control.post(h, '/sandbox/faults', { api: 'queryOrder', mode: 'SYSTEMERROR', patch: { a: 1 } })).status).toBe(400);
  expect(await control.get(h, '/sandbox/faults')).toEqual({ faults: [] });

  await control.post(h, '/sandbox/faults', { api: 'queryOrder', mode: 'TAMPERED', patch: { sub_mch_id: '1900000999', total_fee: 1 } });
  const query = { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n1' };
  expect(await cloudPay(h.sdk, 'queryOrder', query)).toMatchObject({ resultCode: 'SUCCESS', subMchId: '1900000999', totalFee: 1, outTradeNo });
  const honest = await cloudPay(h.sdk, 'queryOrder', query);
  expect(honest).toMatchObject({ subMchId: SUB_MCH_ID, outTradeNo });
  expect(honest.totalFee).not.toBe(1);
});
