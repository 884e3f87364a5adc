// The after-sale progress bar and the merchant's reject reasons, as pure rules: which steps a request shows by type
// and status, where one that ended early stopped, and what reason text the buyer will read.
import { progressOf } from '../../../miniprogram/domain/aftersale-progress';
import { checkRejectChoice } from '../../../miniprogram/domain/refund-form';

const shown = (steps: ReturnType<typeof progressOf>) => steps.map((s) => `${s.label}:${s.state}`);

describe('progress by type', () => {
  it.each([
    ['REFUND_ONLY', 'REQUESTED', [], ['提交申请:done', '商家处理:current', '退款:todo']],
    ['REFUND_ONLY', 'PROCESSING', ['refund_approved'], ['提交申请:done', '商家处理:done', '退款中:current']],
    ['REFUND_ONLY', 'SUCCEEDED', [], ['提交申请:done', '商家处理:done', '退款成功:done']],
    ['RETURN_AND_REFUND', 'REQUESTED', [], ['提交申请:done', '商家处理:current', '寄回商品:todo', '商家收货:todo', '退款:todo']],
    ['RETURN_AND_REFUND', 'AWAITING_RETURN', ['return_agreed'], ['提交申请:done', '商家处理:done', '寄回商品:current', '商家收货:todo', '退款:todo']],
    ['RETURN_AND_REFUND', 'RETURN_SHIPPED', ['return_agreed', 'return_shipped'], ['提交申请:done', '商家处理:done', '寄回商品:done', '商家收货:current', '退款:todo']],
    ['RETURN_AND_REFUND', 'ABNORMAL', [], ['提交申请:done', '商家处理:done', '寄回商品:done', '商家收货:done', '退款中:current']],
  ] as const)('%s %s', (type, status, events, expected) => {
    expect(shown(progressOf(type, status, events))).toEqual(expected);
  });
});

describe('a request that ended early shows where it stopped', () => {
  it.each([
    ['REFUND_ONLY', 'REJECTED', ['refund_rejected'], ['提交申请:done', '商家已拒绝:ended']],
    ['REFUND_ONLY', 'CANCELLED', ['refund_withdrawn'], ['提交申请:done', '已撤回:ended']],
    ['REFUND_ONLY', 'FAILED', ['refund_failed'], ['提交申请:done', '商家处理:done', '退款失败:ended']],
    ['RETURN_AND_REFUND', 'CANCELLED', ['return_agreed', 'return_closed'], ['提交申请:done', '商家处理:done', '超时未寄回，已关闭:ended']],
    ['RETURN_AND_REFUND', 'CANCELLED', ['return_agreed', 'refund_withdrawn'], ['提交申请:done', '商家处理:done', '已撤回:ended']],
    ['RETURN_AND_REFUND', 'REJECTED', ['return_agreed', 'return_shipped', 'return_refused'], ['提交申请:done', '商家处理:done', '寄回商品:done', '商家拒绝收货:ended']],
  ] as const)('%s %s after %j', (type, status, events, expected) => {
    expect(shown(progressOf(type, status, events))).toEqual(expected);
  });
});

describe('reject reasons', () => {
  it('a reason from the scene list, with words after it when given', () => {
    expect(checkRejectChoice('REQUEST', 2, '')).toEqual({ ok: true, reason: '商品不支持无理由退货' });
    expect(checkRejectChoice('RETURN', 1, ' 吊牌已剪\n')).toEqual({ ok: true, reason: '退回的商品影响二次销售：吊牌已剪' });
  });

  it('no choice, 其他原因 without words, and too many words are refused before anything is sent', () => {
    expect(checkRejectChoice('REQUEST', -1, '随便')).toEqual({ ok: false, error: '请选择拒绝原因' });
    expect(checkRejectChoice('RETURN', 4, '  ')).toEqual({ ok: false, error: '选择“其他原因”时请写明原因，买家会看到' });
    // label + '：' + words must fit the contract's 80 characters.
    expect(checkRejectChoice('REQUEST', 4, '字'.repeat(75))).toEqual({ ok: true, reason: `其他原因：${'字'.repeat(75)}` });
    expect(checkRejectChoice('REQUEST', 4, '字'.repeat(76))).toEqual({ ok: false, error: '说明最多 75 字' });
  });
});
