// The daily bill reconciliation (the `bill` timer function): for each recent China day not yet settled, download
// WeChat Pay's trade bill, compare it with the books (domain/bill-reconcile.ts), record each difference once in
// `anomalies`, record the day's run in `bill_runs`, and tell the merchants once. Guarantee: a day is compared at most
// once to completion and every difference is recorded once (deterministic ids), whatever reruns or crashes happen.
import { compareBill, isPaidInShop, type ShopOrder, type ShopRefund } from '../domain/bill-reconcile';
import type { BillDownload, TradeBill } from '../domain/bill-types';
import type { BillDifferenceDoc, BillRunDoc, OrderDoc, RefundDoc } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { accountKey, channelOf, newOrderChannel, type ChannelRecord, type PayChannel } from '../domain/channels';
import { formatYuan } from '../domain/money';
import { addDays, chinaDayStart, dueDays } from '../domain/bill-days';
import type { BillSource } from '../providers/bill/bill-source';
import { BillFormatError, parseTradeBill } from '../providers/bill/trade-bill';
import { errorSummary, log } from './logger';
import { notify } from './notifier';
import { recordBillDifference } from './repositories/records';
import { COLLECTIONS, type Store } from './store';

const HOUR = 3600_000;
/** A "no bill" answer is believed when the shop had nothing that day, or from this hour on (APIv2 and cloudPay say "no bill" while it is being made). */
const NO_BILL_BELIEVED_HOUR = 12;
/** Shop records within this much of midnight may sit in the neighbouring day's bill: judged with the later day. */
const MIDNIGHT_WINDOW = HOUR;
const PAGE = 100;

export interface BillRunResult {
  date: string;
  channel: string;
  state: BillRunDoc['state'];
  differences?: number;
}

export async function reconcileBills(store: Store, settings: Settings, source: BillSource, now: Date, days = dueDays(now), account: PayChannel = newOrderChannel(settings)): Promise<BillRunResult[]> {
  const results: BillRunResult[] = [];
  for (const date of days) {
    const runId = `${source.channel}:${date}`;
    const run = await readRun(store, runId);
    if (run && (run.state === 'DONE' || run.state === 'NO_BILL')) {
      if (run.messageOwed) await tellMerchants(store, settings, run, now);
      continue;
    }
    results.push(await reconcileDay(store, settings, source, date, run, now, account));
  }
  return results;
}

type StoredRun = BillRunDoc & { messageOwed?: boolean };

async function reconcileDay(store: Store, settings: Settings, source: BillSource, date: string, previous: StoredRun | undefined, now: Date, account: PayChannel): Promise<BillRunResult> {
  const runId = `${source.channel}:${date}`;
  const attempts = (previous?.attempts ?? 0) + 1;
  const base = { _id: runId, channel: source.channel, date, attempts, updatedAt: now };
  let download: BillDownload;
  try {
    download = await source.downloadTradeBill(date);
  } catch (err) {
    await saveRun(store, { ...base, state: 'FAILED', lastError: errorSummary(err).slice(0, 200) });
    log('warn', 'bill.download_failed', { channel: source.channel, date, error: errorSummary(err) });
    return { date, channel: source.channel, state: 'FAILED' };
  }
  const day = { start: chinaDayStart(date), end: chinaDayStart(addDays(date, 1)) };
  if (download.kind === 'not-ready') {
    await saveRun(store, { ...base, state: 'WAITING', lastError: download.reason });
    return { date, channel: source.channel, state: 'WAITING' };
  }
  // Only the records whose money is with this bill's merchant account: another account's orders are in its own bill.
  const inAccount = (doc: ChannelRecord) => accountKey(channelOf(doc, settings)) === accountKey(account);
  const all = await loadShopDay(store, day);
  const shop = { paid: all.paid.filter(inAccount), submitted: all.submitted.filter(inAccount) };
  if (download.kind === 'none') {
    const believed = shop.paid.length === 0 && shop.submitted.length === 0;
    if (!believed && now.getTime() < day.end.getTime() + NO_BILL_BELIEVED_HOUR * HOUR) {
      await saveRun(store, { ...base, state: 'WAITING', lastError: 'WeChat Pay has no bill yet although the shop took money that day' });
      return { date, channel: source.channel, state: 'WAITING' };
    }
  }
  let bill: TradeBill;
  try {
    bill = download.kind === 'bill' ? parseTradeBill(download.text) : EMPTY_BILL;
  } catch (err) {
    if (!(err instanceof BillFormatError)) throw err;
    await saveRun(store, { ...base, state: 'FAILED', lastError: err.message.slice(0, 200) });
    log('error', 'bill.unreadable', { channel: source.channel, date, error: err.message });
    return { date, channel: source.channel, state: 'FAILED' };
  }
  const neighbours = await neighbourNumbers(source, addDays(date, -1));
  const ordersById = await byIds<OrderDoc>(store, COLLECTIONS.orders, bill.payments.map((p) => p.outTradeNo));
  const refundsById = await byIds<RefundDoc>(store, COLLECTIONS.refunds, bill.refunds.map((r) => r.outRefundNo));
  const { differences, totals } = compareBill({
    bill,
    ordersById: new Map([...ordersById].map(([id, o]) => [id, shopOrder(o)])),
    refundsById: new Map([...refundsById].map(([id, r]) => [id, shopRefund(r)])),
    paidThatDay: shop.paid.map(shopOrder),
    refundsSubmittedThatDay: shop.submitted.map(shopRefund),
    neighbours,
    ...(settings.billFeeRateBasisPoints !== undefined ? { feeRateBasisPoints: settings.billFeeRateBasisPoints } : {}),
  });
  let recorded = 0;
  for (const d of differences) {
    const doc: BillDifferenceDoc = {
      _id: `bill:${d.fingerprint}`,
      kind: 'BILL_DIFFERENCE',
      difference: d.kind,
      channel: source.channel,
      billDate: date,
      ...(d.orderId ? { orderId: d.orderId } : {}),
      ...(d.refundId ? { refundId: d.refundId } : {}),
      detail: d.detail,
      action: d.action,
      state: 'OPEN',
      createdAt: now,
    };
    if (await recordBillDifference(store, doc)) recorded += 1;
  }
  const done: StoredRun = {
    ...base,
    state: download.kind === 'bill' ? 'DONE' : 'NO_BILL',
    payments: totals.payments,
    refunds: totals.refunds,
    paidFee: totals.paidFee,
    refundFee: totals.refundFee,
    feeMilliFen: totals.feeMilliFen,
    differences: differences.length,
    // The merchants' message is owed by the same write that ends the day; it is cleared once sent.
    messageOwed: true,
  };
  await saveRun(store, done);
  log(differences.length ? 'warn' : 'info', 'bill.compared', { channel: source.channel, date, payments: totals.payments, refunds: totals.refunds, differences: differences.length, newlyRecorded: recorded });
  await tellMerchants(store, settings, done, now);
  return { date, channel: source.channel, state: done.state, differences: differences.length };
}

const EMPTY_BILL: TradeBill = { payments: [], refunds: [], summary: { count: 0, settledTotal: 0, refundTotal: 0, couponRefundTotal: 0, feeMilliFen: 0, orderTotal: 0, requestedRefundTotal: 0 } };

async function tellMerchants(store: Store, settings: Settings, run: StoredRun, now: Date): Promise<void> {
  const differences = run.differences ?? 0;
  const summary = `${run.payments ?? 0}笔 ${formatYuan(run.paidFee ?? 0)}${differences ? `，${differences}处不符` : '，全部相符'}`;
  await notify(store, settings, {
    purpose: 'billSummary',
    subject: run._id,
    stage: 'compared',
    recipients: settings.merchantOpenids,
    facts: { billDate: run.date, channel: run.channel, payments: run.payments ?? 0, paidFee: run.paidFee ?? 0, refundFee: run.refundFee ?? 0, differences, summary },
  }, now);
  await store.collection(COLLECTIONS.billRuns).doc(run._id).update({ data: { messageOwed: false } });
}

async function loadShopDay(store: Store, day: { start: Date; end: Date }): Promise<{ paid: OrderDoc[]; submitted: RefundDoc[] }> {
  const _ = store.command;
  const from = new Date(day.start.getTime() - MIDNIGHT_WINDOW);
  const to = new Date(day.end.getTime() - MIDNIGHT_WINDOW);
  const paid = (await pages<OrderDoc>(store, COLLECTIONS.orders, { paidAt: _.and(_.gte(from), _.lt(to)) }, 'paidAt')).filter((o) => isPaidInShop(o.status));
  const submitted = await pages<RefundDoc>(store, COLLECTIONS.refunds, { submittedAt: _.and(_.gte(from), _.lt(to)) }, 'submittedAt');
  return { paid, submitted };
}

/** The previous day's bill numbers: shop records near midnight may be there. A day without a bill has none. */
async function neighbourNumbers(source: BillSource, date: string): Promise<{ tradeNos: Set<string>; refundNos: Set<string> }> {
  try {
    const download = await source.downloadTradeBill(date);
    if (download.kind !== 'bill') return { tradeNos: new Set(), refundNos: new Set() };
    const bill = parseTradeBill(download.text);
    return { tradeNos: new Set(bill.payments.map((p) => p.outTradeNo)), refundNos: new Set(bill.refunds.map((r) => r.outRefundNo)) };
  } catch (err) {
    log('warn', 'bill.neighbour_unavailable', { channel: source.channel, date, error: errorSummary(err) });
    return { tradeNos: new Set(), refundNos: new Set() };
  }
}

async function pages<T>(store: Store, collection: string, where: Record<string, unknown>, orderField: string): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const { data } = await store.collection(collection).where(where).orderBy(orderField, 'asc').orderBy('_id', 'asc').skip(skip).limit(PAGE).get();
    out.push(...(data as T[]));
    if (data.length < PAGE) return out;
  }
}

async function byIds<T extends { _id: string }>(store: Store, collection: string, ids: readonly string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += PAGE) {
    const { data } = await store.collection(collection).where({ _id: store.command.in(unique.slice(i, i + PAGE)) }).limit(PAGE).get();
    for (const doc of data as T[]) found.set(doc._id, doc);
  }
  return found;
}

const shopOrder = (o: OrderDoc): ShopOrder => ({ orderId: o._id, status: o.status, totalFee: o.totalFee, ...(o.transactionId ? { transactionId: o.transactionId } : {}), ...(o.paidAt ? { paidAt: o.paidAt } : {}) });
const shopRefund = (r: RefundDoc): ShopRefund => ({ refundId: r._id, orderId: r.orderId, status: r.status, refundFee: r.refundFee, ...(r.settledFee !== undefined ? { settledFee: r.settledFee } : {}), ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}) });

async function readRun(store: Store, id: string): Promise<StoredRun | undefined> {
  const { data } = await store.collection(COLLECTIONS.billRuns).where({ _id: id }).limit(1).get();
  return data[0] as StoredRun | undefined;
}

async function saveRun(store: Store, run: StoredRun): Promise<void> {
  const { _id, ...rest } = run;
  await store.collection(COLLECTIONS.billRuns).doc(_id).set({ data: rest });
}
