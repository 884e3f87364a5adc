// What WeChat Pay answers (snake_case JSON, as cloudPay relays it; the SDK turns it into camelCase) and the events it
// delivers to callback functions (already camelCase, as cloudPay calls functions with a JS object).
import type { RawReply } from '../contracts';
import { compactTime, displayTime, md5Sign, nonceStr, providerOpenid } from './ids';
import { PROVIDER, reportedState, type Refund, type Trade, type TradeState } from './model';
import type { PayFailure } from './rules';

export type PayAnswer = Record<string, unknown>;

/** The sandbox signs answers so they look like WeChat's; nothing checks this key and it protects nothing. */
const SANDBOX_SIGN_KEY = 'local-cloud-sandbox-not-a-secret';

const TRADE_STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销（付款码支付）',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
};

function signed(answer: PayAnswer): PayAnswer {
  const flat: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(answer)) if (typeof v === 'string' || typeof v === 'number') flat[k] = v;
  return { ...answer, sign: md5Sign(flat, SANDBOX_SIGN_KEY) };
}

function envelope(subMchId: string | undefined, subAppid: string | undefined): PayAnswer {
  return {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: PROVIDER.appid,
    mch_id: PROVIDER.mchId,
    ...(subAppid ? { sub_appid: subAppid } : {}),
    ...(subMchId ? { sub_mch_id: subMchId } : {}),
    nonce_str: nonceStr(),
  };
}

export function failureAnswer(failure: PayFailure, subMchId?: string, subAppid?: string): PayAnswer {
  if (failure.level === 'return') return { return_code: 'FAIL', return_msg: failure.returnMsg };
  return signed({ ...envelope(subMchId, subAppid), result_code: 'FAIL', err_code: failure.errCode, err_code_des: failure.errCodeDes });
}

export function unifiedOrderAnswer(trade: Trade, now: number): PayAnswer {
  const timeStamp = String(Math.floor(now / 1000));
  const nonce = nonceStr();
  const pkg = `prepay_id=${trade.prepayId}`;
  const paySign = md5Sign({ appId: trade.subAppid, timeStamp, nonceStr: nonce, package: pkg, signType: 'MD5' }, SANDBOX_SIGN_KEY);
  return signed({
    ...envelope(trade.subMchId, trade.subAppid),
    result_code: 'SUCCESS',
    trade_type: trade.tradeType,
    prepay_id: trade.prepayId,
    payment: { appId: trade.subAppid, timeStamp, nonceStr: nonce, package: pkg, signType: 'MD5', paySign },
  });
}

export function queryOrderAnswer(trade: Trade, refunds: readonly Refund[]): PayAnswer {
  const state = reportedState(trade, refunds);
  const paid = trade.transactionId !== undefined && trade.paidAt !== undefined;
  return signed({
    ...envelope(trade.subMchId, trade.subAppid),
    result_code: 'SUCCESS',
    out_trade_no: trade.outTradeNo,
    trade_state: state,
    trade_state_desc: TRADE_STATE_DESC[state],
    trade_type: trade.tradeType,
    total_fee: trade.totalFee,
    fee_type: trade.feeType,
    ...(trade.attach !== undefined ? { attach: trade.attach } : {}),
    ...(paid
      ? {
          openid: providerOpenid(trade.subOpenid ?? ''),
          is_subscribe: 'N',
          sub_openid: trade.subOpenid ?? '',
          sub_is_subscribe: 'N',
          bank_type: trade.bankType ?? PROVIDER.bankType,
          cash_fee: trade.totalFee,
          cash_fee_type: 'CNY',
          transaction_id: trade.transactionId,
          time_end: compactTime(trade.paidAt ?? 0),
        }
      : {}),
  });
}

export function closeOrderAnswer(trade: Trade): PayAnswer {
  return signed({ ...envelope(trade.subMchId, trade.subAppid), result_code: 'SUCCESS', result_msg: 'OK' });
}

export function refundAnswer(refund: Refund, subAppid: string): PayAnswer {
  return signed({
    ...envelope(refund.subMchId, subAppid),
    result_code: 'SUCCESS',
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_fee: refund.refundFee,
    settlement_refund_fee: refund.refundFee,
    total_fee: refund.totalFee,
    settlement_total_fee: refund.totalFee,
    fee_type: 'CNY',
    cash_fee: refund.totalFee,
    cash_refund_fee: refund.refundFee,
    coupon_refund_fee: 0,
    coupon_refund_count: 0,
  });
}

/** WeChat lists at most 10 refunds per queryRefund; `offset` pages through the rest. */
export const REFUNDS_PER_QUERY = 10;

/** cloudPay answers queryRefund with parallel lists (`out_refund_no_list`, `refund_status_list`, …). */
export function queryRefundAnswer(trade: Trade, listed: readonly Refund[], totalRefundCount: number): PayAnswer {
  const successTime = (r: Refund) => (r.status === 'SUCCESS' && r.settledAt !== undefined ? displayTime(r.settledAt) : '');
  return signed({
    ...envelope(trade.subMchId, trade.subAppid),
    result_code: 'SUCCESS',
    transaction_id: trade.transactionId ?? '',
    out_trade_no: trade.outTradeNo,
    total_fee: trade.totalFee,
    settlement_total_fee: trade.totalFee,
    fee_type: 'CNY',
    cash_fee: trade.totalFee,
    refund_fee: listed.reduce((sum, r) => sum + r.refundFee, 0),
    refund_count: listed.length,
    total_refund_count: totalRefundCount,
    out_refund_no_list: listed.map((r) => r.outRefundNo),
    refund_id_list: listed.map((r) => r.refundId),
    refund_channel: listed.map(() => 'ORIGINAL'),
    refund_fee_list: listed.map((r) => r.refundFee),
    settlement_refund_fee_list: listed.map((r) => r.refundFee),
    coupon_type_array: [],
    coupon_refund_fee_list: listed.map(() => 0),
    coupon_refund_count_list: listed.map(() => 0),
    coupon_refund_id_array: [],
    coupon_refund_fee_array: [],
    refund_status_list: listed.map((r) => r.status),
    refund_account_list: listed.map(() => PROVIDER.refundAccount),
    refund_recv_accout_list: listed.map(() => PROVIDER.refundRecvAccount),
    refund_success_time_list: listed.map(successTime),
  });
}

/** The payment result event, as the `functionName` function receives it. */
export function paymentEvent(trade: Trade): Record<string, unknown> {
  return {
    returnCode: 'SUCCESS',
    appid: PROVIDER.appid,
    mchId: PROVIDER.mchId,
    subAppid: trade.subAppid,
    subMchId: trade.subMchId,
    nonceStr: nonceStr(),
    resultCode: 'SUCCESS',
    openid: providerOpenid(trade.subOpenid ?? ''),
    isSubscribe: 'N',
    subOpenid: trade.subOpenid ?? '',
    subIsSubscribe: 'N',
    tradeType: trade.tradeType,
    bankType: trade.bankType ?? PROVIDER.bankType,
    totalFee: trade.totalFee,
    feeType: trade.feeType,
    cashFee: trade.totalFee,
    transactionId: trade.transactionId ?? '',
    outTradeNo: trade.outTradeNo,
    ...(trade.attach !== undefined ? { attach: trade.attach } : {}),
    timeEnd: compactTime(trade.paidAt ?? 0),
  };
}

/** The refund result event, as the refund's `functionName` function receives it. */
export function refundEvent(refund: Refund, subAppid: string): Record<string, unknown> {
  return {
    returnCode: 'SUCCESS',
    appid: PROVIDER.appid,
    mchId: PROVIDER.mchId,
    subAppid,
    subMchId: refund.subMchId,
    nonceStr: nonceStr(),
    transactionId: refund.transactionId,
    outTradeNo: refund.outTradeNo,
    refundId: refund.refundId,
    outRefundNo: refund.outRefundNo,
    totalFee: refund.totalFee,
    settlementTotalFee: refund.totalFee,
    refundFee: refund.refundFee,
    settlementRefundFee: refund.status === 'SUCCESS' ? refund.refundFee : 0,
    refundStatus: refund.status,
    ...(refund.status === 'SUCCESS' && refund.settledAt !== undefined ? { successTime: displayTime(refund.settledAt) } : {}),
    refundRecvAccout: PROVIDER.refundRecvAccount,
    refundAccount: PROVIDER.refundAccount,
    refundRequestSource: PROVIDER.refundRequestSource,
  };
}

/**
 * cloudPay answers travel as JSON typed plainly `application/json`: with `; charset=utf-8` the SDK would take the
 * body for an error object instead of WeChat's answer.
 */
export function payReply(answer: PayAnswer): RawReply {
  return { raw: true, contentType: 'application/json', body: Buffer.from(JSON.stringify(answer), 'utf8') };
}

/** The gateway gave up waiting for WeChat Pay: the caller's SDK call fails while the provider may have acted. */
export function gatewayTimeoutReply(): RawReply {
  return { raw: true, status: 504, contentType: 'text/plain', body: Buffer.from('upstream WeChat Pay did not answer in time', 'utf8') };
}
