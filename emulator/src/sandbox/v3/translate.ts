// APIv3 and the sandbox's rules say the same things with other names and shapes: v3 is nested JSON with RFC 3339
// times and HTTP status errors, the rules read cloudPay's snake_case fields and answer `err_code`s. These pure
// functions translate both ways, so APIv3 runs on the one ledger every protocol shares.
import { compactTime } from '../ids';
import { PROVIDER, type Refund } from '../model';
import type { PayAnswer } from '../answers';
import type { PayApi } from '../faults';

export type Json = Record<string, unknown>;

/** A v3 answer before signing. */
export interface V3Reply {
  status: number;
  body?: Json;
}

/** How each of the rules' failures is told in APIv3: an HTTP status and a code (message stays the rules' own). */
const ERRORS: Readonly<Record<string, { status: number; code: string }>> = {
  LACK_PARAMS: { status: 400, code: 'PARAM_ERROR' },
  PARAM_ERROR: { status: 400, code: 'PARAM_ERROR' },
  INVALID_REQUEST: { status: 400, code: 'INVALID_REQUEST' },
  ORDERPAID: { status: 400, code: 'ORDER_PAID' },
  ORDERCLOSED: { status: 400, code: 'ORDER_CLOSED' },
  ORDERNOTEXIST: { status: 404, code: 'ORDER_NOT_EXIST' },
  REFUNDNOTEXIST: { status: 404, code: 'RESOURCE_NOT_EXISTS' },
  OUT_TRADE_NO_USED: { status: 403, code: 'OUT_TRADE_NO_USED' },
  TRADE_OVERDUE: { status: 400, code: 'INVALID_REQUEST' },
  SYSTEMERROR: { status: 500, code: 'SYSTEM_ERROR' },
  NOTENOUGH: { status: 403, code: 'NOT_ENOUGH' },
  FREQUENCY_LIMITED: { status: 429, code: 'FREQUENCY_LIMITED' },
  USER_ACCOUNT_ABNORMAL: { status: 403, code: 'USER_ACCOUNT_ABNORMAL' },
  // Not an error in APIv3's eyes: close answers 202 while the buyer is entering the password, and closes nothing.
  USERPAYING: { status: 202, code: 'USER_PAYING' },
};

/**
 * Where one API words a failure its own way: a refund for an order WeChat does not know (or that is not paid) is
 * 404 RESOURCE_NOT_EXISTS ("订单不存在"), where query and close say ORDER_NOT_EXIST.
 */
const API_ERRORS: Readonly<Partial<Record<PayApi, Readonly<Record<string, { status: number; code: string }>>>>> = {
  refund: { ORDERNOTEXIST: { status: 404, code: 'RESOURCE_NOT_EXISTS' } },
};

export function v3Error(status: number, code: string, message: string): V3Reply {
  return { status, body: { code, message } };
}

/** A rules' `err_code` as `api` answers it in APIv3. */
export function v3Refusal(errCode: string, message: string, api: PayApi): V3Reply {
  const mapped = API_ERRORS[api]?.[errCode] ?? ERRORS[errCode] ?? { status: 400, code: 'INVALID_REQUEST' };
  return v3Error(mapped.status, mapped.code, message);
}

/** A failed sandbox answer as APIv3 tells it; undefined when the answer is a success. */
export function v3Failure(answer: PayAnswer, api: PayApi): V3Reply | undefined {
  if (answer.return_code !== 'SUCCESS') return v3Error(400, 'PARAM_ERROR', String(answer.return_msg ?? '参数错误'));
  if (answer.result_code === 'SUCCESS') return undefined;
  const errCode = String(answer.err_code ?? 'SYSTEMERROR');
  return v3Refusal(errCode, String(answer.err_code_des ?? errCode), api);
}

/** Reads a JSON object body; undefined for anything else. */
export function jsonObject(body: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function object(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** `2026-11-29T10:34:56+08:00` → epoch ms; undefined if not an RFC 3339 time with an offset. */
export function parseRfc3339(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** An instant in China time as WeChat Pay writes it in APIv3. */
export function rfc3339(at: number): string {
  const c = compactTime(at);
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}T${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}+08:00`;
}

/** `yyyyMMddHHmmss` or `yyyy-MM-dd HH:mm:ss` (China time, as the cloudPay events say) → RFC 3339. */
export function rfc3339FromChina(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const digits = value.replace(/[^0-9]/g, '');
  if (digits.length !== 14) return undefined;
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12, 14)}+08:00`;
}

/**
 * POST /v3/pay/transactions/jsapi as the rules' unifiedOrder params; a v3 error when the request cannot be one
 * (the body's mchid must be the signing merchant's; JSAPI needs the payer's openid).
 */
export function jsapiParams(body: Json, mchid: string, nonce: string): { ok: true; params: Json } | { ok: false; reply: V3Reply } {
  if (body.mchid !== mchid) return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'mchid 与请求签名的商户号不一致') };
  const amount = object(body.amount);
  const payer = object(body.payer);
  const scene = object(body.scene_info);
  if (amount.currency !== undefined && amount.currency !== 'CNY') return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'amount.currency 仅支持CNY') };
  if (typeof payer.openid !== 'string' || payer.openid === '') return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'JSAPI支付必须传openid') };
  let timeExpire: string | undefined;
  if (body.time_expire !== undefined) {
    const at = typeof body.time_expire === 'string' ? parseRfc3339(body.time_expire) : undefined;
    if (at === undefined) return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'time_expire 须为 RFC3339 格式，如 2018-06-08T10:34:56+08:00') };
    timeExpire = compactTime(at);
  }
  return {
    ok: true,
    params: {
      sub_mch_id: mchid,
      sub_appid: body.appid,
      body: body.description,
      out_trade_no: body.out_trade_no,
      total_fee: amount.total,
      spbill_create_ip: typeof scene.payer_client_ip === 'string' ? scene.payer_client_ip : '127.0.0.1',
      notify_url: body.notify_url,
      trade_type: 'JSAPI',
      openid: payer.openid,
      nonce_str: nonce,
      ...(body.attach !== undefined ? { attach: body.attach } : {}),
      ...(timeExpire ? { time_expire: timeExpire } : {}),
    },
  };
}

/** GET /v3/pay/transactions/out-trade-no/{no}: the rules' queryOrder answer as a v3 transaction. */
export function transactionBody(answer: PayAnswer, mchid: string): Json {
  const paid = typeof answer.transaction_id === 'string' && answer.transaction_id !== '';
  return {
    appid: answer.sub_appid,
    mchid,
    out_trade_no: answer.out_trade_no,
    ...(paid ? { transaction_id: answer.transaction_id } : {}),
    trade_type: answer.trade_type,
    trade_state: answer.trade_state,
    trade_state_desc: answer.trade_state_desc,
    ...(paid ? { bank_type: answer.bank_type, success_time: rfc3339FromChina(answer.time_end), payer: { openid: answer.sub_openid } } : {}),
    ...(answer.attach !== undefined ? { attach: answer.attach } : {}),
    amount: { total: answer.total_fee, currency: 'CNY', ...(paid ? { payer_total: answer.total_fee, payer_currency: 'CNY' } : {}) },
  };
}

/** POST /v3/refund/domestic/refunds as the rules' refund params. */
export function refundParams(body: Json, mchid: string, nonce: string): { ok: true; params: Json } | { ok: false; reply: V3Reply } {
  const amount = object(body.amount);
  if (amount.currency !== undefined && amount.currency !== 'CNY') return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'amount.currency 仅支持CNY') };
  if (body.notify_url !== undefined && typeof body.notify_url !== 'string') return { ok: false, reply: v3Error(400, 'PARAM_ERROR', 'notify_url 须为字符串') };
  return {
    ok: true,
    params: {
      sub_mch_id: mchid,
      ...(body.out_trade_no !== undefined ? { out_trade_no: body.out_trade_no } : {}),
      ...(body.transaction_id !== undefined ? { transaction_id: body.transaction_id } : {}),
      out_refund_no: body.out_refund_no,
      total_fee: amount.total,
      refund_fee: amount.refund,
      ...(body.reason !== undefined ? { refund_desc: body.reason } : {}),
      ...(body.notify_url !== undefined ? { notify_url: body.notify_url } : {}),
      nonce_str: nonce,
    },
  };
}

const REFUND_STATUS: Readonly<Record<Refund['status'], string>> = { SUCCESS: 'SUCCESS', PROCESSING: 'PROCESSING', REFUNDCLOSE: 'CLOSED', CHANGE: 'ABNORMAL' };

/** A refund record as APIv3's refund (the answer of refund and refund query). */
export function refundBody(refund: Refund): Json {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: PROVIDER.refundRecvAccount,
    ...(refund.status === 'SUCCESS' && refund.settledAt !== undefined ? { success_time: rfc3339(refund.settledAt) } : {}),
    create_time: rfc3339(refund.createdAt),
    status: REFUND_STATUS[refund.status],
    funds_account: 'UNSETTLED',
    amount: {
      total: refund.totalFee,
      refund: refund.refundFee,
      payer_total: refund.totalFee,
      payer_refund: refund.refundFee,
      settlement_total: refund.totalFee,
      settlement_refund: refund.refundFee,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}

/** The cloudPay-shaped result event (the notifier's neutral form) as a v3 notify: event type, summary, plain resource. */
export function notifyResource(kind: 'payment' | 'refund', event: Json): { eventType: string; summary: string; originalType: 'transaction' | 'refund'; resource: Json } {
  if (kind === 'payment') {
    return {
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      resource: {
        mchid: event.subMchId,
        appid: event.subAppid,
        out_trade_no: event.outTradeNo,
        transaction_id: event.transactionId,
        trade_type: event.tradeType ?? 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: event.bankType,
        ...(event.attach !== undefined ? { attach: event.attach } : {}),
        success_time: rfc3339FromChina(event.timeEnd),
        payer: { openid: event.subOpenid },
        amount: { total: event.totalFee, payer_total: event.totalFee, currency: 'CNY', payer_currency: 'CNY' },
      },
    };
  }
  const status = REFUND_STATUS[event.refundStatus as Refund['status']] ?? 'PROCESSING';
  const eventType = status === 'SUCCESS' ? 'REFUND.SUCCESS' : status === 'CLOSED' ? 'REFUND.CLOSED' : 'REFUND.ABNORMAL';
  const summary = status === 'SUCCESS' ? '退款成功' : status === 'CLOSED' ? '退款关闭' : '退款异常';
  return {
    eventType,
    summary,
    originalType: 'refund',
    resource: {
      mchid: event.subMchId,
      out_trade_no: event.outTradeNo,
      transaction_id: event.transactionId,
      out_refund_no: event.outRefundNo,
      refund_id: event.refundId,
      refund_status: status,
      ...(event.successTime !== undefined ? { success_time: rfc3339FromChina(event.successTime) } : {}),
      user_received_account: event.refundRecvAccout,
      amount: { total: event.totalFee, refund: event.refundFee, payer_total: event.totalFee, payer_refund: event.refundFee },
    },
  };
}
