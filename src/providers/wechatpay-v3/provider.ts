// WeChat Pay APIv3 for a directly connected merchant (直连商户): JSAPI order, query, close, domestic refund and refund
// query, as signed JSON. Every request is signed with the merchant's key; every answer is verified over its raw bytes
// with the WeChat Pay key it names before a single field of it is believed.
import type { KeyObject } from 'node:crypto';
import type { PaymentParams } from '../../../typings/api';
import {
  ProviderError,
  ProviderOutcomeUnknown,
  type PaymentProvider,
  type PaymentState,
  type PaymentStatus,
  type RefundState,
  type RefundStatus,
} from '../payment-provider';
import { TRADE_STATES, closeOrder, fitBytes, fitChars } from '../wechat-fields';
import { classifyV3Error, errorBody } from './codes';
import { authorizationHeader, paySignMessage, requestMessage } from './formatter';
import type { VerifierKeys } from './keys';
import { signRsa } from './rsa';
import { verifyWechatPaySignature } from './verify';

export interface V3Request {
  method: 'GET' | 'POST';
  /** Path with query, exactly as signed, e.g. `/v3/pay/transactions/out-trade-no/X?mchid=1900000000`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface V3Response {
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

/** Sends one request to WeChat Pay (https, TLS verified). Throws ProviderOutcomeUnknown when sent but not answered. */
export type V3Transport = (request: V3Request) => Promise<V3Response>;

export interface WechatPayV3Config {
  mchid: string;
  /** The mini-program's appid: orders are made for it and paySign's first line is it. */
  appid: string;
  merchantKey: KeyObject;
  /** The merchant API certificate's serial (Authorization `serial_no`). */
  merchantSerial: string;
  verifierKeys: VerifierKeys;
  payNotifyUrl: string;
  refundNotifyUrl: string;
  transport: V3Transport;
  now: () => Date;
  nonce: () => string;
}

/** APIv3 also answers ACCEPT (received, waiting to be charged). */
const V3_TRADE_STATES: Readonly<Record<string, PaymentState>> = { ...TRADE_STATES, ACCEPT: 'PAYING' };

const REFUND_STATES: Record<string, RefundState> = {
  SUCCESS: 'SUCCEEDED',
  PROCESSING: 'PROCESSING',
  CLOSED: 'FAILED',
  ABNORMAL: 'ABNORMAL',
};

export function createWechatPayV3Provider(config: WechatPayV3Config): PaymentProvider {
  const client = v3Client(config);
  return {
    name: 'wechatpay-v3',

    async createPayment(request) {
      const body = {
        appid: config.appid,
        mchid: config.mchid,
        description: fitBytes(request.description, 127),
        out_trade_no: request.outTradeNo,
        notify_url: config.payNotifyUrl,
        amount: { total: request.totalFee, currency: 'CNY' },
        payer: { openid: request.payerOpenid },
        scene_info: { payer_client_ip: request.clientIp },
        ...(request.attach ? { attach: fitBytes(request.attach, 127) } : {}),
        ...(request.expiresAt ? { time_expire: rfc3339China(request.expiresAt) } : {}),
      };
      const answer = await client.call('createPayment', 'POST', '/v3/pay/transactions/jsapi', body, true);
      const prepayId = stringField(answer, 'prepay_id');
      if (!prepayId) throw new ProviderError('BAD_ANSWER', 'the JSAPI order answer has no prepay_id', true);
      return { payment: paymentParams(config, prepayId) };
    },

    async queryPayment(outTradeNo) {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(config.mchid)}`;
      let answer: Record<string, unknown>;
      try {
        answer = await client.call('queryPayment', 'GET', path, undefined, false);
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'ORDER_NOT_EXIST') return { state: 'NOT_FOUND', outTradeNo };
        throw err;
      }
      const tradeState = stringField(answer, 'trade_state');
      const state = tradeState ? V3_TRADE_STATES[tradeState] : undefined;
      if (!state) throw new ProviderError('BAD_ANSWER', `the order query answered an unknown trade_state ${String(tradeState)}`, true);
      const appid = stringField(answer, 'appid');
      if (appid !== undefined && appid !== config.appid) throw new ProviderError('WRONG_APPID', 'the order query answered for another appid', true);
      const status: PaymentStatus = { state, outTradeNo: stringField(answer, 'out_trade_no') ?? outTradeNo };
      const amount = answer.amount;
      const total = amount && typeof amount === 'object' ? (amount as Record<string, unknown>).total : undefined;
      if (typeof total === 'number' && Number.isSafeInteger(total)) status.totalFee = total;
      const mchid = stringField(answer, 'mchid');
      if (mchid) status.merchantId = mchid;
      const transactionId = stringField(answer, 'transaction_id');
      if (transactionId) status.transactionId = transactionId;
      const successTime = stringField(answer, 'success_time');
      const paidAt = successTime ? new Date(successTime) : undefined;
      if (paidAt && !Number.isNaN(paidAt.getTime())) status.paidAt = paidAt;
      const attach = stringField(answer, 'attach');
      if (attach !== undefined) status.attach = attach;
      return status;
    },

    async closePayment(outTradeNo) {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`;
      return closeOrder(() => client.call('closePayment', 'POST', path, { mchid: config.mchid }, true), { paid: 'ORDER_PAID', closed: 'ORDER_CLOSED', notExist: 'ORDER_NOT_EXIST' });
    },

    async refund(request) {
      const body = {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        ...(request.reason ? { reason: fitChars(request.reason, 80) } : {}),
        notify_url: config.refundNotifyUrl,
        amount: { refund: request.refundFee, total: request.totalFee, currency: 'CNY' },
      };
      const answer = await client.call('refund', 'POST', '/v3/refund/domestic/refunds', body, true);
      if (stringField(answer, 'out_refund_no') !== request.outRefundNo) {
        throw new ProviderOutcomeUnknown('BAD_ANSWER', 'the refund answer names another out_refund_no');
      }
      const refundId = stringField(answer, 'refund_id');
      return refundId ? { providerRefundId: refundId } : {};
    },

    async queryRefund(outRefundNo) {
      let answer: Record<string, unknown>;
      try {
        answer = await client.call('queryRefund', 'GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`, undefined, false);
      } catch (err) {
        if (err instanceof ProviderError && (err.code === 'RESOURCE_NOT_EXISTS' || err.code === 'ORDER_NOT_EXIST')) return { state: 'NOT_FOUND', outRefundNo };
        throw err;
      }
      const refundStatus = stringField(answer, 'status');
      const state = refundStatus ? REFUND_STATES[refundStatus] : undefined;
      if (!state) throw new ProviderError('BAD_ANSWER', `the refund query answered an unknown status ${String(refundStatus)}`, true);
      if (stringField(answer, 'out_refund_no') !== outRefundNo) throw new ProviderError('BAD_ANSWER', 'the refund query answered for another refund', true);
      const status: RefundStatus = { state, outRefundNo };
      const amount = answer.amount;
      const refund = amount && typeof amount === 'object' ? (amount as Record<string, unknown>).refund : undefined;
      if (typeof refund === 'number' && Number.isSafeInteger(refund)) status.refundFee = refund;
      const refundId = stringField(answer, 'refund_id');
      if (refundId) status.providerRefundId = refundId;
      return status;
    },
  };
}

/** The object for `wx.requestPayment`: signType RSA, paySign by the merchant's key over the four lines. */
export function paymentParams(config: Pick<WechatPayV3Config, 'appid' | 'merchantKey' | 'now' | 'nonce'>, prepayId: string): PaymentParams {
  const timeStamp = String(Math.floor(config.now().getTime() / 1000));
  const nonceStr = config.nonce();
  const pkg = `prepay_id=${prepayId}`;
  return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: signRsa(paySignMessage(config.appid, timeStamp, nonceStr, pkg), config.merchantKey) };
}

/** Signs, sends, verifies, and turns every failure into the provider interface's errors. */
export function v3Client(config: WechatPayV3Config) {
  return {
    async call(api: string, method: 'GET' | 'POST', path: string, json: unknown, acts: boolean): Promise<Record<string, unknown>> {
      const body = json === undefined ? '' : JSON.stringify(json);
      const timestamp = String(Math.floor(config.now().getTime() / 1000));
      const nonce = config.nonce();
      const signature = signRsa(requestMessage(method, path, timestamp, nonce, body), config.merchantKey);
      const headers: Record<string, string> = {
        authorization: authorizationHeader({ mchid: config.mchid, nonce, timestamp, serial: config.merchantSerial, signature }),
        accept: 'application/json',
        'user-agent': 'wx-orders-pay-refund (wechatpay-apiv3)',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      };
      const response = await config.transport({ method, path, headers, ...(method === 'POST' ? { body: Buffer.from(body, 'utf8') } : {}) });
      const verified = verifyWechatPaySignature(response.headers, response.body, config.verifierKeys, config.now());
      // WeChat Pay's successes are 200 (with a body) and 204. Other 2xx answers are refusals in a success's status:
      // close answers 202 USER_PAYING, and closes nothing, while the buyer is entering the password.
      const success = response.status === 200 || response.status === 204;
      if (!verified.ok) {
        // Not from WeChat Pay as far as we can tell: believe neither a success nor a refusal. For a call that acts,
        // it may still have happened; the caller repeats it with the same numbers or queries.
        const claimed = success ? `${response.status}` : `${response.status} ${errorBody(response.status, response.body).code}`;
        const message = `${api}: the answer (${claimed}) is not verified as WeChat Pay's: ${verified.reason}`;
        if (acts) throw new ProviderOutcomeUnknown('ANSWER_UNVERIFIED', message);
        throw new ProviderError('ANSWER_UNVERIFIED', message, true);
      }
      if (!success) {
        const { code, message } = errorBody(response.status, response.body);
        const text = `${api}: WeChat Pay answered ${response.status} ${code}${message ? ` (${message})` : ''}`;
        const kind = classifyV3Error(response.status, code, acts);
        if (kind === 'unknown') throw new ProviderOutcomeUnknown(code, text);
        throw new ProviderError(code, text, kind === 'retryable');
      }
      if (response.status === 204 || response.body.length === 0) return {};
      try {
        const parsed: unknown = JSON.parse(response.body.toString('utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // fall through
      }
      if (acts) throw new ProviderOutcomeUnknown('BAD_ANSWER', `${api}: the answer is not a JSON object`);
      throw new ProviderError('BAD_ANSWER', `${api}: the answer is not a JSON object`, true);
    },
  };
}

function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

/** `2026-11-29T08:30:00+08:00`: WeChat's time_expire, in China time. */
export function rfc3339China(at: Date): string {
  const china = new Date(at.getTime() + 8 * 3600_000);
  return `${china.toISOString().slice(0, 19)}+08:00`;
}
