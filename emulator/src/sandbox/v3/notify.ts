// APIv3 notifies as WeChat Pay sends them: the result encrypted with the merchant's APIv3 key (AEAD_AES_256_GCM),
// the envelope signed with WeChat Pay's current key, POSTed to notify_url; only a 2xx answer within 5 seconds stops
// the retries. Also the deliberately wrong ones a shop must refuse (POST /sandbox/payments|refunds/<no>/forge).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { encryptNotifyResource } from '../wechat-crypto/v3-resource';
import { PROBE_PREFIX } from '../wechat-crypto/v3-sign';
import { nonceStr } from '../ids';
import type { HttpNotifyProtocol } from '../notifier';
import type { NotificationKind } from '../store';
import type { V3Signing } from './signing';
import { notifyResource, rfc3339, type Json } from './translate';

/** WeChat waits 5 seconds for the merchant's answer. */
export const V3_NOTIFY_TIMEOUT_MS = 5_000;

/** The encrypted envelope of one result, as its JSON bytes; `resourcePatch` replaces fields of the plain resource. */
export function notifyBody(kind: NotificationKind, event: Json, apiV3Key: string, nowMs = Date.now(), resourcePatch: Json = {}): Buffer {
  const { eventType, summary, originalType, resource } = notifyResource(kind, event);
  const nonce = nonceStr(12);
  const envelope = {
    id: randomUUID(),
    create_time: rfc3339(nowMs),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary,
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: encryptNotifyResource(JSON.stringify({ ...resource, ...resourcePatch }), apiV3Key, nonce, originalType),
      associated_data: originalType,
      nonce,
    },
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0' };

export function v3NotifyProtocol(signing: V3Signing): HttpNotifyProtocol {
  return {
    timeoutMs: V3_NOTIFY_TIMEOUT_MS,
    encode(kind, event) {
      const body = notifyBody(kind, event, signing.material.v3Key);
      return { headers: { ...JSON_HEADERS, ...signing.headers(body) }, body };
    },
    acknowledged(status) {
      return status >= 200 && status < 300;
    },
  };
}

/**
 * PROBE: a WECHATPAY/SIGNTEST/ signature (WeChat checking that the merchant verifies); STALE: a genuine notify
 * signed 10 minutes ago (a replay); FOREIGN_KEY: signed with a key that is not WeChat Pay's, under WeChat Pay's
 * serial; UNKNOWN_SERIAL: genuinely signed but naming a key id the shop was never given; RESERIALISED: genuinely
 * signed, then the JSON re-serialised (same meaning, other bytes); WRONG_MCHID / WRONG_APPID: genuinely signed and
 * encrypted, for another merchant or mini-program.
 */
export const V3_PAYMENT_FORGERIES = ['PROBE', 'STALE', 'FOREIGN_KEY', 'UNKNOWN_SERIAL', 'RESERIALISED', 'WRONG_MCHID', 'WRONG_APPID'] as const;
export const V3_REFUND_FORGERIES = ['PROBE', 'STALE', 'FOREIGN_KEY', 'UNKNOWN_SERIAL', 'RESERIALISED', 'WRONG_MCHID'] as const;
export type V3Forgery = (typeof V3_PAYMENT_FORGERIES)[number];

export function forgeV3Notify(signing: V3Signing, kind: NotificationKind, event: Json, forgery: V3Forgery, nowMs = Date.now()): { headers: Record<string, string>; body: Buffer } {
  const stale = forgery === 'STALE';
  const patch: Json = forgery === 'WRONG_MCHID' ? { mchid: '1900000999' } : forgery === 'WRONG_APPID' ? { appid: 'wx0000000000000bad' } : {};
  const signedBody = notifyBody(kind, event, signing.material.v3Key, stale ? nowMs - 10 * 60_000 : nowMs, patch);
  const timestamp = Math.floor(nowMs / 1000) - (stale ? 10 * 60 : 0);
  let headers: Record<string, string>;
  let body = signedBody;
  switch (forgery) {
    case 'PROBE':
      headers = signing.headers(signedBody, { timestamp, signature: (genuine) => `${PROBE_PREFIX}${genuine}` });
      break;
    case 'FOREIGN_KEY':
      headers = signing.headers(signedBody, { timestamp, key: { serial: signing.current().serial, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey } });
      break;
    case 'UNKNOWN_SERIAL':
      headers = signing.headers(signedBody, { timestamp, key: { ...signing.current(), serial: signing.mode === 'publicKey' ? 'PUB_KEY_ID_0100000000000000000000000000' : '00DEADBEEF00DEADBEEF00DEADBEEF00DEADBEEF' } });
      break;
    case 'RESERIALISED':
      headers = signing.headers(signedBody, { timestamp });
      body = Buffer.from(JSON.stringify(JSON.parse(signedBody.toString('utf8')), null, 1), 'utf8');
      break;
    default:
      headers = signing.headers(signedBody, { timestamp });
  }
  return { headers: { ...JSON_HEADERS, ...headers }, body };
}
