// The edge of wxPush: CloudBase's integration-request event turned into the method, query and body text WeChat sent.
import type { PushRequest } from '../providers/message-push/read';

/** Pushes are a few KB; a larger body is not one and is never parsed. */
const PUSH_BODY_LIMIT = 64 * 1024;

export function pushInput(event: unknown): PushRequest | undefined {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return undefined;
  const e = event as Record<string, unknown>;
  if (typeof e.httpMethod !== 'string') return undefined;
  const raw = typeof e.body === 'string' ? e.body : '';
  const body = e.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (body.length > PUSH_BODY_LIMIT) return { method: 'POST', query: {}, body: '' };
  const query: Record<string, string> = {};
  if (e.queryStringParameters && typeof e.queryStringParameters === 'object') {
    for (const [key, value] of Object.entries(e.queryStringParameters as Record<string, unknown>)) if (typeof value === 'string') query[key] = value;
  }
  return { method: e.httpMethod.toUpperCase(), query, body };
}
