// Reading APIv3 notifies and answers without a network: fixed keys, messages built the way WeChat Pay builds them.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ProviderError, ProviderOutcomeUnknown, type IncomingNotify } from '../../src/providers/payment-provider';
import { encryptResource } from '../../src/providers/wechatpay-v3/aead';
import { answerMessage, parseAuthorization, requestMessage } from '../../src/providers/wechatpay-v3/formatter';
import { VerifierKeys } from '../../src/providers/wechatpay-v3/keys';
import { readV3Notify, v3Answer } from '../../src/providers/wechatpay-v3/notifications';
import { createWechatPayV3Provider, type V3Request, type V3Response } from '../../src/providers/wechatpay-v3/provider';
import { signRsa, verifyRsa } from '../../src/providers/wechatpay-v3/rsa';
import * as f from './wechatpay-v3-fixtures';

const MCHID = '1900000109';
const APPID = 'wx2421b1c4370ec43b';
const V3_KEY = '0123456789abcdefABCDEF0123456789';
const NOW = new Date('2026-12-01T08:00:00Z');
const wechatpayKey = createPrivateKey(f.wechatpayPrivateKey);
const keys = VerifierKeys.from({ publicKey: { id: f.PUBLIC_KEY_ID, pem: f.wechatpayPublicKey } });
const config = { mchid: MCHID, appid: APPID, apiV3Key: V3_KEY, verifierKeys: keys, now: () => NOW };

function signedHeaders(body: Buffer, at = NOW, key = wechatpayKey): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': 'n0nce',
    'wechatpay-serial': f.PUBLIC_KEY_ID,
    'wechatpay-signature': signRsa(answerMessage(timestamp, 'n0nce', body), key),
  };
}

function notify(eventType: string, resource: Record<string, unknown>, options: { key?: string; originalType?: string } = {}): IncomingNotify {
  const originalType = options.originalType ?? (eventType.startsWith('REFUND') ? 'refund' : 'transaction');
  const body = Buffer.from(
    JSON.stringify({
      id: 'EV-1',
      create_time: '2026-12-01T16:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '支付成功',
      resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext: encryptResource(JSON.stringify(resource), options.key ?? V3_KEY, 'abcdefghijkl', originalType), associated_data: originalType, nonce: 'abcdefghijkl' },
    }),
  );
  return { transport: 'http', method: 'POST', path: '/payNotify', headers: { 'content-type': 'application/json', ...signedHeaders(body) }, body };
}

const paid = { mchid: MCHID, appid: APPID, out_trade_no: 'T1', transaction_id: '4200', trade_state: 'SUCCESS', amount: { total: 100 } };
const refunded = { mchid: MCHID, out_trade_no: 'T1', out_refund_no: 'T1R1', refund_status: 'SUCCESS', amount: { total: 100, refund: 100 } };

describe('reading an APIv3 notify', () => {
  it('names the order of a genuine TRANSACTION.SUCCESS, and the refund of a REFUND.*', () => {
    expect(readV3Notify(notify('TRANSACTION.SUCCESS', paid), 'payment', config)).toEqual({ kind: 'payment', outTradeNo: 'T1' });
    for (const type of ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']) {
      expect(readV3Notify(notify(type, refunded), 'refund', config)).toEqual({ kind: 'refund', outRefundNo: 'T1R1' });
    }
  });

  it.each<[string, () => IncomingNotify, 'payment' | 'refund', RegExp]>([
    ['a refund result sent to payNotify', () => notify('REFUND.SUCCESS', refunded), 'payment', /not a payment result/],
    ['a payment result sent to refundNotify', () => notify('TRANSACTION.SUCCESS', paid), 'refund', /not a refund result/],
    ['another merchant inside the resource', () => notify('TRANSACTION.SUCCESS', { ...paid, mchid: '1900000999' }), 'payment', /another merchant/],
    ['another appid inside the resource', () => notify('TRANSACTION.SUCCESS', { ...paid, appid: 'wx0000000000000bad' }), 'payment', /another appid/],
    ['a resource encrypted with another APIv3 key', () => notify('TRANSACTION.SUCCESS', paid, { key: 'ZYXWVUTSRQPONMLKJIHGFEDCBA987654' }), 'payment', /does not decrypt/],
    ['a resource whose original_type is not the event', () => notify('TRANSACTION.SUCCESS', paid, { originalType: 'refund' }), 'payment', /original_type/],
    ['a GET', () => ({ ...notify('TRANSACTION.SUCCESS', paid), method: 'GET' } as IncomingNotify), 'payment', /not a notify/],
    ['a cloudPay event', () => ({ transport: 'event', event: { outTradeNo: 'T1' } }), 'payment', /not an HTTP request/],
    ['a body changed after signing', () => { const n = notify('TRANSACTION.SUCCESS', paid) as Extract<IncomingNotify, { transport: 'http' }>; return { ...n, body: Buffer.from(n.body.toString().replace('"EV-1"', '"EV-2"')) }; }, 'payment', /^BAD_SIGNATURE/],
    ['a signature made an hour ago', () => { const n = notify('TRANSACTION.SUCCESS', paid) as Extract<IncomingNotify, { transport: 'http' }>; return { ...n, headers: { ...n.headers, ...signedHeaders(n.body, new Date(NOW.getTime() - 3600_000)) } }; }, 'payment', /^STALE/],
    ['a signature by another key', () => { const n = notify('TRANSACTION.SUCCESS', paid) as Extract<IncomingNotify, { transport: 'http' }>; return { ...n, headers: { ...n.headers, ...signedHeaders(n.body, NOW, createPrivateKey(f.otherPrivateKey)) } }; }, 'payment', /^BAD_SIGNATURE/],
    ['a signature probe', () => { const n = notify('TRANSACTION.SUCCESS', paid) as Extract<IncomingNotify, { transport: 'http' }>; return { ...n, headers: { ...n.headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${n.headers['wechatpay-signature']}` } }; }, 'payment', /^SIGNATURE_PROBE/],
  ])('refuses %s', (_what, make, expected, reason) => {
    const reading = readV3Notify(make(), expected, config);
    expect(reading.kind).toBe('refused');
    expect((reading as { reason: string }).reason).toMatch(reason);
    expect((reading as { reason: string }).reason).not.toContain(V3_KEY);
  });

  it('answers 204 when handled, and 4xx/5xx with {code, message} so WeChat Pay delivers again', () => {
    expect(v3Answer({ kind: 'handled' })).toEqual({ statusCode: 204, headers: {}, body: '' });
    expect(v3Answer({ kind: 'retry', reason: 'database busy' })).toEqual({ statusCode: 500, headers: { 'content-type': 'application/json' }, body: '{"code":"FAIL","message":"database busy"}' });
    expect(v3Answer({ kind: 'refused', reason: 'SIGNATURE_PROBE: x' }).statusCode).toBe(400);
  });
});

describe('the APIv3 provider against a scripted WeChat Pay', () => {
  const merchantKey = createPrivateKey(f.merchantPrivateKey);
  function providerWith(answer: (req: V3Request) => { status: number; body?: unknown; signed?: boolean }) {
    const sent: V3Request[] = [];
    const transport = async (req: V3Request): Promise<V3Response> => {
      sent.push(req);
      const a = answer(req);
      const body = a.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(a.body));
      return { status: a.status, headers: a.signed === false ? {} : signedHeaders(body), body };
    };
    const provider = createWechatPayV3Provider({
      mchid: MCHID, appid: APPID, merchantKey, merchantSerial: '3775B6A45ACD588826D15E583A95F5DD6ABA6BF1', verifierKeys: keys,
      payNotifyUrl: 'https://shop.example/wechatpay/payNotify', refundNotifyUrl: 'https://shop.example/wechatpay/refundNotify',
      transport, now: () => NOW, nonce: () => 'NONCE0123456789',
    });
    return { provider, sent };
  }

  it('signs each request over exactly what it sends, query string included', async () => {
    const { provider, sent } = providerWith(() => ({ status: 200, body: { ...paid, trade_state: 'NOTPAY' } }));
    await provider.queryPayment('T1');
    const req = sent[0]!;
    expect(req.path).toBe(`/v3/pay/transactions/out-trade-no/T1?mchid=${MCHID}`);
    const auth = parseAuthorization(req.headers.authorization);
    expect(auth).toMatchObject({ mchid: MCHID, serial: '3775B6A45ACD588826D15E583A95F5DD6ABA6BF1', nonce: 'NONCE0123456789', timestamp: String(NOW.getTime() / 1000) });
    expect(verifyRsa(requestMessage('GET', req.path, auth!.timestamp, auth!.nonce, ''), auth!.signature, createPublicKey(merchantKey))).toBe(true);
  });

  it('orders with the fields WeChat Pay expects and signs paySign with RSA', async () => {
    const { provider, sent } = providerWith(() => ({ status: 200, body: { prepay_id: 'wx201410272009395522657a690389285100' } }));
    const { payment } = await provider.createPayment({ outTradeNo: 'T1', totalFee: 100, description: '茶'.repeat(60), payerOpenid: 'oBuyer', clientIp: '127.0.0.1', expiresAt: new Date('2026-12-01T08:30:00Z') });
    const body = JSON.parse(sent[0]!.body!.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({ appid: APPID, mchid: MCHID, out_trade_no: 'T1', notify_url: 'https://shop.example/wechatpay/payNotify', amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oBuyer' }, time_expire: '2026-12-01T16:30:00+08:00' });
    expect(Buffer.byteLength(String(body.description))).toBeLessThanOrEqual(127);
    const auth = parseAuthorization(sent[0]!.headers.authorization)!;
    expect(verifyRsa(requestMessage('POST', '/v3/pay/transactions/jsapi', auth.timestamp, auth.nonce, sent[0]!.body!.toString()), auth.signature, createPublicKey(merchantKey))).toBe(true);
    expect(payment).toMatchObject({ signType: 'RSA', package: 'prepay_id=wx201410272009395522657a690389285100', nonceStr: 'NONCE0123456789' });
  });

  it('believes no unsigned answer, success or refusal', async () => {
    const unsigned = providerWith(() => ({ status: 200, body: { ...paid }, signed: false })).provider;
    await expect(unsigned.queryPayment('T1')).rejects.toMatchObject({ code: 'ANSWER_UNVERIFIED', retryable: true });
    const unsignedRefusal = providerWith(() => ({ status: 400, body: { code: 'ORDER_PAID', message: '订单已支付' }, signed: false })).provider;
    // "Already paid" from someone who cannot prove they are WeChat Pay: the close may or may not have happened.
    await expect(unsignedRefusal.closePayment('T1')).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
  });

  it('maps WeChat Pay codes, never messages', async () => {
    const answers: Record<string, { status: number; body?: unknown }> = {
      close204: { status: 204 },
      paid: { status: 400, body: { code: 'ORDER_PAID', message: 'anything at all' } },
      missing: { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } },
      busy: { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统繁忙' } },
    };
    let next = 'close204';
    const { provider } = providerWith(() => answers[next]!);
    expect(await provider.closePayment('T1')).toBe('CLOSED');
    next = 'paid';
    expect(await provider.closePayment('T1')).toBe('ALREADY_PAID');
    next = 'missing';
    expect(await provider.queryPayment('T1')).toEqual({ state: 'NOT_FOUND', outTradeNo: 'T1' });
    next = 'busy';
    await expect(provider.refund({ outTradeNo: 'T1', outRefundNo: 'T1R1', totalFee: 100, refundFee: 100 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
    const err = await provider.queryRefund('T1R1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(ProviderOutcomeUnknown);
    expect(err).toMatchObject({ code: 'SYSTEM_ERROR', retryable: true });
  });
});
