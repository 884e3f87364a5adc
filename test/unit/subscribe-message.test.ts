import { composeMessage, fitValue, formatAmount, formatTime } from '../../src/domain/subscribe-message';
import { orderTitle } from '../../src/domain/views';

describe('fitValue', () => {
  it.each([
    ['thing1', '乌龙茶 ×2 and 3 more items in a long title', '乌龙茶 ×2 and 3 more i…'],
    ['thing2', 'short', 'short'],
    ['thing3', 'line\nbreak', 'line break'],
    ['amount2', 1234, '12.34元'],
    ['amount2', 5, '0.05元'],
    ['amount2', 100_000_000, '1000000.00元'],
    ['character_string4', '20261122150514123AbCdEfGhR12', '20261122150514123AbCdEfGhR12'],
    ['character_string4', 'x'.repeat(40), 'x'.repeat(32)],
    ['character_string4', '订单 A-1', 'A-1'],
    ['phrase5', '退款成功了吗', '退款成功了'],
    ['phrase5', 'OK', '无'],
    ['number6', 'No. 42', '42'],
    ['time7', new Date('2026-11-22T07:05:00Z'), '2026年11月22日 15:05'],
    ['date8', new Date('2026-11-22T17:05:00Z'), '2026年11月23日'],
    ['name9', '一二三四五六七八九十十一', '一二三四五六七八九…'],
    ['thing1', undefined, '-'],
  ])('%s ← %p gives %p', (key, value, expected) => {
    const fitted = fitValue(key, value);
    expect(fitted).toBe(expected);
    if (key.startsWith('thing')) expect(Array.from(fitted).length).toBeLessThanOrEqual(20);
  });
});

describe('composeMessage', () => {
  it('maps template fields to facts and fills the page', () => {
    const message = composeMessage(
      { templateId: 'T1', page: 'pages/order-detail/index?orderId={orderId}', data: { character_string1: 'orderId', amount2: 'totalFee', thing3: 'title' } },
      { orderId: 'O1', totalFee: 990, title: '乌龙茶 ×1' },
    );
    expect(message).toEqual({
      templateId: 'T1',
      page: 'pages/order-detail/index?orderId=O1',
      data: { character_string1: { value: 'O1' }, amount2: { value: '9.90元' }, thing3: { value: '乌龙茶 ×1' } },
    });
  });

  it('formats like WeChat shows them', () => {
    expect(formatAmount(1)).toBe('0.01元');
    expect(formatTime(new Date('2026-01-01T00:00:00Z'))).toBe('2026年1月1日 08:00');
  });
});

describe('orderTitle', () => {
  it.each([
    [[{ name: '乌龙茶', quantity: 2 }], '乌龙茶 ×2'],
    [[{ name: '乌龙茶', quantity: 2 }, { name: '茶杯', quantity: 1 }, { name: '茶盘', quantity: 1 }], '乌龙茶 ×2 等3种'],
  ])('%j → %s', (items, title) => expect(orderTitle(items)).toBe(title));
});
