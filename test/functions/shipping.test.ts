// Shipping through the local cloud: the `ship` function for each logistics type, bad input, the states it refuses,
// a buyer calling it, two ships at once, the upload to WeChat's shipping-info service (and its retry by reconcile),
// the buyer's receipt (WeChat's component, re-checked) and the automatic one, a refund after shipping, and receipts.
import type { DeliveryAddress, DeskData, OrderSummary, PayData, ProductsData, RefundView } from '../../typings/api';
import { connectSdk, getJson, postJson, uploadAs } from '../helpers/local-cloud';
import { BUYER, MERCHANT, OTHER_BUYER, TEA, TEMPLATES, failure, openShop, providerTrade, sleep, type Shop } from './support';

jest.setTimeout(60_000);

const ADDRESS: DeliveryAddress = { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号', postalCode: '310000' };

let shop: Shop;
beforeAll(async () => {
  shop = await openShop({ settings: { notifyGraceSeconds: 0 }, grants: 20 });
}, 60_000);
afterAll(() => shop?.close());

interface WeChatShipping {
  orderState: number;
  logisticsType: number;
  modifications: number;
  shippingList: Array<{ tracking_no?: string; express_company?: string; item_desc: string; contact?: { receiver_contact?: string } }>;
}
const wechat = async (orderId: string): Promise<WeChatShipping | undefined> => {
  const res = await fetch(`${shop.cloud.url}/sandbox/shipping/${orderId}`);
  return res.status === 404 ? undefined : ((await res.json()) as WeChatShipping);
};
const receipts = async () => (await getJson<{ receipts: Array<{ text: string }> }>(shop.cloud, '/sandbox/printer')).receipts;

async function paidWithAddress(buyer = BUYER, address: DeliveryAddress | null = ADDRESS): Promise<string> {
  const { orderId } = await shop.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 2 }], ...(address ? { address } : {}) }, buyer);
  expect((await shop.complete(orderId)).status).toBe(200);
  return orderId;
}

/** Refund results arrive by callback, a moment after the approval. */
async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

async function settled(orderId: string, status: string) {
  await until(async () => (await shop.order(orderId)).status === status);
  return shop.order(orderId);
}

const ship = (event: Record<string, unknown>, openid = MERCHANT) => shop.call<{ orderId: string; status: string; corrected: boolean }>('ship', event, openid);

describe('checkout address', () => {
  it('is stored on the order and shown to its buyer and the merchant, not to others', async () => {
    const orderId = await paidWithAddress();
    expect((await shop.order(orderId)).address).toEqual(ADDRESS);
    expect((await shop.order(orderId, MERCHANT)).address).toEqual(ADDRESS);
    expect(failure(await shop.call('orders', { action: 'get', orderId }, OTHER_BUYER)).code).toBe('NOT_FOUND');
  });

  it('names the receiver and what was bought in the merchant’s refund queue and review, never in the buyer’s view', async () => {
    const orderId = await paidWithAddress(OTHER_BUYER);
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '发错颜色', refundFee: 100 }, OTHER_BUYER);
    const queue = await shop.ok<{ items: RefundView[] }>('orders', { action: 'refunds', status: 'REQUESTED', limit: 50 }, MERCHANT);
    expect(queue.items.find((r) => r.refundId === refundId)).toEqual(expect.objectContaining({ orderTitle: `${TEA.name} ×2`, buyerName: '张三' }));
    const review = await shop.ok<{ refund: RefundView }>('orders', { action: 'refund', refundId }, MERCHANT);
    expect(review.refund).toEqual(expect.objectContaining({ orderTitle: `${TEA.name} ×2`, buyerName: '张三' }));
    const own = (await shop.order(orderId, OTHER_BUYER)).refunds.find((r) => r.refundId === refundId);
    expect(own).toBeDefined();
    expect(own).not.toHaveProperty('buyerName');
    expect(own).not.toHaveProperty('orderTitle');
  });

  it.each([
    [{ ...ADDRESS, telNumber: 'nope' }],
    [{ ...ADDRESS, detailInfo: '' }],
    [{ ...ADDRESS, openid: 'x' }],
  ])('a bad address %j is refused and creates no order', async (address) => {
    const before = (await shop.docs('orders')).length;
    expect(failure(await shop.call('pay', { items: [{ productId: TEA._id, quantity: 1 }], address }, BUYER)).code).toBe('INVALID_ARGUMENT');
    expect((await shop.docs('orders')).length).toBe(before);
  });
});

describe('ship', () => {
  it('EXPRESS (SF): SHIPPED, uploaded to WeChat with the masked receiver contact, the buyer told once', async () => {
    const orderId = await paidWithAddress();
    expect(await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }, MERCHANT)).toEqual({ orderId, status: 'SHIPPED', corrected: false });
    const order = await shop.order(orderId);
    expect(order.status).toBe('SHIPPED');
    expect(order.shipping).toMatchObject({ logisticsType: 'EXPRESS', expressCompany: 'SF', expressCompanyName: '顺丰速运', trackingNo: 'SF1234567890', upload: 'UPLOADED', correctable: true });
    expect(order.shipping?.autoConfirmAt).toEqual(expect.any(String));
    expect(await wechat(orderId)).toMatchObject({ orderState: 2, logisticsType: 1, shippingList: [{ tracking_no: 'SF1234567890', express_company: 'SF', contact: { receiver_contact: '138****8000' } }] });
    const sent = (await shop.sent({ templateId: TEMPLATES.orderShipped })).filter((m) => m.data.character_string1 === orderId);
    expect(sent).toEqual([expect.objectContaining({ touser: BUYER, status: 'SENT', data: expect.objectContaining({ thing3: '顺丰速运', character_string4: 'SF1234567890' }) })]);
    // The message never carries the full phone number or street.
    expect(JSON.stringify(sent)).not.toMatch(/13800138000|北山街/);
  });

  it.each([
    ['LOCAL_DELIVERY', 2],
    ['VIRTUAL', 3],
    ['SELF_PICKUP', 4],
  ])('%s ships and uploads logistics_type %s', async (logisticsType, wxType) => {
    const orderId = await paidWithAddress();
    expect(await shop.ok('ship', { orderId, logisticsType }, MERCHANT)).toMatchObject({ status: 'SHIPPED' });
    expect(await wechat(orderId)).toMatchObject({ orderState: 2, logisticsType: wxType });
    expect((await shop.order(orderId)).shipping).toMatchObject({ logisticsType, upload: 'UPLOADED' });
  });

  it('an order without an address can be picked up, not sent by express', async () => {
    const orderId = await paidWithAddress(BUYER, null);
    expect(failure(await ship({ orderId, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' })).code).toBe('CONFLICT');
    expect(await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT)).toMatchObject({ status: 'SHIPPED' });
  });

  it.each([
    [{ logisticsType: 'EXPRESS', expressCompany: 'ACME', trackingNo: '731234567890' }],
    [{ logisticsType: 'EXPRESS', expressCompany: 'ZTO' }],
    [{ logisticsType: 'TELEPORT' }],
    [{ logisticsType: 'VIRTUAL', status: 'SHIPPED' }],
  ])('refuses %j and changes nothing', async (extra) => {
    const orderId = await paidWithAddress();
    expect(failure(await ship({ orderId, ...extra })).code).toBe('INVALID_ARGUMENT');
    expect((await shop.order(orderId)).status).toBe('PAID');
    expect(await wechat(orderId)).toBeUndefined();
  });

  it('refuses a buyer, even for their own order', async () => {
    const orderId = await paidWithAddress();
    expect(failure(await ship({ orderId, logisticsType: 'VIRTUAL' }, BUYER)).code).toBe('FORBIDDEN');
    expect((await shop.order(orderId)).status).toBe('PAID');
  });

  it('refuses unpaid, closed and refunded orders, and unknown ones', async () => {
    const { orderId: unpaid } = await shop.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 1 }], address: ADDRESS }, BUYER);
    expect(failure(await ship({ orderId: unpaid, logisticsType: 'VIRTUAL' })).message).toContain('not paid');

    const { orderId: closed } = await shop.placeOrder();
    await sleep(400);
    await shop.ok('orders', { action: 'cancel', orderId: closed });
    expect(failure(await ship({ orderId: closed, logisticsType: 'VIRTUAL' })).code).toBe('CONFLICT');

    const refunded = await paidWithAddress();
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId: refunded, reason: '不想要了' });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    await settled(refunded, 'REFUNDED');
    expect(failure(await ship({ orderId: refunded, logisticsType: 'VIRTUAL' })).code).toBe('CONFLICT');

    expect(failure(await ship({ orderId: 'NOPE123', logisticsType: 'VIRTUAL' })).code).toBe('NOT_FOUND');
    for (const id of [unpaid, closed, refunded]) expect(await wechat(id)).toBeUndefined();
  });

  it('refuses while a refund request is open', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('applyRefund', { orderId, reason: '拍错了', refundFee: 100 });
    expect(failure(await ship({ orderId, logisticsType: 'VIRTUAL' })).message).toContain('decide it before shipping');
  });

  it('two identical ships at once: shipped once, uploaded once, one message', async () => {
    const orderId = await paidWithAddress();
    const event = { orderId, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' };
    const results = await Promise.all([ship(event), ship(event), ship(event)]);
    for (const r of results) expect(r).toEqual({ ok: true, data: { orderId, status: 'SHIPPED', corrected: false } });
    expect((await wechat(orderId))?.modifications).toBe(0);
    const order = await shop.order(orderId);
    expect(order.timeline.filter((t) => t.event === 'shipped')).toHaveLength(1);
    expect((await shop.sent({ templateId: TEMPLATES.orderShipped })).filter((m) => m.data.character_string1 === orderId)).toHaveLength(1);
  });

  it('one correction, as WeChat allows; a second is refused; repeating the current one is fine', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' }, MERCHANT);
    expect(await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'YTO', trackingNo: 'YT9876543210' }, MERCHANT)).toEqual({ orderId, status: 'SHIPPED', corrected: true });
    expect(await wechat(orderId)).toMatchObject({ modifications: 1, shippingList: [{ tracking_no: 'YT9876543210', express_company: 'YTO' }] });
    const order = await shop.order(orderId);
    expect(order.shipping).toMatchObject({ expressCompany: 'YTO', trackingNo: 'YT9876543210', correctable: false, upload: 'UPLOADED' });
    expect(failure(await ship({ orderId, logisticsType: 'EXPRESS', expressCompany: 'STO', trackingNo: '7700000000' })).message).toContain('one correction');
    expect(await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'YTO', trackingNo: 'YT9876543210' }, MERCHANT)).toMatchObject({ status: 'SHIPPED' });
    // The buyer was told once, about the shipment, not about the correction.
    expect((await shop.sent({ templateId: TEMPLATES.orderShipped })).filter((m) => m.data.character_string1 === orderId)).toHaveLength(1);
  });
});

describe('the upload to WeChat', () => {
  it('a failed upload leaves the order SHIPPED with the upload PENDING; reconcile uploads it', async () => {
    const orderId = await paidWithAddress();
    expect((await postJson(shop.cloud, '/sandbox/shipping/faults', { errcode: -1, count: 1 })).status).toBe(200);
    expect(await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT)).toMatchObject({ status: 'SHIPPED' });
    expect(await wechat(orderId)).toBeUndefined();
    const pending = await shop.order(orderId, MERCHANT);
    expect(pending.status).toBe('SHIPPED');
    expect(pending.shipping).toMatchObject({ upload: 'PENDING', uploadError: expect.stringContaining('-1') });
    // The buyer does not see WeChat's error.
    expect((await shop.order(orderId)).shipping).not.toHaveProperty('uploadError');

    const report = (await shop.reconcile()) as { shipping: { uploaded: number } };
    expect(report.shipping.uploaded).toBeGreaterThanOrEqual(1);
    expect(await wechat(orderId)).toMatchObject({ orderState: 2, logisticsType: 4 });
    expect((await shop.order(orderId, MERCHANT)).shipping).toMatchObject({ upload: 'UPLOADED' });
    expect((await shop.order(orderId, MERCHANT)).shipping).not.toHaveProperty('uploadError');
  });

  it('WeChat answering "already shipped" (10060002) to a first upload counts as uploaded', async () => {
    const orderId = await paidWithAddress();
    await postJson(shop.cloud, '/sandbox/shipping/faults', { errcode: 10060002, count: 1 });
    await shop.ok('ship', { orderId, logisticsType: 'VIRTUAL' }, MERCHANT);
    expect((await shop.order(orderId, MERCHANT)).shipping).toMatchObject({ upload: 'UPLOADED' });
  });

  it('a shop outside WeChat’s shipping management does not upload', async () => {
    const other = await openShop({ settings: { shipping: { managed: false, autoConfirmDays: 10 } } });
    try {
      const { orderId } = await other.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 1 }] }, BUYER);
      await other.complete(orderId);
      await other.ok('ship', { orderId, logisticsType: 'VIRTUAL' }, MERCHANT);
      expect((await other.order(orderId)).shipping).toMatchObject({ upload: 'NOT_REQUIRED' });
      expect((await fetch(`${other.cloud.url}/sandbox/shipping/${orderId}`)).status).toBe(404);
      // Without WeChat's component, the buyer's own word completes the order.
      expect(await other.ok('orders', { action: 'confirmReceipt', orderId }, BUYER)).toEqual({ orderId, status: 'COMPLETED' });
    } finally {
      await other.close();
    }
  });
});

describe('receipt', () => {
  it('WeChat’s component: refused until WeChat has the buyer’s confirmation, then COMPLETED once', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' }, MERCHANT);
    const early = failure(await shop.call('orders', { action: 'confirmReceipt', orderId, via: 'wechat' }, BUYER));
    expect(early.code).toBe('CONFLICT');
    expect((await shop.order(orderId)).status).toBe('SHIPPED');

    // The buyer confirms in WeChat's window (wx.openBusinessView weappOrderConfirm).
    expect((await postJson(shop.cloud, `/sandbox/shipping/${orderId}/confirm`, {})).status).toBe(200);
    expect(await shop.ok('orders', { action: 'confirmReceipt', orderId, via: 'wechat' }, BUYER)).toEqual({ orderId, status: 'COMPLETED' });
    expect(await shop.ok('orders', { action: 'confirmReceipt', orderId, via: 'wechat' }, BUYER)).toEqual({ orderId, status: 'COMPLETED' });
    const order = await shop.order(orderId);
    expect(order.status).toBe('COMPLETED');
    expect(order.completedAt).toEqual(expect.any(String));
    expect(order.timeline.filter((t) => t.event === 'received')).toHaveLength(1);
  });

  it('only the buyer of a shipped order confirms', async () => {
    const orderId = await paidWithAddress();
    expect(failure(await shop.call('orders', { action: 'confirmReceipt', orderId }, BUYER)).code).toBe('CONFLICT');
    await shop.ok('ship', { orderId, logisticsType: 'VIRTUAL' }, MERCHANT);
    expect(failure(await shop.call('orders', { action: 'confirmReceipt', orderId }, OTHER_BUYER)).code).toBe('NOT_FOUND');
    expect(failure(await shop.call('orders', { action: 'confirmReceipt', orderId, via: 'mail' }, BUYER)).code).toBe('INVALID_ARGUMENT');
  });

  it('a buyer who confirmed in WeChat’s own notice and WeChat’s push was lost: reconcile learns it from WeChat and completes the order', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'VIRTUAL' }, MERCHANT);
    expect((await postJson(shop.cloud, '/sandbox/shipping/pushes/drop', { count: 1 })).status).toBe(200);
    expect((await postJson(shop.cloud, `/sandbox/shipping/${orderId}/confirm`, {})).status).toBe(200);
    await shop.reconcile();
    // Asked at most every few hours: not yet.
    expect((await shop.order(orderId)).status).toBe('SHIPPED');
    const db = connectSdk(shop.cloud).database();
    await db.collection('orders').doc(orderId).update({ data: { 'shipping.receiptCheckedAt': new Date(Date.now() - 7 * 3600_000) } });
    const report = (await shop.reconcile()) as { shipping: { confirmedAtWeChat: number } };
    expect(report.shipping.confirmedAtWeChat).toBeGreaterThanOrEqual(1);
    const order = await shop.order(orderId);
    expect(order.status).toBe('COMPLETED');
    expect(order.timeline.at(-1)).toMatchObject({ event: 'received', by: 'wechat' });
  });

  it('reconcile completes a shipped order once its automatic confirmation is due', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
    await shop.reconcile();
    expect((await shop.order(orderId)).status).toBe('SHIPPED');
    // Ten days later, as the clock would have it: the due time is moved into the past.
    const db = connectSdk(shop.cloud).database();
    await db.collection('orders').doc(orderId).update({ data: { 'shipping.autoConfirmAt': new Date(Date.now() - 1000) } });
    const report = (await shop.reconcile()) as { shipping: { autoCompleted: number } };
    expect(report.shipping.autoCompleted).toBeGreaterThanOrEqual(1);
    const order = await shop.order(orderId);
    expect(order.status).toBe('COMPLETED');
    expect(order.timeline.at(-1)).toMatchObject({ event: 'received', by: 'system' });
  });
});

describe('refunds after shipping', () => {
  it('a shipped order can still be refunded (a return agreed with the merchant); fully refunded it is REFUNDED', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' }, MERCHANT);
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '退货' });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    const order = await settled(orderId, 'REFUNDED');
    expect(order.refundedFee).toBe(order.totalFee);
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: order.totalFee })]);
  });

  it('a partial refund of a completed order keeps it COMPLETED', async () => {
    const orderId = await paidWithAddress();
    await shop.ok('ship', { orderId, logisticsType: 'VIRTUAL' }, MERCHANT);
    await postJson(shop.cloud, `/sandbox/shipping/${orderId}/confirm`, {});
    await shop.ok('orders', { action: 'confirmReceipt', orderId, via: 'wechat' }, BUYER);
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '少发一件', refundFee: 100 });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    await until(async () => (await shop.order(orderId)).refundedFee === 100);
    expect(await shop.order(orderId)).toMatchObject({ status: 'COMPLETED', refundedFee: 100, refundingFee: 0 });
  });
});

describe('receipts on the printer', () => {
  it('a paid order prints once, with its address; a reprint says so', async () => {
    const before = (await receipts()).length;
    const orderId = await paidWithAddress();
    const after = await receipts();
    expect(after.length).toBe(before + 1);
    expect(after[0].text).toContain(`订单 ${orderId}`);
    expect(after[0].text).toContain('收货人 张三 13800138000');
    expect((await shop.order(orderId, MERCHANT)).printing).toMatchObject({ state: 'PRINTED', copies: 1 });
    expect((await shop.order(orderId)).printing).toBeUndefined();

    expect(await shop.ok('orders', { action: 'reprint', orderId }, MERCHANT)).toMatchObject({ orderId, printing: { state: 'PRINTED' } });
    const again = await receipts();
    expect(again.length).toBe(before + 2);
    expect(again[0].text).toContain('补打');
    expect(failure(await shop.call('orders', { action: 'reprint', orderId }, BUYER)).code).toBe('FORBIDDEN');
  });

  it('a printer that is down never fails the payment; reconcile prints it later', async () => {
    await postJson(shop.cloud, '/sandbox/printer/faults', { mode: 'DOWN', count: 1 });
    const orderId = await paidWithAddress();
    const order = await shop.order(orderId, MERCHANT);
    expect(order.status).toBe('PAID');
    expect(order.printing).toMatchObject({ state: 'PENDING', lastError: expect.any(String) });
    await shop.reconcile();
    expect((await shop.order(orderId, MERCHANT)).printing).toMatchObject({ state: 'PRINTED' });
    expect((await receipts())[0].text).toContain(orderId);
  });
});

describe('the merchant’s desk', () => {
  it('to ship: paid orders oldest first (not one with an open refund request), paged; shipped; search by order number; the refund badge; merchants only', async () => {
    const desk = await openShop({ grants: 5 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { orderId } = await desk.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 1 }], address: ADDRESS }, BUYER);
        await desk.complete(orderId);
        ids.push(orderId);
      }
      await desk.ok('ship', { orderId: ids[1], logisticsType: 'VIRTUAL' }, MERCHANT);
      await desk.ok('applyRefund', { orderId: ids[4], reason: '拍错了', refundFee: 100 }, BUYER);

      const first = await desk.ok<DeskData>('orders', { action: 'desk', tab: 'TO_SHIP', limit: 2 }, MERCHANT);
      expect(first.items.map((o) => o.orderId)).toEqual([ids[0], ids[2]]);
      expect(first.pendingRefunds).toBe(1);
      const second = await desk.ok<DeskData>('orders', { action: 'desk', tab: 'TO_SHIP', limit: 2, cursor: first.nextCursor }, MERCHANT);
      expect(second.items.map((o) => o.orderId)).toEqual([ids[3]]);
      expect(second.nextCursor).toBeUndefined();

      expect((await desk.ok<DeskData>('orders', { action: 'desk', tab: 'SHIPPED' }, MERCHANT)).items.map((o) => o.orderId)).toEqual([ids[1]]);
      expect((await desk.ok<DeskData>('orders', { action: 'desk', tab: 'ALL' }, MERCHANT)).items.map((o) => o.orderId)).toEqual([...ids].reverse());
      expect((await desk.ok<DeskData>('orders', { action: 'desk', orderId: ids[3] }, MERCHANT)).items).toEqual([expect.objectContaining({ orderId: ids[3], status: 'PAID' })]);
      expect(failure(await desk.call('orders', { action: 'desk' }, BUYER)).code).toBe('FORBIDDEN');
      expect(failure(await desk.call('orders', { action: 'desk', tab: 'LOST' }, MERCHANT)).code).toBe('INVALID_ARGUMENT');
    } finally {
      await desk.close();
    }
  });

  it('searches every order in the database by the end of its number or the receiver’s name, newest first, paged; the name never reaches an answer or a log', async () => {
    const desk = await openShop({ grants: 5 });
    try {
      const receivers = ['张三', '李四', '王小明', 'a.b', '李明'];
      const ids: string[] = [];
      for (const userName of receivers) {
        const { orderId } = await desk.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 1 }], address: { ...ADDRESS, userName } }, BUYER);
        ids.push(orderId);
      }
      await desk.complete(ids[1]);
      await desk.ok('ship', { orderId: ids[1], logisticsType: 'VIRTUAL' }, MERCHANT);
      const search = async (query: string, more: Record<string, unknown> = {}) => desk.ok<DeskData>('orders', { action: 'desk', query, ...more }, MERCHANT);
      const found = async (query: string) => (await search(query)).items.map((o) => o.orderId);

      // The last characters a buyer reads out, in any case, find that one order whatever its status or tab.
      expect(await found(ids[1].slice(-6))).toEqual([ids[1]]);
      expect(await found(` ${ids[2].slice(-5).toLowerCase()} `)).toEqual([ids[2]]);
      // Part of a name; newest first; every status (PENDING, SHIPPED).
      expect(await found('李')).toEqual([ids[4], ids[1]]);
      expect(await found('王小明')).toEqual([ids[2]]);
      // The text is literal, not a pattern: 'a.b' is not 'axb', and '.*' matches no one.
      expect(await found('a.b')).toEqual([ids[3]]);
      expect(await found('.*')).toEqual([]);
      // The middle of an order number is not its end.
      expect(await found(ids[0].slice(3, 10))).toEqual([]);

      const first = await search('李', { limit: 1 });
      expect(first.items.map((o) => o.orderId)).toEqual([ids[4]]);
      const second = await search('李', { limit: 1, cursor: first.nextCursor });
      expect(second.items.map((o) => o.orderId)).toEqual([ids[1]]);
      expect(second.nextCursor).toBeUndefined();

      const refused = failure(await desk.call('orders', { action: 'desk', query: `王小明${'x'.repeat(40)}` }, MERCHANT));
      expect(refused.code).toBe('INVALID_ARGUMENT');
      expect(refused.message).not.toContain('王小明');
      expect(failure(await desk.call('orders', { action: 'desk', query: '   ' }, MERCHANT)).code).toBe('INVALID_ARGUMENT');
      expect(failure(await desk.call('orders', { action: 'desk', query: '张三', orderId: ids[0] }, MERCHANT)).code).toBe('INVALID_ARGUMENT');
      expect(failure(await desk.call('orders', { action: 'desk', query: '张三' }, BUYER)).code).toBe('FORBIDDEN');
      const lines = await desk.logs(() => true, 200);
      expect(lines.filter((l) => /张三|李四|王小明|李明/.test(JSON.stringify(l)))).toEqual([]);
    } finally {
      await desk.close();
    }
  });
});

describe('the buyer’s order list', () => {
  it('cards carry their first lines, the payment deadline, the carrier and tracking number, the refund deadline; 售后 holds orders with a request or a refund', async () => {
    const own = await openShop({ grants: 5 });
    try {
      const CUP = 'tea-cup';
      const list = async (status?: string) => (await own.ok<{ items: OrderSummary[] }>('orders', { action: 'list', ...(status ? { status } : {}) }, BUYER)).items;
      const { orderId: pending } = await own.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 2 }, { productId: CUP, quantity: 1 }], address: ADDRESS }, BUYER);
      const { orderId: shipped } = await own.ok<PayData>('pay', { items: [{ productId: TEA._id, quantity: 1 }], address: ADDRESS }, BUYER);
      await own.complete(shipped);
      await own.ok('ship', { orderId: shipped, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }, MERCHANT);
      const { orderId: asking } = await own.ok<PayData>('pay', { items: [{ productId: CUP, quantity: 1 }], address: ADDRESS }, BUYER);
      await own.complete(asking);
      await own.ok('applyRefund', { orderId: asking, reason: '拍错了', refundFee: 100 }, BUYER);

      const all = await list();
      const card = (id: string) => all.find((o) => o.orderId === id)!;
      expect(card(pending)).toMatchObject({ itemCount: 3, lines: [{ name: TEA.name, quantity: 2 }, { name: '白瓷品茗杯', quantity: 1 }] });
      expect(Date.parse(card(pending).payDeadline!) - Date.parse(card(pending).createdAt)).toBe(30 * 60 * 1000);
      expect(card(pending)).not.toHaveProperty('refundDeadline');
      expect(card(shipped).tracking).toEqual({ companyName: '顺丰速运', trackingNo: 'SF1234567890' });
      expect(card(shipped)).not.toHaveProperty('payDeadline');
      const detail = await own.order(shipped);
      expect(card(shipped).refundDeadline).toBe(detail.refundDeadline);
      expect(card(asking)).not.toHaveProperty('tracking');

      expect((await list('AFTERSALE')).map((o) => o.orderId)).toEqual([asking]);
      // A refund that went through keeps its order under 售后 after the request closes.
      const { refundId } = await own.ok<{ refundId: string }>('applyRefund', { orderId: shipped, reason: '少了一罐', refundFee: 500 }, BUYER);
      await own.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
      await until(async () => (await own.order(shipped)).refundedFee === 500);
      expect((await list('AFTERSALE')).map((o) => o.orderId)).toEqual([asking, shipped]);
      expect((await list('SHIPPED')).map((o) => o.orderId)).toEqual([shipped]);
      expect(failure(await own.call('orders', { action: 'list', status: 'SOMETHING' }, BUYER)).code).toBe('INVALID_ARGUMENT');
    } finally {
      await own.close();
    }
  });
  it('each line’s thumbnail comes with a link the buyer can load, and the line’s spec as bought', async () => {
    const own = await openShop({ grants: 2 });
    try {
      const photo = await uploadAs(own.cloud, MERCHANT, `product-photos/${MERCHANT}/black-tea.png`);
      const saved = await own.call<ProductsData['save']>('products', { action: 'save', product: { name: '红茶', active: true, images: [photo], specs: [{ name: '规格', values: ['100g', '250g'] }], skus: [{ skuId: 'small', specs: { 规格: '100g' }, price: 2800, stock: 10 }, { skuId: 'big', specs: { 规格: '250g' }, price: 6000, stock: 3 }] } }, MERCHANT);
      if (!saved.ok) throw new Error(saved.message);
      await own.ok<PayData>('pay', { items: [{ productId: saved.data.productId, skuId: 'big', quantity: 2 }] }, BUYER);
      const [card] = (await own.ok<{ items: OrderSummary[] }>('orders', { action: 'list' }, BUYER)).items;
      expect(card.lines).toEqual([{ name: '红茶', quantity: 2, spec: '250g', image: photo, imageUrl: expect.stringContaining('black-tea.png') }]);
      // The buyer may not read the merchant's file itself; the link serves it.
      expect((await fetch(card.lines![0].imageUrl!)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
