// The cloudPay provider's normalisation: what each kind of WeChat answer (and non-answer) becomes. The API below
// answers like cloud.cloudPay does after wx-server-sdk's case conversion (errCode always 0).
import type { CloudPay } from '../../typings/wx-server-sdk';
import { createCloudPayProvider, cloudPayNotifications } from '../../src/providers/cloudpay';
import { ProviderError, ProviderOutcomeUnknown } from '../../src/providers/payment-provider';

const ok = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', errCode: 0 };
const fail = (errCodeDes: string) => ({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 0, errCodeDes });
type Answers = Partial<Record<keyof CloudPay.Api, () => Promise<unknown>>>;

function provider(answers: Answers) {
  const api = new Proxy({} as CloudPay.Api, {
    get: (_, name: string) => () => (answers[name as keyof CloudPay.Api] ?? (() => Promise.reject(new Error('not answered'))))(),
  });
  return createCloudPayProvider(api, { subMchId: '1900000109', envId: 'env', paymentNotifyFunction: 'payNotify', refundNotifyFunction: 'refundNotify', nonce: () => 'n' });
}

describe('queryPayment', () => {
  it.each([
    ['SUCCESS', 'PAID'],
    ['REFUND', 'PAID'],
    ['NOTPAY', 'NOT_PAID'],
    ['USERPAYING', 'PAYING'],
    ['CLOSED', 'CLOSED'],
    ['PAYERROR', 'FAILED'],
  ])('trade state %s is %s', async (tradeState, state) => {
    const p = provider({ queryOrder: async () => ({ ...ok, tradeState, outTradeNo: 'O1', totalFee: 100, subMchId: '1900000109', transactionId: 'T1', timeEnd: '20261122150514' }) });
    expect(await p.queryPayment('O1')).toEqual({ state, outTradeNo: 'O1', totalFee: 100, merchantId: '1900000109', transactionId: 'T1', paidAt: new Date('2026-11-22T07:05:14Z') });
  });

  it('an unknown order is NOT_FOUND, a failed query is a retryable error', async () => {
    expect((await provider({ queryOrder: async () => fail('此交易订单号不存在') }).queryPayment('O1')).state).toBe('NOT_FOUND');
    await expect(provider({ queryOrder: async () => Promise.reject({ errCode: -501001, errMsg: 'timeout' }) }).queryPayment('O1')).rejects.toEqual(
      expect.objectContaining({ retryable: true, code: 'NO_ANSWER' }),
    );
  });
});

describe('refund', () => {
  it.each([
    ['no answer at all (timeout after acting)', () => Promise.reject(new Error('socket hang up')), ProviderOutcomeUnknown, true],
    ['SYSTEMERROR', async () => fail('系统超时，请使用相同参数再次调用'), ProviderOutcomeUnknown, true],
    ['NOTENOUGH', async () => fail('基本账户余额不足，请充值后重新发起'), ProviderError, true],
    ['an unclassifiable failure: outcome unknown, repeated with the same number', async () => fail('前所未见'), ProviderOutcomeUnknown, true],
    ['a definite refusal', async () => fail('订单已经超过退款期限'), ProviderError, false],
    ['a refused call (return_code FAIL)', async () => ({ returnCode: 'FAIL', returnMsg: '签名错误' }), ProviderError, false],
  ])('%s', async (_, answer, type, retryable) => {
    const error = await provider({ refund: answer }).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 100, refundFee: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as ProviderError).retryable).toBe(retryable);
  });

  it('accepted', async () => {
    expect(await provider({ refund: async () => ({ ...ok, refundId: 'R-wx-1' }) }).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 100, refundFee: 1 })).toEqual({ providerRefundId: 'R-wx-1' });
  });
});

describe('queryRefund', () => {
  it.each([
    ['parallel lists', { ...ok, outRefundNoList: ['O1R1', 'O1R2'], refundStatusList: ['SUCCESS', 'PROCESSING'], refundFeeList: [100, 200], refundIdList: ['a', 'b'] }, 'O1R2', { state: 'PROCESSING', outRefundNo: 'O1R2', refundFee: 200, providerRefundId: 'b' }],
    ['indexed fields', { ...ok, refundCount: 1, outRefundNo_0: 'O1R1', refundStatus_0: 'REFUNDCLOSE', refundFee_0: '100' }, 'O1R1', { state: 'FAILED', outRefundNo: 'O1R1', refundFee: 100 }],
    ['not listed', { ...ok, outRefundNoList: ['O1R1'], refundStatusList: ['SUCCESS'] }, 'O1R9', { state: 'NOT_FOUND', outRefundNo: 'O1R9' }],
    ['abnormal (CHANGE): not a failure', { ...ok, outRefundNoList: ['O1R1'], refundStatusList: ['CHANGE'], refundFeeList: [100] }, 'O1R1', { state: 'ABNORMAL', outRefundNo: 'O1R1', refundFee: 100 }],
    ['unknown to WeChat', fail('退款单不存在'), 'O1R1', { state: 'NOT_FOUND', outRefundNo: 'O1R1' }],
  ])('%s', async (_, answer, no, expected) => {
    expect(await provider({ queryRefund: async () => answer }).queryRefund(no)).toEqual(expected);
  });
});

describe('closePayment', () => {
  it.each([
    [async () => ok, 'CLOSED'],
    [async () => fail('订单已支付，不能发起关单'), 'ALREADY_PAID'],
    [async () => fail('订单已关闭，无法重复关闭'), 'CLOSED'],
    [async () => fail('此交易订单号不存在'), 'CLOSED'],
  ])('%#', async (answer, expected) => expect(await provider({ closeOrder: answer }).closePayment('O1')).toBe(expected));
});

describe('createPayment', () => {
  it('fits the description into WeChat Pay’s 128 bytes without splitting a character', async () => {
    let sent: CloudPay.UnifiedOrderRequest | undefined;
    const api = { unifiedOrder: async (r: CloudPay.UnifiedOrderRequest) => ((sent = r), { ...ok, payment: { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=x', signType: 'MD5', paySign: 's' } }) } as unknown as CloudPay.Api;
    const p = createCloudPayProvider(api, { subMchId: '1900000109', envId: 'env', paymentNotifyFunction: 'payNotify', refundNotifyFunction: 'refundNotify', nonce: () => 'n' });
    const result = await p.createPayment({ outTradeNo: 'O1', totalFee: 1, description: '茶'.repeat(100), payerOpenid: 'b', clientIp: '127.0.0.1' });
    expect(result.payment.package).toBe('prepay_id=x');
    expect(Buffer.byteLength(sent?.body ?? '', 'utf8')).toBeLessThanOrEqual(128);
    expect(sent?.body).toBe('茶'.repeat(42));
    expect(sent?.functionName).toBe('payNotify');
  });

  it('refuses an answer without a payment object', async () => {
    await expect(provider({ unifiedOrder: async () => ok }).createPayment({ outTradeNo: 'O1', totalFee: 1, description: 'x', payerOpenid: 'b', clientIp: '127.0.0.1' })).rejects.toBeInstanceOf(ProviderError);
  });
});

describe('notifications', () => {
  const event = (e: Record<string, unknown>) => ({ transport: 'event' as const, event: e });
  it.each([
    [{ outTradeNo: 'O1', totalFee: 1 }, { kind: 'payment', outTradeNo: 'O1' }],
    [{ out_trade_no: 'O2' }, { kind: 'payment', outTradeNo: 'O2' }],
    [{ outTradeNo: '../../etc' }, { kind: 'refused', reason: 'no readable outTradeNo' }],
    [{ outTradeNo: 7 }, { kind: 'refused', reason: 'no readable outTradeNo' }],
  ])('payment callback %j reads as %j', async (e, reading) => expect(await cloudPayNotifications.read(event(e), 'payment')).toEqual(reading));

  it('reads the refund number of a refund callback', async () => {
    expect(await cloudPayNotifications.read(event({ outRefundNo: 'O1R1' }), 'refund')).toEqual({ kind: 'refund', outRefundNo: 'O1R1' });
  });

  it('refuses an HTTP request: cloudPay never calls over HTTP', async () => {
    const http = { transport: 'http' as const, method: 'POST', path: '/payNotify', headers: {}, body: Buffer.from('{"outTradeNo":"O1"}') };
    expect(await cloudPayNotifications.read(http, 'payment')).toEqual({ kind: 'refused', reason: expect.stringContaining('not over HTTP') });
  });

  it('answers in cloudPay’s protocol', () => {
    expect(cloudPayNotifications.answer({ kind: 'handled' })).toEqual({ errcode: 0, errmsg: 'OK' });
    expect(cloudPayNotifications.answer({ kind: 'refused', reason: 'x' })).toEqual({ errcode: 0, errmsg: 'OK' });
    expect(cloudPayNotifications.answer({ kind: 'retry', reason: 'db down' })).toEqual({ errcode: 1, errmsg: 'db down' });
  });
});
