// Every order keeps a short history for its detail page and for audits. It is capped so a long-lived order with
// many refund rounds cannot grow without bound (a CloudBase document is limited to 16 MB, the page to far less).
import type { TimelineEntry } from '../../typings/api';
import type { TimelineRecord } from './documents';

export const TIMELINE_CAP = 30;
const NOTE_MAX = 80;

export function timelineEntry(at: Date, event: string, by: TimelineRecord['by'], note?: string): TimelineRecord {
  const entry: TimelineRecord = { at, event, by };
  if (note) entry.note = note.length > NOTE_MAX ? note.slice(0, NOTE_MAX - 1) + '…' : note;
  return entry;
}

export function timelineView(records: readonly TimelineRecord[] | undefined): TimelineEntry[] {
  return (records ?? []).slice(-TIMELINE_CAP).map((r) => ({
    at: r.at.toISOString(),
    event: r.event,
    by: r.by,
    ...(r.note ? { note: r.note } : {}),
  }));
}
