import { isFen, orderTotal, requireFen, MAX_FEN } from '../../src/domain/money';
import { AppError } from '../../src/domain/errors';

describe('requireFen', () => {
  it.each([1, 100, 12_34, MAX_FEN])('accepts %p fen', (v) => {
    expect(requireFen(v, 'refundFee')).toBe(v);
    expect(isFen(v)).toBe(true);
  });

  it.each([
    [0, /at least 1/],
    [-1, /at least 1/],
    [12.5, /whole number/],
    [0.1 + 0.2, /whole number/],
    ['100', /number of fen/],
    [null, /number of fen/],
    [undefined, /number of fen/],
    [NaN, /number of fen/],
    [Infinity, /number of fen/],
    [MAX_FEN + 1, /at most/],
    [Number.MAX_SAFE_INTEGER + 2, /at most/],
    [1e21, /at most/],
  ])('rejects %p with a clear INVALID_ARGUMENT', (v, message) => {
    expect(isFen(v)).toBe(false);
    let caught: unknown;
    try {
      requireFen(v, 'refundFee');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('INVALID_ARGUMENT');
    expect((caught as AppError).message).toMatch(message);
    expect((caught as AppError).message).toMatch(/refundFee/);
  });
});

describe('orderTotal', () => {
  it.each([
    [[{ unitPrice: 1200, quantity: 2 }], 2400],
    [[{ unitPrice: 1, quantity: 1 }, { unitPrice: 99, quantity: 3 }], 298],
  ])('sums %j to %p', (lines, total) => expect(orderTotal(lines)).toBe(total));

  it('refuses a total above the maximum instead of overflowing', () => {
    expect(() => orderTotal([{ unitPrice: MAX_FEN, quantity: 999 }])).toThrow(/exceeds the maximum/);
  });
});
