// APIv3 notifies as WeChat Pay sends them: the result encrypted with the merchant's APIv3 key (AEAD_AES_256_GCM),
// the envelope signed with WeChat Pay's current key, POSTed to notify_url; only a 2xx answer within 5 seconds stops
// the retries. Also the deliberately wrong ones a shop must refuse: a signature probe, a replay of an old notify,
// and a notify signed with a key that is not WeChat Pay's.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { encryptResource } from '../../../../src/providers/wechatpay-v3/aead';
import { SIGNATURE_PROBE_PREFIX } from '../../../../src/providers/wechatpay-v3/formatter';
import { nonceStr } from '../ids';
import type { HttpNotifyProtocol } from '../notifier';
import type { NotificationKind } from '../store';
import type { V3Signing } from './signing';
import { notifyResource, rfc3339, type Json } from './translate';

/** WeChat waits 5 seconds for the merchant's answer. */
export const V3_NOTIFY_TIMEOUT_MS = 5_000;

/** The encrypted envelope of one result, as its JSON bytes. */
export function notifyBody(kind: NotificationKind, event: Json, apiV3Key: string, nowMs = Date.now()): Buffer {
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
      ciphertext: encryptResource(JSON.stringify(resource), apiV3Key, nonce, originalType),
      associated_data: originalType,
      nonce,
    },
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export function v3NotifyProtocol(signing: V3Signing): HttpNotifyProtocol {
  return {
    timeoutMs: V3_NOTIFY_TIMEOUT_MS,
    encode(kind, event) {
      const body = notifyBody(kind, event, signing.material.v3Key);
      return { headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0', ...signing.headers(body) }, body };
    },
    acknowledged(status) {
      return status >= 200 && status < 300;
    },
  };
}

/**
 * PROBE: a WECHATPAY/SIGNTEST/ signature (WeChat checks that merchants verify); STALE: a genuine notify signed
 * 10 minutes ago (a replay); FOREIGN_KEY: signed with a key that is not WeChat Pay's, under WeChat Pay's serial;
 * GENUINE: an honest copy, delivered once outside the retry schedule (e.g. after a key rotation).
 */
export const V3_NOTIFY_FAULTS = ['PROBE', 'STALE', 'FOREIGN_KEY', 'GENUINE'] as const;
export type V3NotifyFault = (typeof V3_NOTIFY_FAULTS)[number];

export function craftedNotify(signing: V3Signing, kind: NotificationKind, event: Json, fault: V3NotifyFault, nowMs = Date.now()): { headers: Record<string, string>; body: Buffer } {
  const stale = fault === 'STALE';
  const body = notifyBody(kind, event, signing.material.v3Key, stale ? nowMs - 10 * 60_000 : nowMs);
  const timestamp = Math.floor(nowMs / 1000) - (stale ? 10 * 60 : 0);
  let headers: Record<string, string>;
  if (fault === 'PROBE') headers = signing.headers(body, { timestamp, signature: (genuine) => `${SIGNATURE_PROBE_PREFIX}${genuine}` });
  else if (fault === 'FOREIGN_KEY') {
    const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    headers = signing.headers(body, { timestamp, key: { serial: signing.current().serial, privateKey: impostor } });
  } else headers = signing.headers(body, { timestamp });
  return { headers: { 'content-type': 'application/json', ...headers }, body };
}

/** Sends one crafted notify once (no retries) and reports how the receiver answered. */
export async function sendOnce(url: string, request: { headers: Record<string, string>; body: Buffer }): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(V3_NOTIFY_TIMEOUT_MS) });
  const text = (await res.text()).slice(0, 2000);
  return { status: res.status, body: text };
}
