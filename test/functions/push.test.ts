// WeChat's order-management pushes through the real wxPush function and the local cloud's message push (safe mode:
// signed and encrypted; plain mode: signed): a buyer's confirmation in WeChat completes the order at once, a 48-hour
// reminder reaches the merchants once, and a forged push changes nothing.
import { getJson, postJson } from '../helpers/local-cloud';
import { BUYER, MERCHANT, MERCHANT_2, openShop, TEMPLATES, type Shop } from './support';

jest.setTimeout(60_000);

interface Push { event: string; outTradeNo: string; mode: string; status: number | string; answer: string }

describe.each(['safe', 'plain'] as const)('message push in %s mode', (pushMode) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ pushMode, grants: 10 });
  }, 60_000);
  afterAll(() => shop?.close());

  const pushes = async () => (await getJson<{ pushes: Push[] }>(shop.cloud, '/sandbox/shipping/pushes')).pushes;
  const reminders = async (orderId: string) => (await shop.sent({ templateId: TEMPLATES.orderPaid })).filter((m) => m.data.character_string1 === orderId && /请尽快发货/.test(m.data.thing2 ?? ''));

  it("completes the order as soon as the buyer confirms receipt in WeChat's window, without reconcile", async () => {
    const orderId = await shop.paidOrder();
    await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
    expect((await postJson(shop.cloud, `/sandbox/shipping/${orderId}/confirm`, {})).status).toBe(200);
    const until = Date.now() + 10_000;
    while ((await shop.order(orderId)).status !== 'COMPLETED' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const order = await shop.order(orderId);
    expect(order.status).toBe('COMPLETED');
    expect(order.timeline.filter((t) => t.event === 'received')).toEqual([expect.objectContaining({ by: 'wechat' })]);
    expect((await pushes()).find((p) => p.outTradeNo === orderId)).toMatchObject({ event: 'trade_manage_order_settlement', mode: pushMode, status: 200, answer: 'success' });
  });

  it('tells the merchants once of an order waiting 48 hours to ship, however often WeChat reminds', async () => {
    const orderId = await shop.paidOrder();
    for (let i = 0; i < 2; i++) {
      const sent = await postJson<Push>(shop.cloud, `/sandbox/shipping/${orderId}/remind`, {});
      expect(sent.body).toMatchObject({ status: 200, answer: 'success' });
    }
    expect((await reminders(orderId)).map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT_2].sort());
    expect((await shop.order(orderId)).status).toBe('PAID');
  });

  it('refuses a forged push and changes nothing', async () => {
    const orderId = await shop.paidOrder();
    await shop.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
    const order = await shop.order(orderId, BUYER);
    const t = String(Math.floor(Date.now() / 1000));
    const forged = JSON.stringify({ MsgType: 'event', Event: 'trade_manage_order_settlement', merchant_trade_no: orderId, transaction_id: order.transactionId, confirm_receive_method: 2 });
    const res = await fetch(`${shop.cloud.url}/http/wxPush?signature=${'a'.repeat(40)}&timestamp=${t}&nonce=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: forged });
    expect(res.status).toBe(401);
    expect((await shop.order(orderId)).status).toBe('SHIPPED');
  });
});
