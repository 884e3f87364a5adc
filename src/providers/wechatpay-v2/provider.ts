// WeChat Pay APIv2 for a mini-program (JSAPI): signed XML over HTTPS to the merchant's own WeChat Pay account.
// Every answer is checked before it is believed: signature with the APIv2 key, then appid and mch_id; a FAIL is
// read from err_code (codes.ts). Refunds go over mutual TLS with the merchant certificate; the server certificate
// is always verified (https-client.ts).
import type { PaymentParams } from '../../../typings/api';
import { chinaTimeDigits } from '../../domain/ids';
import type { HttpsClient } from '../https-client';
import {
  ProviderError,
  ProviderOutcomeUnknown,
  type PaymentProvider,
  type RefundStatus,
} from '../payment-provider';
import { REFUND_STATUSES, TRADE_STATES, V2_CLOSE_REFUSALS, closeOrder, fitBytes, fitChars, integer, queriedPayment } from '../wechat-fields';
import { v2Failure } from './codes';
import { isV2SignType, signV2, verifyV2, type V2Fields, type V2SignType } from './sign';
import { buildV2Xml, parseV2Xml } from './xml';

export interface V2Config {
  appid: string;
  mchId: string;
  apiKey: string;
  signType: V2SignType;
  /** e.g. https://api.mch.weixin.qq.com, without a trailing slash. */
  baseUrl: string;
  payNotifyUrl: string;
  refundNotifyUrl: string;
  /** Server certificate verified; no client certificate. */
  http: HttpsClient;
  /** The same, presenting the merchant certificate (apiclient_cert.pem): required by /secapi/pay/refund. */
  mtls: HttpsClient | undefined;
  /** From crypto.randomBytes; at most 32 characters. */
  nonce: () => string;
  now: () => Date;
}

export function createV2Provider(config: V2Config): PaymentProvider {
  const call = (api: string, path: string, fields: V2Fields, acts: boolean, options: CallOptions = {}) => callV2(config, api, path, fields, acts, options);

  return {
    name: 'wechatpay-v2',

    async createPayment(request) {
      const answer = await call('unifiedorder', '/pay/unifiedorder', {
        body: fitBytes(request.description, 128),
        out_trade_no: request.outTradeNo,
        total_fee: request.totalFee,
        spbill_create_ip: request.clientIp,
        notify_url: config.payNotifyUrl,
        trade_type: 'JSAPI',
        openid: request.payerOpenid,
        attach: request.attach ? fitBytes(request.attach, 127) : undefined,
        time_expire: request.expiresAt ? chinaTimeDigits(request.expiresAt).slice(0, 14) : undefined,
      }, true);
      const prepayId = answer.prepay_id;
      if (!prepayId) throw new ProviderOutcomeUnknown('BAD_ANSWER', 'wechatpay-v2 unifiedorder answered SUCCESS without a prepay_id');
      return { payment: requestPaymentParams(config, prepayId) };
    },

    async queryPayment(outTradeNo) {
      let answer: Record<string, string>;
      try {
        // mch_id is passed on as merchantId: confirmPayment records a payment to another merchant as an anomaly.
        answer = await call('orderquery', '/pay/orderquery', { out_trade_no: outTradeNo }, false, { merchantCheckedByCaller: true });
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'ORDERNOTEXIST') return { state: 'NOT_FOUND', outTradeNo };
        throw err;
      }
      const state = TRADE_STATES[answer.trade_state ?? ''];
      if (!state) throw new ProviderError('BAD_ANSWER', `wechatpay-v2 orderquery answered an unknown trade_state ${answer.trade_state ?? '(none)'}`, true);
      if (answer.out_trade_no !== undefined && answer.out_trade_no !== outTradeNo) {
        throw new ProviderError('BAD_ANSWER', `wechatpay-v2 orderquery answered about ${answer.out_trade_no}, not ${outTradeNo}`, true);
      }
      return queriedPayment(state, outTradeNo, {
        totalFee: answer.total_fee,
        merchantId: answer.mch_id,
        transactionId: answer.transaction_id,
        timeEnd: answer.time_end,
        attach: answer.attach,
      });
    },

    closePayment(outTradeNo) {
      return closeOrder(() => call('closeorder', '/pay/closeorder', { out_trade_no: outTradeNo }, true), V2_CLOSE_REFUSALS);
    },

    async refund(request) {
      const answer = await call('refund', '/secapi/pay/refund', {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        total_fee: request.totalFee,
        refund_fee: request.refundFee,
        refund_desc: request.reason ? fitChars(request.reason, 80) : undefined,
        notify_url: config.refundNotifyUrl,
      }, true, { mtls: true });
      if (answer.out_refund_no !== undefined && answer.out_refund_no !== request.outRefundNo) {
        throw new ProviderOutcomeUnknown('BAD_ANSWER', `wechatpay-v2 refund answered about ${answer.out_refund_no}, not ${request.outRefundNo}`);
      }
      return answer.refund_id ? { providerRefundId: answer.refund_id } : {};
    },

    async queryRefund(outRefundNo) {
      let answer: Record<string, string>;
      try {
        answer = await call('refundquery', '/pay/refundquery', { out_refund_no: outRefundNo }, false);
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'REFUNDNOTEXIST') return { state: 'NOT_FOUND', outRefundNo };
        throw err;
      }
      return findRefund(answer, outRefundNo);
    },
  };
}

/**
 * What the page passes to wx.requestPayment. WeChat checks paySign over exactly these five names (appId with a
 * capital I), signed with the same algorithm and key as the unifiedorder call.
 */
export function requestPaymentParams(config: Pick<V2Config, 'appid' | 'apiKey' | 'signType' | 'nonce' | 'now'>, prepayId: string): PaymentParams {
  const signed = {
    appId: config.appid,
    timeStamp: String(Math.floor(config.now().getTime() / 1000)),
    nonceStr: config.nonce(),
    package: `prepay_id=${prepayId}`,
    signType: config.signType,
  };
  return { ...signed, paySign: signV2(signed, config.apiKey, config.signType) };
}

interface CallOptions {
  /** Present the merchant certificate (mutual TLS). */
  mtls?: boolean;
  /** The answer's mch_id is returned to a caller that compares it with the shop's, rather than refused here. */
  merchantCheckedByCaller?: boolean;
}

/**
 * One signed request and its checked answer. `acts`: the call changes something at WeChat Pay, so an answer we
 * cannot believe leaves its outcome unknown rather than "nothing happened".
 */
async function callV2(config: V2Config, api: string, path: string, fields: V2Fields, acts: boolean, options: CallOptions): Promise<Record<string, string>> {
  const client = options.mtls ? config.mtls : config.http;
  if (!client) throw new ProviderError('NOT_CONFIGURED', `wechatpay-v2 ${api} needs the merchant certificate and key (WECHATPAY_MERCHANT_CERT, WECHATPAY_MERCHANT_KEY)`, true);
  const message: Record<string, string | number | undefined> = {
    ...fields,
    appid: config.appid,
    mch_id: config.mchId,
    nonce_str: config.nonce(),
    sign_type: config.signType,
  };
  message.sign = signV2(message, config.apiKey, config.signType);
  const answer = await client.send({
    method: 'POST',
    url: `${config.baseUrl}${path}`,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: buildV2Xml(message),
    label: `wechatpay-v2 ${api}`,
  });
  const doubt = (code: string, text: string) => (acts ? new ProviderOutcomeUnknown(code, `wechatpay-v2 ${api}: ${text}`) : new ProviderError(code, `wechatpay-v2 ${api}: ${text}`, true));
  if (answer.status !== 200) throw doubt('HTTP_STATUS', `answered HTTP ${answer.status}`);
  let reply: Record<string, string>;
  try {
    reply = parseV2Xml(answer.body);
  } catch (err) {
    throw doubt('BAD_ANSWER', `answered something that is not APIv2 XML (${err instanceof Error ? err.message : String(err)})`);
  }
  if (reply.return_code !== 'SUCCESS') {
    // A communication-level refusal (format, signature, parameters): WeChat did nothing. The answer is not signed,
    // so it never ends anything by itself (a refund answered so stays open and is retried).
    throw new ProviderError('RETURN_FAIL', `wechatpay-v2 ${api}: ${(reply.return_msg ?? 'return_code FAIL').slice(0, 120)}`, true);
  }
  const signType = reply.sign_type === undefined ? config.signType : isV2SignType(reply.sign_type) ? reply.sign_type : undefined;
  if (!signType || !verifyV2(reply, config.apiKey, signType)) throw doubt('BAD_SIGNATURE', 'the answer is not signed with this merchant\'s APIv2 key');
  if (reply.appid !== undefined && reply.appid !== config.appid) throw doubt('BAD_ANSWER', 'the answer is for another appid');
  if (reply.mch_id !== undefined && reply.mch_id !== config.mchId && !options.merchantCheckedByCaller) throw doubt('BAD_ANSWER', 'the answer is for another merchant');
  if (reply.result_code !== 'SUCCESS') throw v2Failure(api, acts, reply.err_code, reply.err_code_des);
  return reply;
}

/** refundquery lists an order's refunds as indexed fields: out_refund_no_0, refund_status_0, … */
function findRefund(answer: Record<string, string>, outRefundNo: string): RefundStatus {
  const count = integer(answer.refund_count) ?? 0;
  for (let i = 0; i < Math.min(count, 100); i++) {
    if (answer[`out_refund_no_${i}`] !== outRefundNo) continue;
    const status = answer[`refund_status_${i}`] ?? '';
    const state = REFUND_STATUSES[status];
    if (!state) throw new ProviderError('BAD_ANSWER', `wechatpay-v2 refundquery answered an unknown refund_status ${status || '(none)'}`, true);
    const result: RefundStatus = { state, outRefundNo };
    const fee = integer(answer[`refund_fee_${i}`]);
    if (fee !== undefined) result.refundFee = fee;
    const id = answer[`refund_id_${i}`];
    if (id) result.providerRefundId = id;
    return result;
  }
  return { state: 'NOT_FOUND', outRefundNo };
}
