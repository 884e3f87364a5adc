// APIv3 notifies as they reach payNotify / refundNotify through CloudBase's HTTP access service: signature checked
// over the raw bytes (with the key Wechatpay-Serial names, timestamp within 5 minutes, probes refused), the resource
// decrypted with the APIv3 key, and the merchant and appid checked. Only then is the order or refund number handed
// to the flow, which still confirms it with a query.
import type { IncomingNotify, NotifyOutcome, NotifyReading, ProviderNotifications } from '../payment-provider';
import { decryptResource, ResourceDecryptionError } from './aead';
import type { VerifierKeys } from './keys';
import { verifyWechatPaySignature } from './verify';

export interface V3NotificationsConfig {
  mchid: string;
  appid: string;
  apiV3Key: string;
  verifierKeys: VerifierKeys;
  now: () => Date;
}

const PAYMENT_EVENTS = new Set(['TRANSACTION.SUCCESS']);
const REFUND_EVENTS = new Set(['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']);

/** Integration response for CloudBase's HTTP access service. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function wechatPayV3Notifications(config: V3NotificationsConfig): ProviderNotifications {
  return {
    provider: 'wechatpay-v3',
    async read(incoming, expected) {
      return readV3Notify(incoming, expected, config);
    },
    answer(outcome) {
      return v3Answer(outcome);
    },
  };
}

export function readV3Notify(incoming: IncomingNotify, expected: 'payment' | 'refund', config: V3NotificationsConfig): NotifyReading {
  if (incoming.transport !== 'http') return refused('not an HTTP request: APIv3 notifies arrive through HTTP access');
  if (incoming.method !== 'POST') return refused(`method ${incoming.method.slice(0, 10)} is not a notify`);
  const verified = verifyWechatPaySignature(incoming.headers, incoming.body, config.verifierKeys, config.now());
  if (!verified.ok) return refused(`${verified.code}: ${verified.reason}`);

  const envelope = parseObject(incoming.body.toString('utf8'));
  if (!envelope) return refused('the body is not a JSON object');
  const eventType = envelope.event_type;
  const events = expected === 'payment' ? PAYMENT_EVENTS : REFUND_EVENTS;
  if (typeof eventType !== 'string' || !events.has(eventType)) {
    return refused(`event_type ${typeof eventType === 'string' ? eventType.slice(0, 40) : '(none)'} is not a ${expected} result`);
  }
  const resource = envelope.resource;
  if (envelope.resource_type !== 'encrypt-resource' || !resource || typeof resource !== 'object') return refused('the notify has no encrypted resource');
  const r = resource as Record<string, unknown>;
  if (r.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string') {
    return refused('the resource is not AEAD_AES_256_GCM');
  }
  if (r.associated_data !== undefined && typeof r.associated_data !== 'string') return refused('associated_data is not text');
  const originalType = expected === 'payment' ? 'transaction' : 'refund';
  if (r.original_type !== undefined && r.original_type !== originalType) return refused(`original_type is not ${originalType}`);

  let plain: Record<string, unknown> | undefined;
  try {
    plain = parseObject(decryptResource({ ciphertext: r.ciphertext, nonce: r.nonce, associated_data: r.associated_data }, config.apiV3Key));
  } catch (err) {
    if (err instanceof ResourceDecryptionError) return refused(`the resource does not decrypt: ${err.message}`);
    throw err;
  }
  if (!plain) return refused('the decrypted resource is not a JSON object');
  if (plain.mchid !== config.mchid) return refused('the resource is for another merchant (mchid)');

  if (expected === 'payment') {
    if (plain.appid !== config.appid) return refused('the resource is for another appid');
    const outTradeNo = plain.out_trade_no;
    if (typeof outTradeNo !== 'string' || outTradeNo === '') return refused('the resource has no out_trade_no');
    return { kind: 'payment', outTradeNo };
  }
  const outRefundNo = plain.out_refund_no;
  if (typeof outRefundNo !== 'string' || outRefundNo === '') return refused('the resource has no out_refund_no');
  return { kind: 'refund', outRefundNo };
}

/**
 * 204 when handled. Anything else is answered 4xx/5xx with `{code: 'FAIL', message}` so WeChat Pay calls again
 * (a refused forgery is never sent again by WeChat, and one it did send is delivered again once we can read it).
 */
export function v3Answer(outcome: NotifyOutcome): HttpAnswer {
  if (outcome.kind === 'handled') return { statusCode: 204, headers: {}, body: '' };
  const statusCode = outcome.kind === 'retry' ? 500 : 400;
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'FAIL', message: outcome.reason.slice(0, 200) }),
  };
}

function refused(reason: string): NotifyReading {
  return { kind: 'refused', reason };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
