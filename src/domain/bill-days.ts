// Which China days the daily bill job looks at. Pure: the time rules of WeChat's bills in one place.
const HOUR = 3600_000;
const CHINA_OFFSET = 8 * HOUR;
/** WeChat makes yesterday's bill from 09:00; it says to fetch after 10:00. */
export const BILL_READY_HOUR = 10;
/** How far back a run looks for days not yet compared (WeChat keeps bills three months; a week covers any outage of the timer). */
const LOOKBACK_DAYS = 7;

/** China day `yyyy-MM-dd` of an instant, and the instant a China day starts. */
export const chinaDate = (at: Date) => new Date(at.getTime() + CHINA_OFFSET).toISOString().slice(0, 10);
export const chinaDayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET);
export const addDays = (date: string, n: number) => chinaDate(new Date(chinaDayStart(date).getTime() + n * 24 * HOUR));

/** Days whose bill may be fetched now, oldest first: up to yesterday once it is 10:00 in China. */
export function dueDays(now: Date): string[] {
  const today = chinaDate(now);
  const readyYesterday = now.getTime() >= chinaDayStart(today).getTime() + BILL_READY_HOUR * HOUR;
  const last = addDays(today, readyYesterday ? -1 : -2);
  return Array.from({ length: LOOKBACK_DAYS }, (_, i) => addDays(last, i - LOOKBACK_DAYS + 1));
}

