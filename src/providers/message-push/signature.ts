// WeChat's message-push signatures (消息推送, server-URL mode): SHA1 over the sorted, concatenated strings. The URL's
// `signature` covers token, timestamp and nonce; in safe mode `msg_signature` also covers the encrypted body.
import { createHash, timingSafeEqual } from 'node:crypto';

export function pushSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}

/** Constant-time: a wrong signature says nothing about how much of it was right. */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{40}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given.toLowerCase(), 'hex'));
}
