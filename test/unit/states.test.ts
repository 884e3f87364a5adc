import { canOrderTransition, canRefundTransition, ORDER_STATUSES, REFUND_STATUSES } from '../../src/domain/states';

describe('order state machine', () => {
  const allowed = new Set(['PENDING>PAID', 'PENDING>CLOSED', 'PAID>REFUNDED', 'PAID>SHIPPED', 'SHIPPED>COMPLETED', 'SHIPPED>REFUNDED', 'COMPLETED>REFUNDED']);
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canOrderTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });
});

describe('refund state machine', () => {
  const allowed = new Set(['REQUESTED>REJECTED', 'REQUESTED>CANCELLED', 'REQUESTED>PROCESSING', 'PROCESSING>SUCCEEDED', 'PROCESSING>FAILED']);
  const pairs = REFUND_STATUSES.flatMap((from) => REFUND_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canRefundTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });
});
