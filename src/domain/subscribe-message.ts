// Subscribe-message values must fit each field's rules or WeChat refuses the whole message (errcode 47003).
// The field's type is the prefix of its key (thing1, amount2, character_string3…), so fitting is decided by the key.
import type { Fen } from '../../typings/api';
import type { TemplateSetting } from './settings';

export type FactValue = string | number | Date | undefined;
export type Facts = Record<string, FactValue>;

export interface SubscribeMessage {
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
}

/** Field rules from WeChat's subscribe-message documentation (lengths in characters). */
const LIMITS = { thing: 20, number: 32, letter: 32, symbol: 5, character_string: 32, phrase: 5, name: 10, phone_number: 17, car_number: 8 };

export function fieldType(key: string): string {
  return key.replace(/[0-9]+$/, '');
}

/** `12.34元`: at most 10 digits, which any valid amount (≤ 100 000 000 fen) meets. */
export function formatAmount(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}元`;
}

/** `2026年11月22日 15:01` in China time. */
export function formatTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}`;
}

export function formatDate(at: Date): string {
  return formatTime(at).split(' ')[0];
}

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max - 1).join('') + '…';
}

/** Fit one value to the field type of `key`. Unknown types pass through trimmed to 20 characters. */
export function fitValue(key: string, value: FactValue): string {
  const type = fieldType(key);
  if (value === undefined) return type === 'amount' ? '0.00元' : '-';
  if (type === 'amount') return typeof value === 'number' ? formatAmount(value) : truncate(String(value), 11);
  if (type === 'time') return value instanceof Date ? formatTime(value) : truncate(String(value), 20);
  if (type === 'date') return value instanceof Date ? formatDate(value) : truncate(String(value), 20);
  const text = (value instanceof Date ? formatTime(value) : String(value)).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  switch (type) {
    case 'character_string':
      // Digits, letters and ASCII symbols only; cut rather than ellipsize (an id with "…" is a wrong id).
      return Array.from(text.replace(/[^\x21-\x7e]/g, '')).slice(0, LIMITS.character_string).join('') || '-';
    case 'number':
      return text.replace(/[^0-9]/g, '').slice(0, LIMITS.number) || '0';
    case 'letter':
      return text.replace(/[^A-Za-z]/g, '').slice(0, LIMITS.letter) || 'x';
    case 'phrase':
      // Chinese characters only, at most 5, no ellipsis (the phrase field refuses punctuation).
      return Array.from(text.replace(/[^\u4e00-\u9fff]/g, '')).slice(0, LIMITS.phrase).join('') || '无';
    default: {
      const limit = (LIMITS as Record<string, number>)[type] ?? 20;
      return truncate(text || '-', limit);
    }
  }
}

export function composeMessage(template: TemplateSetting, facts: Facts): SubscribeMessage {
  const data: Record<string, { value: string }> = {};
  for (const [key, fact] of Object.entries(template.data)) data[key] = { value: fitValue(key, facts[fact]) };
  const page = template.page?.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(facts[name] ?? '')));
  return { templateId: template.templateId, ...(page ? { page } : {}), data };
}

/**
 * The refund's final result as a phrase (≤ 5 Chinese characters). The buyer gives one authorization when asking for
 * a refund, and one authorization allows one message: so only a final result is sent, never the approval.
 */
export const REFUND_RESULT_PHRASE = {
  REJECTED: '已拒绝',
  SUCCEEDED: '退款成功',
  FAILED: '退款失败',
  /** A return was agreed: the buyer must send the goods back (the message opens the page with the address). */
  AWAITING_RETURN: '请寄回商品',
  /** The merchant refused the returned goods. */
  RETURN_REFUSED: '拒绝退货',
  /** The buyer did not send the goods back in time. */
  RETURN_CLOSED: '售后关闭',
} as const;
