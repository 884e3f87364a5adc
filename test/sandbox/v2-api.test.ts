// The local WeChat Pay's APIv2 over HTTPS, as a merchant's server meets it: signed XML both ways, WeChat's
// return/result codes, the client certificate for refunds, one ledger with cloudPay, faults, and results POSTed to
// notify_url as signed XML (payments) or encrypted req_info (refunds) on WeChat's schedule until acknowledged.
import { request } from 'node:https';
import { generateKeyPairSync } from 'node:crypto';
import { decryptReqInfo } from '../../src/providers/wechatpay-v2/req-info';
import { verifyV2 } from '../../src/providers/wechatpay-v2/sign';
import { parseV2Xml } from '../../src/providers/wechatpay-v2/xml';
import { issueCertificate } from '../../emulator/src/pki/x509';
import { connectSdk, getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { cloudPay, eventually, orderData } from './support';
import { merchantOf, newNo, NotifyReceiver, signedBy, v2Call } from './v2-support';

jest.setTimeout(30_000);

let cloud: LocalCloud;
const receiver = new NotifyReceiver();
const BUYER = 'oBuyer_v2_1';

beforeAll(async () => {
  cloud = await startTestCloud({ pay: 'v2' });
  await receiver.start();
});
afterAll(async () => {
  await cloud.close();
  await receiver.stop();
});
beforeEach(() => receiver.reset());

function order(outTradeNo: string, over: Record<string, string | number> = {}): Record<string, string | number> {
  return { body: '乌龙茶 ×2', out_trade_no: outTradeNo, total_fee: 2400, spbill_create_ip: '127.0.0.1', notify_url: receiver.url, trade_type: 'JSAPI', openid: BUYER, ...over };
}

async function placeOrder(over: Record<string, string | number> = {}): Promise<string> {
  const no = newNo('V2T');
  const reply = await v2Call(cloud, '/pay/unifiedorder', order(no, over));
  expect(reply.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
  return no;
}

async function paidOrder(): Promise<string> {
  const no = await placeOrder();
  const paid = await postJson(cloud, `/sandbox/payments/${no}/complete`, {});
  expect(paid.status).toBe(200);
  return no;
}

const refund = (no: string, refundNo: string, fee: number, over: Record<string, string | number> = {}) => ({ out_trade_no: no, out_refund_no: refundNo, total_fee: 2400, refund_fee: fee, notify_url: receiver.url, ...over });

describe('signed XML both ways', () => {
  it('answers unifiedorder with a prepay_id, signed with the algorithm of the request', async () => {
    for (const signType of ['HMAC-SHA256', 'MD5'] as const) {
      const no = newNo('V2S');
      const reply = await v2Call(cloud, '/pay/unifiedorder', order(no), { signType });
      expect(reply.status).toBe(200);
      expect(reply.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'JSAPI', appid: cloud.appid, mch_id: merchantOf(cloud).mchId });
      expect(reply.fields.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
      expect(signedBy(cloud, reply.fields, signType)).toBe(true);
      expect(signedBy(cloud, reply.fields, signType === 'MD5' ? 'HMAC-SHA256' : 'MD5')).toBe(false);
    }
  });

  it('keeps the trade with its protocol and notify_url, and orderquery reports it', async () => {
    const no = await placeOrder();
    const view = await getJson<Record<string, unknown>>(cloud, `/sandbox/payments/${no}`);
    expect(view).toMatchObject({ protocol: 'v2', notifyUrl: receiver.url, tradeState: 'NOTPAY', totalFee: 2400, subOpenid: BUYER });
    const query = await v2Call(cloud, '/pay/orderquery', { out_trade_no: no });
    expect(query.fields).toMatchObject({ result_code: 'SUCCESS', trade_state: 'NOTPAY', out_trade_no: no, total_fee: '2400' });
    expect(query.fields.transaction_id).toBeUndefined();
  });

  it('is one ledger with cloudPay: the same out_trade_no with other values is OUT_TRADE_NO_USED', async () => {
    const no = await placeOrder();
    const sdk = connectSdk(cloud);
    const answer = await cloudPay(sdk, 'unifiedOrder', orderData(no, { totalFee: 1 }));
    // (the SDK hides WeChat's err_code behind its own errCode 0: errCodeDes tells)
    expect(answer).toMatchObject({ resultCode: 'FAIL', errCodeDes: expect.stringContaining('商户订单号重复') });
    const again = await v2Call(cloud, '/pay/unifiedorder', order(no, { total_fee: 1 }));
    expect(again.fields).toMatchObject({ result_code: 'FAIL', err_code: 'OUT_TRADE_NO_USED' });
    expect(signedBy(cloud, again.fields, 'HMAC-SHA256')).toBe(true);
  });

  it('closes an unpaid trade after five (scaled) minutes, and refuses to close a paid one with ORDERPAID', async () => {
    const open = await placeOrder();
    await new Promise((r) => setTimeout(r, 350));
    expect((await v2Call(cloud, '/pay/closeorder', { out_trade_no: open })).fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: open })).fields.trade_state).toBe('CLOSED');
    const paid = await paidOrder();
    expect((await v2Call(cloud, '/pay/closeorder', { out_trade_no: paid })).fields).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERPAID' });
  });

  it('answers ORDERNOTEXIST for a trade it does not have', async () => {
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: 'NO_SUCH_TRADE' })).fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
  });
});

describe('what WeChat refuses before reading a request', () => {
  it.each([
    ['a wrong signature', { after: (f: Record<string, string | number>) => ({ ...f, sign: `${String(f.sign).slice(0, -1)}0` === f.sign ? `${String(f.sign).slice(0, -1)}1` : `${String(f.sign).slice(0, -1)}0` }) }, '签名错误'],
    ['a lower-case signature', { after: (f: Record<string, string | number>) => ({ ...f, sign: String(f.sign).toLowerCase() }) }, '签名错误'],
    ['no signature', { after: (f: Record<string, string | number>) => ({ ...f, sign: '' }) }, '签名错误'],
    ['an amount changed after signing', { after: (f: Record<string, string | number>) => ({ ...f, total_fee: 1 }) }, '签名错误'],
    ['another merchant', { after: (f: Record<string, string | number>) => ({ ...f, mch_id: '1900000999' }) }, '商户号mch_id不存在'],
    ['another appid', { after: (f: Record<string, string | number>) => ({ ...f, appid: 'wx0000000000000001' }) }, 'appid和mch_id不匹配'],
    ['a DOCTYPE (XXE)', { rawBody: '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><appid>&x;</appid></xml>' }, 'XML格式错误'],
    ['a __proto__ element', { rawBody: '<xml><__proto__><total_fee>1</total_fee></__proto__></xml>' }, 'XML格式错误'],
    ['an empty body', { rawBody: '' }, 'post数据为空'],
    ['GET', { method: 'GET', rawBody: '' }, '请使用post方法'],
  ])('%s: return_code FAIL, unsigned, nothing created', async (_case, options, returnMsg) => {
    const no = newNo('V2R');
    const reply = await v2Call(cloud, '/pay/unifiedorder', order(no), options);
    expect(reply.status).toBe(200);
    expect(reply.fields).toEqual({ return_code: 'FAIL', return_msg: returnMsg });
    const view = await fetch(`${cloud.url}/sandbox/payments/${no}`);
    expect(view.status).toBe(404);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const no = newNo('V2B');
    const reply = await v2Call(cloud, '/pay/unifiedorder', order(no, { attach: 'x'.repeat(70 * 1024) }));
    expect(reply.status).toBe(413);
    expect((await fetch(`${cloud.url}/sandbox/payments/${no}`)).status).toBe(404);
  });

  it('refuses a request whose business fields are wrong with result_code FAIL, signed', async () => {
    const reply = await v2Call(cloud, '/pay/unifiedorder', order(newNo('V2F'), { total_fee: '12.5' }));
    expect(reply.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'INVALID_REQUEST' });
    expect(signedBy(cloud, reply.fields, 'HMAC-SHA256')).toBe(true);
    const noBuyer = await v2Call(cloud, '/pay/unifiedorder', order(newNo('V2F'), { openid: '' }));
    expect(noBuyer.fields).toMatchObject({ result_code: 'FAIL', err_code: 'LACK_PARAMS' });
  });
});

describe('refunds need the merchant certificate', () => {
  it('refuses a refund without a client certificate, and changes nothing', async () => {
    const no = await paidOrder();
    const refundNo = newNo('V2RF');
    const reply = await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 100), { cert: false });
    expect(reply.fields.return_code).toBe('FAIL');
    expect(reply.fields.return_msg).toMatch(/证书/);
    expect((await fetch(`${cloud.url}/sandbox/refunds/${refundNo}`)).status).toBe(404);
  });

  it('refuses a client certificate that does not chain to the CA', async () => {
    const no = await paidOrder();
    const refundNo = newNo('V2RF');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const name = { CN: merchantOf(cloud).mchId };
    const now = Date.now();
    const cert = issueCertificate({ subject: name, publicKey: keys.publicKey, role: 'client', notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000) }, { name, ...keys });
    const key = String(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const reply = await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 100), { cert: { cert, key } });
    expect(reply.fields.return_code).toBe('FAIL');
    expect((await fetch(`${cloud.url}/sandbox/refunds/${refundNo}`)).status).toBe(404);
  });

  it('refunds with the certificate; the result comes to notify_url with req_info encrypted under md5(key)', async () => {
    const no = await paidOrder();
    receiver.reset();
    const refundNo = newNo('V2RF');
    const reply = await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 1000));
    expect(reply.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', out_refund_no: refundNo, refund_fee: '1000', total_fee: '2400' });
    expect(signedBy(cloud, reply.fields, 'HMAC-SHA256')).toBe(true);
    await eventually(async () => receiver.received.length, (n) => n >= 1);
    const notify = parseV2Xml(receiver.received[0].body);
    expect(notify.sign).toBeUndefined();
    expect(notify).toMatchObject({ return_code: 'SUCCESS', appid: cloud.appid, mch_id: merchantOf(cloud).mchId });
    const info = parseV2Xml(decryptReqInfo(notify.req_info, merchantOf(cloud).key), { root: 'root' });
    expect(info).toMatchObject({ out_trade_no: no, out_refund_no: refundNo, refund_fee: '1000', total_fee: '2400', refund_status: 'SUCCESS' });
    expect(() => decryptReqInfo(notify.req_info, 'another-key-another-key-another!!')).toThrow();

    const query = await v2Call(cloud, '/pay/refundquery', { out_trade_no: no });
    expect(query.fields).toMatchObject({ result_code: 'SUCCESS', refund_count: '1', out_refund_no_0: refundNo, refund_fee_0: '1000', refund_status_0: 'SUCCESS' });
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: no })).fields.trade_state).toBe('REFUND');
  });

  it('never refunds more than was paid; cloudPay (another merchant account) cannot refund an APIv2 trade at all', async () => {
    const no = await paidOrder();
    expect((await v2Call(cloud, '/secapi/pay/refund', refund(no, newNo('V2RF'), 2000))).fields.result_code).toBe('SUCCESS');
    const sdk = connectSdk(cloud);
    const viaCloudPay = await cloudPay(sdk, 'refund', { subMchId: merchantOf(cloud).mchId, nonceStr: 'n', outTradeNo: no, outRefundNo: newNo('CPRF'), totalFee: 2400, refundFee: 500, envId: 'local-cloud', functionName: 'sandbox-receiver' });
    expect(viaCloudPay).toMatchObject({ resultCode: 'FAIL', errCodeDes: '订单不存在' });
    expect((await v2Call(cloud, '/secapi/pay/refund', refund(no, newNo('V2RF'), 401))).fields).toMatchObject({ result_code: 'FAIL', err_code: 'INVALID_REQUEST' });
  });
});

describe('payment notifies', () => {
  it('POSTs the result as XML signed with the order\'s algorithm, and retries until the SUCCESS ACK', async () => {
    receiver.reset(3);
    const no = await placeOrder();
    const paid = await postJson<{ notification: { status: string } }>(cloud, `/sandbox/payments/${no}/complete`, {});
    expect(paid.status).toBe(200);
    const view = await eventually(
      () => getJson<{ notifications: Array<{ status: string; attempts: number; protocol: string; deliveries: Array<{ outcome: string; detail: string }> }> }>(cloud, `/sandbox/payments/${no}`),
      (v) => v.notifications[0]?.status === 'ACKNOWLEDGED',
    );
    expect(view.notifications[0]).toMatchObject({ protocol: 'v2', attempts: 3 });
    expect(view.notifications[0].deliveries.map((d) => d.outcome)).toEqual(['REJECTED', 'REJECTED', 'ACKNOWLEDGED']);
    expect(receiver.received).toHaveLength(3);
    // The control API shows what each attempt POSTed.
    expect(view.notifications[0].deliveries.map((d) => (d as { request?: string }).request)).toEqual(receiver.received.map((r) => r.body));
    const first = parseV2Xml(receiver.received[0].body);
    expect(receiver.received[0].contentType).toMatch(/xml/);
    expect(first).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: no, total_fee: '2400', openid: BUYER, appid: cloud.appid });
    expect(first.transaction_id).toMatch(/^4200\d{24}$/);
    // As merchants report WeChat sends them: an HMAC-SHA256 order's notify names no sign_type, yet is HMAC-signed.
    expect(first.sign_type).toBeUndefined();
    expect(verifyV2(first, merchantOf(cloud).key, 'HMAC-SHA256')).toBe(true);
    expect(verifyV2(first, merchantOf(cloud).key, 'MD5')).toBe(false);
    // Each attempt is signed afresh (new nonce), as WeChat does.
    expect(parseV2Xml(receiver.received[1].body).nonce_str).not.toBe(first.nonce_str);
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: no })).fields).toMatchObject({ trade_state: 'SUCCESS', transaction_id: first.transaction_id });
  });

  it('signs with MD5 (no sign_type field) when the order was asked with MD5', async () => {
    const no = newNo('V2M');
    await v2Call(cloud, '/pay/unifiedorder', order(no), { signType: 'MD5' });
    await postJson(cloud, `/sandbox/payments/${no}/complete`, {});
    await eventually(async () => receiver.received.length, (n) => n >= 1);
    const fields = parseV2Xml(receiver.received[0].body);
    expect(fields.sign_type).toBeUndefined();
    expect(verifyV2(fields, merchantOf(cloud).key, 'MD5')).toBe(true);
  });

  it('delivers duplicates at once when asked (concurrent copies)', async () => {
    const no = await placeOrder();
    await postJson(cloud, `/sandbox/payments/${no}/complete`, { deliveries: 3, concurrent: true });
    await eventually(async () => receiver.received.length, (n) => n >= 3);
    expect(new Set(receiver.received.map((r) => parseV2Xml(r.body).out_trade_no))).toEqual(new Set([no]));
  });

  it('loses a result when asked (the trade is paid, notify_url hears nothing), or delivers it late', async () => {
    const lost = await placeOrder();
    const dropped = await postJson<{ notification: { status: string } }>(cloud, `/sandbox/payments/${lost}/complete`, { drop: true });
    expect(dropped.body.notification.status).toBe('DROPPED');
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: lost })).fields.trade_state).toBe('SUCCESS');
    const late = await placeOrder();
    const started = Date.now();
    await postJson(cloud, `/sandbox/payments/${late}/complete`, { delayMs: 300 });
    expect(receiver.received).toHaveLength(0);
    await eventually(async () => receiver.received.length, (n) => n >= 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.received.map((r) => parseV2Xml(r.body).out_trade_no)).toEqual([late]);
  });

  it('gives up after WeChat 16 attempts (15 retries) when never acknowledged', async () => {
    receiver.reset(1000);
    await postJson(cloud, '/sandbox/config', { timeScale: 0.00001 });
    try {
      const no = await placeOrder();
      await postJson(cloud, `/sandbox/payments/${no}/complete`, {});
      const view = await eventually(
        () => getJson<{ notifications: Array<{ status: string; attempts: number }> }>(cloud, `/sandbox/payments/${no}`),
        (v) => v.notifications[0]?.status === 'GAVE_UP',
        10_000,
      );
      expect(view.notifications[0].attempts).toBe(16);
      expect(receiver.received).toHaveLength(16);
    } finally {
      await postJson(cloud, '/sandbox/config', { timeScale: null });
    }
  });

  it('records a notify_url nobody listens on as a failed attempt, with the reason', async () => {
    const closed = await new NotifyReceiver().start();
    await closed.stop();
    const no = await placeOrder({ notify_url: closed.url });
    await postJson(cloud, `/sandbox/payments/${no}/complete`, { wait: true });
    const view = await getJson<{ notifications: Array<{ status: string; deliveries: Array<{ outcome: string; detail: string }> }> }>(cloud, `/sandbox/payments/${no}`);
    expect(view.notifications[0].deliveries[0]).toMatchObject({ outcome: 'FAILED', detail: expect.stringContaining('ECONNREFUSED') });
    expect(view.notifications[0].status).toBe('PENDING');
  });

  it('does not deliver to a notify_url off this machine', async () => {
    const no = await placeOrder({ notify_url: 'https://shop.example.com/pay/notify' });
    await postJson(cloud, `/sandbox/payments/${no}/complete`, { wait: true });
    const view = await getJson<{ notifications: Array<{ deliveries: Array<{ outcome: string; detail: string }> }> }>(cloud, `/sandbox/payments/${no}`);
    expect(view.notifications[0].deliveries[0]).toMatchObject({ outcome: 'NOT_FOUND' });
    expect(view.notifications[0].deliveries[0].detail).toMatch(/127\.0\.0\.1/);
  });
});

describe('faults', () => {
  const fault = (api: string, mode: string, extra: Record<string, unknown> = {}) => postJson(cloud, '/sandbox/faults', { api, mode, ...extra });

  it('SYSTEMERROR on refund: err_code SYSTEMERROR, nothing refunded; the same request then succeeds', async () => {
    const no = await paidOrder();
    const refundNo = newNo('V2RF');
    await fault('refund', 'SYSTEMERROR');
    expect((await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 100))).fields).toMatchObject({ result_code: 'FAIL', err_code: 'SYSTEMERROR' });
    expect((await fetch(`${cloud.url}/sandbox/refunds/${refundNo}`)).status).toBe(404);
    expect((await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 100))).fields.result_code).toBe('SUCCESS');
  });

  it('TIMEOUT_AFTER_ACTING: the connection drops with no answer, but the trade exists', async () => {
    await fault('unifiedOrder', 'TIMEOUT_AFTER_ACTING');
    const no = newNo('V2TO');
    await expect(v2Call(cloud, '/pay/unifiedorder', order(no))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await v2Call(cloud, '/pay/orderquery', { out_trade_no: no })).fields.trade_state).toBe('NOTPAY');
  });

  it('TAMPERED: the answer says other things, signed; BAD_SIGNATURE: the answer does not verify', async () => {
    const no = await placeOrder();
    await fault('queryOrder', 'TAMPERED', { patch: { total_fee: 1 } });
    const tampered = await v2Call(cloud, '/pay/orderquery', { out_trade_no: no });
    expect(tampered.fields.total_fee).toBe('1');
    expect(signedBy(cloud, tampered.fields, 'HMAC-SHA256')).toBe(true);
    await fault('queryOrder', 'BAD_SIGNATURE');
    const bad = await v2Call(cloud, '/pay/orderquery', { out_trade_no: no });
    expect(bad.fields.trade_state).toBe('NOTPAY');
    expect(signedBy(cloud, bad.fields, 'HMAC-SHA256')).toBe(false);
  });
});

describe('forged notifies (POST /sandbox/payments/<no>/forge)', () => {
  it('sends one crafted notify to the notify_url and reports the answer; the ledger is untouched', async () => {
    const no = await placeOrder();
    const forged = await postJson<{ status: number; acknowledged: boolean }>(cloud, `/sandbox/payments/${no}/forge`, { forgery: 'BAD_SIGNATURE' });
    expect(forged.status).toBe(200);
    expect(forged.body).toMatchObject({ status: 200, acknowledged: true }); // this receiver checks nothing
    const fields = parseV2Xml(receiver.received[0].body);
    expect(fields.out_trade_no).toBe(no);
    expect(verifyV2(fields, merchantOf(cloud).key, 'HMAC-SHA256')).toBe(false);
    expect((await getJson<{ tradeState: string; notifications: unknown[] }>(cloud, `/sandbox/payments/${no}`))).toMatchObject({ tradeState: 'NOTPAY', notifications: [] });
  });

  it.each([
    ['SIGNED', (f: Record<string, string>, key: string) => verifyV2(f, key, 'HMAC-SHA256') && f.total_fee === '2400'],
    ['SIGNED_WRONG_AMOUNT', (f: Record<string, string>, key: string) => verifyV2(f, key, 'HMAC-SHA256') && f.total_fee === '24'],
    ['TAMPERED_AMOUNT', (f: Record<string, string>, key: string) => !verifyV2(f, key, 'HMAC-SHA256') && f.total_fee === '24'],
    ['WRONG_MCH_ID', (f: Record<string, string>, key: string) => verifyV2(f, key, 'HMAC-SHA256') && f.mch_id === '1900000999'],
    ['LOWERCASE_SIGNATURE', (f: Record<string, string>, key: string) => !verifyV2(f, key, 'HMAC-SHA256') && f.sign === f.sign.toLowerCase()],
    ['RESULT_FAIL', (f: Record<string, string>, key: string) => verifyV2(f, key, 'HMAC-SHA256') && f.result_code === 'FAIL'],
  ])('%s says what it should', async (forgery, check) => {
    const no = await placeOrder();
    await postJson(cloud, `/sandbox/payments/${no}/forge`, { forgery });
    expect(check(parseV2Xml(receiver.received[0].body), merchantOf(cloud).key)).toBe(true);
  });

  it.each(['DOCTYPE', 'BILLION_LAUGHS', 'PROTO', 'OVERSIZED'])('%s is hostile XML the primitives refuse', async (forgery) => {
    const no = await placeOrder();
    await postJson(cloud, `/sandbox/payments/${no}/forge`, { forgery });
    expect(() => parseV2Xml(receiver.received[0].body)).toThrow();
  });

  it('forges refund notifies: a req_info under another key cannot be read with the merchant key', async () => {
    const no = await paidOrder();
    const refundNo = newNo('V2RF');
    await v2Call(cloud, '/secapi/pay/refund', refund(no, refundNo, 100));
    // The payment's notify and then the refund's (auto-settled) come first.
    await eventually(async () => receiver.received.filter((r) => r.body.includes('req_info')).length, (n) => n >= 1);
    receiver.reset();
    await postJson(cloud, `/sandbox/refunds/${refundNo}/forge`, { forgery: 'WRONG_KEY' });
    const fields = parseV2Xml(receiver.received[0].body);
    expect(() => decryptReqInfo(fields.req_info, merchantOf(cloud).key)).toThrow();
    receiver.reset();
    await postJson(cloud, `/sandbox/refunds/${refundNo}/forge`, { forgery: 'TAMPERED_AMOUNT' });
    const tampered = parseV2Xml(decryptReqInfo(parseV2Xml(receiver.received[0].body).req_info, merchantOf(cloud).key), { root: 'root' });
    expect(tampered.refund_fee).toBe('101');
  });

  it('refuses to forge for a cloudPay trade and names the forgeries it knows', async () => {
    const sdk = connectSdk(cloud);
    const no = newNo('CPT');
    await cloudPay(sdk, 'unifiedOrder', orderData(no));
    expect((await postJson(cloud, `/sandbox/payments/${no}/forge`, { forgery: 'SIGNED' })).status).toBe(409);
    const v2 = await placeOrder();
    const unknown = await postJson<{ message: string }>(cloud, `/sandbox/payments/${v2}/forge`, { forgery: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/BAD_SIGNATURE/);
  });
});

describe('GET /sandbox/merchant', () => {
  it('gives the demo merchant material: appid, mchId, key, base URL, CA and a merchant certificate the CA issued', async () => {
    const m = await getJson<Record<string, unknown> & { v2: { key: string; signType: string } }>(cloud, '/sandbox/merchant');
    expect(m).toMatchObject({ provider: 'v2', appid: cloud.appid, mchId: '1900000109', baseUrl: cloud.sandbox.https.url, v2: { key: cloud.sandbox.material.v2Key, signType: 'HMAC-SHA256' } });
    const { X509Certificate } = await import('node:crypto');
    const ca = new X509Certificate(String(m.caCert));
    const merchant = new X509Certificate(String(m.merchantCert));
    expect(ca.ca).toBe(true);
    expect(merchant.checkIssued(ca) && merchant.verify(ca.publicKey)).toBe(true);
    expect(merchant.serialNumber.toUpperCase()).toBe(m.merchantSerial);
    expect(merchant.subject).toContain('CN=1900000109');
  });

  it('serves TLS that a client trusting only the local CA accepts, and one trusting only the public roots refuses', async () => {
    const get = (ca?: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${cloud.sandbox.https.url}/pay/orderquery`);
        const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', ...(ca ? { ca } : {}) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('');
      });
    await expect(get(cloud.sandbox.material.ca.cert)).resolves.toBe(200);
    await expect(get()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
