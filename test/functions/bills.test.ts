// The daily bill reconciliation through the real functions and the local WeChat Pay, in every protocol: the bill is
// downloaded the protocol's way (cloudPay downloadBill, APIv2 /pay/downloadbill, APIv3 tradebill + file with its
// SHA1), read, compared with the books; each difference is recorded once and the merchants are told once.
import { DEMO_SETTINGS, putDocument } from '../../emulator/src/demo';
import { connectSdk, postJson } from '../helpers/local-cloud';
import { MERCHANT, MERCHANT_2, openShop, PROVIDERS, TEA, CUP, type Shop } from './support';

jest.setTimeout(60_000);

const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const BILL_TEMPLATE = DEMO_SETTINGS.templates.billSummary.templateId;

interface Run { _id: string; state: string; payments?: number; paidFee?: number; differences?: number; messageOwed?: boolean }
interface Difference { _id: string; kind: string; difference: string; orderId?: string; refundId?: string; state: string; billDate: string; action: string }

describe.each(PROVIDERS.filter((p) => p.v3Verify !== 'certificate'))('$label', (provider) => {
  let shop: Shop;
  const date = chinaToday();
  const channel = provider.pay;
  const runBill = () => shop.invoke('bill', { billDate: date });
  const run = () => shop.doc<Run>('bill_runs', `${channel}:${date}`);
  const differences = async () => (await shop.docs<Difference>('anomalies')).filter((a) => a.kind === 'BILL_DIFFERENCE');

  beforeAll(async () => {
    // Fees checked at WeChat's 0.6 %: every fee the local WeChat Pay charges must agree (FEE_DIFFERS is unit-tested).
    shop = await openShop({ provider, settings: { billFeeRateBasisPoints: 60 } });
    for (const m of [MERCHANT, MERCHANT_2]) shop.cloud.outbox.grant(m, [BILL_TEMPLATE]);
  }, 60_000);
  afterAll(() => shop?.close());

  it('waits while WeChat Pay has not made the bill, and compares it once it has: everything matches', async () => {
    const a = await shop.paidOrder([{ productId: TEA._id, quantity: 1 }]);
    await shop.paidOrder([{ productId: CUP._id, quantity: 2 }]);
    const refunded = await shop.ok<{ refundId: string }>('applyRefund', { orderId: a, reason: '质量问题', refundFee: 800 });
    await shop.ok('approveRefund', { refundId: refunded.refundId, action: 'approve' }, MERCHANT);

    expect(await runBill()).toEqual({ ok: true, days: [{ date, channel, state: 'WAITING' }] });
    expect(await differences()).toEqual([]);

    expect((await postJson(shop.cloud, `/sandbox/bills/${date}/publish`, {})).status).toBe(200);
    expect(await runBill()).toEqual({ ok: true, days: [{ date, channel, state: 'DONE', differences: 0 }] });
    expect(await run()).toEqual(expect.objectContaining({ state: 'DONE', payments: 2, paidFee: 6800 + 2 * 1990, differences: 0, messageOwed: false }));
    const told = await shop.sent({ templateId: BILL_TEMPLATE });
    expect(told.map((m) => m.touser).sort()).toEqual([MERCHANT, MERCHANT_2].sort());
    expect(told[0].data.thing1).toMatch(/^2笔 ¥107\.80，全部相符/);

    // A day already compared is not compared (nor told) again.
    expect(await runBill()).toEqual({ ok: true, days: [] });
    expect(await shop.sent({ templateId: BILL_TEMPLATE })).toHaveLength(2);
  });

  it('records money WeChat took with no order, a paid order WeChat does not have and an amount that differs, once each', async () => {
    const day = '2026-01-15';
    // An order the shop holds as paid at noon that day; WeChat's bill for the day has other trades only.
    putDocument(shop.cloud, 'orders', {
      _id: 'BOOKEDONLY1', _openid: 'buyer-zed', status: 'PAID', totalFee: 500, refundedFee: 0, refundingFee: 0, items: [], title: '茶', itemCount: 1,
      createdAt: { $date: '2026-01-15T04:00:00Z' }, updatedAt: { $date: '2026-01-15T04:00:00Z' }, payDeadline: { $date: '2026-01-15T04:30:00Z' },
      paidAt: { $date: '2026-01-15T04:01:00Z' }, transactionId: '4200000000000000001', refundCount: 0, timeline: [],
    });
    // An order whose money is with another merchant account (cloudPay's vs the shop's own) is in that account's bill.
    const otherAccount = channel === 'cloudpay' ? { provider: 'v3', merchantId: '1900000109' } : { provider: 'cloudpay', merchantId: '1900000109' };
    putDocument(shop.cloud, 'orders', {
      _id: 'OTHERACCOUNT1', _openid: 'buyer-zed', status: 'PAID', totalFee: 700, refundedFee: 0, refundingFee: 0, items: [], title: '茶', itemCount: 1,
      createdAt: { $date: '2026-01-15T05:00:00Z' }, updatedAt: { $date: '2026-01-15T05:00:00Z' }, payDeadline: { $date: '2026-01-15T05:30:00Z' },
      paidAt: { $date: '2026-01-15T05:01:00Z' }, transactionId: '4200000000000000002', refundCount: 0, timeline: [], payChannel: otherAccount,
    });
    await postJson(shop.cloud, `/sandbox/bills/${day}/publish`, {});
    await postJson(shop.cloud, `/sandbox/bills/${day}/faults`, { mode: 'EXTRA_TRADE' });
    expect(await shop.invoke('bill', { billDate: day })).toEqual({ ok: true, days: [{ date: day, channel, state: 'DONE', differences: 2 }] });
    const found = (await differences()).filter((d) => d.billDate === day).map((d) => d.difference).sort();
    expect(found).toEqual(['MONEY_WITHOUT_ORDER', 'PAID_NOT_IN_BILL']);

    // Comparing a day again is an operator's step: delete its bill_runs document. Differences already recorded stay once.
    const today = chinaToday();
    const [tea] = (await shop.docs<{ _id: string; totalFee: number; status: string }>('orders')).filter((o) => o.totalFee === 6800 && o.status !== 'PENDING');
    await postJson(shop.cloud, `/sandbox/bills/${today}/faults`, { mode: 'AMOUNT_DIFFERS', outTradeNo: tea._id });
    for (let i = 0; i < 2; i++) {
      await connectSdk(shop.cloud).database().collection('bill_runs').doc(`${channel}:${today}`).remove();
      await shop.invoke('bill', { billDate: today });
    }
    expect((await differences()).filter((d) => d.billDate === today).map((d) => `${d.difference}:${d.orderId}`)).toEqual([`AMOUNT_DIFFERS:${tea._id}`]);
  });

  if (provider.pay === 'v3') {
    it('refuses a file whose SHA1 is not the one WeChat Pay announced, and tries again on the next run', async () => {
      const day = '2026-01-16';
      await postJson(shop.cloud, `/sandbox/bills/${day}/publish`, {});
      await postJson(shop.cloud, `/sandbox/bills/${day}/faults`, { mode: 'EXTRA_TRADE' });
      await postJson(shop.cloud, `/sandbox/bills/${day}/faults`, { mode: 'BAD_HASH' });
      expect(await shop.invoke('bill', { billDate: day })).toEqual({ ok: true, days: [{ date: day, channel, state: 'FAILED' }] });
      expect(await shop.doc<Run & { lastError: string }>('bill_runs', `${channel}:${day}`)).toEqual(expect.objectContaining({ state: 'FAILED', lastError: expect.stringMatching(/SHA1/) }));
      expect((await differences()).filter((d) => d.billDate === day)).toEqual([]);
    });
  }

  it("names every difference the books can have with this protocol's bill, each once", async () => {
    const today = chinaToday();
    const db = connectSdk(shop.cloud).database();
    // WeChat took the money, the notify was lost: the shop still says PENDING.
    const { orderId: lost } = await shop.placeOrder([{ productId: CUP._id, quantity: 1 }]);
    expect((await shop.complete(lost, { drop: true })).status).toBe(200);
    // The shop's record of a paid order says another transaction.
    const twice = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
    await db.collection('orders').doc(twice).update({ data: { transactionId: '4200000000099999999' } });
    // Three refunds WeChat has, that the shop lost, misstates or settled otherwise.
    const refundOf = async () => {
      const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
      const { refundId } = await shop.ok<{ refundId: string }>('applyRefund', { orderId, reason: '质量问题', refundFee: 500 });
      await shop.ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
      return refundId;
    };
    const [gone, misstated, otherwise] = [await refundOf(), await refundOf(), await refundOf()];
    await db.collection('refunds').doc(gone).remove();
    await db.collection('refunds').doc(misstated).update({ data: { refundFee: 600 } });
    await db.collection('refunds').doc(otherwise).update({ data: { status: 'FAILED' } });
    // A refund the shop believes it sent, that never reached WeChat.
    putDocument(shop.cloud, 'refunds', { _id: 'NEVERSENT1R1', orderId: 'NEVERSENT1', _openid: 'buyer-zed', status: 'PROCESSING', refundFee: 300, totalFee: 300, reason: 'x', createdAt: { $date: new Date().toISOString() }, updatedAt: { $date: new Date().toISOString() }, submittedAt: { $date: new Date().toISOString() } });

    await postJson(shop.cloud, `/sandbox/bills/${today}/publish`, {});
    for (let i = 0; i < 2; i++) {
      await db.collection('bill_runs').doc(`${channel}:${today}`).remove();
      await shop.invoke('bill', { billDate: today });
    }
    const found = (await differences()).filter((d) => d.billDate === today);
    const kinds = new Set(found.map((d) => d.difference));
    for (const kind of ['PAID_NOT_BOOKED', 'TRANSACTION_DIFFERS', 'REFUND_NOT_IN_SHOP', 'REFUND_AMOUNT_DIFFERS', 'REFUND_STATUS_DIFFERS', 'REFUND_NOT_IN_BILL']) expect(kinds).toContain(kind);
    expect(found.find((d) => d.difference === 'PAID_NOT_BOOKED')?.orderId).toBe(lost);
    expect(found.find((d) => d.difference === 'TRANSACTION_DIFFERS')?.orderId).toBe(twice);
    expect(found.find((d) => d.difference === 'REFUND_NOT_IN_SHOP')?.refundId).toBe(gone);
    expect(found.find((d) => d.difference === 'REFUND_AMOUNT_DIFFERS')?.refundId).toBe(misstated);
    expect(found.find((d) => d.difference === 'REFUND_STATUS_DIFFERS')?.refundId).toBe(otherwise);
    expect(found.find((d) => d.difference === 'REFUND_NOT_IN_BILL')?.refundId).toBe('NEVERSENT1R1');
    // Recorded once, however often the day is compared.
    expect(new Set(found.map((d) => d._id)).size).toBe(found.length);
  });

  it('a payment split across midnight: the shop filed it at 23:30, WeChat in that day\'s bill; neither day reports it', async () => {
    const [before, after] = ['2026-02-10', '2026-02-11'];
    for (const day of [before, after]) await postJson(shop.cloud, `/sandbox/bills/${day}/publish`, {});
    // WeChat's bill of the 10th holds one payment (made at noon China time by the EXTRA_TRADE fault)…
    await postJson(shop.cloud, `/sandbox/bills/${before}/faults`, { mode: 'EXTRA_TRADE' });
    const at = Date.parse(`${before}T12:00:00+08:00`);
    // …that the shop recorded as paid at 23:30, which the shop's side of the 11th covers (one hour before midnight on).
    putDocument(shop.cloud, 'orders', {
      _id: `GHOST${at}`, _openid: 'buyer-zed', status: 'PAID', totalFee: 990, refundedFee: 0, refundingFee: 0, items: [], title: '茶', itemCount: 1,
      createdAt: { $date: '2026-02-10T15:00:00Z' }, updatedAt: { $date: '2026-02-10T15:30:00Z' }, payDeadline: { $date: '2026-02-10T16:00:00Z' },
      paidAt: { $date: '2026-02-10T15:30:00Z' }, transactionId: `4200000000${at}`, refundCount: 0, timeline: [],
    });
    expect(await shop.invoke('bill', { billDate: before })).toEqual({ ok: true, days: [{ date: before, channel, state: 'DONE', differences: 0 }] });
    expect(await shop.invoke('bill', { billDate: after })).toEqual({ ok: true, days: [{ date: after, channel, state: 'NO_BILL', differences: 0 }] });
  });

  it('refuses a bad date at the edge and changes nothing', async () => {
    const before = (await shop.docs('bill_runs')).length;
    expect(await shop.invoke('bill', { billDate: '2026-02-30' })).toEqual(expect.objectContaining({ ok: false, code: 'INVALID_ARGUMENT' }));
    expect(await shop.invoke('bill', { billDate: '2999-01-01' })).toEqual(expect.objectContaining({ ok: false, code: 'INVALID_ARGUMENT' }));
    expect(await shop.docs('bill_runs')).toHaveLength(before);
  });
});

describe("the merchant's 对账 views", () => {
  let shop: Shop;
  const day = '2026-01-20';
  beforeAll(async () => {
    shop = await openShop();
    await postJson(shop.cloud, `/sandbox/bills/${day}/publish`, {});
    await postJson(shop.cloud, `/sandbox/bills/${day}/faults`, { mode: 'EXTRA_TRADE' });
    await shop.invoke('bill', { billDate: day });
  }, 60_000);
  afterAll(() => shop?.close());

  it('lists the compared days and a day with its differences, to merchants only', async () => {
    const { days } = await shop.ok<{ days: Array<{ date: string; state: string; differences: number }> }>('orders', { action: 'bills' }, MERCHANT);
    expect(days).toEqual([expect.objectContaining({ date: day, channel: 'cloudpay', state: 'DONE', payments: 1, differences: 1 })]);
    const detail = await shop.ok<{ differences: Array<{ id: string; kind: string; state: string; action: string }> }>('orders', { action: 'billDay', date: day }, MERCHANT);
    expect(detail.differences).toEqual([expect.objectContaining({ kind: 'MONEY_WITHOUT_ORDER', state: 'OPEN', action: expect.stringMatching(/申请退款/) })]);
    for (const action of [{ action: 'bills' }, { action: 'billDay', date: day }]) {
      expect(await shop.call('orders', action, 'buyer-alice')).toEqual(expect.objectContaining({ ok: false, code: 'FORBIDDEN' }));
    }
  });

  it('marks a difference explained once, with the note; bad input changes nothing', async () => {
    const { differences } = await shop.ok<{ differences: Array<{ id: string }> }>('orders', { action: 'billDay', date: day }, MERCHANT);
    const id = differences[0].id;
    for (const bad of [{ note: '   ' }, { note: 'x'.repeat(201) }, { note: 'a\u0000b' }, { note: 'ok', extra: 1 }]) {
      expect(await shop.call('orders', { action: 'explainBillDifference', differenceId: id, ...bad }, MERCHANT)).toEqual(expect.objectContaining({ ok: false, code: 'INVALID_ARGUMENT' }));
    }
    expect(await shop.ok('orders', { action: 'explainBillDifference', differenceId: id, note: '测试时在商户平台直接下的单，已退款' }, MERCHANT)).toEqual(expect.objectContaining({ id, state: 'EXPLAINED', note: '测试时在商户平台直接下的单，已退款' }));
    expect(await shop.call('orders', { action: 'explainBillDifference', differenceId: id, note: '第二次' }, MERCHANT_2)).toEqual(expect.objectContaining({ ok: false, code: 'CONFLICT' }));
    expect(await shop.call('orders', { action: 'explainBillDifference', differenceId: 'bill:MONEY_WITHOUT_ORDER:nope', note: 'x' }, MERCHANT)).toEqual(expect.objectContaining({ ok: false, code: 'NOT_FOUND' }));
    const after = await shop.ok<{ differences: Array<{ state: string; note?: string }> }>('orders', { action: 'billDay', date: day }, MERCHANT);
    expect(after.differences).toEqual([expect.objectContaining({ state: 'EXPLAINED', note: '测试时在商户平台直接下的单，已退款' })]);
  });
});
