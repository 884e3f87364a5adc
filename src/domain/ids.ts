// Identifiers we hand to WeChat Pay. outTradeNo: [0-9A-Za-z_-]{1,32}; outRefundNo: at most 64 characters and reused
// on every retry of the same refund, so the provider refunds it once however often we ask.
import { invalid } from './errors';

export const OUT_TRADE_NO = /^[0-9A-Za-z_-]{1,32}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_-]{1,32}R[1-9][0-9]?$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_SUFFIX_LENGTH = 8;

/**
 * `yyyyMMddHHmmssSSS` (China time, as merchants read their bills) + 8 random base62 characters: 25 characters.
 * The time prefix makes ids sort in creation order, which is what the order list pages by; the suffix makes two
 * orders in the same millisecond distinct (62^8 ≈ 2×10^14), and the database's unique `_id` catches the rest.
 */
export function newOutTradeNo(now: Date, randomBytes: Uint8Array): string {
  return chinaTimeDigits(now) + base62(randomBytes, RANDOM_SUFFIX_LENGTH);
}

export function outRefundNo(orderId: string, sequence: number): string {
  if (!OUT_TRADE_NO.test(orderId)) throw invalid(`not an order id: ${orderId}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 99) throw invalid(`refund sequence out of range: ${sequence}`);
  return `${orderId}R${sequence}`;
}

export function orderIdOfRefund(refundId: string): string | undefined {
  return OUT_REFUND_NO.test(refundId) ? refundId.slice(0, refundId.lastIndexOf('R')) : undefined;
}

export function base62(bytes: Uint8Array, length: number): string {
  if (bytes.length < length) throw new Error(`need ${length} random bytes, got ${bytes.length}`);
  let out = '';
  // 256 is not a multiple of 62: the slight bias towards the first 8 symbols costs < 0.1 bit per character.
  for (let i = 0; i < length; i++) out += BASE62[bytes[i] % 62];
  return out;
}

/** The digits of a China-time (UTC+8, no daylight saving) instant: yyyyMMddHHmmssSSS. */
export function chinaTimeDigits(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}${p(t.getUTCMilliseconds(), 3)}`;
}
