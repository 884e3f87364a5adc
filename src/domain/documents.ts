// The shapes we keep in the database. Dates are Date (the SDK turns EJSON $date into Date both ways).
import type { Fen, OrderItem, OrderStatus, RefundStatus } from '../../typings/api';

export interface TimelineRecord {
  at: Date;
  event: string;
  by: 'buyer' | 'merchant' | 'wechat' | 'system';
  note?: string;
}

export interface OrderDoc {
  /** = outTradeNo */
  _id: string;
  /** The buyer: CloudBase's own convention for the owner of a document. */
  _openid: string;
  status: OrderStatus;
  totalFee: Fen;
  /** Settled refunds. */
  refundedFee: number;
  /** Refunds requested or in flight. */
  refundingFee: number;
  items: OrderItem[];
  title: string;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
  payDeadline: Date;
  idempotencyKey?: string;
  /** Number of refunds ever opened on this order; the next one is `<orderId>R<refundCount + 1>`. */
  refundCount: number;
  /** The one REQUESTED or PROCESSING refund, if any. */
  openRefundId?: string | null;
  /** openRefundId !== null, as a plain boolean an index can serve (the list's REFUNDING tab). */
  refunding?: boolean;
  transactionId?: string;
  paidAt?: Date;
  closedAt?: Date;
  timeline: TimelineRecord[];
}

export interface RefundDoc {
  /** = outRefundNo */
  _id: string;
  orderId: string;
  /** The buyer. */
  _openid: string;
  status: RefundStatus;
  refundFee: Fen;
  /** The order's total, which the provider's refund call needs. */
  totalFee: Fen;
  /** The order's title, for the buyer's messages (absent on refunds created before it was kept). */
  title?: string;
  reason: string;
  rejectReason?: string;
  createdAt: Date;
  updatedAt: Date;
  decidedBy?: string;
  providerRefundId?: string;
  /** Last provider error while PROCESSING, for the merchant's eyes. */
  lastError?: string;
  settledAt?: Date;
}

export interface ProductDoc {
  _id: string;
  name: string;
  price: Fen;
  description?: string;
  active: boolean;
  sort?: number;
}

export type MessagePurpose = 'orderPaid' | 'refundRequested' | 'refundResult';

export interface MessageSend {
  touser: string;
  /** SENT; REFUSED = the user gave no (or no more) authorization (43101); FAILED = anything else; SKIPPED = no template configured. */
  status: 'SENT' | 'REFUSED' | 'FAILED' | 'SKIPPED';
  errCode?: number;
  errMsg?: string;
}

/** One notification (to one or more recipients), written by the invocation that won the transition it reports. */
export interface MessageDoc {
  /** `<purpose>:<subject>:<stage>`: a second writer for the same notification fails on the duplicate _id. */
  _id: string;
  purpose: MessagePurpose;
  subject: string;
  stage: string;
  templateId?: string;
  sends: MessageSend[];
  createdAt: Date;
}

/** Something the provider told us that does not match our records: never acted on, always shown to the merchant. */
export interface AnomalyDoc {
  _id: string;
  kind: 'AMOUNT_MISMATCH' | 'MERCHANT_MISMATCH' | 'UNKNOWN_ORDER' | 'PAID_AFTER_CLOSE' | 'REFUND_MISMATCH';
  orderId: string;
  refundId?: string;
  detail: string;
  createdAt: Date;
}
