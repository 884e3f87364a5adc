// The pure rules behind issue 10 §2: what a refund's settlement does to the ledger, what buyers may read of a
// timeline, text and cursors from outside, and which orders a buyer may cancel.
import { decodeCursor } from '../../src/domain/cursor';
import type { TimelineRecord } from '../../src/domain/documents';
import { parseApplyRefundEvent, parseApproveRefundEvent } from '../../src/domain/events';
import { formatYuan } from '../../src/domain/money';
import { decideCancel } from '../../src/domain/order-rules';
import { refundDeadline, settleLedger } from '../../src/domain/refund-rules';
import { TIMELINE_NOTES, timelineView } from '../../src/domain/timeline';

describe('settleLedger', () => {
  const order = { status: 'PAID' as const, totalFee: 1000, refundedFee: 0, refundingFee: 600 };
  it.each([
    ['succeeded as asked', 'SUCCEEDED', undefined, { refundedFee: 400, refundingFee: 200, status: 'PAID' }],
    ['succeeded for less (WeChat settled another amount)', 'SUCCEEDED', 300, { refundedFee: 300, refundingFee: 200, status: 'PAID' }],
    ['succeeded for more than was paid: never beyond the total', 'SUCCEEDED', 5000, { refundedFee: 1000, refundingFee: 200, status: 'REFUNDED' }],
    ['released', 'RELEASED', undefined, { refundedFee: 0, refundingFee: 200, status: 'PAID' }],
  ] as const)('%s', (_, outcome, settledFee, after) => {
    expect(settleLedger(order, { refundFee: 400 }, outcome, settledFee)).toEqual(after);
  });
});

describe('refundDeadline', () => {
  const paidAt = new Date('2026-11-01T00:00:00Z');
  it('is paidAt plus the window for a paid order, and nothing otherwise', () => {
    expect(refundDeadline({ status: 'PAID', paidAt }, 7)?.toISOString()).toBe('2026-11-08T00:00:00.000Z');
    expect(refundDeadline({ status: 'REFUNDED', paidAt }, 7)).toBeUndefined();
    expect(refundDeadline({ status: 'PAID' }, 7)).toBeUndefined();
  });
});

describe('timeline', () => {
  const at = new Date('2026-11-01T00:00:00Z');
  const records: TimelineRecord[] = [
    { at, event: 'refund_requested', by: 'buyer', note: TIMELINE_NOTES.refundRequested(6800, '不想要了') },
    { at, event: 'anomaly', by: 'system', note: 'REFUND_MISMATCH: 微信支付实际退款 ¥25.00' },
  ];
  it('notes show amounts in ¥', () => expect(records[0].note).toBe('¥68.00：不想要了'));
  it('buyers see that something went wrong, merchants see what', () => {
    expect(timelineView(records, false).map((e) => e.note)).toEqual(['¥68.00：不想要了', undefined]);
    expect(timelineView(records, true).map((e) => e.note)).toEqual(['¥68.00：不想要了', 'REFUND_MISMATCH: 微信支付实际退款 ¥25.00']);
  });
  it.each([
    [1, '¥0.01'],
    [6800, '¥68.00'],
    [100_000_000, '¥1000000.00'],
  ])('formatYuan(%d) = %s', (fen, text) => expect(formatYuan(fen)).toBe(text));
});

describe('reasons from outside', () => {
  it.each(['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\u2028'])('a control character (%j) is refused', (c) => {
    expect(() => parseApplyRefundEvent({ orderId: 'O1', reason: `不想${c}要了` })).toThrow(/control characters/);
    expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: `其他原因：不${c}行` })).toThrow(/control characters/);
  });
  it('line breaks and tabs become spaces; only they cannot make a reason', () => {
    expect(parseApplyRefundEvent({ orderId: 'O1', reason: ' 第一行\r\n\t第二行 ' }).reason).toBe('第一行 第二行');
    expect(() => parseApplyRefundEvent({ orderId: 'O1', reason: '\n\n' })).toThrow(/required/);
  });
  it('80 characters are counted as code points', () => {
    expect(parseApplyRefundEvent({ orderId: 'O1', reason: '😀'.repeat(80) }).reason).toHaveLength(160);
    expect(() => parseApplyRefundEvent({ orderId: 'O1', reason: '😀'.repeat(81) })).toThrow(/at most 80/);
  });
});

describe('cursors from outside', () => {
  const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([{ t: 8.64e15 + 1, id: 'x', n: 1 }, { t: -1, id: 'x', n: 1 }, { t: 1e300, id: 'x', n: 1 }])('an impossible time (%j) is a bad argument', (v) => {
    expect(() => decodeCursor(forge(v))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('decideCancel', () => {
  it.each([
    [{ _id: 'O1', _openid: 'b', status: 'PENDING' as const }, 'CLOSE'],
    [{ _id: 'O1', _openid: 'b', status: 'CLOSED' as const }, 'DONE'],
  ])('%j → %s', (order, decision) => expect(decideCancel(order, 'b', 'O1')).toBe(decision));
  it('refuses a paid order and reads someone else’s as missing', () => {
    expect(() => decideCancel({ _id: 'O1', _openid: 'b', status: 'PAID' }, 'b', 'O1')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => decideCancel({ _id: 'O1', _openid: 'b', status: 'PENDING' }, 'x', 'O1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
