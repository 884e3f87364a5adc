// The mini-program's side of the rules shared with the functions (typings/api.d.ts ContractLimits). The type pins
// each value: if the contract changes, this file and src/domain/limits.ts stop compiling until both follow it.
import type { ContractLimits } from '../../typings/api';

export const LIMITS: ContractLimits = { reasonMaxLength: 80, trackingNoMinLength: 5, trackingNoMaxLength: 40, billNoteMaxLength: 200 };

/** Characters as the functions count them (Unicode code points, so an emoji is one). */
export function textLength(text: string): number {
  return Array.from(text).length;
}

/** What the functions would store: line breaks as spaces, other control characters gone, trimmed. */
export function cleanText(text: string): string {
  return text.replace(/[\t\n\r\v\f]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
}
