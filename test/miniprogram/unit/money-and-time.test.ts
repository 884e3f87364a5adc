import { fenToYuanText, formatFen, parseYuanText } from '../../../miniprogram/utils/money';
import { formatTime } from '../../../miniprogram/utils/time';

describe('money', () => {
  it.each([
    [0, '¥0.00'],
    [1, '¥0.01'],
    [10, '¥0.10'],
    [1234, '¥12.34'],
    [100000000, '¥1000000.00'],
    [-250, '-¥2.50'],
  ])('formats %p fen as %p', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('round-trips every fen amount through the input text', () => {
    for (const fen of [0, 1, 9, 10, 99, 100, 101, 7600, 99999999]) expect(parseYuanText(fenToYuanText(fen))).toBe(fen);
  });

  it.each([
    ['12', 1200],
    ['12.3', 1230],
    ['12.30', 1230],
    [' 0.07 ', 7],
    ['0.1', 10],
  ])('reads %p as %p fen without floating point', (text, fen) => {
    expect(parseYuanText(text)).toBe(fen);
  });

  it.each(['', '.5', '1.', '1.234', '-1', '1e3', 'abc', '１２', '12,5', '1234567890'])('refuses %p', (text) => {
    expect(parseYuanText(text)).toBeNull();
  });
});

describe('time', () => {
  it('shows instants in China time whatever the device zone', () => {
    expect(formatTime('2026-11-22T07:03:00.000Z')).toBe('2026-11-22 15:03');
    expect(formatTime('2026-12-31T16:30:00.000Z')).toBe('2027-01-01 00:30');
  });

  it('shows nothing for a missing or unreadable instant', () => {
    expect(formatTime(undefined)).toBe('');
    expect(formatTime('yesterday')).toBe('');
  });
});
