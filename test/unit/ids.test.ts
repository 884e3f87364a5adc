import { newOutTradeNo, outRefundNo, orderIdOfRefund, OUT_TRADE_NO, OUT_REFUND_NO, chinaTimeDigits } from '../../src/domain/ids';
import { randomBytes } from 'node:crypto';

describe('outTradeNo', () => {
  it('is 25 characters of the allowed alphabet, China time first', () => {
    const id = newOutTradeNo(new Date('2026-11-22T07:05:14.123Z'), randomBytes(8));
    expect(id).toMatch(OUT_TRADE_NO);
    expect(id).toHaveLength(25);
    expect(id.startsWith('20261122150514123')).toBe(true);
  });

  it('sorts in creation order and does not repeat within one millisecond', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    const ids = new Set(Array.from({ length: 10_000 }, () => newOutTradeNo(at, randomBytes(8))));
    expect(ids.size).toBe(10_000);
    const later = newOutTradeNo(new Date(at.getTime() + 1), randomBytes(8));
    for (const id of ids) expect(id < later).toBe(true);
  });

  it.each([
    ['2026-12-31T16:00:00.000Z', '20270101000000000'],
    ['2026-06-01T15:59:59.999Z', '20260601235959999'],
  ])('China time of %s is %s', (utc, digits) => expect(chinaTimeDigits(new Date(utc))).toBe(digits));
});

describe('outRefundNo', () => {
  it.each([
    ['20261122150514123AbCdEfGh', 1, '20261122150514123AbCdEfGhR1'],
    ['x', 50, 'xR50'],
  ])('%s #%p → %s', (order, n, expected) => {
    expect(outRefundNo(order, n)).toBe(expected);
    expect(expected).toMatch(OUT_REFUND_NO);
    expect(orderIdOfRefund(expected)).toBe(order);
  });

  it.each([
    ['bad id!', 1],
    ['ok', 0],
    ['ok', 100],
    ['ok', 1.5],
  ])('refuses %p #%p', (order, n) => expect(() => outRefundNo(order, n)).toThrow());
});
