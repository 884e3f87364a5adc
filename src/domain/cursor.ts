// Opaque cursors for lists paged newest first by (createdAt, _id). The next page asks for `createdAt <= t` — a range
// the (…, createdAt) indexes serve — and drops the `n` documents at exactly `t` that the previous page already showed
// (ids are unique, so equal times never make a page skip or repeat a document). Clients pass cursors back unchanged;
// anything else is a bad argument, not a crash.
import { invalid } from './errors';

export interface Cursor {
  /** createdAt (ms) of the last document shown. */
  t: number;
  /** _id of the last document shown. */
  id: string;
  /** How many documents shown so far have createdAt === t (they come first among the candidates). */
  n: number;
}

/** The latest instant a Date can hold: a cursor's time beyond it could not become a query. */
const MAX_TIME = 8.64e15;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  let v: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) v = parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (!v || typeof v.t !== 'number' || !Number.isSafeInteger(v.t) || v.t < 0 || v.t > MAX_TIME || typeof v.id !== 'string' || v.id.length > 64 || typeof v.n !== 'number' || !Number.isInteger(v.n) || v.n < 1 || v.n > 1000) {
    throw invalid('cursor is not one this function returned');
  }
  return { t: v.t, id: v.id, n: v.n };
}

/**
 * Given the candidates of a page query (sorted createdAt desc, _id desc, fetched with limit + n + 1), drops what the
 * previous page showed and returns the page and the cursor for the next one.
 */
export function pageOf<T extends { _id: string; createdAt: Date }>(candidates: T[], cursor: Cursor | undefined, limit: number): { items: T[]; next?: Cursor } {
  const fresh = cursor
    ? candidates.filter((d) => !(d.createdAt.getTime() === cursor.t && d._id >= cursor.id) && d.createdAt.getTime() <= cursor.t)
    : candidates;
  return pageFrom(fresh, cursor, limit);
}

/** pageOf for a list read oldest first: candidates sorted createdAt asc, _id asc, fetched with `createdAt >= t`. */
export function pageOfOldest<T extends { _id: string; createdAt: Date }>(candidates: T[], cursor: Cursor | undefined, limit: number): { items: T[]; next?: Cursor } {
  const fresh = cursor
    ? candidates.filter((d) => d.createdAt.getTime() > cursor.t || (d.createdAt.getTime() === cursor.t && d._id > cursor.id))
    : candidates;
  return pageFrom(fresh, cursor, limit);
}

/** The page out of what the previous page did not show, and the cursor after it (none on the last page). */
function pageFrom<T extends { _id: string; createdAt: Date }>(fresh: T[], cursor: Cursor | undefined, limit: number): { items: T[]; next?: Cursor } {
  const items = fresh.slice(0, limit);
  if (fresh.length <= limit || items.length === 0) return { items };
  const last = items[items.length - 1];
  const t = last.createdAt.getTime();
  const sameHere = items.filter((d) => d.createdAt.getTime() === t).length;
  const n = cursor && cursor.t === t ? cursor.n + sameHere : sameHere;
  return { items, next: { t, id: last._id, n } };
}

/** How many candidates a page query must fetch. */
export function fetchSize(cursor: Cursor | undefined, limit: number): number {
  return limit + 1 + (cursor ? cursor.n : 0);
}
