// When a buyer may cancel: one rule per provider (src/domain/close-window.ts), carried to the page by the views.
import { CLOSE_WAIT_MS, closeOpensAt } from '../../src/domain/close-window';
import type { OrderListDoc } from '../../src/domain/views';
import { orderSummary } from '../../src/domain/views';

const placed = new Date('2026-11-29T08:00:00.000Z');
const doc = (status: OrderListDoc['status']): OrderListDoc => ({ _id: 'O1', status, totalFee: 100, refundedFee: 0, refundingFee: 0, title: 't', itemCount: 1, createdAt: placed });

it.each([
  ['cloudpay', '2026-11-29T08:05:00.000Z'],
  ['v2', '2026-11-29T08:05:00.000Z'],
  ['v3', '2026-11-29T08:00:00.000Z'],
] as const)('%s: a PENDING order may be cancelled from %s', (provider, opens) => {
  expect(closeOpensAt(placed, provider).toISOString()).toBe(opens);
  expect(orderSummary(doc('PENDING'), provider).cancelOpensAt).toBe(opens);
});

it('says nothing of cancelling an order that is not PENDING, or to a viewer who does not cancel', () => {
  expect(orderSummary(doc('PAID'), 'v2')).not.toHaveProperty('cancelOpensAt');
  expect(orderSummary(doc('PENDING'))).not.toHaveProperty('cancelOpensAt');
  expect(Object.keys(CLOSE_WAIT_MS).sort()).toEqual(['cloudpay', 'v2', 'v3']);
});
