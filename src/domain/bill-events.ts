// The `orders` actions of the merchant's 对账 page. Same rules as events.ts: unknown fields are refused.
import type { OrdersEvent } from '../../typings/api';
import { invalid } from './errors';
import { LIMITS } from './limits';
import { hasControlCharacters, TYPED_LINE_BREAKS } from './text';

export const BILL_ORDER_ACTIONS = ['bills', 'billDay', 'explainBillDifference'] as const;
export const BILL_NOTE_MAX = LIMITS.billNoteMaxLength;
const DIFFERENCE_ID = /^bill:[A-Z_]{1,40}:[0-9A-Za-z_-]{1,64}$/;

export function isBillOrderAction(action: unknown): action is (typeof BILL_ORDER_ACTIONS)[number] {
  return typeof action === 'string' && (BILL_ORDER_ACTIONS as readonly string[]).includes(action);
}

function fields(event: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  const f = event as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!allowed.includes(key) && key !== 'userInfo') throw invalid(`${what}: unknown field "${key.slice(0, 40)}" (expected ${allowed.join(', ')})`);
  }
  return f;
}

export function parseBillOrdersEvent(event: unknown, action: (typeof BILL_ORDER_ACTIONS)[number]): OrdersEvent {
  switch (action) {
    case 'bills':
      fields(event, 'orders.bills', ['action']);
      return { action };
    case 'billDay': {
      const date = fields(event, 'orders.billDay', ['action', 'date']).date;
      if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw invalid('date must be a day written yyyy-MM-dd');
      return { action, date };
    }
    case 'explainBillDifference': {
      const f = fields(event, 'orders.explainBillDifference', ['action', 'differenceId', 'note']);
      if (typeof f.differenceId !== 'string' || !DIFFERENCE_ID.test(f.differenceId)) throw invalid('differenceId must be the id of a bill difference');
      if (typeof f.note !== 'string') throw invalid('note is required: say what explains the difference');
      const note = f.note.replace(TYPED_LINE_BREAKS, ' ').trim();
      if (note === '') throw invalid('note is required: say what explains the difference');
      if (hasControlCharacters(note)) throw invalid('note must not contain control characters');
      if (Array.from(note).length > BILL_NOTE_MAX) throw invalid(`note must be at most ${BILL_NOTE_MAX} characters`);
      return { action, differenceId: f.differenceId, note };
    }
  }
}
