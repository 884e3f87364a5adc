// The mini-program's side of the after-sale rules shared with the functions (typings/api.d.ts AfterSaleContract):
// the type pins each value, so this file and src/domain/aftersale-contract.ts cannot disagree and still compile.
import type { AfterSaleContract } from '../../typings/api';

export const AFTERSALE: AfterSaleContract = {
  applicationsPerOrder: 5,
  noteMaxLength: 200,
  otherReason: '其他原因',
  reasonSeparator: '：',
  reasons: {
    NOT_RECEIVED: ['不想要了', '拍错/多拍', '快递一直未送到', '未按约定时间发货', '其他原因'],
    RECEIVED: ['质量问题', '少件/漏发', '与描述不符', '商家发错货', '包装/商品破损', '不想要了', '其他原因'],
  },
  rejectReasons: {
    REQUEST: ['商品已发货，请收到后再申请', '已与买家协商一致，不退款', '商品不支持无理由退货', '退款金额与实际不符', '其他原因'],
    RETURN: ['未收到退货，单号查不到物流', '退回的商品影响二次销售', '退回的不是本订单的商品', '退回的商品少件或缺配件', '其他原因'],
  },
};
