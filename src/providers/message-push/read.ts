// Reads one request to the message-push URL (an HTTP access path), as WeChat sends it:
// - GET with signature, timestamp, nonce, echostr: the URL check when the push is configured; answer echostr.
// - POST in plain mode: JSON body, `signature` over token/timestamp/nonce (the body itself is not signed).
// - POST in safe mode (encrypt_type=aes): `{ToUserName, Encrypt}`, `msg_signature` over token/timestamp/nonce/Encrypt.
// Anything unsigned, stale, undecryptable or not JSON is refused and changes nothing.
import { decryptPush, PushDecryptError } from './crypto';
import { pushSignature, signatureMatches } from './signature';

export interface PushConfig {
  token: string;
  /** Safe mode's key; without it only plain-mode pushes are accepted. */
  encodingAESKey?: string;
  appid: string;
}

export interface PushRequest {
  method: string;
  query: Readonly<Record<string, string>>;
  body: string;
}

export type PushReading =
  | { kind: 'verify'; echostr: string }
  | { kind: 'event'; event: Record<string, unknown> }
  | { kind: 'refused'; reason: string };

/** WeChat retries a push for a few seconds; a timestamp much older (or newer) than now is a replay. */
export const PUSH_MAX_SKEW_SECONDS = 300;

export function readPush(request: PushRequest, config: PushConfig, now: Date): PushReading {
  const { query } = request;
  const timestamp = query.timestamp ?? '';
  const nonce = query.nonce ?? '';
  if (!/^\d{1,12}$/.test(timestamp) || !nonce) return { kind: 'refused', reason: 'no timestamp or nonce' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > PUSH_MAX_SKEW_SECONDS) return { kind: 'refused', reason: 'the timestamp is not recent' };
  if (!signatureMatches(pushSignature([config.token, timestamp, nonce]), query.signature)) return { kind: 'refused', reason: 'bad signature' };
  if (request.method === 'GET') {
    const echostr = query.echostr ?? '';
    return echostr ? { kind: 'verify', echostr } : { kind: 'refused', reason: 'no echostr' };
  }
  if (request.method !== 'POST') return { kind: 'refused', reason: `method ${request.method}` };
  const body = parseObject(request.body);
  if (!body) return { kind: 'refused', reason: 'the body is not a JSON object' };
  if (query.encrypt_type !== 'aes') {
    return config.encodingAESKey ? { kind: 'refused', reason: 'plain pushes are not accepted once a safe-mode key is configured' } : { kind: 'event', event: body };
  }
  if (!config.encodingAESKey) return { kind: 'refused', reason: 'an encrypted push, but no EncodingAESKey is configured' };
  const encrypted = body.Encrypt;
  if (typeof encrypted !== 'string' || !encrypted) return { kind: 'refused', reason: 'no Encrypt field' };
  if (!signatureMatches(pushSignature([config.token, timestamp, nonce, encrypted]), query.msg_signature)) return { kind: 'refused', reason: 'bad msg_signature' };
  let plain: string;
  try {
    plain = decryptPush(encrypted, config.encodingAESKey, config.appid);
  } catch (err) {
    if (err instanceof PushDecryptError) return { kind: 'refused', reason: err.message };
    throw err;
  }
  const event = parseObject(plain);
  return event ? { kind: 'event', event } : { kind: 'refused', reason: 'the decrypted message is not a JSON object' };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
