// What a WeChat Pay trade bill says, once read (src/providers/bill/trade-bill.ts reads it): amounts in integer fen,
// fees in thousandths of a fen (the bill shows them with five decimals), times as instants.

export interface BillPaymentRow {
  /** 交易时间: when the payment succeeded. */
  at: Date;
  merchantId: string;
  subMerchantId: string;
  transactionId: string;
  outTradeNo: string;
  /** SUCCESS, or REVOKED for a payment taken back (付款码 only). */
  tradeState: string;
  /** 应结订单金额: the order amount less coupons WeChat does not settle. */
  settledFee: number;
  /** 订单金额. */
  totalFee: number;
  feeMilliFen: number;
}

export interface BillRefundRow {
  /** 交易时间: when the refund was submitted (not when it succeeded). */
  at: Date;
  merchantId: string;
  subMerchantId: string;
  transactionId: string;
  outTradeNo: string;
  outRefundNo: string;
  refundId: string;
  /** 退款金额: what reaches the buyer (0 until it succeeded, on some bills). */
  refundFee: number;
  /** 申请退款金额. */
  requestedRefundFee: number;
  /** SUCCESS, PROCESSING, REFUNDCLOSE, CHANGE… as it stood when the bill was made: WeChat never updates it. */
  refundStatus: string;
  /** Usually negative: the fee handed back with the refund. */
  feeMilliFen: number;
}

export interface BillSummary {
  count: number;
  settledTotal: number;
  refundTotal: number;
  couponRefundTotal: number;
  feeMilliFen: number;
  orderTotal: number;
  requestedRefundTotal: number;
}

export interface TradeBill {
  payments: BillPaymentRow[];
  refunds: BillRefundRow[];
  summary: BillSummary;
}

/** What a provider's bill download ended in. "none" and "not-ready" are normal answers, not failures. */
export type BillDownload =
  | { kind: 'bill'; text: string }
  /** WeChat has no bill for that day: no payment and no refund happened (No Bill Exist, NO_STATEMENT_EXIST). */
  | { kind: 'none' }
  /** WeChat is still making it (STATEMENT_CREATING, or asked before 10:00 the next day): ask again later. */
  | { kind: 'not-ready'; reason: string };
