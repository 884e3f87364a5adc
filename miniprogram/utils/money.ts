// Money is integer fen everywhere; these are the only places fen turns into text and back.
import type { Fen } from '../../typings/api';

/** 1234 → "¥12.34". */
export function formatFen(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  return `${sign}¥${fenToYuanText(Math.abs(fen))}`;
}

/** 1234 → "12.34" (what an amount input shows). */
export function fenToYuanText(fen: Fen): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** "12.3" → 1230; null for anything that is not a plain non-negative amount with at most two decimals. */
export function parseYuanText(text: string): Fen | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const cents = (match[2] ?? '').padEnd(2, '0');
  // String arithmetic, never floats: 0.1 + 0.2 must not decide a refund.
  return Number(match[1]) * 100 + Number(cents);
}
