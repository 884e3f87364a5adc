// The edge of payNotify and refundNotify: what reached the function, as the providers read it. A cloudPay callback
// is the event itself; an HTTP access service request (APIv2, APIv3) is CloudBase's integration-request event,
// whose body is turned back into the bytes that were sent so signatures are checked over exactly those.
import type { IncomingNotify } from '../providers/payment-provider';

/** WeChat Pay's notifies are a few KB; anything far larger is not one, and is never parsed. */
export const NOTIFY_BODY_LIMIT = 64 * 1024;

export type NotifyInput = { ok: true; incoming: IncomingNotify } | { ok: false; http: boolean; reason: string };

export function notifyInput(event: unknown): NotifyInput {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { ok: false, http: false, reason: 'the event is not an object' };
  const e = event as Record<string, unknown>;
  if (typeof e.httpMethod !== 'string') return { ok: true, incoming: { transport: 'event', event: e } };
  if (typeof e.body !== 'string' && e.body !== undefined && e.body !== null) return { ok: false, http: true, reason: 'the request body is not text' };
  const text = typeof e.body === 'string' ? e.body : '';
  if (text.length > NOTIFY_BODY_LIMIT * 2) return { ok: false, http: true, reason: 'the request body is too large to be a notify' };
  const body = e.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  if (body.length > NOTIFY_BODY_LIMIT) return { ok: false, http: true, reason: 'the request body is too large to be a notify' };
  const headers: Record<string, string> = {};
  if (e.headers && typeof e.headers === 'object') {
    for (const [key, value] of Object.entries(e.headers as Record<string, unknown>)) {
      if (typeof value === 'string') headers[key.toLowerCase()] = value;
    }
  }
  return {
    ok: true,
    incoming: { transport: 'http', method: e.httpMethod.toUpperCase(), path: typeof e.path === 'string' ? e.path : '/', headers, body },
  };
}
