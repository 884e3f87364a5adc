// reconcile repairs what callbacks did not: lost payment and refund callbacks, unpaid orders past their deadline,
// refunds the provider never got. Settings here make everything due at once (no grace periods, 2 s to pay).
import type { ApplyRefundData } from '../../typings/api';
import { BUYER, CUP, MERCHANT, MERCHANT_2, TEA, TEMPLATES, failure, openShop, PROVIDERS, providerTrade, settleAtProvider, sleep, type Shop } from './support';

jest.setTimeout(30_000);

let shop: Shop;

describe.each(PROVIDERS)('$label', (provider) => {
  beforeAll(async () => {
    shop = await openShop({ provider, autoSettleRefunds: false, grants: 20, settings: { notifyGraceSeconds: 0, refundPollSeconds: 0, unpaidTimeoutSeconds: 2 } });
  }, 60_000);
  afterAll(() => shop?.close());

  const paidMessages = async (orderId: string) =>
    (await shop.sent({ templateId: TEMPLATES.orderPaid })).filter((m) => m.data.character_string1 === orderId).map((m) => m.touser).sort();

  async function requestedRefund(orderId: string, refundFee?: number): Promise<string> {
    const r = await shop.ok<ApplyRefundData>('applyRefund', { orderId, reason: '质量问题', ...(refundFee ? { refundFee } : {}) });
    return r.refundId;
  }

  it('a lost payment callback: reconcile marks the order paid once and tells the merchants once', async () => {
    const { orderId } = await shop.placeOrder([{ productId: TEA._id, quantity: 1 }]);
    const paid = await shop.complete(orderId, { drop: true });
    expect(paid.status).toBe(200);
    expect((await shop.order(orderId)).status).toBe('PENDING');
    await shop.reconcile();
    const order = await shop.order(orderId);
    expect(order.status).toBe('PAID');
    expect(order.transactionId).toEqual(expect.any(String));
    expect(order.timeline.filter((t) => t.event === 'paid')).toEqual([expect.objectContaining({ by: 'system' })]);
    expect(await paidMessages(orderId)).toEqual([MERCHANT, MERCHANT_2].sort());
    await shop.reconcile();
    expect(await paidMessages(orderId)).toHaveLength(2);
  });

  it('notify and reconcile racing: one transition, one message per merchant', async () => {
    const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    await Promise.all([shop.complete(orderId, { deliveries: 5, concurrent: true }), shop.reconcile(), shop.reconcile()]);
    await shop.reconcile();
    const order = await shop.order(orderId);
    expect(order.status).toBe('PAID');
    expect(order.timeline.filter((t) => t.event === 'paid')).toHaveLength(1);
    expect(await paidMessages(orderId)).toEqual([MERCHANT, MERCHANT_2].sort());
  });

  it('an unpaid order past its deadline is closed at the provider first, then in our books', async () => {
    const { orderId } = await shop.placeOrder();
    await shop.reconcile();
    expect((await shop.order(orderId)).status).toBe('PENDING'); // not due yet
    await sleep(2200);
    await shop.reconcile();
    const order = await shop.order(orderId);
    expect(order.status).toBe('CLOSED');
    expect(order.timeline.map((t) => t.event)).toEqual(['created', 'closed']);
    expect((await providerTrade(shop, orderId)).tradeState).toBe('CLOSED');
    expect((await shop.complete(orderId)).status).not.toBe(200); // the buyer can no longer pay it
    expect(failure(await shop.call('pay', { orderId }, BUYER)).code).toBe('CONFLICT');
  });

  it('a lost refund callback: reconcile settles the refund through queryRefund and tells the buyer once', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await requestedRefund(orderId, 1000);
    expect(await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ refundId, status: 'PROCESSING' });
    expect((await settleAtProvider(shop, refundId, { drop: true })).status).toBe(200);
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
    await shop.reconcile();
    await shop.reconcile();
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('SUCCEEDED');
    const order = await shop.doc<{ status: string; refundedFee: number; refundingFee: number }>('orders', orderId);
    expect(order).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 1000, refundingFee: 0 }));
    const results = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
    expect(results.map((m) => m.data.phrase3)).toEqual(['退款成功']);
  });

  it('a settlement that stopped between booking the order and finishing the refund: reconcile finishes it, the money is booked once', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await requestedRefund(orderId, 1000);
    expect(await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ refundId, status: 'PROCESSING' });
    expect((await settleAtProvider(shop, refundId, { drop: true })).status).toBe(200);
    // What refundNotify's first write leaves behind when the instance dies right after it (refund-flow.ts settleRefund).
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'orders',
      queryType: 'DOC',
      query: JSON.stringify({ _id: orderId }),
      data: JSON.stringify({ $set: { refundedFee: 1000, refundingFee: 0, openRefundId: null, refunding: false } }),
      multi: false,
      merge: true,
    });
    await shop.reconcile();
    await shop.reconcile();
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('SUCCEEDED');
    expect(await shop.doc('orders', orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 1000, refundingFee: 0, openRefundId: null }));
    // The refund can be asked again for what is left, and only for that.
    const again = await shop.call<ApplyRefundData>('applyRefund', { orderId, reason: 'again' }, BUYER);
    expect(again).toEqual({ ok: true, data: expect.objectContaining({ refundId: `${orderId}R2`, refundFee: TEA.price - 1000 }) });
  });

  it('a refund WeChat refused for lack of balance stays PROCESSING and is resubmitted by reconcile with the same number', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const refundId = await requestedRefund(orderId);
    await shop.fault('refund', 'NOTENOUGH', 1);
    expect(await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ refundId, status: 'PROCESSING' });
    expect(await shop.doc('refunds', refundId)).toEqual(expect.objectContaining({ status: 'PROCESSING', lastError: expect.stringMatching(/NOT_?ENOUGH/) }));
    expect((await providerTrade(shop, orderId)).refunds).toHaveLength(0);
    // The merchant sees why the refund is waiting; the buyer does not.
    const seen = await shop.ok<{ refund: { lastError?: string } }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(seen.refund.lastError).toMatch(/NOT_?ENOUGH/);
    const buyerView = await shop.order(orderId);
    expect(buyerView.refunds[0]).not.toHaveProperty('lastError');
    await shop.reconcile();
    const after = await shop.ok<{ refund: { lastError?: string } }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(after.refund.lastError).toBeUndefined();
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 1990 })]);
    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    expect(await shop.doc('orders', orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: 1990, refundingFee: 0 }));
  });

  it('a refund WeChat closes fails and gives the amount back to what can be refunded', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await requestedRefund(orderId, 800);
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    expect((await settleAtProvider(shop, refundId, { status: 'REFUNDCLOSE' })).status).toBe(200);
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('FAILED');
    const detail = await shop.order(orderId);
    expect(detail).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 0, refundingFee: 0, refundableFee: 6800, hasOpenRefund: false }));
    const results = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
    expect(results.map((m) => m.data.phrase3)).toContain('退款失败');
  });

  it('reconcile cannot be invoked from the mini-program', async () => {
    const res = await fetch(`${shop.cloud.url}/functions/reconcile`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': BUYER }, body: '{"data":{}}' });
    expect(res.status).toBe(403);
    const res2 = await fetch(`${shop.cloud.url}/functions/refundNotify`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': BUYER }, body: '{"data":{"outRefundNo":"xR1"}}' });
    expect(res2.status).toBe(403);
  });

  it('an approval that died between its claim and the provider call: reconcile submits the refund with its own number', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const refundId = await requestedRefund(orderId, 700);
    // What approveRefund's claim writes, and nothing after it (the instance crashed).
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'refunds',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: refundId, status: 'REQUESTED' }),
      data: JSON.stringify({ $set: { status: 'PROCESSING', decidedBy: MERCHANT } }),
      multi: true,
      merge: true,
      upsert: false,
    });
    expect((await providerTrade(shop, orderId)).refunds).toHaveLength(0);
    await shop.reconcile();
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 700 })]);
    await shop.reconcile(); // asking again does not refund again
    expect((await providerTrade(shop, orderId)).refunds).toHaveLength(1);
    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    expect(await shop.doc('orders', orderId)).toEqual(expect.objectContaining({ refundedFee: 700, refundingFee: 0, status: 'PAID' }));
  });
});
