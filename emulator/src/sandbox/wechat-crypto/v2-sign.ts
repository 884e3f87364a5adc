// WeChat Pay's side of APIv2 signatures, written from WeChat's rule and not from the shop's code, so that a mistake
// in the shop's signer shows up as a refused request instead of being mirrored here. The rule
// (https://pay.weixin.qq.com/doc/v2/merchant/4011985891): drop `sign` and empty values, sort the rest by name in
// ASCII order, join as `k=v&k=v`, append `&key=<APIv2 key>`, then MD5, or HMAC-SHA256 keyed with the APIv2 key
// over that same text; upper-case hex.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignType = 'MD5' | 'HMAC-SHA256';

export type Fields = Readonly<Record<string, string | number | undefined>>;

export function isSignType(value: unknown): value is SignType {
  return value === 'MD5' || value === 'HMAC-SHA256';
}

/** The text that is hashed: `stringSignTemp` in WeChat's words. */
export function stringSignTemp(fields: Fields, key: string): string {
  const pairs: string[] = [];
  for (const name of Object.keys(fields).sort()) {
    const value = fields[name];
    if (name === 'sign' || value === undefined) continue;
    const text = typeof value === 'number' ? value.toString(10) : value;
    if (text !== '') pairs.push(`${name}=${text}`);
  }
  pairs.push(`key=${key}`);
  return pairs.join('&');
}

export function sign(fields: Fields, key: string, signType: SignType): string {
  const text = Buffer.from(stringSignTemp(fields, key), 'utf8');
  const hex = signType === 'MD5' ? createHash('md5').update(text).digest('hex') : createHmac('sha256', Buffer.from(key, 'utf8')).update(text).digest('hex');
  return hex.toUpperCase();
}

/** Whether `fields.sign` is exactly the signature WeChat would compute (upper-case hex, constant-time compare). */
export function verify(fields: Fields, key: string, signType: SignType): boolean {
  const given = typeof fields.sign === 'string' ? Buffer.from(fields.sign, 'utf8') : undefined;
  if (!given || given.length === 0) return false;
  const wanted = Buffer.from(sign(fields, key, signType), 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
