// applyRefund, approveRefund, refundNotify and withdrawals through the local cloud. Refunds do not settle by
// themselves here (autoSettleRefunds: false): each test settles them at the provider as WeChat would.
import type { ApplyRefundData, ApproveRefundData } from '../../typings/api';
import { BUYER, CUP, MERCHANT, MERCHANT_2, OTHER_BUYER, TEA, TEMPLATES, failure, openShop, orderLedger, PROVIDERS, providerTrade, settleAtProvider, type Shop } from './support';

jest.setTimeout(30_000);

let shop: Shop;

describe.each(PROVIDERS)('$label', (provider) => {
  beforeAll(async () => {
    shop = await openShop({ provider, autoSettleRefunds: false, grants: 20 });
  }, 60_000);
  afterAll(() => shop?.close());

  const apply = (orderId: string, extra: Record<string, unknown> = {}, buyer = BUYER) => shop.call<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了', ...extra }, buyer);
  const decide = (refundId: string, action: 'approve' | 'reject', extra: Record<string, unknown> = {}, who = MERCHANT) =>
    shop.call<ApproveRefundData>('approveRefund', { refundId, action, ...extra }, who);

  const ledger = (orderId: string) => orderLedger(shop, orderId);

  describe('applyRefund', () => {
    it('creates a REQUESTED refund, reserves its amount, and tells the merchants once', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 2 }]);
      const result = await apply(orderId, { refundFee: 5000 });
      expect(result).toEqual({ ok: true, data: { refundId: `${orderId}R1`, status: 'REQUESTED', refundFee: 5000 } });
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundingFee: 5000, refundedFee: 0, openRefundId: `${orderId}R1` }));
      for (const m of [MERCHANT, MERCHANT_2]) {
        const sent = (await shop.sent({ touser: m, templateId: TEMPLATES.refundRequested })).filter((x) => x.data.character_string1 === orderId);
        expect(sent).toEqual([expect.objectContaining({ status: 'SENT', data: expect.objectContaining({ amount2: '50.00元', thing3: '不想要了' }) })]);
      }
      const detail = await shop.order(orderId);
      expect(detail.hasOpenRefund).toBe(true);
      expect(detail.refundableFee).toBe(13600 - 5000);
      expect(detail.refunds).toEqual([expect.objectContaining({ refundId: `${orderId}R1`, status: 'REQUESTED', refundFee: 5000 })]);
      expect(detail.refunds[0].buyerOpenid).toBeUndefined();
    });

    it('defaults to everything that is refundable', async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      expect(await apply(orderId)).toEqual({ ok: true, data: expect.objectContaining({ refundFee: 1990 }) });
    });

    describe('bad input changes nothing', () => {
      let orderId: string;
      beforeAll(async () => {
        orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      });
      it.each([
        ['a negative amount', { refundFee: -100 }, 'INVALID_ARGUMENT'],
        ['a zero amount', { refundFee: 0 }, 'INVALID_ARGUMENT'],
        ['a float amount', { refundFee: 19.9 }, 'INVALID_ARGUMENT'],
        ['a string amount', { refundFee: '1990' }, 'INVALID_ARGUMENT'],
        ['a huge amount', { refundFee: 1e15 }, 'INVALID_ARGUMENT'],
        ['more than was paid', { refundFee: 1991 }, 'REFUND_EXCEEDS_PAID'],
        ['a missing reason', { reason: '' }, 'INVALID_ARGUMENT'],
        ['a misspelt field', { refundfee: 1 }, 'INVALID_ARGUMENT'],
      ])('%s', async (_, extra, code) => {
        expect(failure(await apply(orderId, extra)).code).toBe(code);
        expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
      });

      it("someone else's order", async () => {
        expect(failure(await apply(orderId, {}, OTHER_BUYER)).code).toBe('NOT_FOUND');
        expect((await ledger(orderId)).refundingFee).toBe(0);
      });

      it('an unpaid order', async () => {
        const { orderId: pending } = await shop.placeOrder();
        expect(failure(await apply(pending)).code).toBe('CONFLICT');
      });
    });

    it('two refunds that together exceed the total: one wins, the other is refused, money is never over-committed', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
      const results = await Promise.all([apply(orderId, { refundFee: 4000 }), apply(orderId, { refundFee: 4000 })]);
      const won = results.filter((r) => r.ok);
      expect(won).toHaveLength(1);
      expect(failure(results.find((r) => !r.ok)!).code).toBe('CONFLICT');
      expect((await ledger(orderId)).refundingFee).toBe(4000);
      // After the first one is refunded, the second one is beyond what is left.
      const refundId = `${orderId}R1`;
      expect((await decide(refundId, 'approve')).ok).toBe(true);
      expect((await settleAtProvider(shop, refundId)).status).toBe(200);
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundedFee: 4000, refundingFee: 0 }));
      const second = failure(await apply(orderId, { refundFee: 4000 }));
      expect(second.code).toBe('REFUND_EXCEEDS_PAID');
      expect(second.message).toMatch(/2800/);
      const trade = await providerTrade(shop, orderId);
      expect(trade.refunds.map((r) => r.refundFee)).toEqual([4000]);
    });
  });

  describe('approveRefund', () => {
    it('refuses anyone but a merchant', async () => {
      const orderId = await shop.paidOrder();
      const { refundId } = (await apply(orderId)).ok ? { refundId: `${orderId}R1` } : { refundId: '' };
      expect(failure(await decide(refundId, 'approve', {}, BUYER)).code).toBe('FORBIDDEN');
      expect(failure(await decide(refundId, 'reject', { rejectReason: '商品不支持无理由退货' }, OTHER_BUYER)).code).toBe('FORBIDDEN');
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('REQUESTED');
    });

    it('refuses a reject reason that is not on the list, and the request stays as it was', async () => {
      const orderId = await shop.paidOrder();
      const refundId = `${orderId}R1`;
      expect((await apply(orderId, { refundFee: 100 })).ok).toBe(true);
      for (const rejectReason of ['商品已拆封', '退回的商品影响二次销售', '其他原因', '其他原因：']) {
        const refused = failure(await decide(refundId, 'reject', { rejectReason }));
        expect(refused.code).toBe('INVALID_ARGUMENT');
        expect(refused.message).toMatch(/rejectReason/);
      }
      expect((await shop.doc<{ status: string; rejectReason?: string }>('refunds', refundId))).toEqual(expect.objectContaining({ status: 'REQUESTED' }));
      expect((await shop.doc<{ rejectReason?: string }>('refunds', refundId))?.rejectReason).toBeUndefined();
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundingFee: 100, openRefundId: refundId, status: 'PAID' }));
      const toBuyer = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
      expect(toBuyer).toEqual([]);
    });

    it('reject needs a reason, releases the amount, and tells the buyer', async () => {
      const orderId = await shop.paidOrder();
      const refundId = `${orderId}R1`;
      expect((await apply(orderId, { refundFee: 100 })).ok).toBe(true);
      expect(failure(await decide(refundId, 'reject')).code).toBe('INVALID_ARGUMENT');
      expect(await decide(refundId, 'reject', { rejectReason: '其他原因：商品已拆封' })).toEqual({ ok: true, data: { refundId, status: 'REJECTED' } });
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundingFee: 0, refundedFee: 0, openRefundId: null, status: 'PAID' }));
      const toBuyer = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
      expect(toBuyer.map((m) => m.data.phrase3)).toEqual(['已拒绝']);
      const detail = await shop.order(orderId);
      expect(detail.refunds[0]).toEqual(expect.objectContaining({ status: 'REJECTED', rejectReason: '其他原因：商品已拆封' }));
      // The buyer may ask again; the next refund has the next number.
      expect(await apply(orderId, { refundFee: 100 })).toEqual({ ok: true, data: expect.objectContaining({ refundId: `${orderId}R2` }) });
    });

    it('approve: PROCESSING, the provider refunds once, refundNotify settles, the order becomes REFUNDED', async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId)).ok).toBe(true);
      expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
      const settled = await settleAtProvider(shop, refundId, { deliveries: 3 });
      expect(settled.status).toBe(200);
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('SUCCEEDED');
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: 1990, refundingFee: 0, openRefundId: null }));
      const toBuyer = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
      expect(toBuyer.map((m) => m.data.phrase3)).toEqual(['退款成功']); // the result only: one grant, one message
      const detail = await shop.order(orderId);
      expect(detail.status).toBe('REFUNDED');
      expect(detail.refundableFee).toBe(0);
      expect(detail.timeline.map((t) => t.event)).toEqual(['created', 'paid', 'refund_requested', 'refund_approved', 'refund_succeeded', 'refunded']);
    });

    it('a partial refund, then the rest: each settles once, the second makes the order REFUNDED, WeChat’s refund ids are kept', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
      for (const [n, fee] of [[1, 1000], [2, TEA.price - 1000]] as const) {
        const refundId = `${orderId}R${n}`;
        expect(await apply(orderId, n === 1 ? { refundFee: fee } : {})).toEqual({ ok: true, data: expect.objectContaining({ refundId, refundFee: fee }) });
        expect((await decide(refundId, 'approve')).ok).toBe(true);
        expect((await settleAtProvider(shop, refundId, { deliveries: 2 })).status).toBe(200);
        expect(await shop.doc('refunds', refundId)).toEqual(expect.objectContaining({ status: 'SUCCEEDED', providerRefundId: expect.any(String) }));
      }
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: TEA.price, refundingFee: 0, openRefundId: null }));
      const detail = await shop.order(orderId);
      expect(detail.timeline.map((t) => t.event).filter((e) => e.startsWith('refund'))).toEqual([
        'refund_requested', 'refund_approved', 'refund_succeeded', 'refund_requested', 'refund_approved', 'refund_succeeded', 'refunded',
      ]);
    });

    it('two approvals at once: one claim, one provider refund, no message before the result', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId, { refundFee: 3000 })).ok).toBe(true);
      const results = await Promise.all([decide(refundId, 'approve', {}, MERCHANT), decide(refundId, 'approve', {}, MERCHANT_2)]);
      for (const r of results) expect(r).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      const trade = await providerTrade(shop, orderId);
      expect(trade.refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 3000 })]);
      const approvals = (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId);
      expect(approvals).toHaveLength(0);
      const order = await shop.order(orderId);
      expect(order.timeline.filter((t) => t.event === 'refund_approved')).toHaveLength(1);
    });

    it('a refund call that times out after WeChat refunded: retried with the same number, money moves once', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId, { refundFee: 6800 })).ok).toBe(true);
      await shop.fault('refund', 'TIMEOUT_AFTER_ACTING', 1);
      expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      expect((await settleAtProvider(shop, refundId)).status).toBe(200);
      const trade = await providerTrade(shop, orderId);
      expect(trade.refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 6800, refundStatus: 'SUCCESS' })]);
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: 6800, refundingFee: 0 }));
    });

    it('SYSTEMERROR on the refund call is retried with the same number', async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId)).ok).toBe(true);
      await shop.fault('refund', 'SYSTEMERROR', 2);
      expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      expect((await providerTrade(shop, orderId)).refunds).toHaveLength(1);
    });

    it('USER_ACCOUNT_ABNORMAL on the refund call is a definite no: the refund FAILS at once and its money is released', async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId)).ok).toBe(true);
      await shop.fault('refund', 'USER_ACCOUNT_ABNORMAL', 1);
      expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'FAILED' } });
      expect(await shop.doc<{ status: string; lastError: string }>('refunds', refundId)).toMatchObject({ status: 'FAILED', lastError: expect.stringContaining('USER_ACCOUNT_ABNORMAL') });
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 0, refundingFee: 0, openRefundId: null }));
      expect((await providerTrade(shop, orderId)).refunds).toHaveLength(0);
    });

    it('FREQUENCY_LIMITED on the refund call: the refund waits PROCESSING with the reason, for a later try', async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const refundId = `${orderId}R1`;
      expect((await apply(orderId)).ok).toBe(true);
      await shop.fault('refund', 'FREQUENCY_LIMITED', 1);
      expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
      expect(await shop.doc<{ status: string; lastError: string }>('refunds', refundId)).toMatchObject({ status: 'PROCESSING', lastError: expect.stringContaining('FREQUENCY_LIMITED') });
      expect((await providerTrade(shop, orderId)).refunds).toHaveLength(0);
    });

    it('a withdrawn refund can no longer be approved', async () => {
      const orderId = await shop.paidOrder();
      const refundId = `${orderId}R1`;
      expect((await apply(orderId, { refundFee: 500 })).ok).toBe(true);
      expect(failure(await shop.call('orders', { action: 'withdrawRefund', refundId }, OTHER_BUYER)).code).toBe('NOT_FOUND');
      expect(await shop.ok('orders', { action: 'withdrawRefund', refundId })).toEqual({ refundId, status: 'CANCELLED' });
      expect(await ledger(orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
      expect(failure(await decide(refundId, 'approve')).code).toBe('CONFLICT');
      expect((await providerTrade(shop, orderId)).refunds).toHaveLength(0);
    });

    it('withdraw and approve at once: exactly one wins, and money moves only if the approval won', async () => {
      for (let round = 0; round < 3; round++) {
        const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
        const refundId = `${orderId}R1`;
        expect((await apply(orderId, { refundFee: 500 })).ok).toBe(true);
        const [withdrawn, approved] = await Promise.all([shop.call('orders', { action: 'withdrawRefund', refundId }, BUYER), decide(refundId, 'approve')]);
        expect([withdrawn.ok, approved.ok].filter(Boolean)).toHaveLength(1);
        const refund = await shop.doc<{ status: string }>('refunds', refundId);
        const providerRefunds = (await providerTrade(shop, orderId)).refunds;
        const o = await ledger(orderId);
        if (approved.ok) {
          expect(refund?.status).toBe('PROCESSING');
          expect(providerRefunds).toHaveLength(1);
          expect(o.refundingFee).toBe(500);
        } else {
          expect(refund?.status).toBe('CANCELLED');
          expect(providerRefunds).toHaveLength(0);
          expect(o.refundingFee).toBe(0);
        }
      }
    });
  });
});
