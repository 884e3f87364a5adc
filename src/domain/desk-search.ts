// What the merchant types into the desk's search box, and what it finds: an order by the last characters of its
// number (what a buyer reads out from their phone), or by the receiver's name on its address. Pure, so the page,
// the fake and the server agree on one rule.
import { invalid } from './errors';
import { hasControlCharacters } from './text';

/** Order numbers are 0-9 A-Z a-z _ -; a tail shorter than this would match too many orders to be useful. */
export const DESK_SEARCH_TAIL_MIN = 4;
export const DESK_SEARCH_MAX = 32;

export interface DeskSearch {
  /** The order number ends with this (case-insensitive); absent when the text cannot be part of an order number. */
  idTail?: string;
  /** The receiver's name contains this (case-insensitive). */
  name: string;
}

const ORDER_NO_CHARS = new RegExp(`^[0-9A-Za-z_-]{${DESK_SEARCH_TAIL_MIN},${DESK_SEARCH_MAX}}$`);

/**
 * The search text, trimmed. The error never repeats the text: it may be a person's name, and refused events are
 * answered (and may be logged) with their message.
 */
export function parseDeskSearch(value: unknown): DeskSearch {
  if (typeof value !== 'string') throw invalid('query must be text: the end of an order number or the receiver’s name');
  const text = value.trim();
  if (text.length === 0 || text.length > DESK_SEARCH_MAX) throw invalid(`query must be 1..${DESK_SEARCH_MAX} characters`);
  if (hasControlCharacters(text)) throw invalid('query must not contain control characters');
  return { ...(ORDER_NO_CHARS.test(text) ? { idTail: text } : {}), name: text };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** The database conditions: `_id` ends with the tail, or the address's userName contains the name. */
export function deskSearchPatterns(search: DeskSearch): { idTail?: RegExp; name: RegExp } {
  return {
    ...(search.idTail ? { idTail: new RegExp(`${escapeRegExp(search.idTail)}$`, 'i') } : {}),
    name: new RegExp(escapeRegExp(search.name), 'i'),
  };
}

/** The same rule on an order in memory (the page tests' fake shop). */
export function matchesDeskSearch(order: { _id: string; address?: { userName: string } }, search: DeskSearch): boolean {
  const p = deskSearchPatterns(search);
  return Boolean(p.idTail?.test(order._id)) || p.name.test(order.address?.userName ?? '');
}
