// The merchant's reject reason: a label of the scene's list, alone or with words after "：" (其他原因 only with words).
import { AFTERSALE } from '../../src/domain/aftersale-contract';
import { parseApproveRefundEvent } from '../../src/domain/events';
import { parseRejectReason, rejectSceneOf } from '../../src/domain/reject-reason';

const refusal = (message: RegExp) => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });

describe('parseRejectReason', () => {
  it.each([
    ['REQUEST', '商品已发货，请收到后再申请', { label: '商品已发货，请收到后再申请' }],
    ['REQUEST', '退款金额与实际不符：只付了一件', { label: '退款金额与实际不符', words: '只付了一件' }],
    ['REQUEST', '其他原因：商品已拆封', { label: '其他原因', words: '商品已拆封' }],
    ['REQUEST', '其他原因：已拆封：不退', { label: '其他原因', words: '已拆封：不退' }],
    ['RETURN', '退回的商品少件或缺配件：少了充电线', { label: '退回的商品少件或缺配件', words: '少了充电线' }],
    ['RETURN', '其他原因： 包装已拆 ', { label: '其他原因', words: '包装已拆' }],
  ] as const)('%s takes %j', (scene, text, parsed) => expect(parseRejectReason(scene, text)).toEqual(parsed));

  it.each([
    ['REQUEST', '商品已拆封', /must be one of 商品已发货，请收到后再申请、.*when rejecting a request/],
    ['REQUEST', '退回的商品影响二次销售', /must be one of/], // the other scene's label
    ['RETURN', '商品已发货，请收到后再申请', /when refusing a returned parcel/],
    ['REQUEST', '商品不支持无理由退货，包装已拆', /must be one of/], // a label, but not followed by the separator
    ['REQUEST', '商品不支持无理由退货:包装已拆', /must be one of/], // an ASCII colon is not the page's separator
    ['REQUEST', '其他原因', /其他原因 needs words/],
    ['RETURN', '其他原因', /其他原因 needs words/],
    ['REQUEST', '商品不支持无理由退货：', /say something after/],
    ['REQUEST', '其他原因：  ', /say something after/],
  ] as const)('%s refuses %j', (scene, text, message) => {
    expect(() => parseRejectReason(scene, text)).toThrow(refusal(message));
  });

  it('every listed label is taken alone in its own scene, except 其他原因', () => {
    for (const scene of ['REQUEST', 'RETURN'] as const) {
      for (const label of AFTERSALE.rejectReasons[scene]) {
        if (label === AFTERSALE.otherReason) expect(() => parseRejectReason(scene, label)).toThrow();
        else expect(parseRejectReason(scene, label)).toEqual({ label });
      }
    }
  });

  it('maps the action to its scene', () => {
    expect(rejectSceneOf('reject')).toBe('REQUEST');
    expect(rejectSceneOf('refuseReturn')).toBe('RETURN');
  });
});

describe('approveRefund checks the reason for its action at the edge', () => {
  it('takes a listed reason, cleaned as before', () => {
    expect(parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: ' 其他原因：已拆封\n不退 ' })).toEqual({ refundId: 'O1R1', action: 'reject', rejectReason: '其他原因：已拆封 不退' });
    expect(parseApproveRefundEvent({ refundId: 'O1R1', action: 'refuseReturn', rejectReason: '退回的不是本订单的商品' }).rejectReason).toBe('退回的不是本订单的商品');
  });

  it('refuses free text, and a label of the other scene', () => {
    expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: '已发货' })).toThrow(refusal(/when rejecting a request/));
    expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'refuseReturn', rejectReason: '商品不支持无理由退货' })).toThrow(refusal(/refusing a returned parcel/));
  });
});
