// The provider-side records WeChat Pay keeps for one merchant: trades (one per out_trade_no) and refunds (one per
// out_refund_no), with the states WeChat reports. Plain data; the rules that move them live in rules.ts.

/** What `trade_state` may say. REFUND is derived (a paid trade with refunds), never stored. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type StoredTradeState = Exclude<TradeState, 'REFUND'>;

/** What `refund_status` may say. */
export type RefundStatus = 'SUCCESS' | 'REFUNDCLOSE' | 'PROCESSING' | 'CHANGE';

/**
 * How a trade or refund was asked for, which decides how WeChat tells its result: cloudPay calls the named function
 * with an event; APIv2 POSTs signed XML to notify_url; APIv3 POSTs encrypted, signed JSON to notify_url.
 * Absent on records written before protocols existed: cloudPay.
 */
export type PayProtocol = 'cloudpay' | 'v2' | 'v3';

export interface Trade {
  outTradeNo: string;
  prepayId: string;
  subMchId: string;
  subAppid: string;
  body: string;
  attach?: string;
  totalFee: number;
  feeType: string;
  tradeType: string;
  spbillCreateIp: string;
  /** The buyer (mini-program openid); known at unifiedOrder from the calling invocation or the request, else at payment. */
  subOpenid?: string;
  /** cloudPay: the function the result goes to ('' for APIv2/v3 trades, which name a URL instead). */
  functionName: string;
  envId: string;
  protocol?: PayProtocol;
  /** APIv2/v3: where the result is POSTed. */
  notifyUrl?: string;
  /** APIv2: the signature algorithm the order was asked with; its notify is signed the same way. */
  signType?: 'MD5' | 'HMAC-SHA256';
  state: StoredTradeState;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms after which the buyer can no longer pay (time_expire), if the merchant set one. */
  expiresAt?: number;
  transactionId?: string;
  paidAt?: number;
  closedAt?: number;
  bankType?: string;
}

export interface Refund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  subMchId: string;
  totalFee: number;
  refundFee: number;
  refundDesc?: string;
  /** Where the refund result is delivered; WeChat sends none without it. */
  functionName?: string;
  envId?: string;
  protocol?: PayProtocol;
  /** APIv2/v3: where the refund's result is POSTed; none is sent without it. */
  notifyUrl?: string;
  status: RefundStatus;
  createdAt: number;
  settledAt?: number;
}

/** Provider constants of the sandbox merchant (cloudPay acts as a service provider with the shop as sub-merchant). */
export const PROVIDER = {
  appid: 'wx5a4d0c1e0000sbx1',
  mchId: '1900000000',
  bankType: 'OTHERS',
  refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
  refundRecvAccount: '支付用户零钱',
  refundRequestSource: 'API',
} as const;

/** Trade state as queryOrder reports it. */
export function reportedState(trade: Trade, refunds: readonly Refund[]): TradeState {
  if (trade.state === 'SUCCESS' && refunds.some((r) => r.status !== 'REFUNDCLOSE')) return 'REFUND';
  return trade.state;
}

/** Money that left (or is leaving) the merchant for this trade: every refund that was not closed. */
export function committedRefundFee(refunds: readonly Refund[]): number {
  return refunds.filter((r) => r.status !== 'REFUNDCLOSE').reduce((sum, r) => sum + r.refundFee, 0);
}
