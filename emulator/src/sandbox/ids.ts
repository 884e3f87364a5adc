// Identifiers and timestamps in the shapes WeChat Pay uses. Random parts come from the CSPRNG: nothing a client
// could predict (prepay ids let the buyer pay).
import { createHash, randomBytes } from 'node:crypto';
import { randomAlnum, randomDigits } from '../random-text';

export function nonceStr(length = 32): string {
  return randomAlnum(length);
}

/** The parts of an instant in China Standard Time (UTC+8, no daylight saving), which WeChat Pay reports in. */
function beijing(at: number): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const t = new Date(at + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return { y: String(t.getUTCFullYear()), mo: p(t.getUTCMonth() + 1), d: p(t.getUTCDate()), h: p(t.getUTCHours()), mi: p(t.getUTCMinutes()), s: p(t.getUTCSeconds()) };
}

/** `yyyyMMddHHmmss` (time_end, time_start, time_expire). */
export function compactTime(at: number): string {
  const b = beijing(at);
  return `${b.y}${b.mo}${b.d}${b.h}${b.mi}${b.s}`;
}

/** `yyyy-MM-dd HH:mm:ss` (refund success_time). */
export function displayTime(at: number): string {
  const b = beijing(at);
  return `${b.y}-${b.mo}-${b.d} ${b.h}:${b.mi}:${b.s}`;
}

/** Parses `yyyyMMddHHmmss` in China Standard Time; undefined when it is not a real instant. */
export function parseCompactTime(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const at = Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
  return compactTime(at) === value ? at : undefined;
}

export function prepayId(now: number): string {
  return `wx${compactTime(now)}${randomBytes(10).toString('hex')}`;
}

export function transactionId(now: number): string {
  return `4200${compactTime(now).slice(0, 8)}${randomDigits(16)}`;
}

export function refundId(now: number): string {
  return `503${compactTime(now).slice(0, 8)}${randomDigits(18)}`;
}

/** Upper-case hex, like WeChat's MD5 signatures; the sandbox signs with a key of its own that nobody checks. */
export function md5Sign(fields: Record<string, string | number>, key: string): string {
  const base = Object.keys(fields)
    .filter((k) => fields[k] !== '' && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return createHash('md5').update(`${base}&key=${key}`).digest('hex').toUpperCase();
}

/** A stable stand-in for the buyer's openid under the provider's own appid (WeChat sends both). */
export function providerOpenid(subOpenid: string): string {
  return `oSbx${createHash('sha256').update(subOpenid).digest('base64url').slice(0, 24)}`;
}
