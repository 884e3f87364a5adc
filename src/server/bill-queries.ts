// The merchant's 对账 page: the days compared with WeChat Pay's bill, a day's differences, and marking one explained.
// Explaining is a conditional write on an OPEN difference: two merchants explaining at once leave one note.
import type { BillDayView, BillDifferenceView, OrdersData } from '../../typings/api';
import type { BillDifferenceDoc, BillRunDoc } from '../domain/documents';
import { conflict, forbidden, notFound } from '../domain/errors';
import { isMerchant, type Settings } from '../domain/settings';
import { COLLECTIONS, type Store } from './store';

export interface BillQueryContext {
  store: Store;
  settings: Settings;
  openid: string;
  now: Date;
}

/** A month of days, whatever the number of channels. */
const DAYS_SHOWN = 62;

function requireMerchant(ctx: BillQueryContext): void {
  if (!isMerchant(ctx.settings, ctx.openid)) throw forbidden('only the shop’s merchants can see the bill comparison');
}

export async function merchantBills(ctx: BillQueryContext): Promise<OrdersData['bills']> {
  requireMerchant(ctx);
  const { data } = await ctx.store.collection(COLLECTIONS.billRuns).orderBy('date', 'desc').orderBy('_id', 'asc').limit(DAYS_SHOWN).get();
  return { days: (data as BillRunDoc[]).map(dayView) };
}

export async function merchantBillDay(ctx: BillQueryContext, date: string): Promise<OrdersData['billDay']> {
  requireMerchant(ctx);
  const [runs, differences] = await Promise.all([
    ctx.store.collection(COLLECTIONS.billRuns).where({ date }).limit(10).get(),
    ctx.store.collection(COLLECTIONS.anomalies).where({ kind: 'BILL_DIFFERENCE', billDate: date }).orderBy('_id', 'asc').limit(1000).get(),
  ]);
  return { date, runs: (runs.data as BillRunDoc[]).map(dayView), differences: (differences.data as BillDifferenceDoc[]).map(differenceView) };
}

export async function explainBillDifference(ctx: BillQueryContext, differenceId: string, note: string): Promise<OrdersData['explainBillDifference']> {
  requireMerchant(ctx);
  const anomalies = ctx.store.collection(COLLECTIONS.anomalies);
  const { stats } = await anomalies
    .where({ _id: differenceId, kind: 'BILL_DIFFERENCE', state: 'OPEN' })
    .update({ data: { state: 'EXPLAINED', note, explainedBy: ctx.openid, explainedAt: ctx.now } });
  const { data } = await anomalies.where({ _id: differenceId, kind: 'BILL_DIFFERENCE' }).limit(1).get();
  const doc = data[0] as BillDifferenceDoc | undefined;
  if (!doc) throw notFound(`there is no bill difference ${differenceId}`);
  if (stats.updated !== 1) throw conflict(`difference ${differenceId} was already explained${doc.note ? `: ${doc.note}` : ''}`);
  return differenceView(doc);
}

function dayView(run: BillRunDoc): BillDayView {
  return {
    date: run.date,
    channel: run.channel,
    state: run.state,
    payments: run.payments ?? 0,
    refunds: run.refunds ?? 0,
    paidFee: run.paidFee ?? 0,
    refundFee: run.refundFee ?? 0,
    fee: Math.round((run.feeMilliFen ?? 0) / 1000),
    differences: run.differences ?? 0,
    ...(run.lastError ? { lastError: run.lastError } : {}),
  };
}

function differenceView(d: BillDifferenceDoc): BillDifferenceView {
  return {
    id: d._id,
    date: d.billDate,
    channel: d.channel,
    kind: d.difference,
    ...(d.orderId ? { orderId: d.orderId } : {}),
    ...(d.refundId ? { refundId: d.refundId } : {}),
    detail: d.detail,
    action: d.action,
    state: d.state,
    ...(d.note ? { note: d.note } : {}),
    ...(d.explainedAt ? { explainedAt: new Date(d.explainedAt).toISOString() } : {}),
  };
}
