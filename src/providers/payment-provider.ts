// One interface for every way we take money: cloudPay today, APIv2 and APIv3 later. Functions only see normalised
// results and typed errors; the protocol (camelCase JSON, signed XML, signed JSON) stays inside each implementation.
import type { Fen, PaymentParams } from '../../typings/api';

export interface CreatePaymentRequest {
  outTradeNo: string;
  totalFee: Fen;
  /** Shown to the buyer in WeChat ("商品描述"). */
  description: string;
  payerOpenid: string;
  clientIp: string;
  /** The provider refuses payment after this instant. */
  expiresAt?: Date;
  /** Echoed back by queryPayment (at most 127 bytes), so a notify can describe the order without reading it. */
  attach?: string;
}

/** PAID covers WeChat's SUCCESS and REFUND (paid, then refunded in part or in full). */
export type PaymentState = 'PAID' | 'NOT_PAID' | 'PAYING' | 'CLOSED' | 'FAILED' | 'NOT_FOUND';

export interface PaymentStatus {
  state: PaymentState;
  outTradeNo: string;
  /** As the provider recorded them: the caller checks them against the order before believing anything. */
  totalFee?: number;
  merchantId?: string;
  transactionId?: string;
  paidAt?: Date;
  attach?: string;
}

export interface RefundRequest {
  outTradeNo: string;
  /** The refund's own number, reused on every retry so the provider refunds it once. */
  outRefundNo: string;
  totalFee: Fen;
  refundFee: Fen;
  reason?: string;
}

export type RefundState = 'SUCCEEDED' | 'PROCESSING' | 'FAILED' | 'NOT_FOUND';

export interface RefundStatus {
  state: RefundState;
  outRefundNo: string;
  refundFee?: number;
  providerRefundId?: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Idempotent per outTradeNo: asking again for an unpaid order answers the same payment. */
  createPayment(request: CreatePaymentRequest): Promise<{ payment: PaymentParams }>;
  queryPayment(outTradeNo: string): Promise<PaymentStatus>;
  /** 'ALREADY_PAID' when the buyer paid first: the caller must then treat the order as paid. */
  closePayment(outTradeNo: string): Promise<'CLOSED' | 'ALREADY_PAID'>;
  /** Accepted means submitted; the result arrives by notify or queryRefund. Idempotent per outRefundNo. */
  refund(request: RefundRequest): Promise<{ providerRefundId?: string }>;
  queryRefund(outRefundNo: string): Promise<RefundStatus>;
}

/** How the provider's callbacks reach our notify functions, and what they must answer. */
export interface ProviderNotifications {
  /** The order a payment callback is about, or undefined when the event is not one. Never trusted beyond that. */
  paymentReference(event: unknown): string | undefined;
  refundReference(event: unknown): string | undefined;
  /** The answer that stops the provider retrying. */
  acknowledge(): unknown;
  /** The answer that makes the provider deliver again later. */
  retryLater(reason: string): unknown;
}

/** The provider answered and said no. `retryable`: the same call may succeed later; nothing happened this time. */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * We do not know whether the call took effect (timeout, connection lost, SYSTEMERROR on a refund). Never assume
 * it did not: repeat the same call with the same numbers, or ask the provider with a query.
 */
export class ProviderOutcomeUnknown extends ProviderError {
  constructor(code: string, message: string) {
    super(code, message, true);
    this.name = 'ProviderOutcomeUnknown';
  }
}
