// cloudPay: WeChat Pay through `cloud.cloudPay`, with no keys in our code (the platform signs for us). Callbacks are
// not signed, so payNotify and refundNotify confirm everything with queryOrder / queryRefund.
import type { CloudPay } from '../../typings/wx-server-sdk';
import type { PaymentParams } from '../../typings/api';
import { chinaTimeDigits } from '../domain/ids';
import {
  ProviderError,
  ProviderOutcomeUnknown,
  type PaymentProvider,
  type ProviderNotifications,
  type RefundStatus,
} from './payment-provider';
import { REFUND_STATUSES, TRADE_STATES, V2_CLOSE_REFUSALS, closeOrder, fitBytes, fitChars, integer, queriedPayment } from './wechat-fields';

export interface CloudPayConfig {
  subMchId: string;
  envId: string;
  paymentNotifyFunction: string;
  refundNotifyFunction: string;
  nonce: () => string;
}

export function createCloudPayProvider(api: CloudPay.Api, config: CloudPayConfig): PaymentProvider {
  return {
    name: 'cloudPay',

    async createPayment(request) {
      const answer = await call('unifiedOrder', true, () =>
        api.unifiedOrder({
          body: fitBytes(request.description, 128),
          outTradeNo: request.outTradeNo,
          spbillCreateIp: request.clientIp,
          subMchId: config.subMchId,
          totalFee: request.totalFee,
          envId: config.envId,
          functionName: config.paymentNotifyFunction,
          nonceStr: config.nonce(),
          tradeType: 'JSAPI',
          ...(request.attach ? { attach: fitBytes(request.attach, 127) } : {}),
          ...(request.expiresAt ? { timeExpire: chinaTimeDigits(request.expiresAt).slice(0, 14) } : {}),
        }),
      );
      const payment = answer.payment;
      if (!payment || typeof payment.package !== 'string' || typeof payment.paySign !== 'string') {
        throw new ProviderError('BAD_ANSWER', 'cloudPay.unifiedOrder answered without a payment object', true);
      }
      const params: PaymentParams = {
        timeStamp: String(payment.timeStamp),
        nonceStr: String(payment.nonceStr),
        package: payment.package,
        signType: String(payment.signType),
        paySign: payment.paySign,
        ...(payment.appId ? { appId: payment.appId } : {}),
      };
      return { payment: params };
    },

    async queryPayment(outTradeNo) {
      let answer: CloudPay.QueryOrderAnswer;
      try {
        answer = await call('queryOrder', false, () => api.queryOrder({ subMchId: config.subMchId, outTradeNo, nonceStr: config.nonce() }));
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'ORDERNOTEXIST') return { state: 'NOT_FOUND', outTradeNo };
        throw err;
      }
      const state = TRADE_STATES[String(answer.tradeState)];
      if (!state) throw new ProviderError('BAD_ANSWER', `cloudPay.queryOrder answered an unknown trade state ${String(answer.tradeState)}`, true);
      return queriedPayment(state, String(answer.outTradeNo ?? outTradeNo), {
        totalFee: answer.totalFee,
        merchantId: answer.subMchId,
        transactionId: answer.transactionId,
        timeEnd: answer.timeEnd,
        attach: answer.attach,
      });
    },

    closePayment(outTradeNo) {
      return closeOrder(() => call('closeOrder', true, () => api.closeOrder({ subMchId: config.subMchId, outTradeNo, nonceStr: config.nonce() })), V2_CLOSE_REFUSALS);
    },

    async refund(request) {
      const answer = await call('refund', true, () =>
        api.refund({
          subMchId: config.subMchId,
          outTradeNo: request.outTradeNo,
          outRefundNo: request.outRefundNo,
          totalFee: request.totalFee,
          refundFee: request.refundFee,
          ...(request.reason ? { refundDesc: fitChars(request.reason, 80) } : {}),
          envId: config.envId,
          functionName: config.refundNotifyFunction,
          nonceStr: config.nonce(),
        }),
      );
      return answer.refundId ? { providerRefundId: String(answer.refundId) } : {};
    },

    async queryRefund(outRefundNo) {
      let answer: CloudPay.QueryRefundAnswer;
      try {
        answer = await call('queryRefund', false, () => api.queryRefund({ subMchId: config.subMchId, outRefundNo, nonceStr: config.nonce() }));
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'REFUNDNOTEXIST') return { state: 'NOT_FOUND', outRefundNo };
        throw err;
      }
      return findRefund(answer, outRefundNo);
    },
  };
}

/**
 * Runs one cloudPay call and turns every way it can go wrong into a typed error. A call that changes something
 * (`acts`) and does not come back with an answer has an unknown outcome; a query that fails can simply be retried.
 */
async function call<T extends CloudPay.Answer>(apiName: string, acts: boolean, run: () => Promise<T>): Promise<T> {
  let answer: T;
  try {
    answer = await run();
  } catch (err) {
    const detail = sdkErrorText(err);
    if (acts) throw new ProviderOutcomeUnknown('NO_ANSWER', `cloudPay.${apiName} did not answer: ${detail}`);
    throw new ProviderError('NO_ANSWER', `cloudPay.${apiName} did not answer: ${detail}`, true);
  }
  if (!answer || typeof answer !== 'object') throw new ProviderError('BAD_ANSWER', `cloudPay.${apiName} answered nothing`, true);
  if (answer.returnCode !== 'SUCCESS') {
    // A communication-level refusal (bad parameters, signature): nothing was done.
    throw new ProviderError('RETURN_FAIL', `cloudPay.${apiName}: ${answer.returnMsg ?? 'return_code FAIL'}`, false);
  }
  if (answer.resultCode !== 'SUCCESS') {
    const code = wechatErrorCode(apiName, answer);
    const message = `cloudPay.${apiName}: ${code} ${answer.errCodeDes ?? ''}`.trim();
    const meaning = CODE_MEANING[code] ?? 'UNKNOWN';
    // A call that may have acted and failed in a way we cannot read is repeated with the same numbers, never taken
    // as final: nothing is marked failed on a guess.
    if (meaning === 'UNKNOWN') {
      if (acts) throw new ProviderOutcomeUnknown(code, message);
      throw new ProviderError(code, message, true);
    }
    throw new ProviderError(code, message, meaning === 'RETRY_LATER');
  }
  return answer;
}

export const UNCLASSIFIED = 'UNCLASSIFIED';

/**
 * What each WeChat err_code means for the caller. UNKNOWN: the request may or may not have taken effect, repeat
 * it with the same numbers; RETRY_LATER: nothing happened, the same request may succeed later; FINAL: nothing
 * happened and repeating it cannot help. A code not listed here (and UNCLASSIFIED) is UNKNOWN.
 */
export const CODE_MEANING: Readonly<Record<string, 'UNKNOWN' | 'RETRY_LATER' | 'FINAL'>> = {
  SYSTEMERROR: 'UNKNOWN',
  BIZERR_NEED_RETRY: 'UNKNOWN',
  NOTENOUGH: 'RETRY_LATER',
  FREQUENCY_LIMITED: 'RETRY_LATER',
  // The buyer's account is closed or frozen: the refund has failed for good ("退款申请失败，商户可自行处理").
  USER_ACCOUNT_ABNORMAL: 'FINAL',
  ORDERPAID: 'FINAL',
  ORDERCLOSED: 'FINAL',
  ORDERNOTEXIST: 'FINAL',
  REFUNDNOTEXIST: 'FINAL',
  OUT_TRADE_NO_USED: 'FINAL',
  TRADE_OVERDUE: 'FINAL',
  INVALID_REQUEST: 'FINAL',
  PARAM_ERROR: 'FINAL',
};

/**
 * The one place that reads WeChat's wording. wx-server-sdk overwrites `errCode` with its own 0 on every cloudPay
 * answer it resolves, so for cloudPay WeChat's err_code survives only in `errCodeDes`; each row maps a wording
 * (for the APIs it is said by: the same words mean different things, 已关闭 on closeOrder is ORDERCLOSED, on refund
 * ORDERNOTEXIST) back to the code. `example` is the description as WeChat writes it: the unit test checks every row
 * with it. First match wins; nothing matching is UNCLASSIFIED, which CODE_MEANING treats as an unknown outcome.
 */
export const DESCRIPTION_CODES: ReadonlyArray<{ apis: readonly string[] | '*'; wording: RegExp; code: string; example: string }> = [
  { apis: '*', wording: /系统超时|系统繁忙|系统错误|相同参数再次调用/, code: 'SYSTEMERROR', example: '系统超时，请使用相同参数再次调用' },
  { apis: '*', wording: /需要商户触发重试/, code: 'BIZERR_NEED_RETRY', example: '退款业务流程错误，需要商户触发重试来解决' },
  { apis: '*', wording: /频率/, code: 'FREQUENCY_LIMITED', example: '接口调用频率过高，请降低频率后重试' },
  { apis: ['unifiedOrder', 'closeOrder'], wording: /已支付/, code: 'ORDERPAID', example: '该订单已支付' },
  { apis: ['unifiedOrder', 'closeOrder'], wording: /已关闭/, code: 'ORDERCLOSED', example: '订单已关闭，无法重复关闭' },
  { apis: ['unifiedOrder'], wording: /订单号重复/, code: 'OUT_TRADE_NO_USED', example: '商户订单号重复' },
  { apis: ['unifiedOrder'], wording: /参数/, code: 'INVALID_REQUEST', example: '参数错误' },
  { apis: ['queryOrder', 'closeOrder'], wording: /不存在/, code: 'ORDERNOTEXIST', example: '此交易订单号不存在' },
  { apis: ['closeOrder'], wording: /不能马上|时间间隔/, code: 'INVALID_REQUEST', example: '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟' },
  { apis: ['refund'], wording: /余额不足/, code: 'NOTENOUGH', example: '基本账户余额不足，请充值后重新发起' },
  { apis: ['refund'], wording: /账户异常|已注销/, code: 'USER_ACCOUNT_ABNORMAL', example: '用户账户异常或已注销，不能原路退回，请使用其他方式进行退款' },
  { apis: ['refund'], wording: /超过退款期限/, code: 'TRADE_OVERDUE', example: '订单已经超过退款期限' },
  { apis: ['refund'], wording: /不存在|不能退款|未支付/, code: 'ORDERNOTEXIST', example: '订单已关闭，不能退款' },
  { apis: ['refund'], wording: /退款金额|可退金额|不一致|次数/, code: 'INVALID_REQUEST', example: '申请退款金额超过订单可退金额' },
  { apis: ['queryRefund'], wording: /不存在|查询失败/, code: 'REFUNDNOTEXIST', example: '退款单不存在' },
];

/** WeChat's err_code of a FAIL answer: the code itself when the answer carries one, else read from the description. */
export function wechatErrorCode(apiName: string, answer: CloudPay.Answer): string {
  if (typeof answer.errCode === 'string' && /^[A-Z_]{3,}$/.test(answer.errCode)) return answer.errCode;
  const des = String(answer.errCodeDes ?? '');
  // A description that is itself a code (some answers put the code there) needs no wording.
  if (/^[A-Z][A-Z_]{2,}$/.test(des.trim())) return des.trim();
  const row = DESCRIPTION_CODES.find((r) => (r.apis === '*' || r.apis.includes(apiName)) && r.wording.test(des));
  return row?.code ?? UNCLASSIFIED;
}

/** cloudPay lists refunds as parallel lists (outRefundNoList, refundStatusList…); APIv2 as indexed fields. */
function findRefund(answer: CloudPay.QueryRefundAnswer, outRefundNo: string): RefundStatus {
  const fields = answer as Record<string, unknown>;
  const list = (name: string): unknown[] | undefined => (Array.isArray(fields[`${name}List`]) ? (fields[`${name}List`] as unknown[]) : undefined);
  const numbers = list('outRefundNo');
  let status: unknown;
  let fee: unknown;
  let id: unknown;
  if (numbers) {
    const i = numbers.indexOf(outRefundNo);
    if (i < 0) return { state: 'NOT_FOUND', outRefundNo };
    status = list('refundStatus')?.[i];
    fee = list('refundFee')?.[i];
    id = list('refundId')?.[i];
  } else {
    const count = integer(answer.refundCount) ?? 0;
    let found = -1;
    for (let i = 0; i < count && found < 0; i++) if (fields[`outRefundNo_${i}`] === outRefundNo || fields[`outRefundNo${i}`] === outRefundNo) found = i;
    if (found < 0) return { state: 'NOT_FOUND', outRefundNo };
    status = fields[`refundStatus_${found}`] ?? fields[`refundStatus${found}`];
    fee = fields[`refundFee_${found}`] ?? fields[`refundFee${found}`];
    id = fields[`refundId_${found}`] ?? fields[`refundId${found}`];
  }
  const state = REFUND_STATUSES[String(status)];
  if (!state) throw new ProviderError('BAD_ANSWER', `cloudPay.queryRefund answered an unknown refund status ${String(status)}`, true);
  const result: RefundStatus = { state, outRefundNo };
  const refundFee = integer(fee);
  if (refundFee !== undefined) result.refundFee = refundFee;
  if (id) result.providerRefundId = String(id);
  return result;
}

/**
 * cloudPay's callbacks arrive as the function's event (camelCase) and are answered with {errcode, errmsg}. They are
 * not signed: the event only names the order or refund, and the flows confirm everything with a query.
 */
export const cloudPayNotifications: ProviderNotifications = {
  provider: 'cloudPay',
  async read(incoming, expected) {
    if (incoming.transport !== 'event') return { kind: 'refused', reason: 'cloudPay callbacks arrive as events, not over HTTP' };
    if (expected === 'payment') {
      const outTradeNo = reference(incoming.event, 'outTradeNo', 'out_trade_no');
      return outTradeNo ? { kind: 'payment', outTradeNo } : { kind: 'refused', reason: 'no readable outTradeNo' };
    }
    const outRefundNo = reference(incoming.event, 'outRefundNo', 'out_refund_no');
    return outRefundNo ? { kind: 'refund', outRefundNo } : { kind: 'refused', reason: 'no readable outRefundNo' };
  },
  answer(outcome) {
    // A refused callback is acknowledged: delivering it again cannot make it readable.
    if (outcome.kind === 'retry') return { errcode: 1, errmsg: outcome.reason.slice(0, 100) };
    return { errcode: 0, errmsg: 'OK' };
  },
};

function reference(event: Record<string, unknown>, camel: string, snake: string): string | undefined {
  const value = event[camel] ?? event[snake];
  return typeof value === 'string' && /^[0-9A-Za-z_-]{1,64}$/.test(value) ? value : undefined;
}

function sdkErrorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { errCode?: unknown; errMsg?: unknown; message?: unknown };
    const text = typeof e.errMsg === 'string' ? e.errMsg : typeof e.message === 'string' ? e.message : 'unknown error';
    return `${e.errCode !== undefined ? `${String(e.errCode)} ` : ''}${text}`.slice(0, 200);
  }
  return String(err).slice(0, 200);
}
