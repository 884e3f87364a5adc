import { decideRefundRequest, refundableFee, settleLedger, MAX_REFUNDS_PER_ORDER } from '../../src/domain/refund-rules';
import type { OrderDoc } from '../../src/domain/documents';

const paidAt = new Date('2026-11-01T00:00:00Z');
const order = (over: Partial<OrderDoc> = {}) => ({
  _id: 'O1',
  _openid: 'buyer',
  status: 'PAID' as const,
  totalFee: 1000,
  refundedFee: 0,
  refundingFee: 0,
  refundCount: 0,
  openRefundId: null,
  paidAt,
  ...over,
});
const request = (over: Partial<{ caller: string; refundFee: number; now: Date; refundWindowDays: number }> = {}) => ({
  caller: 'buyer',
  now: new Date('2026-11-02T00:00:00Z'),
  refundWindowDays: 7,
  ...over,
});

describe('refundableFee', () => {
  it.each([
    [{ status: 'PAID', totalFee: 1000, refundedFee: 0, refundingFee: 0 }, 1000],
    [{ status: 'PAID', totalFee: 1000, refundedFee: 300, refundingFee: 200 }, 500],
    [{ status: 'PAID', totalFee: 1000, refundedFee: 1000, refundingFee: 0 }, 0],
    [{ status: 'PENDING', totalFee: 1000, refundedFee: 0, refundingFee: 0 }, 0],
    [{ status: 'REFUNDED', totalFee: 1000, refundedFee: 1000, refundingFee: 0 }, 0],
  ] as const)('%j → %p', (o, expected) => expect(refundableFee(o)).toBe(expected));
});

describe('decideRefundRequest', () => {
  it.each([
    ['the whole remainder by default', order({ refundedFee: 400 }), request(), { refundId: 'O1R1', refundFee: 600 }],
    ['a part', order(), request({ refundFee: 1 }), { refundId: 'O1R1', refundFee: 1 }],
    ['exactly what is left', order({ refundedFee: 990, refundCount: 3 }), request({ refundFee: 10 }), { refundId: 'O1R4', refundFee: 10 }],
    ['on the last day of the window', order(), request({ now: new Date('2026-11-08T00:00:00Z') }), { refundId: 'O1R1', refundFee: 1000 }],
  ])('grants %s', (_, o, r, expected) => expect(decideRefundRequest(o, r)).toEqual(expected));

  it.each([
    ["someone else's order", order(), request({ caller: 'intruder' }), 'NOT_FOUND', /not found/],
    ['a pending order', order({ status: 'PENDING' }), request(), 'CONFLICT', /only paid orders/],
    ['a closed order', order({ status: 'CLOSED' }), request(), 'CONFLICT', /only paid orders/],
    ['a second open refund', order({ openRefundId: 'O1R1', refundingFee: 100, refundCount: 1 }), request({ refundFee: 1 }), 'CONFLICT', /still open/],
    ['the 51st refund', order({ refundCount: MAX_REFUNDS_PER_ORDER, refundedFee: 50 }), request({ refundFee: 1 }), 'CONFLICT', /at most 50/],
    ['after the window', order(), request({ now: new Date('2026-11-08T00:00:01Z') }), 'CONFLICT', /window/],
    ['more than was paid', order(), request({ refundFee: 1001 }), 'REFUND_EXCEEDS_PAID', /at most 1000/],
    ['more than is left', order({ refundedFee: 900 }), request({ refundFee: 101 }), 'REFUND_EXCEEDS_PAID', /at most 100/],
    ['a fully refunded order', order({ refundedFee: 1000 }), request(), 'REFUND_EXCEEDS_PAID', /nothing is left/],
    ['a float amount', order(), request({ refundFee: 1.5 }), 'INVALID_ARGUMENT', /whole number/],
  ])('refuses %s', (_, o, r, code, message) => {
    expect(() => decideRefundRequest(o, r)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('settleLedger', () => {
  it.each([
    ['a partial success', { status: 'PAID', totalFee: 1000, refundedFee: 0, refundingFee: 300 }, 300, 'SUCCEEDED', { refundedFee: 300, refundingFee: 0, status: 'PAID' }],
    ['the final success', { status: 'PAID', totalFee: 1000, refundedFee: 700, refundingFee: 300 }, 300, 'SUCCEEDED', { refundedFee: 1000, refundingFee: 0, status: 'REFUNDED' }],
    ['a release', { status: 'PAID', totalFee: 1000, refundedFee: 100, refundingFee: 300 }, 300, 'RELEASED', { refundedFee: 100, refundingFee: 0, status: 'PAID' }],
  ] as const)('%s', (_, o, fee, outcome, expected) => {
    const after = settleLedger(o, { refundFee: fee }, outcome);
    expect(after).toEqual(expected);
    expect(after.refundedFee + after.refundingFee).toBeLessThanOrEqual(o.totalFee);
  });
});
