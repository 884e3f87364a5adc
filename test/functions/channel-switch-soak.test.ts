// A soak with a WeChat Pay channel switch in the middle (docs/migrate-cloudpay-to-v3.md): a shop on cloudPay takes
// orders that are paid, refunded, cancelled, paid with their callback lost and paid again later, all at once; while
// they are under way the merchant edits settings/shop to APIv3 with cloudPay kept as a former channel, and the orders
// after it go through APIv3. In the end, after reconcile, the shop's records and what the local WeChat Pay recorded
// agree order by order and account by account (cloudPay's sub-merchant vs the shop's own APIv3 account), with 0
// mismatches, and each account's bill of the day matches the shop's books.
//
// The settings edit reaches every instance at once here: warm instances keep settings for up to 30 s
// (src/server/settings.ts), so the test also touches every function's bundle, which makes the local cloud replace each
// warm instance once its current invocation ends (as a redeploy would). Invocations already running finish with the
// settings they read, as they would at CloudBase.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyRefundData, PayData } from '../../typings/api';
import { channelSettings, putDocument } from '../../emulator/src/demo';
import { getJson, postJson, projectRoot } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, OTHER_BUYER, TEA, openShop, sleep, type Shop } from './support';

jest.setTimeout(90_000);

const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

interface OrderDoc {
  _id: string;
  _openid: string;
  status: string;
  totalFee: number;
  refundedFee: number;
  refundingFee: number;
  payChannel?: { provider: string; merchantId: string };
}
interface TradeView {
  outTradeNo: string;
  protocol: string;
  subMchId?: string;
  tradeState: string;
  totalFee: number;
  transactionId?: string;
  refunds: Array<{ outRefundNo: string; refundStatus: string; refundFee: number }>;
}

/** What happens to an order in its life, by its number: a mix of every path money takes. */
const LIVES = ['refundedInFull', 'refundedTwice', 'cancelled', 'callbackLost', 'kept', 'paidLater'] as const;
type Life = (typeof LIVES)[number];

let dir: string;
let shop: Shop;

beforeAll(async () => {
  // The functions are read from a copy, so that the switch can make every warm instance start afresh (above).
  dir = mkdtempSync(join(tmpdir(), 'switch-soak-'));
  cpSync(join(projectRoot, 'cloudfunctions'), join(dir, 'functions'), { recursive: true });
  shop = await openShop({
    provider: { label: 'cloudpay', pay: 'cloudpay' },
    instances: 4,
    grants: 40,
    functionRoots: [join(dir, 'functions'), join(projectRoot, 'dist/test-functions')],
    settings: { notifyGraceSeconds: 0, refundPollSeconds: 0 },
  });
}, 60_000);
afterAll(async () => {
  await shop?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The merchant's edit of settings/shop (migration guide, step 2): APIv3 for new orders, cloudPay kept for its orders. */
async function switchToV3(): Promise<void> {
  const current = await shop.doc<Record<string, unknown>>('settings', 'shop');
  putDocument(shop.cloud, 'settings', { ...current, _id: 'shop', ...channelSettings(['cloudpay', 'v3'], shop.cloud.url, shop.cloud.appid) });
  const now = new Date();
  for (const entry of readdirSync(join(dir, 'functions'), { withFileTypes: true })) {
    const bundle = join(dir, 'functions', entry.name, 'index.js');
    if (entry.isDirectory() && existsSync(bundle)) utimesSync(bundle, now, now);
  }
}

/** Retries a step the shop refuses for now (e.g. a refund request while the previous refund of the order is open). */
async function eventually<T>(what: string, step: () => Promise<{ ok: true; data: T } | { ok: false; code: string; message: string }>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const r = await step();
    if (r.ok) return r.data;
    if (attempt >= 40 || r.code !== 'CONFLICT') throw new Error(`${what}: ${r.code} ${r.message}`);
    await sleep(150);
  }
}

async function refund(orderId: string, buyer: string, refundFee?: number): Promise<void> {
  const { refundId } = await eventually<ApplyRefundData>(`refund of ${orderId}`, () =>
    shop.call<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了', ...(refundFee ? { refundFee } : {}) }, buyer),
  );
  await eventually(`approval of ${refundId}`, () => shop.call('approveRefund', { refundId, action: 'approve' }, MERCHANT));
}

async function pay(orderId: string, plan: Record<string, unknown> = {}): Promise<void> {
  const done = await shop.complete(orderId, plan);
  if (done.status !== 200) throw new Error(`could not pay ${orderId}: ${JSON.stringify(done.body)}`);
}

/** One order's life; resolves with its id once placed (`placed`), and finishes the rest after. */
function live(i: number, placed: (orderId: string) => void): Promise<string> {
  const life: Life = LIVES[i % LIVES.length];
  const buyer = i % 2 ? OTHER_BUYER : BUYER;
  return (async () => {
    const items = [{ productId: i % 3 ? CUP._id : TEA._id, quantity: 1 + (i % 2) }];
    const { orderId } = await shop.ok<PayData>('pay', { items }, buyer);
    placed(orderId);
    switch (life) {
      case 'refundedInFull':
        await pay(orderId);
        await refund(orderId, buyer);
        break;
      case 'refundedTwice':
        await pay(orderId);
        await refund(orderId, buyer, 500);
        await refund(orderId, buyer, 700);
        break;
      case 'cancelled':
        // cloudPay and APIv2 refuse to close a trade in its first 5 minutes (300 ms at the local cloud's pace).
        await sleep(400);
        await eventually(`cancel of ${orderId}`, () => shop.call('orders', { action: 'cancel', orderId }, buyer));
        break;
      case 'callbackLost':
        await pay(orderId, { drop: true });
        break;
      case 'kept':
        await pay(orderId);
        break;
      case 'paidLater':
        // The buyer taps 去支付 again: the order's own channel takes the money, whatever the shop's setting is by then.
        await sleep(300);
        expect((await shop.ok<PayData>('pay', { orderId }, buyer)).orderId).toBe(orderId);
        await pay(orderId);
        break;
    }
    return orderId;
  })();
}

/** Every difference between the shop's records and WeChat Pay's, order by order and account by account. */
async function mismatches(orders: OrderDoc[]): Promise<string[]> {
  const found: string[] = [];
  const perAccount = new Map<string, { shopPaid: number; shopRefunded: number; payPaid: number; payRefunded: number }>();
  const account = (key: string) => perAccount.get(key) ?? perAccount.set(key, { shopPaid: 0, shopRefunded: 0, payPaid: 0, payRefunded: 0 }).get(key)!;
  for (const o of orders) {
    const t = await getJson<TradeView>(shop.cloud, `/sandbox/payments/${o._id}`);
    const channel = o.payChannel?.provider;
    if (!channel) found.push(`${o._id}: no payChannel`);
    if (t.protocol !== channel) found.push(`${o._id}: the shop says ${channel}, WeChat Pay took it through ${t.protocol}`);
    const settled = t.refunds.filter((r) => r.refundStatus === 'SUCCESS').reduce((n, r) => n + r.refundFee, 0);
    const underway = t.refunds.filter((r) => r.refundStatus === 'PROCESSING').reduce((n, r) => n + r.refundFee, 0);
    if (o.refundedFee !== settled) found.push(`${o._id}: refundedFee ${o.refundedFee}, WeChat Pay refunded ${settled}`);
    if (o.refundingFee !== underway) found.push(`${o._id}: refundingFee ${o.refundingFee}, WeChat Pay is refunding ${underway}`);
    const paidAtWeChat = t.transactionId !== undefined && ['SUCCESS', 'REFUND'].includes(t.tradeState);
    const paidHere = ['PAID', 'SHIPPED', 'COMPLETED', 'REFUNDED'].includes(o.status);
    if (paidAtWeChat !== paidHere) found.push(`${o._id}: ${o.status} here, ${t.tradeState} at WeChat Pay`);
    if ((o.status === 'CLOSED') !== (t.tradeState === 'CLOSED')) found.push(`${o._id}: ${o.status} here, ${t.tradeState} at WeChat Pay`);
    const here = account(`${channel}`);
    if (paidHere) here.shopPaid += o.totalFee;
    here.shopRefunded += o.refundedFee;
    const there = account(t.protocol);
    if (paidAtWeChat) there.payPaid += t.totalFee;
    there.payRefunded += settled;
  }
  for (const [key, a] of perAccount) {
    if (a.shopPaid !== a.payPaid || a.shopRefunded !== a.payRefunded) found.push(`account ${key}: the shop holds ${JSON.stringify(a)}`);
  }
  return found;
}

it('cloudPay → APIv3 with orders paid, refunded, cancelled and paid late all at once: 0 mismatches, per order, per account and per bill', async () => {
  const count = 24;
  const placedIds: string[] = [];
  let switched!: () => void;
  const halfPlaced = new Promise<void>((r) => (switched = r));
  const lives: Array<Promise<string>> = [];
  // The first half are placed on cloudPay; the switch happens as soon as they are, while their payments, refunds and
  // cancels are under way; the second half are placed after it.
  for (let i = 0; i < count / 2; i++) {
    lives.push(
      live(i, (id) => {
        placedIds.push(id);
        if (placedIds.length === count / 2) switched();
      }),
    );
  }
  await halfPlaced;
  await switchToV3();
  for (let i = count / 2; i < count; i++) lives.push(live(i, (id) => placedIds.push(id)));
  const orderIds = await Promise.all(lives);

  // Lost callbacks and refund results still on their way: reconcile (two at once, then one more) and WeChat's retries.
  await Promise.all([shop.reconcile(), shop.reconcile()]);
  for (let waited = 0; waited < 15_000; waited += 300) {
    const open = (await shop.docs<{ status: string }>('refunds')).filter((r) => r.status === 'PROCESSING' || r.status === 'REQUESTED');
    const pending = (await shop.docs<{ status: string }>('orders')).filter((o) => o.status === 'PENDING');
    if (open.length === 0 && pending.length === 0) break;
    await sleep(300);
    await shop.reconcile();
  }

  const orders = (await shop.docs<OrderDoc>('orders')).filter((o) => orderIds.includes(o._id));
  expect(orders).toHaveLength(count);
  const byChannel = (c: string) => orders.filter((o) => o.payChannel?.provider === c).length;
  // Both channels really took orders: the first half on cloudPay, the second (every invocation after the switch) on APIv3.
  expect({ cloudpay: byChannel('cloudpay'), v3: byChannel('v3') }).toEqual({ cloudpay: count / 2, v3: count / 2 });
  expect(orders.filter((o) => o.status === 'PENDING')).toEqual([]);
  expect(await mismatches(orders)).toEqual([]);

  // Each account's bill of the day (cloudPay's sub-merchant and the shop's own APIv3 account) matches the books.
  const date = chinaToday();
  expect((await postJson(shop.cloud, `/sandbox/bills/${date}/publish`, {})).status).toBe(200);
  const billed = (await shop.invoke('bill', { billDate: date })) as { days: Array<{ channel: string; state: string; differences?: number }> };
  expect(billed.days.map((d) => ({ ...d })).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
    { date, channel: 'cloudpay', state: 'DONE', differences: 0 },
    { date, channel: 'v3', state: 'DONE', differences: 0 },
  ]);
});
