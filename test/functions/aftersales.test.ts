// After-sales through the built functions and the real SDK: 仅退款 by lines, 退货退款 from request to refund with the
// return address, the buyer's tracking and the merchant's confirmation, refusals, re-applying, and the timers reconcile
// enforces. Asserted as a user would notice: what the functions answer, the database, the outbox, WeChat Pay's ledger.
import type { ApplyRefundData, RefundView } from '../../typings/api';
import { DEMO_SETTINGS } from '../../emulator/src/demo';
import { BUYER, CUP, MERCHANT, MERCHANT_2, OTHER_BUYER, TEA, TEMPLATES, failure, openShop, orderLedger, providerTrade, type Shop } from './support';

jest.setTimeout(60_000);

const RETURN_ADDRESS = DEMO_SETTINGS.afterSale.returnAddress;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);

/** A photo as the buyer's page uploads it (wx.cloud.uploadFile into the buyer's own folder). */
async function photo(n: number, buyer = BUYER): Promise<string> {
  const form = new FormData();
  form.append('cloudPath', `buyer-uploads/${buyer}/${n}-${Date.now()}.png`);
  form.append('file', new Blob([PNG]), 'photo');
  const res = await fetch(`${shop.cloud.url}/storage/client/upload`, { method: 'POST', body: form, headers: { 'x-wx-openid': buyer } });
  return ((await res.json()) as { fileID: string }).fileID;
}

let shop: Shop;
beforeAll(async () => {
  shop = await openShop({ grants: 20 });
}, 60_000);
afterAll(() => shop?.close());

const apply = (event: Record<string, unknown>, buyer = BUYER) => shop.call<ApplyRefundData>('applyRefund', { reason: '不想要了', ...event }, buyer);
const decide = (refundId: string, action: string, extra: Record<string, unknown> = {}, who = MERCHANT) => shop.call<{ refundId: string; status: string }>('approveRefund', { refundId, action, ...extra }, who);
const submitReturn = (refundId: string, buyer = BUYER) => shop.call<{ refundId: string; status: string }>('orders', { action: 'submitReturn', refundId, expressCompany: 'ZTO', trackingNo: '7312 3456 7890' }, buyer);
const refundOf = async (orderId: string, refundId: string): Promise<RefundView> => {
  const r = (await shop.order(orderId)).refunds.find((x) => x.refundId === refundId);
  if (!r) throw new Error(`no refund ${refundId} on ${orderId}`);
  return r;
};
const events = async (orderId: string) => (await shop.order(orderId)).timeline.filter((t) => t.refundId).map((t) => `${t.event}/${t.by}`);
/** What the buyer was told about the order's after-sales, in no particular order (the outbox lists newest first). */
const toBuyer = async (orderId: string) => (await shop.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId).map((m) => m.data.phrase3).sort();
const toMerchant = async (orderId: string) => (await shop.sent({ touser: MERCHANT, templateId: TEMPLATES.refundRequested })).filter((m) => m.data.character_string1 === orderId).map((m) => m.data.thing3).sort();

async function shippedOrder(items = [{ productId: TEA._id, quantity: 1 }, { productId: CUP._id, quantity: 2 }]): Promise<string> {
  const orderId = await shop.paidOrder(items);
  await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
  return orderId;
}

describe('仅退款 by lines', () => {
  it('one cup of two: the amount is what was paid for it, the refund keeps its lines, the merchant refunds it', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }, { productId: CUP._id, quantity: 2 }]);
    const asked = await apply({ orderId, type: 'REFUND_ONLY', items: [{ productId: CUP._id, quantity: 1 }], reason: '拍错/多拍' });
    expect(asked).toEqual({ ok: true, data: expect.objectContaining({ status: 'REQUESTED', refundFee: CUP.price }) });
    const { refundId } = asked.ok ? asked.data : { refundId: '' };
    expect(await refundOf(orderId, refundId)).toEqual(
      expect.objectContaining({ type: 'REFUND_ONLY', receipt: 'NOT_RECEIVED', items: [{ productId: CUP._id, name: CUP.name, quantity: 1, fee: CUP.price }], dueAction: '商家超时未处理将自动退款' }),
    );
    expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: CUP.price })]);
  });

  it('the amount may be lowered, never raised above what the lines cost; a line already asked back is not offered again', async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }, { productId: CUP._id, quantity: 1 }]);
    expect(failure(await apply({ orderId, type: 'REFUND_ONLY', items: [{ productId: CUP._id, quantity: 1 }], refundFee: CUP.price + 1 })).code).toBe('CONFLICT');
    expect((await orderLedger(shop, orderId)).refundingFee).toBe(0);
    const lowered = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'REFUND_ONLY', items: [{ productId: CUP._id, quantity: 1 }], refundFee: 990, reason: '不想要了' });
    expect(lowered.refundFee).toBe(990);
    await decide(lowered.refundId, 'approve');
    await waitFor(async () => (await refundOf(orderId, lowered.refundId)).status === 'SUCCEEDED');
    // The cup is being refunded: asking for it again is refused; the tea is still there to ask for.
    expect(failure(await apply({ orderId, type: 'REFUND_ONLY', items: [{ productId: CUP._id, quantity: 1 }] })).code).toBe('CONFLICT');
    const rest = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '不想要了' });
    expect(rest.refundFee).toBe(TEA.price);
    expect((await refundOf(orderId, rest.refundId)).items).toEqual([expect.objectContaining({ productId: TEA._id, quantity: 1 })]);
  });

  it('a reason not on the list for the receipt state, or 其他原因 without a note, is refused and reserves nothing', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    expect(failure(await apply({ orderId, type: 'REFUND_ONLY', reason: '质量问题' })).code).toBe('INVALID_ARGUMENT');
    expect(failure(await apply({ orderId, type: 'REFUND_ONLY', reason: '其他原因' })).code).toBe('INVALID_ARGUMENT');
    expect(failure(await apply({ orderId, type: 'REFUND_ONLY', receipt: 'RECEIVED', reason: '质量问题' })).code).toBe('CONFLICT');
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
    expect(await shop.docs<{ orderId: string }>('refunds').then((all) => all.filter((r) => r.orderId === orderId))).toEqual([]);
  });
});

describe('退货退款', () => {
  it('refused on an order never shipped: nothing reserved', async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    expect(failure(await apply({ orderId, type: 'RETURN_AND_REFUND' })).code).toBe('CONFLICT');
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
  });

  it('request → agreed (the buyer sees the return address) → parcel sent → confirmed → refunded, each step told once', async () => {
    const orderId = await shippedOrder();
    const photos = [await photo(1), await photo(2)];
    // Someone else's photo is refused, and nothing is reserved.
    expect(failure(await apply({ orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', photos: [await photo(3, OTHER_BUYER)] })).code).toBe('INVALID_ARGUMENT');
    expect((await orderLedger(shop, orderId)).refundingFee).toBe(0);
    const { refundId, refundFee } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', note: '杯口有裂纹', photos, items: [{ productId: CUP._id, quantity: 2 }] });
    expect(refundFee).toBe(CUP.price * 2);
    expect(await refundOf(orderId, refundId)).toEqual(expect.objectContaining({ status: 'REQUESTED', type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', note: '杯口有裂纹', photos }));
    // Returns are not agreed by themselves by default: no timer on the request.
    expect((await refundOf(orderId, refundId)).dueAt).toBeUndefined();
    // The merchant sees the photos through links that expire, and they serve the picture.
    const review = await shop.ok<{ refund: RefundView }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(review.refund.photoUrls).toHaveLength(2);
    const served = await fetch(review.refund.photoUrls?.[0] ?? '');
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    // The merchant agrees: no money moves yet, the buyer gets the address and a deadline.
    expect(await decide(refundId, 'approve')).toEqual({ ok: true, data: { refundId, status: 'AWAITING_RETURN' } });
    expect((await providerTrade(shop, orderId)).refunds).toEqual([]);
    const awaiting = await refundOf(orderId, refundId);
    expect(awaiting).toEqual(expect.objectContaining({ status: 'AWAITING_RETURN', returnAddress: RETURN_ADDRESS, dueAction: '买家超时未寄回，申请将关闭' }));
    expect(new Date(awaiting.dueAt ?? 0).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    // confirmReturn before the parcel was sent is refused.
    expect(failure(await decide(refundId, 'confirmReturn')).code).toBe('CONFLICT');

    // Someone else cannot send the buyer's return.
    expect(failure(await submitReturn(refundId, OTHER_BUYER)).code).toBe('NOT_FOUND');
    expect(await submitReturn(refundId)).toEqual({ ok: true, data: { refundId, status: 'RETURN_SHIPPED' } });
    expect(await submitReturn(refundId)).toEqual({ ok: true, data: { refundId, status: 'RETURN_SHIPPED' } }); // the same parcel again: no change
    expect((await refundOf(orderId, refundId)).returnShipping).toEqual(expect.objectContaining({ expressCompany: 'ZTO', expressCompanyName: '中通快递', trackingNo: '731234567890' }));
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: CUP.price * 2, openRefundId: refundId }));

    expect(await decide(refundId, 'confirmReturn', {}, MERCHANT_2)).toEqual({ ok: true, data: { refundId, status: 'PROCESSING' } });
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: CUP.price * 2 })]);
    await waitFor(async () => (await refundOf(orderId, refundId)).status === 'SUCCEEDED');
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundedFee: CUP.price * 2, refundingFee: 0, openRefundId: null }));

    expect(await events(orderId)).toEqual(['refund_requested/buyer', 'return_agreed/merchant', 'return_shipped/buyer', 'return_received/merchant', 'refund_succeeded/wechat']);
    expect(await toBuyer(orderId)).toEqual(['请寄回商品', '退款成功'].sort());
    expect(await toMerchant(orderId)).toEqual(['退货：质量问题', '买家已寄回商品，请确认收货'].sort());
  });

  it('the merchant refuses what came back, with a reason: nothing refunded, the money released, the buyer may apply again', async () => {
    const orderId = await shippedOrder([{ productId: CUP._id, quantity: 1 }]);
    const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '与描述不符' });
    await decide(refundId, 'approve');
    expect(failure(await decide(refundId, 'refuseReturn', { rejectReason: '退回的不是本订单的商品' })).code).toBe('CONFLICT'); // nothing came back yet
    await submitReturn(refundId);
    expect(failure(await shop.call('orders', { action: 'withdrawRefund', refundId }, BUYER)).code).toBe('CONFLICT'); // the goods are on their way
    expect(await decide(refundId, 'refuseReturn', { rejectReason: '退回的商品影响二次销售：包装已拆' })).toEqual({ ok: true, data: { refundId, status: 'REJECTED' } });
    expect(await refundOf(orderId, refundId)).toEqual(expect.objectContaining({ status: 'REJECTED', rejectReason: '退回的商品影响二次销售：包装已拆' }));
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: 0, refundedFee: 0, openRefundId: null }));
    expect((await providerTrade(shop, orderId)).refunds).toEqual([]);
    expect(await toBuyer(orderId)).toEqual(['请寄回商品', '拒绝退货'].sort());
    expect((await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'REFUND_ONLY', receipt: 'RECEIVED', reason: '质量问题' })).refundFee).toBe(CUP.price);
  });

  it('the buyer may withdraw before sending the goods back', async () => {
    const orderId = await shippedOrder([{ productId: CUP._id, quantity: 1 }]);
    const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', reason: '不想要了' });
    await decide(refundId, 'approve');
    expect(await shop.call('orders', { action: 'withdrawRefund', refundId }, BUYER)).toEqual({ ok: true, data: { refundId, status: 'CANCELLED' } });
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
    expect(failure(await submitReturn(refundId)).code).toBe('CONFLICT');
  });

  it(`after rejections the buyer may apply again, at most 5 times per order`, async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    for (let i = 0; i < 5; i++) {
      const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '不想要了' });
      await decide(refundId, 'reject', { rejectReason: '已与买家协商一致，不退款：继续发货' });
    }
    const sixth = failure(await apply({ orderId, type: 'REFUND_ONLY' }));
    expect(sixth).toEqual(expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('5') }));
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
    // One timeline of the negotiation, every round on it.
    expect((await events(orderId)).filter((e) => e === 'refund_rejected/merchant')).toHaveLength(5);
  });
});

describe('timers enforced by reconcile', () => {
  let timed: Shop;
  beforeAll(async () => {
    // Every timer already run out: the next reconcile acts on whatever is open. Returns are agreed by themselves too.
    timed = await openShop({ grants: 20, settings: { afterSale: { ...DEMO_SETTINGS.afterSale, merchantResponseHours: 0, autoApproveReturns: true, returnShipDays: 0, returnReceiveDays: 0 } } });
  }, 60_000);
  afterAll(() => timed?.close());

  const refundDoc = (refundId: string) => timed.doc<{ status: string; decidedBy?: string }>('refunds', refundId);
  const timeline = async (orderId: string) => (await timed.order(orderId)).timeline.filter((t) => t.refundId).map((t) => `${t.event}/${t.by}`);
  const buyerTold = async (orderId: string) => (await timed.sent({ touser: BUYER, templateId: TEMPLATES.refundResult })).filter((m) => m.data.character_string1 === orderId).map((m) => m.data.phrase3).sort();

  it('a request the merchant leaves unanswered is refunded by the shop, recorded as the system and told once', async () => {
    const orderId = await timed.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const { refundId } = await timed.ok<ApplyRefundData>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '不想要了' });
    await timed.reconcile();
    await waitFor(async () => (await refundDoc(refundId))?.status === 'SUCCEEDED');
    expect((await refundDoc(refundId))?.decidedBy).toBe('system');
    await timed.reconcile();
    expect((await providerTrade(timed, orderId)).refunds).toHaveLength(1);
    expect(await timeline(orderId)).toEqual(['refund_requested/buyer', 'refund_auto_approved/system', 'refund_succeeded/wechat']);
    expect(await buyerTold(orderId)).toEqual(['退款成功']);
  });

  it('a return: agreed by itself, closed when the buyer never sends it; a parcel never confirmed is refunded', async () => {
    const closedOrder = await timedShipped(timed);
    const closing = await timed.ok<ApplyRefundData>('applyRefund', { orderId: closedOrder, type: 'RETURN_AND_REFUND', reason: '不想要了' });
    // With every timer at 0, one run agrees to the return and then closes it: the buyer did not send it back in time.
    await timed.reconcile();
    expect((await refundDoc(closing.refundId))?.status).toBe('CANCELLED');
    await timed.reconcile();
    expect(await orderLedger(timed, closedOrder)).toEqual(expect.objectContaining({ refundingFee: 0, openRefundId: null }));
    expect(await timeline(closedOrder)).toEqual(['refund_requested/buyer', 'return_agreed/system', 'return_closed/system']);
    expect(await buyerTold(closedOrder)).toEqual(['请寄回商品', '售后关闭'].sort());

    const refundedOrder = await timedShipped(timed);
    const refunding = await timed.ok<ApplyRefundData>('applyRefund', { orderId: refundedOrder, type: 'RETURN_AND_REFUND', reason: '不想要了' });
    expect((await timed.call('approveRefund', { refundId: refunding.refundId, action: 'approve' }, MERCHANT)).ok).toBe(true);
    expect((await timed.call('orders', { action: 'submitReturn', refundId: refunding.refundId, expressCompany: 'SF', trackingNo: 'SF0000000001' }, BUYER)).ok).toBe(true);
    await timed.reconcile(); // the merchant never confirmed the parcel
    await waitFor(async () => (await refundDoc(refunding.refundId))?.status === 'SUCCEEDED');
    expect(await timeline(refundedOrder)).toEqual(['refund_requested/buyer', 'return_agreed/merchant', 'return_shipped/buyer', 'return_received/system', 'refund_succeeded/wechat']);
  });
});

async function timedShipped(s: Shop): Promise<string> {
  const orderId = await s.paidOrder([{ productId: CUP._id, quantity: 1 }]);
  await s.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
  return orderId;
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
