// The `orders` function: lists with cursors and filters, details, cancel, products, me, and the merchant's queue.
import type { MeData, OrderSummary, Page, Product, RefundView } from '../../typings/api';
import { postJson } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, OTHER_BUYER, TEA, TEMPLATES, failure, openShop, PROVIDERS, providerTrade, sleep, type Shop } from './support';

jest.setTimeout(60_000);

let shop: Shop;

describe.each(PROVIDERS)('$label', (provider) => {
  beforeAll(async () => {
    shop = await openShop({ provider, autoSettleRefunds: false, grants: 20 });
  }, 60_000);
  afterAll(() => shop?.close());

  const CAROL = 'buyer-carol';
  const list = (data: Record<string, unknown>, openid = CAROL) => shop.ok<Page<OrderSummary>>('orders', { action: 'list', ...data }, openid);

  describe('list', () => {
    const created: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 23; i++) created.push((await shop.placeOrder([{ productId: CUP._id, quantity: 1 + (i % 3) }], CAROL)).orderId);
      for (const id of created.slice(0, 5)) expect((await shop.complete(id)).status).toBe(200);
    });

    it('pages newest first with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await list({ limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((o) => o.orderId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual([...created].reverse());
    });

    it('filters by status, and REFUNDING shows paid orders with an open refund', async () => {
      expect((await list({ status: 'PAID' })).items.map((o) => o.orderId)).toEqual(created.slice(0, 5).reverse());
      expect((await list({ status: 'PENDING', limit: 50 })).items).toHaveLength(18);
      await shop.ok('applyRefund', { orderId: created[1], reason: '拍错了', refundFee: 100 }, CAROL);
      const refunding = await list({ status: 'REFUNDING' });
      expect(refunding.items).toEqual([expect.objectContaining({ orderId: created[1], hasOpenRefund: true, refundingFee: 100, status: 'PAID' })]);
    });

    it('shows only the caller’s orders', async () => {
      expect((await list({}, OTHER_BUYER)).items.some((o) => created.includes(o.orderId))).toBe(false);
      expect(failure(await shop.call('orders', { action: 'get', orderId: created[0] }, OTHER_BUYER)).code).toBe('NOT_FOUND');
    });

    it.each([
      [{ action: 'list', cursor: 'not-a-cursor' }],
      [{ action: 'list', limit: 1000 }],
      [{ action: 'list', openid: CAROL }],
      [{ action: 'explode' }],
    ])('refuses %j', async (event) => {
      expect(failure(await shop.call('orders', event, CAROL)).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('cancel', () => {
    it('closes the provider order first, after WeChat’s minimum age; a cancelled order cannot be paid', async () => {
      const { orderId } = await shop.placeOrder();
      await sleep(400); // WeChat refuses closeOrder in the first 5 minutes; the local cloud runs at 1/1000 speed
      expect(await shop.ok('orders', { action: 'cancel', orderId })).toEqual({ orderId, status: 'CLOSED' });
      expect((await providerTrade(shop, orderId)).tradeState).toBe('CLOSED');
      expect(failure(await shop.call('pay', { orderId }, BUYER)).code).toBe('CONFLICT');
      expect(await shop.ok('orders', { action: 'cancel', orderId })).toEqual({ orderId, status: 'CLOSED' });
    });

    it('a PENDING order says when it may be cancelled, by its provider’s close rule, and WeChat Pay agrees', async () => {
      // WeChat Pay's clock at full speed for this test: its 5 minutes are not over by the time the buyer cancels.
      expect((await postJson(shop.cloud, '/sandbox/config', { timeScale: 1 })).status).toBe(200);
      try {
        const { orderId } = await shop.placeOrder();
        const order = await shop.order(orderId);
        const wait = provider.pay === 'v3' ? 0 : 5 * 60_000; // APIv2 and cloudPay: 5 minutes; APIv3: none
        expect(Date.parse(order.cancelOpensAt ?? '') - Date.parse(order.createdAt)).toBe(wait);
        expect((await list({ status: 'PENDING', limit: 50 }, BUYER)).items.find((o) => o.orderId === orderId)?.cancelOpensAt).toBe(order.cancelOpensAt);
        const cancelled = await shop.call('orders', { action: 'cancel', orderId }, BUYER);
        if (wait === 0) expect(cancelled).toEqual({ ok: true, data: { orderId, status: 'CLOSED' } });
        else expect(failure(cancelled)).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('this soon') });
      } finally {
        await postJson(shop.cloud, '/sandbox/config', { timeScale: null });
      }
    });

    it('an order the buyer is paying right now: APIv3 answers 202 USER_PAYING and it stays payable; APIv2 and cloudPay close it', async () => {
      const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
      await sleep(400); // past APIv2's (scaled) five minutes
      expect((await postJson(shop.cloud, `/sandbox/payments/${orderId}/state`, { tradeState: 'USERPAYING' })).status).toBe(200);
      const cancelled = await shop.call('orders', { action: 'cancel', orderId }, BUYER);
      if (provider.pay === 'v3') {
        expect(failure(cancelled)).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('being paid') });
        expect((await shop.order(orderId)).status).toBe('PENDING');
        expect((await shop.complete(orderId)).status).toBe(200);
        const order = await shop.order(orderId);
        expect(order).toMatchObject({ status: 'PAID', refunds: [] });
      } else {
        expect(cancelled).toEqual({ ok: true, data: { orderId, status: 'CLOSED' } });
        expect((await providerTrade(shop, orderId)).tradeState).toBe('CLOSED');
      }
    });

    it('an order WeChat says is paid (ORDERPAID on close) becomes PAID instead of CLOSED', async () => {
      const { orderId } = await shop.placeOrder([{ productId: TEA._id, quantity: 1 }]);
      expect((await shop.complete(orderId, { drop: true })).status).toBe(200); // paid, but the callback is lost
      await sleep(400);
      expect(await shop.ok('orders', { action: 'cancel', orderId })).toEqual({ orderId, status: 'PAID' });
      const order = await shop.order(orderId);
      expect(order.status).toBe('PAID');
      expect(order.transactionId).toEqual(expect.any(String));
      expect((await shop.sent({ templateId: TEMPLATES.orderPaid })).filter((m) => m.data.character_string1 === orderId)).toHaveLength(2);
    });

    it('refuses a paid order and someone else’s order', async () => {
      const orderId = await shop.paidOrder();
      expect(failure(await shop.call('orders', { action: 'cancel', orderId }, BUYER)).code).toBe('CONFLICT');
      const { orderId: pending } = await shop.placeOrder();
      expect(failure(await shop.call('orders', { action: 'cancel', orderId: pending }, OTHER_BUYER)).code).toBe('NOT_FOUND');
      expect((await shop.order(pending)).status).toBe('PENDING');
    });
  });

  describe('products and me', () => {
    it('lists active products in shop order with prices in fen', async () => {
      const products = await shop.ok<Product[]>('orders', { action: 'products' });
      expect(products.map((p) => p.productId)).toEqual(['oolong-tea', 'green-tea', 'tea-cup', 'sample-pack', 'gold-teapot']);
      // A product from before SKUs existed: one SKU, its stock not counted.
      expect(products[0]).toEqual({
        productId: TEA._id,
        name: TEA.name,
        price: 6800,
        description: TEA.description,
        skus: [{ skuId: 'default', specs: {}, price: 6800, stock: null }],
        soldOut: false,
      });
    });

    it('tells a page who is calling and which templates to ask for', async () => {
      const buyer = await shop.ok<MeData>('orders', { action: 'me' });
      expect(buyer).toEqual({ openid: BUYER, isMerchant: false, templates: TEMPLATES, shippingManaged: true });
      expect((await shop.ok<MeData>('orders', { action: 'me' }, MERCHANT)).isMerchant).toBe(true);
    });

    it('refuses a call without a signed-in user', async () => {
      const res = await fetch(`${shop.cloud.url}/functions/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{"action":"me"}}' });
      expect(res.status).toBe(401);
    });
  });

  describe('merchant refund queue', () => {
    it('is for merchants only, filters by status, pages, and shows a refund with its order', async () => {
      expect(failure(await shop.call('orders', { action: 'refunds' }, BUYER)).code).toBe('FORBIDDEN');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }], OTHER_BUYER);
        ids.push((await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: `第${i}次`, refundFee: 10 + i }, OTHER_BUYER)).refundId);
      }
      const first = await shop.ok<Page<RefundView>>('orders', { action: 'refunds', status: 'REQUESTED', limit: 2 }, MERCHANT);
      expect(first.items.map((r) => r.refundId)).toEqual([ids[2], ids[1]]);
      expect(first.items[0].buyerOpenid).toBe(OTHER_BUYER);
      const second = await shop.ok<Page<RefundView>>('orders', { action: 'refunds', status: 'REQUESTED', limit: 2, cursor: first.nextCursor }, MERCHANT);
      expect(second.items.map((r) => r.refundId)[0]).toBe(ids[0]);
      const detail = await shop.ok<{ refund: RefundView; order: { orderId: string; refundableFee: number } }>('orders', { action: 'refund', refundId: ids[0] }, MERCHANT);
      expect(detail.refund).toEqual(expect.objectContaining({ refundId: ids[0], status: 'REQUESTED', refundFee: 10, reason: '第0次' }));
      expect(detail.order).toEqual(expect.objectContaining({ refundableFee: 1990 - 10 }));
      expect(failure(await shop.call('orders', { action: 'refund', refundId: ids[0] }, OTHER_BUYER)).code).toBe('FORBIDDEN');

      // 已完成: decided requests, whatever the decision; open ones stay out.
      await shop.ok('approveRefund', { refundId: ids[0], action: 'reject', rejectReason: '商品已发货，请收到后再申请' }, MERCHANT);
      await shop.ok('orders', { action: 'withdrawRefund', refundId: ids[1] }, OTHER_BUYER);
      const finished = await shop.ok<Page<RefundView>>('orders', { action: 'refunds', status: 'FINISHED', limit: 50 }, MERCHANT);
      expect(finished.items.filter((r) => ids.includes(r.refundId)).map((r) => [r.refundId, r.status])).toEqual([
        [ids[1], 'CANCELLED'],
        [ids[0], 'REJECTED'],
      ]);
      expect(failure(await shop.call('orders', { action: 'refunds', status: 'DONE' }, MERCHANT)).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('messages never fail the business operation', () => {
    it('a buyer without a subscription: the rejection stands, the refusal (43101) is recorded', async () => {
      const DAVE = 'buyer-dave';
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }], DAVE);
      const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '不要了' }, DAVE);
      expect(await shop.ok('approveRefund', { refundId, action: 'reject', rejectReason: '商品已发货，请收到后再申请' }, MERCHANT)).toEqual({ refundId, status: 'REJECTED' });
      const record = await shop.doc<{ sends: Array<{ touser: string; status: string; errCode?: number }> }>('messages', `refundResult:${refundId}:REJECTED`);
      expect(record?.sends).toEqual([expect.objectContaining({ touser: DAVE, status: 'REFUSED', errCode: 43101 })]);
      expect((await shop.sent({ touser: DAVE, status: 'REFUSED' })).length).toBe(1);
    });
  });

  describe('the refund window', () => {
    let closedShop: Shop;
    beforeAll(async () => {
      closedShop = await openShop({ settings: { refundWindowDays: 0 } });
    }, 60_000);
    afterAll(() => closedShop?.close());

    it('refuses a refund once the window after payment has closed', async () => {
      const orderId = await closedShop.paidOrder();
      const result = failure(await closedShop.call('applyRefund', { orderId, reason: '晚了' }, BUYER));
      expect(result.code).toBe('CONFLICT');
      expect(result.message).toMatch(/window/);
    });
  });

  describe('long-lived orders', () => {
    it('at most 50 refunds per order (WeChat’s limit), and the timeline keeps only its last 30 entries', async () => {
      const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
      for (let i = 1; i <= 50; i++) {
        const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: `第${i}次`, refundFee: 1 });
        expect(refundId).toBe(`${orderId}R${i}`);
        await shop.ok('approveRefund', { refundId, action: 'reject', rejectReason: '其他原因：测试' }, MERCHANT);
      }
      const refused = failure(await shop.call('applyRefund', { orderId, reason: '第51次', refundFee: 1 }, BUYER));
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toMatch(/at most 50/);
      const detail = await shop.order(orderId);
      expect(detail.timeline).toHaveLength(30);
      expect(detail.timeline[29]).toEqual(expect.objectContaining({ event: 'refund_rejected', by: 'merchant' }));
      expect(detail.refunds).toHaveLength(50);
      expect(detail).toEqual(expect.objectContaining({ status: 'PAID', refundingFee: 0, refundedFee: 0, refundableFee: 6800 }));
    });
  });
});
