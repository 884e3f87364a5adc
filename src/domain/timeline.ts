// Every order keeps a short history for its detail page and for audits. It is capped so a long-lived order with
// many refund rounds cannot grow without bound (a CloudBase document is limited to 16 MB, the page to far less).
import type { TimelineEntry } from '../../typings/api';
import type { TimelineRecord } from './documents';
import { formatYuan } from './money';

export const TIMELINE_CAP = 30;
const NOTE_MAX = 80;

export function timelineEntry(at: Date, event: TimelineRecord['event'], by: TimelineRecord['by'], note?: string): TimelineRecord {
  const entry: TimelineRecord = { at, event, by };
  if (note) entry.note = note.length > NOTE_MAX ? note.slice(0, NOTE_MAX - 1) + '…' : note;
  return entry;
}

/** What went wrong between the shop and WeChat Pay is the merchant's business: buyers see the event, not its detail. */
const MERCHANT_ONLY_NOTES = new Set(['anomaly']);

export function timelineView(records: readonly TimelineRecord[] | undefined, forMerchant = false): TimelineEntry[] {
  return (records ?? []).slice(-TIMELINE_CAP).map((r) => ({
    at: r.at.toISOString(),
    event: r.event,
    by: r.by,
    ...(r.note && (forMerchant || !MERCHANT_ONLY_NOTES.has(r.event)) ? { note: r.note } : {}),
    ...(r.refundId ? { refundId: r.refundId } : {}),
  }));
}

/** The notes the functions write, in one place (people read them: amounts in ¥). */
export const TIMELINE_NOTES = {
  refundRequested: (fee: number, reason: string) => `${formatYuan(fee)}：${reason}`,
  refundSettled: (fee: number) => formatYuan(fee),
  refundAbnormal: (fee: number) => `${formatYuan(fee)}：退款未能到账，商家处理中`,
  closedByBuyer: '买家取消',
  closedUnpaid: '超时未付款',
} as const;
