// WeChat Pay's rules for the five cloudPay APIs, as pure functions: validate a request (snake_case JSON, as the SDK
// sends it), then decide what happens to the provider's state. No I/O here, so every rule is unit-tested alone.
import { isIP } from 'node:net';
import { committedRefundFee, type PayProtocol, type Refund, type RefundStatus, type Trade } from './model';
import { parseCompactTime } from './ids';

/** A business failure (`result_code: FAIL`) or a protocol failure (`return_code: FAIL`). */
export type PayFailure = { level: 'result'; errCode: string; errCodeDes: string } | { level: 'return'; returnMsg: string };

export type Checked<T> = { ok: true; value: T } | { ok: false; failure: PayFailure };

const fail = (errCode: string, errCodeDes: string): { ok: false; failure: PayFailure } => ({ ok: false, failure: { level: 'result', errCode, errCodeDes } });

/** out_trade_no: 32 characters at most of digits, letters and `_-|*@`; out_refund_no the same up to 64. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{1,32}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const SUB_MCH_ID = /^[0-9]{1,32}$/;

export const MAX_REFUNDS_PER_TRADE = 50;
/**
 * How each protocol's close treats a young trade and one the buyer is paying. APIv2 (and cloudPay, which is APIv2
 * underneath) refuse to close in a trade's first 5 minutes ("订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟");
 * APIv3 has no such rule, but answers 202 USER_PAYING and closes nothing while the buyer is entering the password.
 * The minimum age is scaled by the local cloud's time factor.
 */
export interface CloseRules {
  minAgeMs: number;
  refusePaying: boolean;
}

export const CLOSE_RULES: Readonly<Record<PayProtocol, CloseRules>> = {
  cloudpay: { minAgeMs: 5 * 60_000, refusePaying: false },
  v2: { minAgeMs: 5 * 60_000, refusePaying: false },
  v3: { minAgeMs: 0, refusePaying: true },
};
const REFUND_WINDOW_MS = 365 * 24 * 3600_000;

type Params = Record<string, unknown>;

class FieldReader {
  private missing?: string;
  private invalid?: { field: string; why: string };

  constructor(private readonly params: Params) {}

  /** A required string; records the first missing or invalid field. */
  text(name: string, max: number, pattern?: RegExp): string {
    const v = this.params[name];
    if (v === undefined || v === null || v === '') {
      this.missing ??= name;
      return '';
    }
    return this.check(name, v, max, pattern) ?? '';
  }

  optionalText(name: string, max: number, pattern?: RegExp): string | undefined {
    const v = this.params[name];
    if (v === undefined || v === null || v === '') return undefined;
    return this.check(name, v, max, pattern);
  }

  /** A required amount in fen: a JSON integer ≥ 1 (cloudPay takes `Int`, never a float or a string). */
  fen(name: string): number {
    const v = this.params[name];
    if (v === undefined || v === null || v === '') {
      this.missing ??= name;
      return 0;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      this.invalid ??= { field: name, why: '必须为大于0的整数，单位为分' };
      return 0;
    }
    return v;
  }

  reject(field: string, why: string): void {
    this.invalid ??= { field, why };
  }

  outcome<T>(value: T, invalidCode: string): Checked<T> {
    if (this.missing) return fail('LACK_PARAMS', `缺少参数 ${this.missing}`);
    if (this.invalid) return fail(invalidCode, `参数错误 ${this.invalid.field}: ${this.invalid.why}`);
    return { ok: true, value };
  }

  private check(name: string, v: unknown, max: number, pattern?: RegExp): string | undefined {
    if (typeof v !== 'string') {
      this.invalid ??= { field: name, why: '必须为字符串' };
      return undefined;
    }
    if ([...v].length > max) {
      this.invalid ??= { field: name, why: `长度不能超过${max}` };
      return undefined;
    }
    if (pattern && !pattern.test(v)) {
      this.invalid ??= { field: name, why: '格式不正确' };
      return undefined;
    }
    return v;
  }
}

// ---- unifiedOrder ------------------------------------------------------------------------------------------

export interface UnifiedOrderRequest {
  body: string;
  attach?: string;
  outTradeNo: string;
  totalFee: number;
  feeType: string;
  spbillCreateIp: string;
  subMchId: string;
  subAppid?: string;
  tradeType: string;
  subOpenid?: string;
  functionName: string;
  envId: string;
  notifyUrl?: string;
  expiresAt?: number;
}

/** Where WeChat sends a result: a function by name (cloudPay) or a URL (APIv2, APIv3). */
export type NotifyTarget = 'function' | 'url';

/** notify_url: an http(s) URL without a query string ("不能携带参数"), 256 characters at most. */
export function isNotifyUrl(value: string): boolean {
  if (value.length > 256) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export function checkUnifiedOrder(params: Params, now: number, target: NotifyTarget = 'function'): Checked<UnifiedOrderRequest> {
  const r = new FieldReader(params);
  const byUrl = target === 'url';
  const req: UnifiedOrderRequest = {
    body: r.text('body', 128),
    attach: r.optionalText('attach', 127),
    outTradeNo: r.text('out_trade_no', 32, OUT_TRADE_NO),
    totalFee: r.fen('total_fee'),
    feeType: r.optionalText('fee_type', 16) ?? 'CNY',
    spbillCreateIp: r.text('spbill_create_ip', 64),
    subMchId: r.text('sub_mch_id', 32, SUB_MCH_ID),
    subAppid: r.optionalText('sub_appid', 32),
    tradeType: r.optionalText('trade_type', 16) ?? 'JSAPI',
    // cloudPay fills the buyer from the calling user; a request may also name them (sub_openid, or openid).
    subOpenid: r.optionalText('sub_openid', 128) ?? r.optionalText('openid', 128),
    functionName: byUrl ? '' : r.text('function_name', 60),
    envId: byUrl ? '' : r.text('env_id', 64),
    notifyUrl: byUrl ? r.text('notify_url', 256) : undefined,
  };
  if (req.notifyUrl && !isNotifyUrl(req.notifyUrl)) r.reject('notify_url', '必须为http或https的URL，且不能携带参数');
  r.text('nonce_str', 32);
  r.optionalText('detail', 6000);
  r.optionalText('device_info', 32);
  if (req.spbillCreateIp && isIP(req.spbillCreateIp) === 0) r.reject('spbill_create_ip', '必须为IPv4或IPv6地址');
  if (req.feeType !== 'CNY') r.reject('fee_type', '仅支持CNY');
  if (req.tradeType !== 'JSAPI') r.reject('trade_type', '本地沙箱仅支持JSAPI（小程序支付）');
  const timeStart = r.optionalText('time_start', 14);
  const timeExpire = r.optionalText('time_expire', 14);
  const start = timeStart === undefined ? now : parseCompactTime(timeStart);
  if (start === undefined) r.reject('time_start', '格式应为yyyyMMddHHmmss');
  if (timeExpire !== undefined) {
    const expire = parseCompactTime(timeExpire);
    // WeChat wants at least one minute between the start and the expiry.
    if (expire === undefined || start === undefined || expire - start < 60_000) r.reject('time_expire', '格式应为yyyyMMddHHmmss，且至少晚于time_start 1分钟');
    else req.expiresAt = expire;
  }
  return r.outcome(req, 'INVALID_REQUEST');
}

/** The fields that make two unifiedOrder calls "the same order"; a repeat with other values is OUT_TRADE_NO_USED. */
function sameOrder(trade: Trade, req: UnifiedOrderRequest): boolean {
  return (
    trade.totalFee === req.totalFee &&
    trade.body === req.body &&
    trade.subMchId === req.subMchId &&
    trade.functionName === req.functionName &&
    (trade.notifyUrl ?? '') === (req.notifyUrl ?? '') &&
    (req.subOpenid === undefined || trade.subOpenid === undefined || trade.subOpenid === req.subOpenid)
  );
}

export type UnifiedOrderDecision = { action: 'create' } | { action: 'reuse'; trade: Trade };

/** A repeated unifiedOrder for an unpaid order answers the same prepay_id (re-paying); anything else is refused. */
export function decideUnifiedOrder(existing: Trade | undefined, req: UnifiedOrderRequest): Checked<UnifiedOrderDecision> {
  if (!existing) return { ok: true, value: { action: 'create' } };
  if (existing.state === 'SUCCESS') return fail('ORDERPAID', '该订单已支付');
  if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关闭');
  if (!sameOrder(existing, req)) return fail('OUT_TRADE_NO_USED', '商户订单号重复（同一订单号的下单参数不一致）');
  return { ok: true, value: { action: 'reuse', trade: existing } };
}

// ---- queryOrder / closeOrder -------------------------------------------------------------------------------

export interface TradeLookup {
  subMchId: string;
  outTradeNo?: string;
  transactionId?: string;
}

export function checkQueryOrder(params: Params): Checked<TradeLookup> {
  const r = new FieldReader(params);
  const lookup: TradeLookup = {
    subMchId: r.text('sub_mch_id', 32, SUB_MCH_ID),
    transactionId: r.optionalText('transaction_id', 32),
    outTradeNo: r.optionalText('out_trade_no', 32, OUT_TRADE_NO),
  };
  r.text('nonce_str', 32);
  if (!lookup.transactionId && !lookup.outTradeNo) r.text('out_trade_no', 32); // either one: report the common one missing
  return r.outcome(lookup, 'INVALID_REQUEST');
}

export function checkCloseOrder(params: Params): Checked<TradeLookup> {
  const r = new FieldReader(params);
  const lookup: TradeLookup = { subMchId: r.text('sub_mch_id', 32, SUB_MCH_ID), outTradeNo: r.text('out_trade_no', 32, OUT_TRADE_NO) };
  r.text('nonce_str', 32);
  return r.outcome(lookup, 'INVALID_REQUEST');
}

/** A trade belongs to its sub-merchant: another merchant's number is as unknown as a made-up one. */
/**
 * The trade as the calling merchant account sees it: its own, or none (WeChat answers as for an unknown order). A
 * cloudPay trade belongs to CloudBase's service provider with the shop as sub-merchant, an APIv2/APIv3 trade to the
 * shop's own merchant account (one account for both API versions): neither can see the other's, even under the same
 * merchant id.
 */
export function ownTrade(trade: Trade | undefined, subMchId: string, protocol: PayProtocol): Trade | undefined {
  return trade && trade.subMchId === subMchId && merchantAccount(trade.protocol) === merchantAccount(protocol) ? trade : undefined;
}

/** Which of WeChat's merchant accounts keeps a trade asked for in this protocol (absent: cloudPay, as before protocols existed). */
export function merchantAccount(protocol: PayProtocol | undefined): 'cloudpay' | 'direct' {
  return protocol === 'v2' || protocol === 'v3' ? 'direct' : 'cloudpay';
}

export function decideCloseOrder(trade: Trade | undefined, now: number, rules: CloseRules): Checked<Trade> {
  if (!trade) return fail('ORDERNOTEXIST', '此交易订单号不存在');
  if (trade.state === 'SUCCESS') return fail('ORDERPAID', '订单已支付，不能发起关单');
  if (trade.state === 'CLOSED') return fail('ORDERCLOSED', '订单已关闭，无法重复关闭');
  if (rules.refusePaying && trade.state === 'USERPAYING') return fail('USERPAYING', '用户支付中，需要输入密码');
  if (now - trade.createdAt < rules.minAgeMs) return fail('INVALID_REQUEST', '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟');
  return { ok: true, value: trade };
}

// ---- refund / queryRefund ----------------------------------------------------------------------------------

export interface RefundRequest {
  subMchId: string;
  outTradeNo?: string;
  transactionId?: string;
  outRefundNo: string;
  totalFee: number;
  refundFee: number;
  refundDesc?: string;
  functionName?: string;
  envId?: string;
  notifyUrl?: string;
}

export function checkRefund(params: Params): Checked<RefundRequest> {
  const r = new FieldReader(params);
  const req: RefundRequest = {
    subMchId: r.text('sub_mch_id', 32, SUB_MCH_ID),
    transactionId: r.optionalText('transaction_id', 32),
    outTradeNo: r.optionalText('out_trade_no', 32, OUT_TRADE_NO),
    outRefundNo: r.text('out_refund_no', 64, OUT_REFUND_NO),
    totalFee: r.fen('total_fee'),
    refundFee: r.fen('refund_fee'),
    refundDesc: r.optionalText('refund_desc', 80),
    functionName: r.optionalText('function_name', 60),
    envId: r.optionalText('env_id', 64),
    notifyUrl: r.optionalText('notify_url', 256),
  };
  if (req.notifyUrl && !isNotifyUrl(req.notifyUrl)) r.reject('notify_url', '必须为http或https的URL，且不能携带参数');
  r.text('nonce_str', 32);
  if (!req.transactionId && !req.outTradeNo) r.text('out_trade_no', 32);
  const feeType = r.optionalText('refund_fee_type', 8);
  if (feeType !== undefined && feeType !== 'CNY') r.reject('refund_fee_type', '仅支持CNY');
  if (req.refundFee > 0 && req.totalFee > 0 && req.refundFee > req.totalFee) r.reject('refund_fee', '退款金额不能大于订单金额');
  return r.outcome(req, 'PARAM_ERROR');
}

export type RefundDecision = { action: 'create' } | { action: 'replay'; refund: Refund };

/**
 * Guarantees: refunds never exceed what was paid, at most 50 per trade, and one out_refund_no refunds at most once
 * (a repeat with the same values answers the first refund again; with other values it is refused).
 */
export function decideRefund(trade: Trade | undefined, refunds: readonly Refund[], existing: Refund | undefined, req: RefundRequest, now: number): Checked<RefundDecision> {
  if (!trade) return fail('ORDERNOTEXIST', '订单不存在');
  if (existing) {
    if (existing.outTradeNo !== trade.outTradeNo) return fail('INVALID_REQUEST', '退款单号已用于另一笔订单');
    if (existing.refundFee !== req.refundFee || existing.totalFee !== req.totalFee) return fail('INVALID_REQUEST', '同一退款单号的订单金额或退款金额与之前的请求不一致，请核实后再试');
    return { ok: true, value: { action: 'replay', refund: existing } };
  }
  if (trade.state !== 'SUCCESS') return fail('ORDERNOTEXIST', trade.state === 'CLOSED' ? '订单已关闭，不能退款' : '订单未支付，不能退款');
  if (req.totalFee !== trade.totalFee) return fail('INVALID_REQUEST', '订单金额与实际支付金额不一致');
  if (trade.paidAt !== undefined && now - trade.paidAt > REFUND_WINDOW_MS) return fail('TRADE_OVERDUE', '订单已经超过退款期限');
  if (refunds.length >= MAX_REFUNDS_PER_TRADE) return fail('INVALID_REQUEST', `每个支付订单的部分退款次数不能超过${MAX_REFUNDS_PER_TRADE}次`);
  if (req.refundFee > trade.totalFee - committedRefundFee(refunds)) return fail('INVALID_REQUEST', '申请退款金额超过订单可退金额');
  return { ok: true, value: { action: 'create' } };
}

export interface RefundLookup {
  subMchId: string;
  refundId?: string;
  outRefundNo?: string;
  transactionId?: string;
  outTradeNo?: string;
  offset: number;
}

export function checkQueryRefund(params: Params): Checked<RefundLookup> {
  const r = new FieldReader(params);
  const lookup: RefundLookup = {
    subMchId: r.text('sub_mch_id', 32, SUB_MCH_ID),
    refundId: r.optionalText('refund_id', 32),
    outRefundNo: r.optionalText('out_refund_no', 64, OUT_REFUND_NO),
    transactionId: r.optionalText('transaction_id', 32),
    outTradeNo: r.optionalText('out_trade_no', 32, OUT_TRADE_NO),
    offset: 0,
  };
  r.text('nonce_str', 32);
  const offset = params.offset;
  if (offset !== undefined) {
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) lookup.offset = offset;
    else r.reject('offset', '必须为非负整数');
  }
  if (!lookup.refundId && !lookup.outRefundNo && !lookup.transactionId && !lookup.outTradeNo) r.text('out_refund_no', 64);
  return r.outcome(lookup, 'PARAM_ERROR');
}

// ---- what the buyer and WeChat do (control API) ------------------------------------------------------------

export type ControlRefusal = { code: 'ORDER_PAID' | 'ORDER_CLOSED' | 'ORDER_EXPIRED' | 'NOT_PAYABLE' | 'ALREADY_SETTLED'; message: string };

/** The buyer pays: only an open, unexpired trade can be paid, and only once. */
export function decidePayment(trade: Trade, now: number): ControlRefusal | undefined {
  if (trade.state === 'SUCCESS') return { code: 'ORDER_PAID', message: `trade ${trade.outTradeNo} is already paid` };
  if (trade.state === 'CLOSED') return { code: 'ORDER_CLOSED', message: `trade ${trade.outTradeNo} is closed; WeChat refuses to pay it` };
  if (trade.state === 'REVOKED') return { code: 'NOT_PAYABLE', message: `trade ${trade.outTradeNo} is revoked` };
  if (trade.expiresAt !== undefined && now > trade.expiresAt) return { code: 'ORDER_EXPIRED', message: `trade ${trade.outTradeNo} expired (time_expire passed)` };
  return undefined;
}

/** The buyer is entering the password (USERPAYING), or the bank refused the payment (PAYERROR). */
export type InterimTradeState = 'USERPAYING' | 'PAYERROR';

export type SettleStatus = Exclude<RefundStatus, 'PROCESSING'>;

/** A refund settles once, from PROCESSING. Settling again with the same result changes nothing. */
export function decideSettlement(refund: Refund, status: SettleStatus): ControlRefusal | 'noop' | undefined {
  if (refund.status === 'PROCESSING') return undefined;
  if (refund.status === status) return 'noop';
  return { code: 'ALREADY_SETTLED', message: `refund ${refund.outRefundNo} already settled as ${refund.status}` };
}
