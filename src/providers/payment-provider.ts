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

/**
 * ABNORMAL is WeChat's CHANGE (APIv2, cloudPay) or ABNORMAL (APIv3): the money could not reach the buyer (card
 * cancelled, account frozen) and is still counted against the payment at WeChat until the merchant resolves it in
 * the merchant platform. It is not a failure: its amount must never be offered for another refund.
 */
export type RefundState = 'SUCCEEDED' | 'PROCESSING' | 'FAILED' | 'ABNORMAL' | 'NOT_FOUND';

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

/**
 * A callback as it reached payNotify or refundNotify: a cloudPay event (the platform calls the function by name),
 * or an HTTP request through CloudBase's HTTP access service (APIv2, APIv3), with the body's exact bytes so a
 * signature can be checked over what was sent, not over a re-serialised copy.
 */
export type IncomingNotify =
  | { transport: 'event'; event: Record<string, unknown> }
  | { transport: 'http'; method: string; path: string; headers: Readonly<Record<string, string>>; body: Buffer };

/**
 * What a provider made of a callback after checking it in its own protocol (signature, decryption, merchant).
 * Only the reference is taken from it: the flow still confirms with a query before any transition.
 */
export type NotifyReading =
  | { kind: 'payment'; outTradeNo: string }
  | { kind: 'refund'; outRefundNo: string }
  /** Not authentic, not for this merchant, not readable, or not the kind this function handles: change nothing. */
  | { kind: 'refused'; reason: string };

/** How the function ended; the provider turns it into the answer its protocol expects. */
export type NotifyOutcome =
  | { kind: 'handled' }
  /** Something failed on our side: the provider must deliver again later. */
  | { kind: 'retry'; reason: string }
  | { kind: 'refused'; reason: string };

/** How a provider's callbacks are read and answered. Each provider owns its wire format; the flows never see it. */
export interface ProviderNotifications {
  readonly provider: string;
  read(incoming: IncomingNotify, expected: 'payment' | 'refund'): Promise<NotifyReading>;
  /** The function's return value: `{errcode}` for cloudPay, an HTTP integration response for APIv2/APIv3. */
  answer(outcome: NotifyOutcome): unknown;
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
