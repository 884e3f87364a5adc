// Opaque cursors for paged lists. Orders page by `_id` (time-prefixed, so it is the creation order); refunds by
// (createdAt, _id). Clients pass them back unchanged; anything else is a bad argument, not a crash.
import { invalid } from './errors';
import { OUT_TRADE_NO } from './ids';

export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalid('cursor is not one this function returned');
}

export function decodeOrderCursor(cursor: string): { beforeId: string } {
  const v = decode(cursor);
  if (typeof v.id !== 'string' || !OUT_TRADE_NO.test(v.id)) throw invalid('cursor is not one this function returned');
  return { beforeId: v.id };
}

export function decodeRefundCursor(cursor: string): { beforeAt: Date; beforeId: string } {
  const v = decode(cursor);
  if (typeof v.t !== 'number' || !Number.isSafeInteger(v.t) || typeof v.id !== 'string' || v.id.length > 64) {
    throw invalid('cursor is not one this function returned');
  }
  return { beforeAt: new Date(v.t), beforeId: v.id };
}
