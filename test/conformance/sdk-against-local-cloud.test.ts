// wechatpay-axios-plugin as a merchant's server, talking to the local WeChat Pay over HTTPS: it signs requests the
// local cloud must accept (APIv2 XML with MD5 and HMAC-SHA256, APIv3 Authorization), and verifies the answers the
// local cloud signs. Built on the SDK's primitives only (Hash, Formatter, Rsa, Transformer), never on src/.
import { request } from 'node:https';
import { Formatter, Hash, Rsa, Transformer } from 'wechatpay-axios-plugin';
import { getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ pay: 'v3', v3Verify: 'publicKey', autoSettleRefunds: false });
});
afterAll(async () => {
  await cloud?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  const url = new URL(`${cloud.sandbox.https.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, ca: cloud.sandbox.material.ca.cert, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') flat[k] = v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const seq = { n: 0 };
const tradeNo = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq.n}`;

describe('APIv2', () => {
  const merchant = () => ({ appid: cloud.appid, mch_id: cloud.sandbox.material.mchId });

  it.each(['MD5', 'HMAC-SHA256'] as const)('%s: the SDK signs an order the local cloud takes, and verifies its signed answer', async (signType) => {
    const fields = { ...merchant(), nonce_str: Formatter.nonce(), body: '冻顶乌龙茶 ×2', out_trade_no: tradeNo('SDK2'), total_fee: 2400, spbill_create_ip: '127.0.0.1', notify_url: 'http://127.0.0.1:9/pay', trade_type: 'JSAPI', openid: 'oBuyer_sdk', sign_type: signType };
    const key = cloud.sandbox.material.v2Key;
    const xml = Transformer.toXml({ ...fields, sign: Hash.sign(signType, fields, key) });
    const answer = await send('POST', '/pay/unifiedorder', { 'content-type': 'text/xml' }, xml);
    const reply = Transformer.toObject(answer.body) as Record<string, string>;
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', prepay_id: expect.stringMatching(/^wx/) });
    // The answer is signed with the request's algorithm; the SDK's own computation agrees.
    expect(Hash.equals(Hash.sign(signType, reply, key), reply.sign)).toBe(true);

    const forged = Transformer.toXml({ ...fields, total_fee: 1, sign: Hash.sign(signType, fields, key) });
    expect(Transformer.toObject((await send('POST', '/pay/unifiedorder', { 'content-type': 'text/xml' }, forged)).body)).toMatchObject({ return_code: 'FAIL', return_msg: '签名错误' });
  });
});

describe('APIv3', () => {
  async function wechatpayPublicKey(): Promise<string> {
    const { shop } = await getJson<{ shop: Record<string, string> }>(cloud, '/sandbox/v3/keys');
    return shop.WECHATPAY_PUBLIC_KEY ?? '';
  }

  function signed(method: 'GET' | 'POST', path: string, body: string): Record<string, string> {
    const m = cloud.sandbox.material;
    const nonce = Formatter.nonce();
    const timestamp = String(Formatter.timestamp());
    const signature = Rsa.sign(Formatter.request(method, path, timestamp, nonce, body), m.merchant.key);
    return {
      authorization: Formatter.authorization(m.mchId, nonce, signature, timestamp, m.merchant.serial),
      accept: 'application/json',
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    };
  }

  const verified = (answer: Answer, publicKey: string) =>
    Rsa.verify(Formatter.response(answer.headers['wechatpay-timestamp'] ?? '', answer.headers['wechatpay-nonce'] ?? '', answer.body), answer.headers['wechatpay-signature'] ?? '', publicKey);

  it('the SDK signs an order and a query the local cloud takes, and verifies every answer, a 204 included', async () => {
    const m = cloud.sandbox.material;
    const publicKey = await wechatpayPublicKey();
    const outTradeNo = tradeNo('SDK3');
    const body = JSON.stringify({ appid: cloud.appid, mchid: m.mchId, description: '冻顶乌龙茶 ×2', out_trade_no: outTradeNo, notify_url: 'http://127.0.0.1:9/pay', amount: { total: 2400, currency: 'CNY' }, payer: { openid: 'oBuyer_sdk' } });
    const created = await send('POST', '/v3/pay/transactions/jsapi', signed('POST', '/v3/pay/transactions/jsapi', body), body);
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body)).toEqual({ prepay_id: expect.stringMatching(/^wx/) });
    expect(verified(created, publicKey)).toBe(true);
    expect(created.headers['wechatpay-serial']).toBe((await getJson<{ current: string }>(cloud, '/sandbox/v3/keys')).current);

    const queryPath = `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${m.mchId}`;
    const queried = await send('GET', queryPath, signed('GET', queryPath, ''));
    expect(JSON.parse(queried.body)).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'NOTPAY', amount: { total: 2400 } });
    expect(verified(queried, publicKey)).toBe(true);

    const closePath = `/v3/pay/transactions/out-trade-no/${outTradeNo}/close`;
    const closeBody = JSON.stringify({ mchid: m.mchId });
    const closed = await send('POST', closePath, signed('POST', closePath, closeBody), closeBody);
    expect(closed.status).toBe(204);
    expect(verified(closed, publicKey)).toBe(true);
    expect((await postJson(cloud, `/sandbox/payments/${outTradeNo}/complete`, {})).status).toBe(409);
  });

  it('a request whose body changed after the SDK signed it is answered 401 SIGN_ERROR', async () => {
    const m = cloud.sandbox.material;
    const body = JSON.stringify({ appid: cloud.appid, mchid: m.mchId, description: '茶', out_trade_no: tradeNo('SDK3'), notify_url: 'http://127.0.0.1:9/pay', amount: { total: 100 }, payer: { openid: 'oBuyer_sdk' } });
    const answer = await send('POST', '/v3/pay/transactions/jsapi', signed('POST', '/v3/pay/transactions/jsapi', body), body.replace('"total":100', '"total":1'));
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'SIGN_ERROR' });
    expect(verified(answer, await wechatpayPublicKey())).toBe(true);
  });
});
