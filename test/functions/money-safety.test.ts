// What a review, a soak and an attack found (issue 10 §2), each through the local cloud as a user would notice it:
// the database, what the functions answer, what WeChat Pay (the sandbox) recorded, and what was sent.
import type { OrderDetail, OrderSummary, Page, RefundView } from '../../typings/api';
import { postJson } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, TEA, TEMPLATES, failure, openShop, orderLedger, providerTrade, settleAtProvider, type Shop } from './support';

jest.setTimeout(60_000);

// One grant of each template per person: a test that passes with one grant cannot be planning two messages on it.
let shop: Shop;
beforeAll(async () => {
  shop = await openShop({ autoSettleRefunds: false, grants: 0 });
}, 60_000);
afterAll(() => shop?.close());

const ledger = (orderId: string) => orderLedger(shop, orderId);
const anomaliesOf = async (orderId: string) => (await shop.docs<{ kind: string; orderId: string; refundId?: string }>('anomalies')).filter((a) => a.orderId === orderId);
const toMerchant = async (orderId: string) => (await shop.sent({ touser: MERCHANT, templateId: TEMPLATES.refundRequested })).filter((m) => m.data.character_string1 === orderId);
const grantMerchant = () => shop.cloud.outbox.grant(MERCHANT, [TEMPLATES.refundRequested]);

async function approvedRefund(orderId: string, refundFee: number): Promise<string> {
  const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, refundFee, reason: '不想要了' });
  expect(await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ refundId, status: 'PROCESSING' });
  return refundId;
}

async function armed<T>(api: string, patch: Record<string, string | number>, count: number, run: () => Promise<T>): Promise<T> {
  expect((await postJson(shop.cloud, '/sandbox/faults', { api, mode: 'TAMPERED', count, patch })).status).toBe(200);
  try {
    return await run();
  } finally {
    await postJson(shop.cloud, '/sandbox/faults', { reset: true });
  }
}

describe('the merchant check', () => {
  it('a confirmation that names no merchant is a MERCHANT_MISMATCH: the order stays unpaid', async () => {
    const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    await armed('queryOrder', { sub_mch_id: '' }, 3, async () => expect((await shop.complete(orderId)).status).toBe(200));
    expect((await shop.order(orderId)).status).toBe('PENDING');
    expect((await anomaliesOf(orderId)).map((a) => a.kind)).toEqual(['MERCHANT_MISMATCH']);
  });
});

describe('one grant, one message', () => {
  it('the buyer who subscribed once hears the result (退款成功), and nothing uses the grant before it', async () => {
    shop.cloud.outbox.grant(BUYER, [TEMPLATES.refundResult]);
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const refundId = await approvedRefund(orderId, 1990);
    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    const toBuyer = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
    expect(toBuyer).toEqual([expect.objectContaining({ status: 'SENT', data: expect.objectContaining({ phrase3: '退款成功', amount2: '19.90元' }) })]);
  });
});

describe('an abnormal refund (WeChat CHANGE)', () => {
  it('is its own state: its amount stays reserved, the merchant is told what to do, and later refunds still fit at WeChat', async () => {
    grantMerchant();
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await approvedRefund(orderId, 2000);
    expect((await settleAtProvider(shop, refundId, { status: 'CHANGE' })).status).toBe(200);

    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('ABNORMAL');
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 0, refundingFee: 2000, openRefundId: null }));
    const detail = await shop.order(orderId);
    expect(detail).toEqual(expect.objectContaining({ refundableFee: 4800, hasOpenRefund: false }));
    expect(detail.refunds[0]).toEqual(expect.objectContaining({ status: 'ABNORMAL' }));
    expect(detail.refunds[0].lastError).toBeUndefined(); // the buyer does not get the merchant's instructions

    const seen = await shop.ok<{ refund: RefundView }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(seen.refund).toEqual(expect.objectContaining({ status: 'ABNORMAL', lastError: expect.stringContaining('商户平台') }));
    const queue = await shop.ok<Page<RefundView>>('orders', { action: 'refunds', status: 'ABNORMAL' }, MERCHANT);
    expect(queue.items.map((r) => r.refundId)).toContain(refundId);
    expect((await anomaliesOf(orderId)).map((a) => a.kind)).toEqual(['REFUND_ABNORMAL']);
    expect((await toMerchant(orderId)).map((m) => m.status)).toContain('SENT');

    // Asking for everything that is left is accepted by WeChat: the abnormal amount was never offered again.
    const rest = await approvedRefund(orderId, 4800);
    expect((await providerTrade(shop, orderId)).refunds.map((r) => r.outRefundNo)).toEqual([refundId, rest]);
    expect((await shop.doc<{ status: string; lastError?: string }>('refunds', rest))?.status).toBe('PROCESSING');
    expect((await shop.doc<{ lastError?: string }>('refunds', rest))?.lastError).toBeFalsy();
    expect(failure(await shop.call('applyRefund', { orderId, refundFee: 1, reason: '再退一点' }, BUYER)).code).toBe('CONFLICT');

    // The merchant resolves it in the merchant platform; WeChat then reports it paid out, and the merchant asks again.
    const resolved = { out_refund_no_list: '-', refund_count: 1, out_refund_no_0: refundId, refund_status_0: 'SUCCESS', refund_fee_0: 2000 };
    expect(await armed('queryRefund', resolved, 1, () => shop.ok('orders', { action: 'checkRefund', refundId }, MERCHANT))).toEqual({ refundId, status: 'SUCCEEDED' });
    // The other refund, still open, keeps its place.
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundedFee: 2000, refundingFee: 4800, openRefundId: rest }));
  });
});

describe('an ABNORMAL refund booked before orders kept abnormalRefundIds (upgrade)', () => {
  const resolved = (refundId: string) => ({ out_refund_no_list: '-', refund_count: 1, out_refund_no_0: refundId, refund_status_0: 'SUCCESS', refund_fee_0: 2000 });
  const setOrder = (orderId: string, fields: Record<string, unknown>) =>
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'orders',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: orderId }),
      data: JSON.stringify({ $set: fields }),
      multi: false,
      merge: true,
      upsert: false,
    });

  async function abnormalRefund(): Promise<{ orderId: string; refundId: string }> {
    grantMerchant();
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await approvedRefund(orderId, 2000);
    expect((await settleAtProvider(shop, refundId, { status: 'CHANGE' })).status).toBe(200);
    expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('ABNORMAL');
    return { orderId, refundId };
  }

  it('its amount still reserved with no token on the order: WeChat reports it paid out, the money is booked, once', async () => {
    const { orderId, refundId } = await abnormalRefund();
    setOrder(orderId, { abnormalRefundIds: [] }); // what the older code left
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundedFee: 0, refundingFee: 2000, abnormalRefundIds: [] }));

    expect(await armed('queryRefund', resolved(refundId), 1, () => shop.ok('orders', { action: 'checkRefund', refundId }, MERCHANT))).toEqual({ refundId, status: 'SUCCEEDED' });
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 2000, refundingFee: 0, abnormalRefundIds: [] }));
    // Asked again: nothing moves twice.
    expect(await armed('queryRefund', resolved(refundId), 1, () => shop.ok('orders', { action: 'checkRefund', refundId }, MERCHANT))).toEqual({ refundId, status: 'SUCCEEDED' });
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundedFee: 2000, refundingFee: 0 }));
    expect((await shop.order(orderId)).refundableFee).toBe(6800 - 2000);
  });

  it('booked already by a settlement that stopped before moving the refund: only the refund moves, the money is not booked again', async () => {
    const { orderId, refundId } = await abnormalRefund();
    setOrder(orderId, { abnormalRefundIds: [], refundedFee: 2000, refundingFee: 0 });
    expect(await armed('queryRefund', resolved(refundId), 1, () => shop.ok('orders', { action: 'checkRefund', refundId }, MERCHANT))).toEqual({ refundId, status: 'SUCCEEDED' });
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundedFee: 2000, refundingFee: 0 }));
  });
});

describe('a refund settled for another amount', () => {
  it('does not block the order: the books follow WeChat, the merchant sees it (anomaly, page, message)', async () => {
    grantMerchant();
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await approvedRefund(orderId, 3000);
    expect((await settleAtProvider(shop, refundId, { drop: true })).status).toBe(200);
    // WeChat's answer says 25.00 were refunded, not 30.00; the merchant asks WeChat about the refund.
    const patch = { out_refund_no_list: '-', refund_count: 1, out_refund_no_0: refundId, refund_status_0: 'SUCCESS', refund_fee_0: 2500 };
    const checked = await armed('queryRefund', patch, 1, () => shop.ok('orders', { action: 'checkRefund', refundId }, MERCHANT));
    expect(checked).toEqual({ refundId, status: 'SUCCEEDED' });

    expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 2500, refundingFee: 0, openRefundId: null }));
    expect((await anomaliesOf(orderId)).map((a) => a.kind)).toEqual(['REFUND_MISMATCH']);
    const seen = await shop.ok<{ refund: RefundView; order: OrderDetail }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(seen.refund).toEqual(expect.objectContaining({ status: 'SUCCEEDED', refundFee: 3000, settledFee: 2500 }));
    expect(seen.order.timeline.find((t) => t.event === 'anomaly')?.note).toContain('¥25.00');
    expect((await toMerchant(orderId)).some((m) => m.data.amount2 === '25.00元')).toBe(true);
    // Not blocked: the buyer can ask for what is left.
    expect((await shop.order(orderId)).refundableFee).toBe(6800 - 2500);
    expect((await shop.call('applyRefund', { orderId, refundFee: 100, reason: '再退一点' }, BUYER)).ok).toBe(true);
  });
});

describe('a payment that arrives after the order was closed', () => {
  it('is refunded automatically, once, with a fixed number, and the merchant is told', async () => {
    grantMerchant();
    const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    expect((await shop.complete(orderId, { drop: true })).status).toBe(200);
    // Our books closed it meanwhile (an unpaid-timeout that raced the payment, or a hand edit).
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'orders',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: orderId, status: 'PENDING' }),
      data: JSON.stringify({ $set: { status: 'CLOSED' } }),
      multi: true,
      merge: true,
      upsert: false,
    });
    const redelivered = await postJson(shop.cloud, `/sandbox/payments/${orderId}/notify`, { deliveries: 3, concurrent: true });
    expect(redelivered.status).toBe(200);
    await postJson(shop.cloud, `/sandbox/payments/${orderId}/notify`, {});

    const refundId = `${orderId}R1`;
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 1990 })]);
    expect(await shop.doc('refunds', refundId)).toEqual(expect.objectContaining({ status: 'PROCESSING', automatic: true, refundFee: 1990 }));
    expect((await anomaliesOf(orderId)).map((a) => a.kind)).toEqual(['PAID_AFTER_CLOSE']);
    expect(await toMerchant(orderId)).toEqual([expect.objectContaining({ status: 'SENT', data: expect.objectContaining({ amount2: '19.90元' }) })]);

    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'CLOSED', refundedFee: 1990, refundingFee: 0, openRefundId: null }));
    const detail = await shop.order(orderId);
    expect(detail.refunds).toEqual([expect.objectContaining({ refundId, status: 'SUCCEEDED', automatic: true })]);
  });
});

describe('what the buyer reads', () => {
  it('the order detail says until when a refund can be asked for', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const detail = await shop.order(orderId);
    expect(detail.paidAt).toBeDefined();
    expect(Date.parse(detail.refundDeadline ?? '')).toBe(Date.parse(detail.paidAt ?? '') + 7 * 24 * 3600_000);
  });

  it('timeline notes show amounts in ¥, never in fen', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const refundId = await approvedRefund(orderId, 5000);
    expect((await settleAtProvider(shop, refundId)).status).toBe(200);
    const notes = (await shop.order(orderId)).timeline.map((t) => t.note ?? '');
    expect(notes).toEqual(expect.arrayContaining(['¥50.00：不想要了', '¥50.00']));
    expect(notes.join(' ')).not.toMatch(/fen/);
  });
});

describe('bad input changes nothing', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['BEL', '不想要了\u0007'],
    ['ESC', '\u001b[31m不想要了'],
  ])('a reason with %s is refused', async (_, reason) => {
    expect(failure(await shop.call('applyRefund', { orderId, reason }, BUYER)).code).toBe('INVALID_ARGUMENT');
    expect((await ledger(orderId)).refundingFee).toBe(0);
  });

  it('line breaks in a reason become spaces', async () => {
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, refundFee: 1, reason: '第一行\n第二行' });
    expect(await shop.doc('refunds', refundId)).toEqual(expect.objectContaining({ reason: '第一行 第二行' }));
    expect(failure(await shop.call('approveRefund', { refundId, action: 'reject', rejectReason: '其他原因：不行\u0000' }, MERCHANT))).toEqual(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/control characters/) }));
    await shop.ok('orders', { action: 'withdrawRefund', refundId });
  });

  it.each([
    ['a time past what a date can hold', { t: 9e15, id: 'x', n: 1 }],
    ['a negative time', { t: -1, id: 'x', n: 1 }],
  ])('a forged cursor with %s answers INVALID_ARGUMENT', async (_, cursor) => {
    const text = Buffer.from(JSON.stringify(cursor)).toString('base64url');
    expect(failure(await shop.call<Page<OrderSummary>>('orders', { action: 'list', cursor: text }, BUYER)).code).toBe('INVALID_ARGUMENT');
    expect(failure(await shop.call('orders', { action: 'refunds', cursor: text }, MERCHANT)).code).toBe('INVALID_ARGUMENT');
  });
});
