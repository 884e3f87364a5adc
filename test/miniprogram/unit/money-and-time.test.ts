import { fenToYuanText, formatFen, parseYuanText } from '../../../miniprogram/utils/money';
import { cardActions, payOpen } from '../../../miniprogram/domain/order-actions';
import { countdownText, formatTime } from '../../../miniprogram/utils/time';
import type { OrderSummary } from '../../../typings/api';

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

describe('the payment countdown', () => {
  const deadline = '2026-12-06T08:30:00.000Z';
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['2026-12-06T08:15:00.000Z', '15:00'],
    ['2026-12-06T08:29:59.001Z', '0:01'],
    ['2026-12-06T08:30:00.000Z', '0:00'],
    ['2026-12-06T09:00:00.000Z', '0:00'],
    ['2026-12-05T07:28:57.000Z', '25:01:03'],
  ])('at %s reads %s', (now, text) => {
    expect(countdownText(deadline, at(now))).toBe(text);
  });

  it('is empty without a readable deadline', () => {
    expect(countdownText(undefined, 0)).toBe('');
    expect(countdownText('soon', 0)).toBe('');
  });

  it('payment is open until the deadline the server set, and for an unknown deadline', () => {
    expect(payOpen({ status: 'PENDING', payDeadline: deadline }, at('2026-12-06T08:29:59.999Z'))).toBe(true);
    expect(payOpen({ status: 'PENDING', payDeadline: deadline }, at(deadline))).toBe(false);
    expect(payOpen({ status: 'PENDING' }, at(deadline))).toBe(true);
    expect(payOpen({ status: 'PAID', payDeadline: deadline }, 0)).toBe(false);
  });
});

describe('a list card’s actions', () => {
  const base: OrderSummary = { orderId: 'O1', status: 'PAID', totalFee: 1000, refundedFee: 0, refundingFee: 0, title: 't', itemCount: 1, createdAt: '2026-12-01T00:00:00.000Z', hasOpenRefund: false };
  it.each<[string, Partial<OrderSummary>, { confirmReceipt: boolean; afterSale: boolean; track: boolean }]>([
    ['paid', {}, { confirmReceipt: false, afterSale: true, track: false }],
    ['paid, a request open', { hasOpenRefund: true, refundingFee: 500 }, { confirmReceipt: false, afterSale: false, track: false }],
    ['paid, all refunded but still paid', { refundedFee: 600, refundingFee: 400 }, { confirmReceipt: false, afterSale: false, track: false }],
    ['paid, past the refund window', { refundDeadline: '2026-12-02T00:00:00.000Z' }, { confirmReceipt: false, afterSale: false, track: false }],
    ['shipped by a carrier', { status: 'SHIPPED', tracking: { trackingNo: 'SF1' } }, { confirmReceipt: true, afterSale: true, track: true }],
    ['shipped without a carrier', { status: 'SHIPPED' }, { confirmReceipt: true, afterSale: true, track: false }],
    ['completed', { status: 'COMPLETED', tracking: { trackingNo: 'SF1' } }, { confirmReceipt: false, afterSale: true, track: true }],
    ['pending', { status: 'PENDING' }, { confirmReceipt: false, afterSale: false, track: false }],
    ['closed', { status: 'CLOSED' }, { confirmReceipt: false, afterSale: false, track: false }],
  ])('%s', (_name, change, expected) => {
    expect(cardActions({ ...base, ...change }, Date.parse('2026-12-03T00:00:00.000Z'))).toEqual(expected);
  });
});
