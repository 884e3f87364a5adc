// An APIv3 shop (both verification modes) through the local cloud: what reaches payNotify and refundNotify over
// HTTP when it is not an authentic notify for this shop (a signature probe, a replay, a forgery, a key the shop does
// not have, a re-serialised body, another merchant or appid inside the encrypted resource), an answer from WeChat Pay
// whose signature does not verify, and a key rotation. In every case: nothing changes, nothing is sent twice, and
// the refusal is logged without secrets.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyRefundData, PayData } from '../../typings/api';
import { postJson, projectRoot } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, TEMPLATES, openShop, processingRefund, providerTrade, settleAtProvider, type FunctionLog, type SandboxMerchant, type Shop, type ShopProvider } from './support';

jest.setTimeout(30_000);

const MODES: ShopProvider[] = [
  { label: 'v3 (public key)', pay: 'v3', v3Verify: 'publicKey' },
  { label: 'v3 (platform certificate)', pay: 'v3', v3Verify: 'certificate' },
];

describe.each(MODES)('$label', (provider) => {
  let shop: Shop;
  let merchant: SandboxMerchant & { v3?: { apiV3Key: string } };
  beforeAll(async () => {
    shop = await openShop({ provider, autoSettleRefunds: false, grants: 20 });
    merchant = await shop.merchant();
  }, 60_000);
  afterAll(() => shop?.close());

  const orderPaidMessages = async (orderId: string) => (await shop.sent({ templateId: TEMPLATES.orderPaid })).filter((m) => m.data.character_string1 === orderId);

  async function unchangedOrder(orderId: string) {
    const order = await shop.order(orderId);
    expect(order.status).toBe('PENDING');
    expect(order.transactionId).toBeUndefined();
    expect(order.timeline.map((t) => t.event)).toEqual(['created']);
    expect(await orderPaidMessages(orderId)).toEqual([]);
    expect((await shop.docs<{ orderId: string }>('anomalies')).filter((a) => a.orderId === orderId)).toEqual([]);
  }

  /** No log line of the functions carries the APIv3 key, a private key or a signature. */
  async function logsHoldNoSecrets() {
    const all = JSON.stringify(await shop.logs(() => true, 0));
    expect(all).not.toContain(String(merchant.v3?.apiV3Key));
    expect(all).not.toMatch(/PRIVATE KEY|wechatpay-signature|BEGIN CERTIFICATE/i);
  }

  const refusedWith = (fn: string, reason: RegExp) => (l: FunctionLog) => l.fn === fn && l.event === `${fn}.refused` && reason.test(String(l.reason ?? ''));

  it('pays end to end: RSA paySign, encrypted notify, PAID once, merchant told once', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const order = await shop.order(orderId);
    expect(order.status).toBe('PAID');
    expect(order.transactionId).toMatch(/^4200/);
    expect(await shop.sent({ touser: MERCHANT, templateId: TEMPLATES.orderPaid }).then((m) => m.filter((x) => x.data.character_string1 === orderId))).toHaveLength(1);
    const trade = await providerTrade(shop, orderId);
    expect(trade).toMatchObject({ protocol: 'v3', tradeState: 'SUCCESS' });
    expect((trade as unknown as { notifications: Array<{ status: string; deliveries: Array<{ detail: string }> }> }).notifications[0]).toMatchObject({ status: 'ACKNOWLEDGED' });
    const fresh = await shop.placeOrder();
    expect(fresh.payment).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) });
  });

  it.each([
    ['PROBE', /^SIGNATURE_PROBE/],
    ['STALE', /^STALE/],
    ['FOREIGN_KEY', /^BAD_SIGNATURE/],
    ['UNKNOWN_SERIAL', /^UNKNOWN_KEY/],
    ['RESERIALISED', /^BAD_SIGNATURE/],
    ['WRONG_MCHID', /another merchant/],
    ['WRONG_APPID', /another appid/],
  ])('payNotify refuses a %s notify with a 4xx; the order is untouched', async (forgery, reason) => {
    const order: PayData = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    const sent = await postJson<{ status: number; acknowledged: boolean }>(shop.cloud, `/sandbox/payments/${order.orderId}/forge`, { forgery });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 400, acknowledged: false });
    await unchangedOrder(order.orderId);
    expect(await shop.logs(refusedWith('payNotify', reason))).not.toEqual([]);
    await logsHoldNoSecrets();
  });

  it('a forgery for an order that is already paid changes nothing and sends nothing twice', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    for (const forgery of ['STALE', 'FOREIGN_KEY', 'WRONG_MCHID']) {
      expect((await postJson(shop.cloud, `/sandbox/payments/${orderId}/forge`, { forgery })).body).toMatchObject({ status: 400 });
    }
    const order = await shop.order(orderId);
    expect(order.timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
    expect(await orderPaidMessages(orderId)).toHaveLength(2); // one per merchant, once
  });

  it('a cloudPay-style event or a GET is not an APIv3 notify', async () => {
    const order = await shop.placeOrder();
    // A shop without a cloudPay channel never reads an event (and asks for it again, as for any channel not configured).
    expect(await shop.invoke('payNotify', { outTradeNo: order.orderId, resultCode: 'SUCCESS' }, 'wx_pay')).toEqual({ errcode: 1, errmsg: 'no cloudPay channel is configured' });
    expect((await fetch(`${shop.cloud.url}/http/payNotify?out_trade_no=${order.orderId}`)).status).toBe(400);
    await unchangedOrder(order.orderId);
  });

  describe('refundNotify', () => {

    it.each([
      ['PROBE', /^SIGNATURE_PROBE/],
      ['STALE', /^STALE/],
      ['FOREIGN_KEY', /^BAD_SIGNATURE/],
      ['RESERIALISED', /^BAD_SIGNATURE/],
      ['WRONG_MCHID', /another merchant/],
    ])('refuses a %s notify; the refund stays PROCESSING and the buyer hears nothing more', async (forgery, reason) => {
      const { orderId, refundId } = await processingRefund(shop);
      const sent = await postJson(shop.cloud, `/sandbox/refunds/${refundId}/forge`, { forgery });
      expect(sent.body).toMatchObject({ status: 400, acknowledged: false });
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
      expect(await shop.doc('orders', orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundingFee: 1990, refundedFee: 0 }));
      expect(await shop.logs(refusedWith('refundNotify', reason))).not.toEqual([]);
      await logsHoldNoSecrets();
    });

  });

  it('an answer whose signature does not verify is never believed: payNotify asks again later, then pays once', async () => {
    const order = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    // Every confirmation payNotify asks for in the first attempt comes back with a broken signature.
    await postJson(shop.cloud, '/sandbox/faults', { api: 'queryOrder', mode: 'BAD_SIGNATURE', count: 1 });
    const done = await shop.complete(order.orderId);
    expect(done.status).toBe(200);
    const first = (done.body.notification as { deliveries: Array<{ outcome: string; detail: string }> }).deliveries[0];
    expect(first?.outcome).toBe('REJECTED');
    expect(await shop.logs((l) => l.fn === 'payNotify' && /ANSWER_UNVERIFIED/.test(JSON.stringify(l)))).not.toEqual([]);
    // WeChat's next attempt confirms with an honest answer.
    await eventually(async () => (await shop.order(order.orderId)).status === 'PAID');
    expect((await shop.order(order.orderId)).timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
    expect(await orderPaidMessages(order.orderId)).toHaveLength(2);
  });

  it('a key rotation: refused while the shop lacks the new key, accepted once it has it, paid once', async () => {
    const before = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    await postJson(shop.cloud, '/sandbox/v3/rotate');
    let stuck: string | undefined;
    try {
      // WeChat Pay now signs with a key the shop has not configured: its notify is refused and retried later.
      expect((await shop.complete(before.orderId)).status).toBe(200);
      expect(await shop.logs(refusedWith('payNotify', /^UNKNOWN_KEY/))).not.toEqual([]);
      await unchangedOrder(before.orderId);
      // A new payment cannot start either: the order answer cannot be verified, so it is not believed.
      const result = await shop.call('pay', { items: [{ productId: CUP._id, quantity: 1 }] }, BUYER);
      expect(result).toMatchObject({ ok: false, code: 'PROVIDER_ERROR' });
      stuck = (result as { message: string }).message.match(/order (\S+);/)?.[1];
      expect(stuck).toBeDefined();
    } finally {
      // The merchant configures the new key; like a change in the console, it redeploys the functions.
      await postJson(shop.cloud, '/sandbox/v3/keys/install');
      redeploy(['pay', 'payNotify', 'refundNotify', 'orders', 'approveRefund', 'reconcile']);
    }
    // WeChat's next attempt is accepted: paid once, the merchants told once.
    await eventually(async () => (await shop.order(before.orderId)).status === 'PAID', 20_000);
    expect((await shop.order(before.orderId)).timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
    // The status changes before the winning invocation has told both merchants: wait for its messages, then count.
    await eventually(async () => (await orderPaidMessages(before.orderId)).length >= 2, 20_000);
    expect(await orderPaidMessages(before.orderId)).toHaveLength(2);
    // The order whose payment could not start is paid again as the same order at WeChat Pay.
    const again = await shop.ok<PayData>('pay', { orderId: stuck });
    expect(again.orderId).toBe(stuck);
    expect((await shop.complete(String(stuck))).status).toBe(200);
    expect((await shop.order(String(stuck))).status).toBe('PAID');
    await logsHoldNoSecrets();
  });
});

/** A changed environment variable redeploys a function in the console; here, warm instances retire on a new build. */
function redeploy(names: string[]) {
  const now = new Date();
  for (const name of names) utimesSync(join(projectRoot, 'cloudfunctions', name, 'index.js'), now, now);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
