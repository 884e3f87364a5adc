// Money is integer fen everywhere. Formatting for people is mostly the client's job; the exceptions are text the
// server writes for people: timeline notes (formatYuan) and the subscribe-message `amount` field (subscribe-message.ts).
import type { Fen } from '../../typings/api';
import { invalid } from './errors';

export const MIN_FEN = 1;
/** One million yuan: far above any order this shop takes, far below where integer arithmetic could go wrong. */
export const MAX_FEN = 100_000_000;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= MIN_FEN && value <= MAX_FEN;
}

/** A charge or refund amount from outside (event, provider, database): rejects floats, strings, zero, negatives, huge. */
export function requireFen(value: unknown, field: string): Fen {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${field} must be a number of fen, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw invalid(`${field} must be a whole number of fen (1 yuan = 100 fen), got ${value}`);
  if (value < MIN_FEN) throw invalid(`${field} must be at least ${MIN_FEN} fen, got ${value}`);
  if (value > MAX_FEN) throw invalid(`${field} must be at most ${MAX_FEN} fen, got ${value}`);
  return value;
}

/** Price × quantity summed over lines; the result must itself be a valid charge. */
export function orderTotal(lines: ReadonlyArray<{ unitPrice: Fen; quantity: number }>): Fen {
  let total = 0;
  for (const line of lines) {
    total += line.unitPrice * line.quantity;
    if (!Number.isSafeInteger(total) || total > MAX_FEN) throw invalid(`the order total exceeds the maximum of ${MAX_FEN} fen`);
  }
  return requireFen(total, 'order total');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value.slice(0, 20)}"`;
  if (value === null) return 'null';
  return typeof value === 'number' ? String(value) : typeof value;
}

/** `¥68.00`: how an amount reads in a note a person sees (the order's timeline). */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
