import type { HttpsAnswer, HttpsCall, HttpsClient } from '../../src/providers/https-client';
import { ProviderError, ProviderOutcomeUnknown, type IncomingNotify } from '../../src/providers/payment-provider';
import { v2Notifications } from '../../src/providers/wechatpay-v2/notifications';
import { createV2Provider, type V2Config } from '../../src/providers/wechatpay-v2/provider';
import { encryptReqInfo } from '../../src/providers/wechatpay-v2/req-info';
import { signV2, verifyV2, type V2SignType } from '../../src/providers/wechatpay-v2/sign';
import { buildV2Xml, parseV2Xml } from '../../src/providers/wechatpay-v2/xml';

const KEY = 'Zx8vTq2LmN4pR6sU9wY1aC3eG5iK7oQ0';
const APPID = 'wx0123456789abcdef';
const MCH = '1900000109';

/** Plays WeChat Pay's side of one call: records what was sent, answers what the test says, signed unless told not to. */
function fakeWeChat(signType: V2SignType, answer: (request: Record<string, string>, call: HttpsCall) => Record<string, string | number> | HttpsAnswer) {
  const sent: Array<{ call: HttpsCall; fields: Record<string, string> }> = [];
  const client: HttpsClient = {
    async send(call) {
      const fields = parseV2Xml(String(call.body));
      sent.push({ call, fields });
      const reply = answer(fields, call);
      if ('status' in reply && 'body' in reply) return reply as HttpsAnswer;
      const body = { return_code: 'SUCCESS', appid: APPID, mch_id: MCH, nonce_str: 'n1', result_code: 'SUCCESS', ...reply };
      const signed = 'sign' in reply ? body : { ...body, sign: signV2(body, KEY, signType) };
      return { status: 200, headers: {}, body: Buffer.from(buildV2Xml(signed)) };
    },
  };
  return { client, sent };
}

function provider(client: HttpsClient, signType: V2SignType = 'HMAC-SHA256', mtls: HttpsClient | 'none' = client) {
  const config: V2Config = {
    appid: APPID, mchId: MCH, apiKey: KEY, signType, baseUrl: 'https://pay.example', payNotifyUrl: 'https://shop.example/payNotify',
    refundNotifyUrl: 'https://shop.example/refundNotify', http: client, mtls: mtls === 'none' ? undefined : mtls, nonce: () => 'f'.repeat(32), now: () => new Date('2026-11-29T00:00:00Z'),
  };
  return createV2Provider(config);
}

describe('APIv2 provider', () => {
  it.each<V2SignType>(['MD5', 'HMAC-SHA256'])('signs unifiedorder with %s and returns wx.requestPayment parameters WeChat can check', async (signType) => {
    const wechat = fakeWeChat(signType, () => ({ prepay_id: 'wx29000000000000000000000000001' }));
    const { payment } = await provider(wechat.client, signType).createPayment({ outTradeNo: 'O1', totalFee: 1234, description: '小店 T恤', payerOpenid: 'oBuyer', clientIp: '1.2.3.4', expiresAt: new Date('2026-11-29T00:30:00Z') });
    const sent = wechat.sent[0]!;
    expect(sent.call.url).toBe('https://pay.example/pay/unifiedorder');
    expect(verifyV2(sent.fields, KEY, signType)).toBe(true);
    expect(sent.fields).toEqual(expect.objectContaining({ appid: APPID, mch_id: MCH, total_fee: '1234', openid: 'oBuyer', trade_type: 'JSAPI', notify_url: 'https://shop.example/payNotify', time_expire: '20261129083000', sign_type: signType }));
    expect(payment).toEqual({ appId: APPID, timeStamp: '1795910400', nonceStr: 'f'.repeat(32), package: 'prepay_id=wx29000000000000000000000000001', signType, paySign: expect.any(String) });
    const { paySign, ...signed } = payment;
    expect(verifyV2({ ...signed, sign: paySign }, KEY, signType)).toBe(true);
  });

  it('reads orderquery values as text: a 28-digit transaction_id stays exact', async () => {
    const wechat = fakeWeChat('HMAC-SHA256', () => ({ trade_state: 'SUCCESS', out_trade_no: 'O1', total_fee: '1234', transaction_id: '4200001234202611290123456789', time_end: '20261129081500', attach: '小店' }));
    await expect(provider(wechat.client).queryPayment('O1')).resolves.toEqual({
      state: 'PAID', outTradeNo: 'O1', totalFee: 1234, merchantId: MCH, transactionId: '4200001234202611290123456789', paidAt: new Date('2026-11-29T00:15:00Z'), attach: '小店',
    });
  });

  it.each([
    ['an answer with a wrong signature', { trade_state: 'SUCCESS', out_trade_no: 'O1', sign: 'A'.repeat(64) }],
    ['an unsigned answer', { trade_state: 'SUCCESS', out_trade_no: 'O1', sign: '' }],
    ['an answer for another appid', { trade_state: 'SUCCESS', out_trade_no: 'O1', appid: 'wx9999999999999999' }],
    ['an answer about another order', { trade_state: 'SUCCESS', out_trade_no: 'O2' }],
  ])('does not believe %s', async (_what, reply) => {
    const wechat = fakeWeChat('HMAC-SHA256', () => reply);
    await expect(provider(wechat.client).queryPayment('O1')).rejects.toThrow(ProviderError);
  });

  it('passes a signed orderquery for another merchant on as merchantId (the flow records it as an anomaly), but refuses such a refund answer', async () => {
    const other = fakeWeChat('HMAC-SHA256', () => ({ trade_state: 'SUCCESS', out_trade_no: 'O1', total_fee: 1, transaction_id: '42', mch_id: '1900000999', out_refund_no: 'O1R1' }));
    await expect(provider(other.client).queryPayment('O1')).resolves.toMatchObject({ state: 'PAID', merchantId: '1900000999' });
    await expect(provider(other.client).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 1, refundFee: 1 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
  });

  it('sends refunds over the mutual-TLS client, and without a merchant certificate sends nothing', async () => {
    const plain = fakeWeChat('HMAC-SHA256', () => ({}));
    const mtls = fakeWeChat('HMAC-SHA256', () => ({ out_refund_no: 'O1R1', refund_id: '50300000000000000001' }));
    await expect(provider(plain.client, 'HMAC-SHA256', mtls.client).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 1000, refundFee: 400 })).resolves.toEqual({ providerRefundId: '50300000000000000001' });
    expect(mtls.sent[0]?.call.url).toBe('https://pay.example/secapi/pay/refund');
    expect(mtls.sent[0]?.fields).toEqual(expect.objectContaining({ out_refund_no: 'O1R1', total_fee: '1000', refund_fee: '400', notify_url: 'https://shop.example/refundNotify' }));
    expect(plain.sent).toHaveLength(0);
    await expect(provider(plain.client, 'HMAC-SHA256', 'none').refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 1000, refundFee: 400 })).rejects.toMatchObject({ code: 'NOT_CONFIGURED', retryable: true });
    expect(plain.sent).toHaveLength(0);
  });

  it.each([
    ['SYSTEMERROR', true, true],
    ['BIZERR_NEED_RETRY', true, true],
    ['FREQUENCY_LIMITED', false, true],
    ['INVALID_REQ_TOO_MUCH', false, true],
    ['NOTENOUGH', false, true],
    ['SOMETHING_NEW', false, true],
    ['TRADE_OVERDUE', false, false],
    ['REFUND_FEE_MISMATCH', false, false],
  ])('a refund answered %s: outcome unknown %s, retryable %s', async (code, unknown, retryable) => {
    const wechat = fakeWeChat('HMAC-SHA256', () => ({ result_code: 'FAIL', err_code: code, err_code_des: '说明' }));
    const error = await provider(wechat.client).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 1000, refundFee: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code, retryable });
    expect(error instanceof ProviderOutcomeUnknown).toBe(unknown);
  });

  it('takes an unreadable or unsigned refund answer as an unknown outcome, never as "nothing happened"', async () => {
    for (const reply of [{ status: 200, headers: {}, body: Buffer.from('<html>gateway</html>') }, { status: 502, headers: {}, body: Buffer.alloc(0) }]) {
      const wechat = fakeWeChat('HMAC-SHA256', () => reply);
      await expect(provider(wechat.client).refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 1000, refundFee: 400 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
    }
  });

  it.each([
    ['SUCCESS', 'SUCCEEDED'],
    ['PROCESSING', 'PROCESSING'],
    ['REFUNDCLOSE', 'FAILED'],
    ['CHANGE', 'ABNORMAL'],
  ])('reads refund_status %s of the right refund as %s', async (status, state) => {
    const wechat = fakeWeChat('HMAC-SHA256', () => ({ refund_count: 2, out_refund_no_0: 'O1R1', refund_status_0: 'SUCCESS', refund_fee_0: 100, out_refund_no_1: 'O1R2', refund_status_1: status, refund_fee_1: 400, refund_id_1: '503002' }));
    await expect(provider(wechat.client).queryRefund('O1R2')).resolves.toEqual({ state, outRefundNo: 'O1R2', refundFee: 400, providerRefundId: '503002' });
  });

  it.each([
    ['USER_ACCOUNT_ABNORMAL', false],
    ['FREQUENCY_LIMITED', true],
    ['NOTENOUGH', true],
  ])('reads a refund answered %s as retryable: %s', async (code, retryable) => {
    const refused = provider(fakeWeChat('MD5', () => ({ result_code: 'FAIL', err_code: code, err_code_des: '用户账户异常或已注销' })).client, 'MD5');
    await expect(refused.refund({ outTradeNo: 'O1', outRefundNo: 'O1R1', totalFee: 100, refundFee: 100 })).rejects.toMatchObject({ code, retryable });
  });

  it('maps ORDERPAID on close to ALREADY_PAID and REFUNDNOTEXIST to NOT_FOUND', async () => {
    await expect(provider(fakeWeChat('MD5', () => ({ result_code: 'FAIL', err_code: 'ORDERPAID' })).client, 'MD5').closePayment('O1')).resolves.toBe('ALREADY_PAID');
    await expect(provider(fakeWeChat('MD5', () => ({ result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' })).client, 'MD5').queryRefund('O1R1')).resolves.toEqual({ state: 'NOT_FOUND', outRefundNo: 'O1R1' });
  });
});

describe('APIv2 notifications', () => {
  const notifications = v2Notifications({ appid: APPID, mchId: MCH, apiKey: KEY, signType: 'HMAC-SHA256' });
  const http = (body: string | Buffer, method = 'POST'): IncomingNotify => ({ transport: 'http', method, path: '/', headers: { 'content-type': 'text/xml' }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });
  const paid = { return_code: 'SUCCESS', appid: APPID, mch_id: MCH, nonce_str: 'n', result_code: 'SUCCESS', openid: 'oBuyer', trade_type: 'JSAPI', total_fee: '1234', transaction_id: '4200001234202611290123456789', out_trade_no: 'O1', time_end: '20261129081500' };
  const signed = (fields: Record<string, string>, signType: V2SignType = 'HMAC-SHA256', key = KEY) => buildV2Xml({ ...fields, sign: signV2(fields, key, signType) });

  it('names the order of an authentic payment notify (signed with the shop\'s algorithm, or MD5 when named)', async () => {
    await expect(notifications.read(http(signed(paid)), 'payment')).resolves.toEqual({ kind: 'payment', outTradeNo: 'O1' });
    await expect(notifications.read(http(signed({ ...paid, sign_type: 'MD5' }, 'MD5')), 'payment')).resolves.toEqual({ kind: 'payment', outTradeNo: 'O1' });
  });

  it('verifies a notify that names no sign_type with either algorithm, as orders asked before a switch need', async () => {
    // WeChat sends HMAC-SHA256 orders' notifies without sign_type; a shop now on MD5 still has such orders open.
    const md5Shop = v2Notifications({ appid: APPID, mchId: MCH, apiKey: KEY, signType: 'MD5' });
    await expect(md5Shop.read(http(signed(paid, 'HMAC-SHA256')), 'payment')).resolves.toEqual({ kind: 'payment', outTradeNo: 'O1' });
    await expect(notifications.read(http(signed(paid, 'MD5')), 'payment')).resolves.toEqual({ kind: 'payment', outTradeNo: 'O1' });
    // Naming an algorithm pins it: an MD5 signature under sign_type HMAC-SHA256 is not accepted.
    await expect(notifications.read(http(signed({ ...paid, sign_type: 'HMAC-SHA256' }, 'MD5')), 'payment')).resolves.toMatchObject({ kind: 'refused' });
  });

  const good = signV2(paid, KEY, 'HMAC-SHA256');
  it.each([
    ['no signature', buildV2Xml(paid)],
    ['a wrong signature', buildV2Xml({ ...paid, sign: good.replace(/^./, good[0] === 'A' ? 'B' : 'A') })],
    ['a lower-case signature', buildV2Xml({ ...paid, sign: good.toLowerCase() })],
    ['a signature made with another key', signed(paid, 'HMAC-SHA256', 'x'.repeat(32))],
    ['an altered amount', buildV2Xml({ ...paid, total_fee: '1', sign: good })],
    ['another merchant', signed({ ...paid, mch_id: '1900000999' })],
    ['another appid', signed({ ...paid, appid: 'wx9999999999999999' })],
    ['result_code FAIL', signed({ ...paid, result_code: 'FAIL', err_code: 'PAYERROR' })],
    ['return_code FAIL', signed({ ...paid, return_code: 'FAIL' })],
    ['an unknown sign_type', signed({ ...paid, sign_type: 'SHA1' })],
    ['an XXE payload', `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${signed(paid).replace('<out_trade_no>', '<out_trade_no>&x;')}`],
    ['a __proto__ element', signed(paid).replace('</xml>', '<__proto__><x>1</x></__proto__></xml>')],
    ['a refund notify', buildV2Xml({ return_code: 'SUCCESS', appid: APPID, mch_id: MCH, nonce_str: 'n', req_info: encryptReqInfo('<root><out_refund_no>O1R1</out_refund_no></root>', KEY) })],
  ])('refuses a payment notify with %s', async (_what, body) => {
    await expect(notifications.read(http(body), 'payment')).resolves.toEqual({ kind: 'refused', reason: expect.any(String) });
  });

  it('refuses a notify that is not an XML POST', async () => {
    await expect(notifications.read(http(signed(paid), 'GET'), 'payment')).resolves.toMatchObject({ kind: 'refused' });
    await expect(notifications.read({ transport: 'event', event: { outTradeNo: 'O1' } }, 'payment')).resolves.toMatchObject({ kind: 'refused' });
  });

  const refundEnvelope = (reqInfo: string, extra: Record<string, string> = {}) => buildV2Xml({ return_code: 'SUCCESS', appid: APPID, mch_id: MCH, nonce_str: 'n', req_info: reqInfo, ...extra });
  const refundXml = '<root><out_trade_no><![CDATA[O1]]></out_trade_no><out_refund_no><![CDATA[O1R1]]></out_refund_no><refund_status><![CDATA[CHANGE]]></refund_status><refund_fee>400</refund_fee></root>';

  it('decrypts a refund notify and names the refund', async () => {
    await expect(notifications.read(http(refundEnvelope(encryptReqInfo(refundXml, KEY))), 'refund')).resolves.toEqual({ kind: 'refund', outRefundNo: 'O1R1' });
  });

  it.each([
    ['req_info encrypted with another key', refundEnvelope(encryptReqInfo(refundXml, 'y'.repeat(32)))],
    ['no req_info', refundEnvelope('').replace('<req_info>', '')],
    ['another merchant', refundEnvelope(encryptReqInfo(refundXml, KEY), { mch_id: '1900000999' })],
    ['another appid', refundEnvelope(encryptReqInfo(refundXml, KEY), { appid: 'wx9999999999999999' })],
    ['a req_info hiding a DOCTYPE', refundEnvelope(encryptReqInfo(`<!DOCTYPE root [<!ENTITY a "b">]>${refundXml}`, KEY))],
  ])('refuses a refund notify with %s', async (_what, body) => {
    await expect(notifications.read(http(body), 'refund')).resolves.toEqual({ kind: 'refused', reason: expect.any(String) });
  });

  it("answers WeChat Pay's ACK: SUCCESS once handled, FAIL to be called again", () => {
    expect(notifications.answer({ kind: 'handled' })).toEqual({
      statusCode: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, isBase64Encoded: false,
      body: '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    });
    for (const outcome of [{ kind: 'retry', reason: 'db down' }, { kind: 'refused', reason: 'bad signature' }] as const) {
      const answer = notifications.answer(outcome) as { statusCode: number; body: string };
      expect(answer.statusCode).toBeGreaterThanOrEqual(400);
      expect(parseV2Xml(answer.body).return_code).toBe('FAIL');
      expect(answer.body).not.toContain('signature');
    }
  });
});
