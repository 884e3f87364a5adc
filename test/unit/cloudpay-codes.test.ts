import { parseChinaTime, wechatErrorCode } from '../../src/providers/cloudpay';

// wx-server-sdk resolves every cloudPay answer with its own errCode: 0, so WeChat's code is read from errCodeDes.
describe('wechatErrorCode', () => {
  it.each([
    ['refund', { errCode: 0, errCodeDes: '系统超时，请使用相同参数再次调用' }, 'SYSTEMERROR'],
    ['refund', { errCode: 0, errCodeDes: '基本账户余额不足，请充值后重新发起' }, 'NOTENOUGH'],
    ['refund', { errCode: 0, errCodeDes: '订单已关闭，不能退款' }, 'ORDERNOTEXIST'],
    ['refund', { errCode: 0, errCodeDes: '订单已经超过退款期限' }, 'TRADE_OVERDUE'],
    ['refund', { errCode: 0, errCodeDes: '申请退款金额超过订单可退金额' }, 'INVALID_REQUEST'],
    ['refund', { errCode: 0, errCodeDes: '退款业务流程错误，需要商户触发重试来解决' }, 'BIZERR_NEED_RETRY'],
    ['closeOrder', { errCode: 0, errCodeDes: '订单已支付，不能发起关单' }, 'ORDERPAID'],
    ['closeOrder', { errCode: 0, errCodeDes: '订单已关闭，无法重复关闭' }, 'ORDERCLOSED'],
    ['closeOrder', { errCode: 0, errCodeDes: '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟' }, 'INVALID_REQUEST'],
    ['unifiedOrder', { errCode: 0, errCodeDes: '该订单已支付' }, 'ORDERPAID'],
    ['queryOrder', { errCode: 0, errCodeDes: '此交易订单号不存在' }, 'ORDERNOTEXIST'],
    ['queryRefund', { errCode: 0, errCodeDes: '退款单不存在' }, 'REFUNDNOTEXIST'],
    ['refund', { errCode: 'NOTENOUGH', errCodeDes: 'whatever' }, 'NOTENOUGH'],
    ['refund', { errCode: 0, errCodeDes: '前所未见的错误' }, 'UNCLASSIFIED'],
  ])('%s %j → %s', (api, answer, code) => expect(wechatErrorCode(api, answer)).toBe(code));
});

describe('parseChinaTime', () => {
  it.each([
    ['20261122150514', '2026-11-22T07:05:14.000Z'],
    ['20270101000000', '2026-12-31T16:00:00.000Z'],
  ])('%s → %s', (text, iso) => expect(parseChinaTime(text)?.toISOString()).toBe(iso));
  it.each(['2026-11-22', '', '2026112215051'])('refuses %p', (text) => expect(parseChinaTime(text)).toBeUndefined());
});
