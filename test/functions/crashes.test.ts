// Crashes right after a winning write: every message a transition makes owed is sent once, by reconcile when the
// invocation that made it owed died before sending it. Each case holds the function's message send (its first
// `wx.openApi` request) at a test barrier of the local cloud until the invocation passes its config.json timeout and
// the runner terminates the instance; the held send is then dropped, never run (emulator/src/barriers.ts), which is
// what a crash between the transition's write and the send leaves. All the cases crash side by side (one timeout's
// wait for all), then two reconciles run at once (racing for the rejection's message), then one more.
import type { RequestMatch } from '../../emulator/src/barriers';
import { callFunction, getJson, postJson } from '../helpers/local-cloud';
import { BUYER, CUP, MERCHANT, MERCHANT_2, TEA, TEMPLATES, openShop, orderLedger, providerTrade, sleep, type Shop } from './support';

jest.setTimeout(120_000);

/** reconcile sends an owed message once it is this old: just past the functions' 10-second timeout. */
const LEASE_SECONDS = 10;

let shop: Shop;

const send = (functionName: string): RequestMatch => ({ functionName, action: 'wx.openApi' });
const heldSends = new Map<string, Promise<void>>();

/**
 * Runs `invocation` with its first message send held until the invocation timed out (the runner terminated its
 * instance), then lets the barrier go: the held send is dropped. Answers how the invocation ended. `after`: requests
 * the function makes once the SDK gave up on the held send (its own 15-second limit, shorter than approveRefund's
 * 20-second timeout), held too so the instance still dies before it records anything.
 */
async function crashBeforeSending(name: string, functionName: string, invocation: () => Promise<string>, after: RequestMatch[] = []): Promise<string> {
  // Two crashes of one function start one after the other: each barrier holds its own invocation's send.
  const previous = heldSends.get(functionName);
  let held!: () => void;
  heldSends.set(functionName, new Promise<void>((r) => (held = r)));
  await previous;
  const probe: RequestMatch = { action: 'test.probe', docId: `resume ${name}` };
  const barrier = shop.cloud.barriers.hold({ name, parties: [send(functionName), ...after, probe], timeoutMs: 60_000 });
  const running = invocation();
  for (let waited = 0; barrier.arrived() < 1 && waited < 15_000; waited += 20) await sleep(20);
  held();
  const ended = await running;
  expect(barrier.arrived()).toBe(1 + after.length);
  await shop.cloud.barriers.pass({ action: 'test.probe', docId: `resume ${name}`, inTransaction: false }, async () => undefined);
  expect(await barrier.settled).toBe('released');
  return ended;
}

/** A client call, answering the gateway's failure code (or the function's answer). */
async function clientCall(name: string, data: unknown, openid: string): Promise<string> {
  const reply = await callFunction<unknown>(shop.cloud, name, data, openid);
  const body = reply.body as { code?: string; result?: unknown };
  return body.code ?? JSON.stringify(body.result);
}

/** A WeChat Pay callback delivered straight to the function, answering its outcome code. */
async function callback(name: 'payNotify' | 'refundNotify', event: unknown): Promise<string> {
  const outcome = await shop.cloud.runner.invoke({ name, event, source: 'wx_pay' });
  return outcome.ok ? 'ok' : outcome.code;
}

async function lastNotification(path: string): Promise<unknown> {
  const { notifications } = await getJson<{ notifications: Array<{ event: unknown }> }>(shop.cloud, path);
  return notifications[notifications.length - 1].event;
}

const messagesAbout = async (templateId: string, orderId: string, touser?: string) =>
  (await shop.sent({ templateId, ...(touser ? { touser } : {}) })).filter((m) => m.data.character_string1 === orderId);
const receiptsOf = async (orderId: string) => (await getJson<{ receipts: Array<{ text: string }> }>(shop.cloud, '/sandbox/printer')).receipts.filter((r) => r.text.includes(orderId));

interface Crashed {
  ended: string;
  orderId: string;
  refundId?: string;
}

type Crash = () => Promise<Crashed>;

/**
 * Each path: its preparation (no barrier armed yet, so nothing of it is held by mistake), which answers the crash
 * itself: the transition written, its message not sent.
 */
const PATHS: Record<string, () => Promise<Crash>> = {
  /** payNotify marks the order paid, owing the merchants' message and the receipt. */
  paid: async () => {
    const { orderId } = await shop.placeOrder([{ productId: TEA._id, quantity: 1 }]);
    expect((await shop.complete(orderId, { drop: true })).status).toBe(200);
    const event = await lastNotification(`/sandbox/payments/${orderId}`);
    return async () => ({ orderId, ended: await crashBeforeSending(`paid ${orderId}`, 'payNotify', () => callback('payNotify', event)) });
  },
  /** applyRefund writes the refund document, owing the merchants' message. */
  requested: async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    return async () => ({
      orderId,
      refundId: `${orderId}R1`,
      ended: await crashBeforeSending(`request ${orderId}`, 'applyRefund', () => clientCall('applyRefund', { orderId, reason: '不想要了', refundFee: 500 }, BUYER)),
    });
  },
  /** approveRefund rejects, owing the buyer's message. */
  rejected: async () => {
    const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '不想要了' });
    return async () => ({
      orderId,
      refundId,
      ended: await crashBeforeSending(`reject ${orderId}`, 'approveRefund', () => clientCall('approveRefund', { refundId, action: 'reject', rejectReason: '商品已发货，请收到后再申请' }, MERCHANT), [
        { functionName: 'approveRefund', action: 'database.insertDocument', collection: 'messages' },
        { functionName: 'approveRefund', action: 'database.modifyDocument', collection: 'refunds', inTransaction: false },
      ]),
    });
  },
  /** ship marks the order shipped, owing the buyer's message. */
  shipped: async () => {
    const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    return async () => ({ orderId, ended: await crashBeforeSending(`ship ${orderId}`, 'ship', () => clientCall('ship', { orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT)) });
  },
  /** refundNotify moves the refund to SUCCEEDED, owing the buyer's result. */
  succeeded: () => settledAtWeChat('SUCCESS'),
  /** refundNotify moves the refund to ABNORMAL, owing the merchants' message. */
  abnormal: () => settledAtWeChat('CHANGE'),
  /** payNotify for an order closed meanwhile: the automatic refund's document owes the merchants' message. */
  latePayment: async () => {
    const { orderId } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    expect((await shop.complete(orderId, { drop: true })).status).toBe(200);
    shop.cloud.db.execute('database.modifyDocument', {
      collectionName: 'orders',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: orderId, status: 'PENDING' }),
      data: JSON.stringify({ $set: { status: 'CLOSED' } }),
      multi: true,
      merge: true,
      upsert: false,
    });
    const event = await lastNotification(`/sandbox/payments/${orderId}`);
    return async () => ({ orderId, refundId: `${orderId}R1`, ended: await crashBeforeSending(`late ${orderId}`, 'payNotify', () => callback('payNotify', event)) });
  },
};

async function settledAtWeChat(status: 'SUCCESS' | 'CHANGE'): Promise<Crash> {
  const orderId = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
  const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '不想要了', refundFee: 2000 });
  expect((await shop.call('approveRefund', { refundId, action: 'approve' }, MERCHANT)).ok).toBe(true);
  expect((await postJson(shop.cloud, `/sandbox/refunds/${refundId}/settle`, { status, drop: true })).status).toBe(200);
  const event = await lastNotification(`/sandbox/refunds/${refundId}`);
  return async () => ({ orderId, refundId, ended: await crashBeforeSending(`${status} ${refundId}`, 'refundNotify', () => callback('refundNotify', event)) });
}

const crashed: Record<string, Crashed> = {};
/** How many messages each of the two reconciles that ran at once resent. */
let resentAtOnce: number[] = [];
let takeOvers: Promise<string> | undefined;

/**
 * Two reconciles at once (two timer firings overlapping), racing for the rejection's owed message: both read it owed
 * before either takes its lease over (a barrier on both take-over writes). The first to record the message is held
 * until the other reconcile has ended, so a second sender, if the lease let one through, sends before the first
 * records: of the two, only the lease's winner may send (notifier.ts resendOwed).
 */
async function twoReconcilesAtOnce(refundId: string): Promise<Array<{ messagesResent?: number }>> {
  const takeOver: RequestMatch = { functionName: 'reconcile', action: 'database.modifyDocument', collection: 'refunds', docId: refundId, inTransaction: false };
  const both = shop.cloud.barriers.hold({ name: 'both reconciles take the lease', parties: [takeOver, takeOver], timeoutMs: 30_000 });
  takeOvers = both.settled;
  const probe: RequestMatch = { action: 'test.probe', docId: 'resume the first record' };
  const record: RequestMatch = { functionName: 'reconcile', action: 'database.insertDocument', collection: 'messages', docId: `refundResult:${refundId}:REJECTED` };
  const firstRecord = shop.cloud.barriers.hold({ name: 'the first record of the message', parties: [probe, record], timeoutMs: 60_000 });
  const runs = [shop.reconcile(), shop.reconcile()] as Array<Promise<{ messagesResent?: number }>>;
  await Promise.race(runs);
  await shop.cloud.barriers.pass({ action: 'test.probe', docId: 'resume the first record', inTransaction: false }, async () => undefined);
  const reports = await Promise.all(runs);
  expect(await firstRecord.settled).toBe('released');
  return reports;
}

beforeAll(async () => {
  shop = await openShop({
    autoSettleRefunds: false,
    grants: 20,
    instances: 10,
    // No shipping upload (its WeChat call would be the first to hold); refunds polled at once.
    settings: { notifyGraceSeconds: 0, refundPollSeconds: 0, messageRetrySeconds: LEASE_SECONDS, shipping: { managed: false, autoConfirmDays: 10 } },
  });
  const names = Object.keys(PATHS);
  const crashes = await Promise.all(names.map((n) => PATHS[n]()));
  // All side by side: one timeout's wait for every path.
  const results = await Promise.all(crashes.map((crash) => crash()));
  names.forEach((n, i) => (crashed[n] = results[i]));
  await sleep(LEASE_SECONDS * 1000);
  resentAtOnce = (await twoReconcilesAtOnce(crashed.rejected.refundId as string)).map((r) => r.messagesResent ?? 0);
  await shop.reconcile(); // nothing is left to send: nothing goes out twice
}, 110_000);
afterAll(() => shop?.close());

describe('a crash right after the write that makes a message owed', () => {
  it('each invocation really was terminated at its timeout, its message unsent, and the two reconciles together sent each one once', async () => {
    const ended = Object.fromEntries(Object.entries(crashed).map(([path, c]) => [path, c.ended]));
    expect(ended).toEqual(Object.fromEntries(Object.keys(PATHS).map((path) => [path, 'FUNCTIONS_TIME_LIMIT_EXCEEDED'])));
    expect(await takeOvers).toBe('released');
    expect(resentAtOnce.reduce((a, b) => a + b, 0)).toBe(Object.keys(PATHS).length);
    // Nothing is owed any more.
    for (const collection of ['orders', 'refunds']) {
      const owing = (await shop.docs<{ _id: string; owedCount?: number }>(collection)).filter((d) => (d.owedCount ?? 0) > 0);
      expect(owing).toEqual([]);
    }
  });

  it('paid: the merchants hear of the order once, and its receipt prints once', async () => {
    const { orderId } = crashed.paid;
    expect((await shop.order(orderId)).status).toBe('PAID');
    expect((await messagesAbout(TEMPLATES.orderPaid, orderId)).map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT_2].sort());
    expect(await receiptsOf(orderId)).toHaveLength(1);
  });

  it('refund requested: the merchants hear of it once', async () => {
    const { orderId, refundId } = crashed.requested;
    expect(await shop.doc('refunds', refundId as string)).toEqual(expect.objectContaining({ status: 'REQUESTED', refundFee: 500 }));
    expect((await messagesAbout(TEMPLATES.refundRequested, orderId)).map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT_2].sort());
  });

  it('rejected (two reconciles racing to resend it): the buyer hears of it once', async () => {
    const { orderId } = crashed.rejected;
    expect((await messagesAbout(TEMPLATES.refundResult, orderId, BUYER)).map((m) => m.data.phrase3)).toEqual(['已拒绝']);
  });

  it('shipped: the buyer hears of it once', async () => {
    const { orderId } = crashed.shipped;
    expect((await shop.order(orderId)).status).toBe('SHIPPED');
    expect(await messagesAbout(TEMPLATES.orderShipped, orderId, BUYER)).toHaveLength(1);
  });

  it('refund succeeded: the buyer hears the result once, the money booked once', async () => {
    const { orderId } = crashed.succeeded;
    expect((await messagesAbout(TEMPLATES.refundResult, orderId, BUYER)).map((m) => m.data.phrase3)).toEqual(['退款成功']);
    expect(await orderLedger(shop, orderId)).toEqual(expect.objectContaining({ refundedFee: 2000, refundingFee: 0 }));
  });

  it('refund abnormal: the merchants hear of it once (after the request)', async () => {
    const { orderId } = crashed.abnormal;
    const told = await messagesAbout(TEMPLATES.refundRequested, orderId);
    expect(told.map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT, MERCHANT_2, MERCHANT_2].sort());
    expect(await messagesAbout(TEMPLATES.refundResult, orderId, BUYER)).toEqual([]);
  });

  it('payment after close: the merchants hear of the automatic refund once, and reconcile submits it', async () => {
    const { orderId, refundId } = crashed.latePayment;
    expect((await messagesAbout(TEMPLATES.refundRequested, orderId)).map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT_2].sort());
    expect((await providerTrade(shop, orderId)).refunds).toEqual([expect.objectContaining({ outRefundNo: refundId, refundFee: 1990 })]);
  });
});
