// What reaches payNotify and refundNotify over HTTP on an APIv2 shop, when it is not an authentic WeChat Pay
// notify: forged, tampered, hostile XML, oversized, encrypted with another key. And what the functions do when
// WeChat Pay's server certificate is not one they trust. In every case: a clear log line, nothing changed in the
// database, no money moved and no message sent.
import { randomBytes } from 'node:crypto';
import type { ApplyRefundData, PayData } from '../../typings/api';
import { generateMaterial } from '../../emulator/src/pki';
import { encryptReqInfo } from '../../src/providers/wechatpay-v2/req-info';
import { signV2 } from '../../src/providers/wechatpay-v2/sign';
import { buildV2Xml, parseV2Xml } from '../../src/providers/wechatpay-v2/xml';
import { BUYER, CUP, MERCHANT, TEA, TEMPLATES, failure, openShop, PROVIDERS, processingRefund, providerTrade, settleAtProvider, type FunctionLog, type SandboxMerchant, type Shop } from './support';

jest.setTimeout(30_000);

const V2 = PROVIDERS.find((p) => p.pay === 'v2')!;
let shop: Shop;
let merchant: SandboxMerchant;
beforeAll(async () => {
  shop = await openShop({ provider: V2, autoSettleRefunds: false, grants: 20 });
  merchant = await shop.merchant();
}, 60_000);
afterAll(() => shop?.close());

type Fields = Record<string, string | number>;
const nonce = () => randomBytes(16).toString('hex');
const signed = (fields: Fields, key = merchant.v2.key): Fields => ({ ...fields, sign: signV2(fields, key, 'HMAC-SHA256') });

/** What WeChat Pay sends when `orderId` is paid (unsigned). */
function paymentNotify(order: PayData, extra: Fields = {}): Fields {
  return {
    return_code: 'SUCCESS', return_msg: 'OK', appid: merchant.appid, mch_id: merchant.mchId, nonce_str: nonce(), sign_type: 'HMAC-SHA256',
    result_code: 'SUCCESS', openid: BUYER, is_subscribe: 'N', trade_type: 'JSAPI', bank_type: 'OTHERS', total_fee: order.totalFee, fee_type: 'CNY',
    cash_fee: order.totalFee, transaction_id: '4200001234202611290000000001', out_trade_no: order.orderId, time_end: '20261129081500', ...extra,
  };
}

async function unchangedOrder(orderId: string) {
  const order = await shop.order(orderId);
  expect(order.status).toBe('PENDING');
  expect(order.transactionId).toBeUndefined();
  expect(order.timeline.map((t) => t.event)).toEqual(['created']);
  expect((await shop.sent({ templateId: TEMPLATES.orderPaid })).some((m) => m.data.character_string1 === orderId)).toBe(false);
  expect((await shop.docs<{ orderId: string }>('anomalies')).filter((a) => a.orderId === orderId)).toEqual([]);
}

const logLine = (fn: string, event: string, reason: RegExp) => (l: FunctionLog) => l.fn === fn && l.event === event && reason.test(String(l.reason ?? ''));

describe('payNotify over HTTP refuses what is not an authentic payment notify', () => {
  const good = (order: PayData) => buildV2Xml(signed(paymentNotify(order)));
  const cases: Array<[string, (order: PayData) => string | Buffer, RegExp]> = [
    ['no signature', (o) => buildV2Xml(paymentNotify(o)), /not signed/],
    ['a wrong signature', (o) => buildV2Xml({ ...paymentNotify(o), sign: 'F'.repeat(64) }), /signature does not match/],
    ['a lower-case signature', (o) => { const f = signed(paymentNotify(o)); return buildV2Xml({ ...f, sign: String(f.sign).toLowerCase() }); }, /signature does not match/],
    ['a signature made with another key', (o) => buildV2Xml(signed(paymentNotify(o), 'K'.repeat(32))), /signature does not match/],
    ['an altered amount', (o) => buildV2Xml({ ...signed(paymentNotify(o)), total_fee: 1, cash_fee: 1 }), /signature does not match/],
    ['another mch_id (validly signed)', (o) => buildV2Xml(signed(paymentNotify(o, { mch_id: '1900000999' }))), /another merchant/],
    ['another appid (validly signed)', (o) => buildV2Xml(signed(paymentNotify(o, { appid: 'wx9999999999999999' }))), /another appid/],
    ['result_code=FAIL (validly signed)', (o) => buildV2Xml(signed(paymentNotify(o, { result_code: 'FAIL', err_code: 'PAYERROR' }))), /result_code FAIL/],
    ['an XXE payload', (o) => `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${good(o).replace('<attach>', '<attach>&xxe;')}`, /document type or entity/],
    ['a billion laughs', (o) => `<!DOCTYPE xml [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i || ''};`.repeat(10)}">`).join('')}]>${good(o).replace('<nonce_str>', '<nonce_str>&a9;')}`, /document type or entity/],
    ['a __proto__ element', (o) => good(o).replace('</xml>', '<__proto__><total_fee>1</total_fee></__proto__></xml>'), /prototype/],
    ['an oversized body', (o) => good(o).replace('</xml>', `<padding>${'x'.repeat(70 * 1024)}</padding></xml>`), /too large/],
    ['not XML at all', () => '{"return_code":"SUCCESS"}', /not an APIv2 notify/],
  ];

  it.each(cases)('%s: refused with a log line, the order untouched', async (_what, body, reason) => {
    const order = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    const res = await shop.post('payNotify', body(order));
    expect(res.status).toBe(400);
    if (res.text.startsWith('<xml>')) expect(parseV2Xml(res.text).return_code).toBe('FAIL');
    expect(res.text).not.toMatch(/SUCCESS/);
    await unchangedOrder(order.orderId);
    expect(await shop.logs(logLine('payNotify', 'payNotify.refused', reason))).not.toEqual([]);
  });

  it('a validly signed notify for an order WeChat Pay says is unpaid changes nothing (sign and re-query)', async () => {
    const order = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    const res = await shop.post('payNotify', good(order));
    // Authentic as far as the signature goes, so it is acknowledged; the query decided nothing happened.
    expect(res.status).toBe(200);
    expect(parseV2Xml(res.text).return_code).toBe('SUCCESS');
    await unchangedOrder(order.orderId);
    expect((await providerTrade(shop, order.orderId)).tradeState).toBe('NOTPAY');
    expect(await shop.logs((l) => l.fn === 'payNotify' && l.event === 'payNotify.not_paid' && l.orderId === order.orderId)).not.toEqual([]);
  });

  it('a GET, or a cloudPay-style event, is not a notify either', async () => {
    const order = await shop.placeOrder();
    const res = await fetch(`${shop.cloud.url}/http/payNotify?out_trade_no=${order.orderId}`);
    expect(res.status).toBe(400);
    // A shop without a cloudPay channel never reads an event (and asks for it again, as for any channel not configured).
    expect(await shop.invoke('payNotify', { outTradeNo: order.orderId, resultCode: 'SUCCESS' }, 'wx_pay')).toEqual({ errcode: 1, errmsg: 'no cloudPay channel is configured' });
    await unchangedOrder(order.orderId);
  });

  it('the authentic notify, delivered again after the order is paid, is acknowledged without a second transition', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const trade = await providerTrade(shop, orderId);
    expect(trade.tradeState).toBe('SUCCESS');
    const detail = await shop.order(orderId);
    const again = await shop.post('payNotify', buildV2Xml(signed(paymentNotify({ orderId, totalFee: detail.totalFee } as PayData, { transaction_id: String(detail.transactionId) }))));
    expect(again.status).toBe(200);
    expect((await shop.order(orderId)).timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
    expect((await shop.sent({ touser: MERCHANT, templateId: TEMPLATES.orderPaid })).filter((m) => m.data.character_string1 === orderId)).toHaveLength(1);
  });
});

describe('refundNotify over HTTP refuses what is not an authentic refund notify', () => {
  const refundInfo = (orderId: string, refundId: string) =>
    buildV2Xml({ transaction_id: '4200001234202611290000000001', out_trade_no: orderId, refund_id: '50300000000000000001', out_refund_no: refundId, total_fee: 1990, refund_fee: 1990, settlement_refund_fee: 1990, refund_status: 'SUCCESS', success_time: '2026-11-29 08:20:00', refund_recv_accout: '支付用户零钱', refund_account: 'REFUND_SOURCE_UNSETTLED_FUNDS', refund_request_source: 'API' }, 'root');
  const envelope = (reqInfo: string, extra: Fields = {}) => buildV2Xml({ return_code: 'SUCCESS', appid: merchant.appid, mch_id: merchant.mchId, nonce_str: nonce(), req_info: reqInfo, ...extra });

  async function unchangedRefund(orderId: string, refundId: string) {
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
    expect(await shop.doc('orders', orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundingFee: 1990, refundedFee: 0 }));
    // The buyer's one refund message is the outcome (issue 10): nothing is sent while WeChat Pay still processes it.
    expect(await buyerRefundPhrases(orderId)).toEqual([]);
  }
  const buyerRefundPhrases = async (orderId: string) =>
    (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId).map((m) => m.data.phrase3);

  it.each<[string, (orderId: string, refundId: string) => string, RegExp]>([
    ['req_info encrypted with another key', (o, r) => envelope(encryptReqInfo(refundInfo(o, r), 'W'.repeat(32))), /req_info is not readable/],
    ['req_info that is not encrypted', (o, r) => envelope(Buffer.from(refundInfo(o, r)).toString('base64')), /req_info is not readable/],
    ['another mch_id', (o, r) => envelope(encryptReqInfo(refundInfo(o, r), merchant.v2.key), { mch_id: '1900000999' }), /another merchant/],
    ['another appid', (o, r) => envelope(encryptReqInfo(refundInfo(o, r), merchant.v2.key), { appid: 'wx9999999999999999' }), /another appid/],
    ['a DOCTYPE', (o, r) => `<!DOCTYPE xml [<!ENTITY x "y">]>${envelope(encryptReqInfo(refundInfo(o, r), merchant.v2.key))}`, /document type or entity/],
  ])('%s: refused with a log line, the refund untouched', async (_what, body, reason) => {
    const { orderId, refundId } = await processingRefund(shop);
    const res = await shop.post('refundNotify', body(orderId, refundId));
    expect(res.status).toBe(400);
    expect(parseV2Xml(res.text).return_code).toBe('FAIL');
    await unchangedRefund(orderId, refundId);
    expect(await shop.logs(logLine('refundNotify', 'refundNotify.refused', reason))).not.toEqual([]);
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundStatus: 'PROCESSING' })]);
  });

  it('an authentic notify claiming success for a refund WeChat Pay still processes changes nothing: the query decides', async () => {
    const { orderId, refundId } = await processingRefund(shop);
    const res = await shop.post('refundNotify', envelope(encryptReqInfo(refundInfo(orderId, refundId), merchant.v2.key)));
    expect(res.status).toBe(200);
    expect(parseV2Xml(res.text).return_code).toBe('SUCCESS');
    await unchangedRefund(orderId, refundId);
    // Once WeChat Pay settles it, its own notify settles it once.
    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('SUCCEEDED');
    expect((await shop.doc('orders', orderId))).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: 1990, refundingFee: 0 }));
    expect(await buyerRefundPhrases(orderId)).toEqual(['退款成功']);
  });
});

describe("a WeChat Pay server certificate that does not chain to the trusted CA", () => {
  /** From now on, new function instances trust another CA than the one that issued the local WeChat Pay's certificate. */
  function trustAnotherCa(target: Shop) {
    const stranger = generateMaterial(merchant.mchId);
    const sandbox = target.cloud.sandbox;
    const original = sandbox.functionEnv.bind(sandbox);
    sandbox.functionEnv = () => ({ ...original(), WECHATPAY_CA_CERT: stranger.ca.cert });
  }

  it('pay: refused before anything is sent; WeChat Pay never hears of the order', async () => {
    const rogue = await openShop({ provider: V2 });
    try {
      trustAnotherCa(rogue);
      const result = failure(await rogue.call('pay', { items: [{ productId: CUP._id, quantity: 1 }] }, BUYER));
      expect(result.code).toBe('PROVIDER_ERROR');
      const orders = await rogue.docs<{ _id: string; status: string; transactionId?: string }>('orders');
      expect(orders).toEqual([expect.objectContaining({ status: 'PENDING' })]);
      await expect(providerTrade(rogue, orders[0]!._id)).rejects.toThrow(/404/);
      expect(await rogue.logs((l) => l.fn === 'pay' && l.event === 'provider.call_failed' && l.code === 'NOT_SENT' && /certificate is not trusted/.test(String(l.error)))).not.toEqual([]);
    } finally {
      await rogue.close();
    }
  });

  it('approveRefund: the refund is not sent and stays PROCESSING with the reason; no money moves', async () => {
    const rogue = await openShop({ provider: V2, autoSettleRefunds: false });
    try {
      // Paid and asked for while the functions still trust the right CA; approveRefund starts after the switch.
      const orderId = await rogue.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const { refundId } = await rogue.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了' });
      trustAnotherCa(rogue);
      expect(await rogue.call('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      const refund = await rogue.doc<{ status: string; lastError?: string }>('refunds', refundId);
      expect(refund).toEqual(expect.objectContaining({ status: 'PROCESSING', lastError: expect.stringMatching(/not trusted.*nothing was sent/) }));
      expect((await providerTrade(rogue, orderId)).refunds).toEqual([]);
      expect(await rogue.doc('orders', orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 0, refundingFee: 1990 }));
      expect(await rogue.logs((l) => l.fn === 'approveRefund' && l.event === 'refund.submit_failed' && l.code === 'NOT_SENT')).not.toEqual([]);
    } finally {
      await rogue.close();
    }
  });
});

describe('a shop that signs with MD5', () => {
  it('pays, is notified and refunds end to end; wx.requestPayment gets an MD5 paySign WeChat can check', async () => {
    const md5 = await openShop({ provider: V2, settings: { v2SignType: 'MD5' } });
    try {
      const key = (await md5.merchant()).v2.key;
      const { orderId, payment } = await md5.placeOrder([{ productId: CUP._id, quantity: 1 }]);
      expect(payment.signType).toBe('MD5');
      const { paySign, ...fields } = payment;
      expect(paySign).toBe(signV2(fields, key, 'MD5'));
      const done = await md5.complete(orderId);
      expect(done.status).toBe(200);
      // Delivered as MD5-signed XML to payNotify's HTTP access path, and answered with the SUCCESS ACK.
      expect(done.body.notification).toEqual(expect.objectContaining({ status: 'ACKNOWLEDGED' }));
      expect((await md5.order(orderId)).status).toBe('PAID');
      const { refundId } = await md5.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了' });
      expect((await md5.call('approveRefund', { refundId, action: 'approve' }, MERCHANT)).ok).toBe(true);
      const until = Date.now() + 5000;
      while ((await md5.doc<{ status: string }>('refunds', refundId))?.status !== 'SUCCEEDED' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect((await md5.doc<{ status: string }>('refunds', refundId))?.status).toBe('SUCCEEDED');
      expect((await providerTrade(md5, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundStatus: 'SUCCESS', refundFee: 1990 })]);
    } finally {
      await md5.close();
    }
  });
});

describe('a missing secret is a configuration error naming it', () => {
  function withoutVariable(target: Shop, name: string) {
    const sandbox = target.cloud.sandbox;
    const original = sandbox.functionEnv.bind(sandbox);
    sandbox.functionEnv = () => {
      const env = { ...original() };
      delete env[name];
      return env;
    };
  }

  it('no APIv2 key: pay says so, payNotify asks WeChat Pay to deliver again, nothing is paid', async () => {
    const shopWithoutKey = await openShop({ provider: V2 });
    try {
      withoutVariable(shopWithoutKey, 'WECHATPAY_V2_KEY');
      const result = failure(await shopWithoutKey.call('pay', { items: [{ productId: CUP._id, quantity: 1 }] }, BUYER));
      expect(result).toEqual({ ok: false, code: 'INTERNAL', message: expect.stringContaining('WECHATPAY_V2_KEY is not set') });
      const [order] = await shopWithoutKey.docs<{ _id: string; status: string }>('orders');
      expect(order?.status).toBe('PENDING');
      await expect(providerTrade(shopWithoutKey, order!._id)).rejects.toThrow(/404/);
      const res = await shopWithoutKey.post('payNotify', '<xml><return_code>SUCCESS</return_code></xml>');
      expect(res.status).toBe(500);
      expect((await shopWithoutKey.doc<{ status: string }>('orders', order!._id))?.status).toBe('PENDING');
      const lines = await shopWithoutKey.logs((l) => l.event === 'wechatpay.config_invalid');
      expect(lines.map((l) => l.fn)).toEqual(expect.arrayContaining(['pay', 'payNotify']));
      expect(JSON.stringify(lines)).toContain('WECHATPAY_V2_KEY is not set');
    } finally {
      await shopWithoutKey.close();
    }
  });

  it('no merchant certificate: the refund is not sent and waits with the reason', async () => {
    const noCert = await openShop({ provider: V2, autoSettleRefunds: false });
    try {
      const orderId = await noCert.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const { refundId } = await noCert.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了' });
      withoutVariable(noCert, 'WECHATPAY_MERCHANT_CERT');
      expect(await noCert.call('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      expect(await noCert.doc('refunds', refundId)).toEqual(expect.objectContaining({ status: 'PROCESSING', lastError: expect.stringContaining('WECHATPAY_MERCHANT_CERT') }));
      expect((await providerTrade(noCert, orderId)).refunds).toEqual([]);
      expect(await noCert.logs((l) => l.fn === 'approveRefund' && l.event === 'provider.call_failed' && l.code === 'NOT_CONFIGURED')).not.toEqual([]);
    } finally {
      await noCert.close();
    }
  });
});
