// pay and payNotify through the local cloud: the built bundles, the real SDK, the sandbox's cloudPay and outbox.
import { postJson } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, MERCHANT_2, OTHER_BUYER, TEA, TEMPLATES, failure, openShop, PROVIDERS, type Shop } from './support';

jest.setTimeout(30_000);

let shop: Shop;

describe.each(PROVIDERS)('$label', (provider) => {
  beforeAll(async () => {
    shop = await openShop({ provider });
  }, 60_000);
  afterAll(() => shop?.close());

  describe('pay', () => {
    it('prices the order from products, owns it by the caller, and returns what wx.requestPayment needs', async () => {
      const data = await shop.placeOrder([{ productId: TEA._id, quantity: 2 }, { productId: CUP._id, quantity: 1 }]);
      expect(data.totalFee).toBe(2 * 6800 + 1990);
      expect(data.orderId).toMatch(/^[0-9A-Za-z_-]{1,32}$/);
      expect(data.payment).toEqual(expect.objectContaining({ package: expect.stringMatching(/^prepay_id=/), paySign: expect.any(String), timeStamp: expect.any(String), nonceStr: expect.any(String), signType: expect.any(String) }));
      const order = await shop.doc<Record<string, unknown>>('orders', data.orderId);
      expect(order).toEqual(expect.objectContaining({ _openid: BUYER, status: 'PENDING', totalFee: 15590, refundedFee: 0, refundingFee: 0 }));
      const detail = await shop.order(data.orderId);
      expect(detail.items).toEqual([
        { productId: TEA._id, name: TEA.name, unitPrice: 6800, quantity: 2 },
        { productId: CUP._id, name: CUP.name, unitPrice: 1990, quantity: 1 },
      ]);
      expect(detail.timeline.map((t) => t.event)).toEqual(['created']);
    });

    it('re-pays a pending order of the caller with the same order, and refuses someone else', async () => {
      const first = await shop.placeOrder();
      const again = await shop.ok<{ orderId: string; totalFee: number }>('pay', { orderId: first.orderId });
      expect(again.orderId).toBe(first.orderId);
      expect(again.totalFee).toBe(first.totalFee);
      expect(failure(await shop.call('pay', { orderId: first.orderId }, OTHER_BUYER)).code).toBe('NOT_FOUND');
    });

    it('returns the same order for a repeated idempotencyKey, even when the calls race', async () => {
      const event = { items: [{ productId: TEA._id, quantity: 1 }], idempotencyKey: 'checkout-0001-abc' };
      const results = await Promise.all(Array.from({ length: 5 }, () => shop.ok<{ orderId: string }>('pay', event)));
      expect(new Set(results.map((r) => r.orderId)).size).toBe(1);
      const orders = (await shop.docs<{ idempotencyKey?: string }>('orders')).filter((o) => o.idempotencyKey === event.idempotencyKey);
      expect(orders).toHaveLength(1);
      // Another buyer's identical key is another order.
      const bob = await shop.ok<{ orderId: string }>('pay', event, OTHER_BUYER);
      expect(bob.orderId).not.toBe(results[0].orderId);
    });

    it.each([
      ['a negative quantity', { items: [{ productId: TEA._id, quantity: -1 }] }, 'INVALID_ARGUMENT'],
      ['a zero quantity', { items: [{ productId: TEA._id, quantity: 0 }] }, 'INVALID_ARGUMENT'],
      ['a float quantity', { items: [{ productId: TEA._id, quantity: 1.5 }] }, 'INVALID_ARGUMENT'],
      ['a string quantity', { items: [{ productId: TEA._id, quantity: '1' }] }, 'INVALID_ARGUMENT'],
      ['a total above 1 000 000 yuan', { items: [{ productId: 'gold-teapot', quantity: 2 }] }, 'INVALID_ARGUMENT'],
      ['an unknown product', { items: [{ productId: 'no-such-tea', quantity: 1 }] }, 'INVALID_ARGUMENT'],
      ['a retired product', { items: [{ productId: 'retired', quantity: 1 }] }, 'INVALID_ARGUMENT'],
      ['a client-chosen price', { items: [{ productId: TEA._id, quantity: 1, price: 1 }] }, 'INVALID_ARGUMENT'],
      ['a client-chosen total', { items: [{ productId: TEA._id, quantity: 1 }], totalFee: 1 }, 'INVALID_ARGUMENT'],
      ['no items', { items: [] }, 'INVALID_ARGUMENT'],
      ['an unknown order', { orderId: 'nope' }, 'NOT_FOUND'],
      ['a __proto__ field', JSON.parse('{"items":[{"productId":"tea-cup","quantity":1}],"__proto__":{"totalFee":1}}'), 'INVALID_ARGUMENT'],
      ['an openid field', { items: [{ productId: TEA._id, quantity: 1 }], openid: OTHER_BUYER }, 'INVALID_ARGUMENT'],
    ])('refuses %s and creates nothing', async (_, event, code) => {
      const before = (await shop.docs('orders')).length;
      const result = failure(await shop.call('pay', event, BUYER));
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(5);
      expect((await shop.docs('orders')).length).toBe(before);
    });

    it('answers PROVIDER_ERROR when WeChat Pay fails, and the order can be paid again', async () => {
      await shop.fault('unifiedOrder', 'SYSTEMERROR');
      const event = { items: [{ productId: CUP._id, quantity: 1 }], idempotencyKey: 'provider-down-0001' };
      const refused = failure(await shop.call('pay', event, BUYER));
      expect(refused.code).toBe('PROVIDER_ERROR');
      const pendingId = /order ([0-9A-Za-z_-]+)/.exec(refused.message)?.[1];
      expect((await shop.order(pendingId ?? '')).status).toBe('PENDING');
      const again = await shop.ok<{ orderId: string }>('pay', event);
      expect(again.orderId).toBe(pendingId);
      expect((await shop.complete(again.orderId)).status).toBe(200);
      expect((await shop.order(again.orderId)).status).toBe('PAID');
    });
  });

  describe('payNotify', () => {
    it('marks the order paid once, records the transaction, and tells every merchant once', async () => {
      const { orderId } = await shop.placeOrder([{ productId: TEA._id, quantity: 1 }]);
      const done = await shop.complete(orderId);
      expect(done.status).toBe(200);
      const detail = await shop.order(orderId);
      expect(detail.status).toBe('PAID');
      expect(detail.transactionId).toEqual(expect.any(String));
      expect(detail.refundableFee).toBe(6800);
      expect(detail.timeline.map((t) => t.event)).toEqual(['created', 'paid']);
      for (const m of [MERCHANT, MERCHANT_2]) {
        const messages = (await shop.sent({ touser: m, templateId: TEMPLATES.orderPaid })).filter((x) => x.data.character_string1 === orderId);
        expect(messages).toHaveLength(1);
        expect(messages[0].status).toBe('SENT');
        expect(messages[0].data.amount3).toBe('68.00元');
      }
      const record = await shop.doc<{ sends: Array<{ status: string }> }>('messages', `orderPaid:${orderId}:paid`);
      expect(record?.sends.map((s) => s.status)).toEqual(['SENT', 'SENT']);
    });

    it('the same notify 20 times at once: one transition, one message per merchant', async () => {
      const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 2 }]);
      const done = await shop.complete(orderId, { deliveries: 20, concurrent: true });
      expect(done.status).toBe(200);
      const order = await shop.order(orderId);
      expect(order.status).toBe('PAID');
      expect(order.timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
      for (const m of [MERCHANT, MERCHANT_2]) {
        const messages = (await shop.sent({ touser: m, templateId: TEMPLATES.orderPaid })).filter((x) => x.data.character_string1 === orderId);
        expect(messages).toHaveLength(1);
      }
      const deliveries = (done.body.notification as { deliveries: Array<{ outcome: string }> }).deliveries;
      expect(deliveries).toHaveLength(20);
    });

    it('cannot be called from the mini-program (security rules), so a forged success changes nothing', async () => {
      const { orderId, totalFee } = await shop.placeOrder();
      const forged = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: orderId, totalFee, transactionId: '4200000000000000000000000001', subMchId: '1900000109' };
      const res = await fetch(`${shop.cloud.url}/functions/payNotify`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': BUYER }, body: JSON.stringify({ data: forged }) });
      expect(res.status).toBe(403);
      // Even when the forged event reaches the function by another way, the provider's answer decides.
      // cloudPay acknowledges an event it cannot confirm; a shop without a cloudPay channel never reads it (and asks
      // for it again, so a channel configured back in time would still hear a real one).
      const answer = await shop.invoke('payNotify', forged, 'wx_pay');
      if (provider.pay === 'cloudpay') expect(answer).toEqual({ errcode: 0, errmsg: expect.any(String) });
      else expect(answer).toEqual({ errcode: 1, errmsg: 'no cloudPay channel is configured' });
      const order = await shop.order(orderId);
      expect(order.status).toBe('PENDING');
      expect(order.transactionId).toBeUndefined();
      expect((await shop.sent({ templateId: TEMPLATES.orderPaid })).some((m) => m.data.character_string1 === orderId)).toBe(false);
    });

    it('an amount mismatch is recorded as an anomaly and never marks the order paid', async () => {
      const { orderId } = await shop.placeOrder([{ productId: TEA._id, quantity: 1 }]);
      // The order in our books is altered after the provider's order was created (as a tampered write would be).
      const { putDocument } = await import('../../emulator/src/demo');
      const stored = await shop.doc<Record<string, unknown>>('orders', orderId);
      expect(stored).toBeDefined();
      const tampered = { ...(stored as Record<string, unknown>), _id: orderId, totalFee: 1 } as { _id: string } & Record<string, unknown>;
      for (const k of ['createdAt', 'updatedAt', 'payDeadline']) tampered[k] = { $date: { $numberLong: String(Date.parse(String(tampered[k]))) } };
      tampered.timeline = [];
      putDocument(shop.cloud, 'orders', tampered);
      expect((await shop.complete(orderId)).status).toBe(200);
      const order = await shop.order(orderId);
      expect(order.status).toBe('PENDING');
      const anomalies = (await shop.docs<{ kind: string; orderId: string }>('anomalies')).filter((a) => a.orderId === orderId);
      expect(anomalies).toEqual([expect.objectContaining({ kind: 'AMOUNT_MISMATCH' })]);
      expect(order.timeline.map((t) => t.event)).toContain('anomaly');
      expect((await shop.sent({ templateId: TEMPLATES.orderPaid })).some((m) => m.data.character_string1 === orderId)).toBe(false);
    });

    it.each([
      // The merchant field of the answer: cloudPay's sub-merchant, APIv2's own merchant.
      ['a payment to another merchant', { [provider.pay === 'cloudpay' ? 'sub_mch_id' : 'mch_id']: '1900000999' }, 'MERCHANT_MISMATCH'],
      ['a smaller amount than the order', { total_fee: 1, cash_fee: 1 }, 'AMOUNT_MISMATCH'],
    ])('WeChat Pay confirming %s is an anomaly: the order stays unpaid and the merchant is not told it was paid', async (_case, patch, kind) => {
      const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
      // Every confirmation payNotify asks for comes back altered, as a forged or broken answer would.
      const armed = await postJson(shop.cloud, '/sandbox/faults', { api: 'queryOrder', mode: 'TAMPERED', count: 3, patch });
      expect(armed.status).toBe(200);
      try {
        expect((await shop.complete(orderId)).status).toBe(200);
        const order = await shop.order(orderId);
        expect(order.status).toBe('PENDING');
        expect(order.transactionId).toBeUndefined();
        const anomalies = (await shop.docs<{ kind: string; orderId: string }>('anomalies')).filter((a) => a.orderId === orderId);
        expect(anomalies.map((a) => a.kind)).toContain(kind);
        expect((await shop.sent({ templateId: TEMPLATES.orderPaid })).some((m) => m.data.character_string1 === orderId)).toBe(false);
      } finally {
        await postJson(shop.cloud, '/sandbox/faults', { reset: true });
      }
    });

    it('a payment for an order we do not have is recorded as an anomaly and acknowledged', async () => {
      const { orderId } = await shop.placeOrder();
      shop.cloud.db.execute('database.removeDocument', { collectionName: 'orders', queryType: 'DOC', query: JSON.stringify({ _id: orderId }), multi: false });
      const done = await shop.complete(orderId);
      expect((done.body.notification as { status: string }).status).toBe('ACKNOWLEDGED');
      expect((await shop.docs<{ kind: string; orderId: string }>('anomalies')).filter((a) => a.orderId === orderId)).toEqual([expect.objectContaining({ kind: 'UNKNOWN_ORDER' })]);
      expect(await shop.doc('orders', orderId)).toBeUndefined();
    });
  });
});
