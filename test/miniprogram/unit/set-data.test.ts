import { appendPaths, changedPaths } from '../../../miniprogram/utils/set-data';

describe('setData paths', () => {
  it('names only the fields that changed', () => {
    const before = { id: 'a', label: '待付款', canPay: true, tags: ['x'] };
    const after = { id: 'a', label: '已关闭', canPay: false, tags: ['x'] };
    expect(changedPaths('list[3]', before, after)).toEqual({ 'list[3].label': '已关闭', 'list[3].canPay': false });
  });

  it('sends a nested field whole when anything inside it changed, and nothing when equal', () => {
    expect(changedPaths('order', { timeline: [{ a: 1 }] }, { timeline: [{ a: 1 }, { a: 2 }] })).toEqual({
      'order.timeline': [{ a: 1 }, { a: 2 }],
    });
    expect(changedPaths('order', { timeline: [{ a: 1 }] }, { timeline: [{ a: 1 }] })).toEqual({});
  });

  it('turns a field that disappeared into null (setData cannot carry undefined)', () => {
    expect(changedPaths('x', { note: 'a' }, {})).toEqual({ 'x.note': null });
  });

  it('appends rows by index after those already shown', () => {
    expect(appendPaths('list', 10, ['k', 'l'])).toEqual({ 'list[10]': 'k', 'list[11]': 'l' });
  });
});
