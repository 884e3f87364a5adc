// A shop switches WeChat Pay channel (e.g. cloudPay → APIv3) with orders under way, for every pair of channels: each
// order stays with the channel that took it (its payment, late callback, close, refunds and their queries), new orders
// go to the new one, and WeChat's books (the sandbox, which keeps each merchant account apart) agree with ours.
// The switch is the merchant's edit of settings/shop (docs/migrate-cloudpay-to-v3.md). One local cloud serves every
// pair, one after the other: its functions read settings on every call (SETTINGS_CACHE_SECONDS=0), so an edit
// reaches every warm instance at once, with no restart and no second round of cold starts (which made this file
// cost ~150 s of CI: two local clouds per pair, each starting every function again).
import type { ApplyRefundData } from '../../typings/api';
import { DEMO_SETTINGS, DEMO_SUB_MCH_ID, channelSettings, putDocument } from '../../emulator/src/demo';
import { getJson, postJson } from '../helpers/local-cloud';
import { CUP, MERCHANT, MERCHANT_2, TEA, openShop, orderLedger, providerTrade, settleAtProvider, sleep, type Shop, type ShopProvider } from './support';

jest.setTimeout(120_000);

type Channel = ShopProvider['pay'];
const CHANNELS: readonly Channel[] = ['cloudpay', 'v2', 'v3'];
const PAIRS = CHANNELS.flatMap((from) => CHANNELS.filter((to) => to !== from).map((to) => ({ from, to })));

interface Trade {
  protocol: string;
  tradeState: string;
  refunds: Array<{ outRefundNo: string; refundStatus: string; refundFee: number }>;
  notifications: Array<{ protocol: string; status: string }>;
}
const trade = (shop: Shop, orderId: string) => getJson<Trade>(shop.cloud, `/sandbox/payments/${orderId}`);
const channelOf = async (shop: Shop, collection: 'orders' | 'refunds', id: string) => (await shop.doc<{ payChannel?: { provider: string } }>(collection, id))?.payChannel?.provider;

let shop: Shop;
beforeAll(async () => {
  shop = await openShop({ autoSettleRefunds: false, functionEnv: { SETTINGS_CACHE_SECONDS: '0' } });
}, 60_000);
afterAll(() => shop?.close());

/**
 * The shop's settings with these channels configured, new orders through the last (`--pay a,b`): one channel before
 * a switch, both after it, as the migration guide tells a shop to set them.
 */
function configure(...channels: Channel[]): void {
  const settings = { ...DEMO_SETTINGS, merchantOpenids: [MERCHANT, MERCHANT_2], notifyGraceSeconds: 0, refundPollSeconds: 0 };
  putDocument(shop.cloud, 'settings', { ...settings, ...channelSettings(channels, shop.cloud.url, shop.cloud.appid), _id: 'shop' });
}

/** Rewrites stored order fields (dates kept as dates), as time passing or an older version of the functions would have left them. */
async function rewriteOrder(shop: Shop, orderId: string, change: (doc: Record<string, unknown>) => void): Promise<void> {
  const stored = await shop.doc<Record<string, unknown>>('orders', orderId);
  if (!stored) throw new Error(`no order ${orderId}`);
  const date = (v: unknown) => ({ $date: { $numberLong: String(Date.parse(String(v))) } });
  const doc: Record<string, unknown> = { ...stored };
  for (const k of ['createdAt', 'updatedAt', 'payDeadline', 'paidAt']) if (doc[k] !== undefined) doc[k] = date(doc[k]);
  doc.timeline = (doc.timeline as Array<Record<string, unknown>>).map((t) => ({ ...t, at: date(t.at) }));
  change(doc);
  putDocument(shop.cloud, 'orders', doc as { _id: string } & Record<string, unknown>);
}

async function approved(shop: Shop, orderId: string, refundFee?: number): Promise<string> {
  const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了', ...(refundFee ? { refundFee } : {}) });
  expect(await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT)).toEqual({ refundId, status: 'PROCESSING' });
  return refundId;
}

describe.each(PAIRS)('switching from $from to $to', ({ from, to }) => {
  beforeAll(() => configure(from));

  it('old orders stay with the old channel, new ones take the new; WeChat agrees, order by order', async () => {
    // Before the switch: a paid order, one still open, one whose callback is lost, one past its deadline, one
    // refund under way, and one order written before orders recorded their channel.
    const paid = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    const open = (await shop.placeOrder([{ productId: CUP._id, quantity: 1 }])).orderId;
    const lost = (await shop.placeOrder([{ productId: CUP._id, quantity: 1 }])).orderId;
    expect((await shop.complete(lost, { drop: true })).status).toBe(200);
    const overdue = (await shop.placeOrder([{ productId: CUP._id, quantity: 1 }])).orderId;
    const refunding = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const oldRefund = await approved(shop, refunding);
    const legacy = await shop.paidOrder([{ productId: CUP._id, quantity: 2 }]);
    await rewriteOrder(shop, legacy, (d) => delete d.payChannel);
    for (const id of [paid, open, lost, overdue, refunding]) expect(await channelOf(shop, 'orders', id)).toBe(from);
    expect(await channelOf(shop, 'refunds', oldRefund)).toBe(from);

    configure(from, to);

    // A new order is paid through the new channel, at the new merchant account.
    const fresh = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    expect(await channelOf(shop, 'orders', fresh)).toBe(to);
    expect((await trade(shop, fresh)).protocol).toBe(to);

    // The order still open at the switch is paid where it was created, and its callback, in the old protocol, is heard.
    const repay = await shop.ok<{ orderId: string }>('pay', { orderId: open });
    expect(repay.orderId).toBe(open);
    const done = await shop.complete(open);
    expect(done.status).toBe(200);
    expect(done.body.notification).toEqual(expect.objectContaining({ protocol: from, status: 'ACKNOWLEDGED' }));
    expect((await shop.order(open)).status).toBe('PAID');
    expect((await trade(shop, open)).protocol).toBe(from);

    // A late duplicate of its callback is acknowledged and changes nothing.
    const again = await postJson<{ notification: { protocol: string; status: string } }>(shop.cloud, `/sandbox/payments/${open}/notify`, { wait: true });
    expect(again.body.notification).toEqual(expect.objectContaining({ protocol: from, status: 'ACKNOWLEDGED' }));
    expect((await shop.order(open)).timeline.filter((t) => t.event === 'paid')).toHaveLength(1);

    // Refunds of old orders go through the old channel, of new orders through the new, each to its own merchant account.
    const oldOrderRefund = await approved(shop, paid, 1000);
    const newOrderRefund = await approved(shop, fresh, 1000);
    expect(await channelOf(shop, 'refunds', oldOrderRefund)).toBe(from);
    expect(await channelOf(shop, 'refunds', newOrderRefund)).toBe(to);
    expect((await trade(shop, paid)).refunds.map((r) => r.outRefundNo)).toEqual([oldOrderRefund]);
    expect((await trade(shop, fresh)).refunds.map((r) => r.outRefundNo)).toEqual([newOrderRefund]);

    // The order that records no channel was taken by the former channel (legacyProvider's default): refunded there.
    const legacyRefund = await approved(shop, legacy);
    expect((await trade(shop, legacy)).refunds.map((r) => r.outRefundNo)).toEqual([legacyRefund]);

    // reconcile asks and closes each order through its own channel, and polls each refund there.
    await rewriteOrder(shop, overdue, (d) => (d.payDeadline = { $date: { $numberLong: String(Date.now() - 1000) } }));
    expect((await settleAtProvider(shop, oldRefund, { drop: true })).status).toBe(200);
    expect((await settleAtProvider(shop, newOrderRefund, { drop: true })).status).toBe(200);
    await shop.reconcile();
    expect((await shop.order(lost)).status).toBe('PAID');
    expect((await shop.order(overdue)).status).toBe('CLOSED');
    expect((await trade(shop, overdue)).tradeState).toBe('CLOSED');
    expect((await shop.doc<{ status: string }>('refunds', oldRefund))?.status).toBe('SUCCEEDED');
    expect((await shop.doc<{ status: string }>('refunds', newOrderRefund))?.status).toBe('SUCCEEDED');

    // Our books and WeChat's agree on every order.
    for (const id of [paid, open, lost, overdue, refunding, legacy, fresh]) {
      const ledger = await orderLedger(shop, id);
      const atWeChat = await providerTrade(shop, id);
      const settled = atWeChat.refunds.filter((r) => r.refundStatus === 'SUCCESS').reduce((n, r) => n + r.refundFee, 0);
      const underway = atWeChat.refunds.filter((r) => r.refundStatus === 'PROCESSING').reduce((n, r) => n + r.refundFee, 0);
      expect({ id, refundedFee: ledger.refundedFee, refundingFee: ledger.refundingFee }).toEqual({ id, refundedFee: settled, refundingFee: underway });
      expect(ledger.status === 'CLOSED').toBe(atWeChat.tradeState === 'CLOSED');
    }
  });

  /** The order's record names the other channel (as a bad migration would leave it): its refund is asked there. */
  async function refundThroughOtherChannel(): Promise<{ orderId: string; refundId: string }> {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    await rewriteOrder(shop, orderId, (d) => (d.payChannel = { provider: from, merchantId: DEMO_SUB_MCH_ID }));
    const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了' });
    await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
    await shop.reconcile();
    return { orderId, refundId };
  }

  if ((from === 'cloudpay') !== (to === 'cloudpay')) {
    it('a refund through the wrong channel is impossible: that merchant account does not know the order, and no money moves', async () => {
      const { orderId, refundId } = await refundThroughOtherChannel();
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).not.toBe('SUCCEEDED');
      expect((await trade(shop, orderId)).refunds).toEqual([]);
      expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ status: 'PAID', refundedFee: 0 }));
    });
  } else {
    it('APIv2 and APIv3 are one merchant account (as at WeChat): an order of either is refunded once through the other', async () => {
      const { orderId, refundId } = await refundThroughOtherChannel();
      expect((await trade(shop, orderId)).refunds.map((r) => r.outRefundNo)).toEqual([refundId]);
      expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
      expect((await settleAtProvider(shop, refundId)).status).toBe(200);
      expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedFee: CUP.price }));
    });
  }
});

describe('a shop that dropped cloudPay before its last order was settled', () => {
  it('the cloudPay callback is never read and WeChat is asked to send it again; configured again, the shop hears it', async () => {
    configure('cloudpay');
    const { orderId } = await shop.placeOrder();
    configure('v3');
    const refused = await postJson<{ notification: { status: string; deliveries: Array<{ detail: string }> } }>(shop.cloud, `/sandbox/payments/${orderId}/complete`, { wait: true });
    expect(refused.body.notification.status).toBe('PENDING');
    expect(refused.body.notification.deliveries[0]?.detail).toContain('no cloudPay channel is configured');
    expect((await shop.order(orderId)).status).toBe('PENDING');

    configure('cloudpay', 'v3');
    // WeChat's next attempt (the local cloud's schedule runs 1000× faster in tests).
    const until = Date.now() + 20_000;
    while ((await shop.order(orderId)).status !== 'PAID' && Date.now() < until) await sleep(100);
    expect((await shop.order(orderId)).status).toBe('PAID');
    expect((await trade(shop, orderId)).protocol).toBe('cloudpay');
  });
});
