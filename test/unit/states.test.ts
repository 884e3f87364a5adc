import { canOrderTransition, canRefundTransition, ORDER_MOVES, ORDER_STATUSES, REFUND_MOVES, REFUND_STATUSES } from '../../src/domain/states';

// The tables are built from the named moves the repositories and flows use for their conditions.
describe('order state machine', () => {
  const allowed = new Set(['PENDING>PAID', 'PENDING>CLOSED', 'PAID>REFUNDED', 'PAID>SHIPPED', 'SHIPPED>COMPLETED', 'SHIPPED>REFUNDED', 'COMPLETED>REFUNDED']);
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canOrderTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });
  it('names each move once', () => expect(Object.keys(ORDER_MOVES).sort()).toEqual(['close', 'complete', 'pay', 'refundInFull', 'ship']));
});

describe('refund state machine', () => {
  const allowed = new Set([
    'REQUESTED>REJECTED',
    'REQUESTED>CANCELLED',
    'REQUESTED>PROCESSING',
    'REQUESTED>AWAITING_RETURN',
    'AWAITING_RETURN>RETURN_SHIPPED',
    'AWAITING_RETURN>CANCELLED',
    'RETURN_SHIPPED>PROCESSING',
    'RETURN_SHIPPED>REJECTED',
    'PROCESSING>SUCCEEDED',
    'PROCESSING>FAILED',
    'PROCESSING>ABNORMAL',
    'ABNORMAL>SUCCEEDED',
    'ABNORMAL>FAILED',
  ]);
  const pairs = REFUND_STATUSES.flatMap((from) => REFUND_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canRefundTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });
  it('an ABNORMAL refund never goes back to PROCESSING (its amount is never released by a retry)', () => {
    expect(REFUND_MOVES.approve.from).toEqual(['REQUESTED']);
    expect(canRefundTransition('ABNORMAL', 'PROCESSING')).toBe(false);
  });
});
