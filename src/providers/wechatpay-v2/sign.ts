// WeChat Pay APIv2 signatures: the fields sorted by name, `k=v` joined with `&`, then `&key=<API key>` appended,
// hashed with MD5 or HMAC-SHA256 (keyed with the API key, over the same string including `&key=`), upper-case hex.
// Pure, so WeChat's published vectors test it, and the local cloud signs with the very same code.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const V2_SIGN_TYPES = ['MD5', 'HMAC-SHA256'] as const;
export type V2SignType = (typeof V2_SIGN_TYPES)[number];

/** A message's fields by name. Numbers are written as decimal text, exactly as they go on the wire. */
export type V2Fields = Readonly<Record<string, string | number | undefined>>;

export function isV2SignType(value: unknown): value is V2SignType {
  return typeof value === 'string' && (V2_SIGN_TYPES as readonly string[]).includes(value);
}

/** WeChat's stringA: every non-empty field but `sign`, sorted by ASCII name, as `k=v&k=v`. Values are not escaped. */
export function signingString(fields: V2Fields): string {
  return Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== undefined && String(fields[name]) !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${String(fields[name])}`)
    .join('&');
}

/** The `sign` WeChat expects for these fields. The key itself is part of the hashed text in both algorithms. */
export function signV2(fields: V2Fields, apiKey: string, signType: V2SignType): string {
  const text = `${signingString(fields)}&key=${apiKey}`;
  const digest = signType === 'MD5' ? createHash('md5').update(text, 'utf8') : createHmac('sha256', apiKey).update(text, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/**
 * Whether `fields.sign` is the signature of the other fields. Compared in constant time, byte for byte: WeChat
 * writes upper-case hex, so a lower-case or otherwise altered `sign` is not the signature.
 */
export function verifyV2(fields: V2Fields, apiKey: string, signType: V2SignType): boolean {
  const given = fields.sign;
  if (typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(signV2(fields, apiKey, signType), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
