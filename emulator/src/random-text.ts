// Random letters and digits from the CSPRNG, in the shapes WeChat Pay's keys, nonces and ids take: the sandbox's
// identifiers and the merchant material the local cloud makes up (pki) draw from the same two functions.
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of [A-Za-z0-9] (nonce_str, an APIv2/APIv3 key). */
export function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** `count` decimal digits (the random tail of a transaction_id, refund_id, public key id). */
export function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}
