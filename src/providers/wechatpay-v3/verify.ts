// Whether an answer or a notify really comes from WeChat Pay: the signature over the RAW bytes received, with the
// key named by Wechatpay-Serial, and a timestamp close to now (an old, replayed message is refused even when its
// signature is genuine). Nothing in the body is believed before this says yes.
import { answerMessage, SIGNATURE_PROBE_PREFIX, WECHATPAY_HEADERS } from './formatter';
import type { VerifierKeys } from './keys';
import { verifyRsa } from './rsa';

/** WeChat's window: a timestamp more than five minutes from our clock is refused. */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;

export type Verification =
  | { ok: true; serial: string }
  | { ok: false; code: VerificationFailure; reason: string };

export type VerificationFailure = 'MISSING_HEADERS' | 'SIGNATURE_PROBE' | 'STALE' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'UNSUPPORTED_TYPE';

/** `headers` lower-case, as Node and CloudBase give them. */
export function verifyWechatPaySignature(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  keys: VerifierKeys,
  now: Date,
): Verification {
  const timestamp = headers[WECHATPAY_HEADERS.timestamp];
  const nonce = headers[WECHATPAY_HEADERS.nonce];
  const signature = headers[WECHATPAY_HEADERS.signature];
  const serial = headers[WECHATPAY_HEADERS.serial];
  if (!timestamp || !nonce || !signature || !serial) {
    return { ok: false, code: 'MISSING_HEADERS', reason: 'the Wechatpay-Timestamp, -Nonce, -Signature and -Serial headers are required' };
  }
  // Probes come before everything else: they must never be answered 2xx, whatever else they carry.
  if (signature.startsWith(SIGNATURE_PROBE_PREFIX)) return { ok: false, code: 'SIGNATURE_PROBE', reason: 'a WeChat Pay signature probe (WECHATPAY/SIGNTEST/)' };
  const type = headers[WECHATPAY_HEADERS.signatureType];
  if (type !== undefined && type !== 'WECHATPAY2-SHA256-RSA2048') return { ok: false, code: 'UNSUPPORTED_TYPE', reason: 'an unsupported Wechatpay-Signature-Type' };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, code: 'STALE', reason: 'Wechatpay-Timestamp is not a time in seconds' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_SECONDS) {
    return { ok: false, code: 'STALE', reason: 'Wechatpay-Timestamp is more than 5 minutes from now (replayed or clock skew)' };
  }
  const key = keys.choose(serial, now);
  if (!key) return { ok: false, code: 'UNKNOWN_KEY', reason: `no configured WeChat Pay key or platform certificate has serial ${serial.slice(0, 64)}` };
  if (!verifyRsa(answerMessage(timestamp, nonce, body), signature, key.key)) {
    return { ok: false, code: 'BAD_SIGNATURE', reason: `the signature does not verify with ${key.serial}` };
  }
  return { ok: true, serial: key.serial };
}
