// What starts the `bill` function: its timer (any event without billDate), or someone in the console asking for one
// China day. A date that is not a real day, or lies in the future, is refused.
export type BillEvent = { ok: true; days?: string[] } | { ok: false; message: string };

export function parseBillEvent(event: unknown, now: Date): BillEvent {
  if (!event || typeof event !== 'object' || !('billDate' in event)) return { ok: true };
  const date = (event as { billDate: unknown }).billDate;
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    return { ok: false, message: 'billDate must be a China day written yyyy-MM-dd' };
  }
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  if (date > today) return { ok: false, message: `billDate ${date} is in the future` };
  return { ok: true, days: [date] };
}
