// The shapes we keep in the database. Dates are Date (the SDK turns EJSON $date into Date both ways).
import type { BillDifferenceKind } from './bill-reconcile';
import type { ChannelRecord } from './channels';
import type { DeliveryAddress, Fen, ReceiptState, RefundLine, RefundType, ReturnAddress, LogisticsType, OrderItem, OrderStatus, PrintState, RefundStatus, ShippingUploadState, TimelineActor, TimelineEvent } from '../../typings/api';

export interface TimelineRecord {
  at: Date;
  event: TimelineEvent;
  by: TimelineActor;
  note?: string;
  /** The refund an after-sale step is about: the after-sale page shows the order's steps of its refunds as one history. */
  refundId?: string;
}

export interface RefundRequestRecord {
  refundId: string;
  refundFee: number;
  reason: string;
  requestedAt: Date;
  /**
   * false from the reservation until the refund document is known to exist: what marks a request that stopped between
   * its two writes (reconcile finds them by it, index `refund_requests_unrecorded`). Absent on requests made before it.
   */
  recorded?: boolean;
  /** The after-sale facts of the request (absent on a request of before after-sales: REFUND_ONLY, amount only). */
  afterSale?: AfterSaleFacts;
}

/** What a buyer's after-sale request asked for, kept on the refund as it was asked. */
export interface AfterSaleFacts {
  type: RefundType;
  items?: RefundLine[];
  receipt?: ReceiptState;
  note?: string;
  photos?: string[];
}

/**
 * A subscribe message a transition made owed, kept on the document that transition wrote (in the same write), until
 * it is sent: `owed.<key>` (server/repositories/owed.ts). `at` is a lease: the transition's own invocation sends it
 * right away; reconcile takes it only once `at` is older than `messageRetrySeconds`, moving `at` to its own time first.
 */
export interface OwedMessage {
  purpose: MessagePurpose;
  /** The order or refund the message is about. */
  subject: string;
  /** Which transition of the subject: one message per subject and stage. */
  stage: string;
  recipients: string[];
  facts: Record<string, string | number | Date | undefined>;
  at: Date;
}

/** The owed-message fields an order or refund may carry. */
export interface OwesMessages {
  owed?: Record<string, OwedMessage>;
  /** Entries in `owed`; reconcile looks for documents where it is above 0 (index `messages_owed`). */
  owedCount?: number;
  /** When the latest entry was added: reconcile's order (oldest first) and when it may look. */
  owedAt?: Date;
}

/** `payChannel`: the WeChat Pay channel and merchant that took the order's money (domain/channels.ts). */
export interface OrderDoc extends OwesMessages, ChannelRecord {
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
  /**
   * The last refund request, written with its reservation (the same write that sets openRefundId), before its refund
   * document exists: if the request stopped between its two writes, the document can be made from this alone
   * (refund-flow.ts requestRefund), so a reservation never waits for facts only the lost invocation knew.
   */
  refundRequest?: RefundRequestRecord;
  /**
   * ABNORMAL refunds whose amount is still in refundingFee (they no longer block a new request). Each leaves this list
   * in the one write that books its final outcome, which is what makes that booking happen once.
   */
  abnormalRefundIds?: string[];
  transactionId?: string;
  paidAt?: Date;
  closedAt?: Date;
  timeline: TimelineRecord[];
  /** From wx.chooseAddress at checkout, for goods that ship. */
  address?: DeliveryAddress;
  shipping?: ShippingRecord;
  completedAt?: Date;
  printing?: PrintingRecord;
  /** The lines that took limited stock (none for products with unlimited stock). */
  stockLines?: StockLine[];
  /**
   * Where the order's stock is: HELD while unpaid; SOLD once paid; RELEASED once closed unpaid (back on the shelf).
   * Moved once, in one transaction with the SKUs' counters (server/stock.ts settleStock). Absent: nothing was taken.
   */
  stockState?: 'HELD' | 'SOLD' | 'RELEASED';
  /** Its takes recorded their hold on the products (`stockHolds`, `holdCount`), which its settlement clears. */
  holdsRecorded?: boolean;
  /** Returns whose goods were put back on the shelf (server/stock.ts restockReturned), so each is restocked once. */
  restockedReturns?: string[];
  /** When WeChat's push said the order waited 48 hours to ship and the merchants were told (once). */
  shippingRemindedAt?: Date;
}

export interface ShippingRecord {
  logisticsType: LogisticsType;
  expressCompany?: string;
  trackingNo?: string;
  shippedAt: Date;
  shippedBy: string;
  /** 0, or 1 once the one correction WeChat allows is used. */
  corrections: number;
  /** When the current shipment (original or corrected) was recorded: upload_time, which must increase. */
  revisedAt: Date;
  autoConfirmAt: Date;
  /** When WeChat was last asked whether the buyer confirmed receipt there (reconcile polls shipped orders). */
  receiptCheckedAt?: Date;
  upload: {
    state: ShippingUploadState;
    attempts: number;
    lastError?: string;
    uploadedAt?: Date;
  };
}

export interface PrintingRecord {
  state: PrintState;
  attempts: number;
  copies: number;
  lastError?: string;
  printedAt?: Date;
  /** The printer service's id of the last job it accepted. */
  jobId?: string;
}

/** `payChannel`: its order's, the only channel that can refund that money. */
export interface RefundDoc extends OwesMessages, ChannelRecord {
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
  /** Last provider error while PROCESSING or ABNORMAL, for the merchant's eyes. */
  lastError?: string;
  settledAt?: Date;
  /** What the provider actually refunded, when it differs from refundFee (a REFUND_MISMATCH anomaly). */
  settledFee?: number;
  /** When the shop asked WeChat Pay to refund (approval, or an automatic refund): the day the trade bill lists it. */
  submittedAt?: Date;
  /** Started by the shop itself, not asked for by the buyer (a payment that arrived after the order was closed). */
  automatic?: boolean;
  /** Absent on refunds of before after-sales: REFUND_ONLY. */
  type?: RefundType;
  items?: RefundLine[];
  receipt?: ReceiptState;
  note?: string;
  photos?: string[];
  /** When the refund entered its current status, for the after-sale timers (absent: createdAt). */
  statusAt?: Date;
  /** The address the merchant agreed the return to (a copy: later changes of the settings do not move a parcel). */
  returnAddress?: ReturnAddress;
  returnShipping?: ReturnShippingRecord;
}

export interface ReturnShippingRecord {
  expressCompany: string;
  trackingNo: string;
  shippedAt: Date;
}

/** `owed`: the low-stock message a take made owed (server/stock.ts claimLowStockAlerts). */
export interface ProductDoc extends OwesMessages {
  _id: string;
  name: string;
  /** The lowest SKU price (what a list shows "from"); a product without `skus` sells at this price. */
  price: Fen;
  description?: string;
  active: boolean;
  sort?: number;
  /** Cloud storage fileIDs, the first is the thumbnail. */
  images?: string[];
  /** The spec names and their values, in the order the picker shows them (e.g. 规格: 250g, 500g). */
  specs?: SpecDef[];
  /**
   * The SKUs by id, in display order. Absent on products written before SKUs existed: they read as one SKU with
   * unlimited stock (domain/catalogue.ts skusOf) until the merchant saves the product with a stock.
   */
  skus?: Record<string, SkuRecord>;
  /**
   * Stock each order holds, written by the take itself (`o<orderId>`: quantity by SKU id, `lines`, `at`), removed when the
   * order's stock is settled or given back; reconcile releases one whose order was never written (server/stock.ts).
   */
  stockHolds?: Record<string, Record<string, number | Date>>;
  /** Lines taken and not yet settled or given back, over all `stockHolds` (reconcile finds products above 0: index `holds`). */
  holdCount?: number;
  updatedAt?: Date;
}

export interface SpecDef {
  name: string;
  values: string[];
}

/**
 * One sellable variant. Its three counters only ever change together by the same amount (stock → held at order,
 * held → sold at payment, held → stock at close, sold → stock on a confirmed return), so stock + held + sold is
 * what the merchant put in; only `adjust` and `save` change that sum, and each change is recorded in `stock_log`.
 */
export interface SkuRecord {
  /** Spec name → value, e.g. {规格: '500g'}; empty for a product's one default SKU. */
  specs: Record<string, string>;
  price: Fen;
  /** On the shelf: what buyers can still order. */
  stock: number;
  /** Taken by unpaid orders. */
  held: number;
  /** Taken by paid orders (less what returns put back). */
  sold: number;
  /**
   * Set, with the message it makes owed, by the first order whose take left the shelf at or below the low-stock
   * threshold (the merchant is told once); cleared when the merchant puts stock in.
   */
  lowAlerted?: boolean;
}

/** One line of an order that took limited stock: what a close gives back, a payment sells, a return restocks. */
export interface StockLine {
  productId: string;
  skuId: string;
  quantity: number;
}

/** A change of what the merchant put in (save, adjust), kept for the merchant's eyes. */
export interface StockLogDoc {
  _id?: string;
  productId: string;
  skuId: string;
  /** Positive: put in; negative: taken out (broken, counted short…). */
  delta: number;
  reason: string;
  by: string;
  at: Date;
}

export type MessagePurpose = 'orderPaid' | 'refundRequested' | 'refundResult' | 'orderShipped' | 'billSummary' | 'lowStock';

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

/** One day's bill comparison for one channel (`bill_runs/<channel>:<date>`). */
export interface BillRunDoc {
  _id: string;
  channel: string;
  /** The China day, yyyy-MM-dd. */
  date: string;
  /** DONE: compared; NO_BILL: WeChat has none and the shop has nothing that day; WAITING: asked too early or not made yet; FAILED: retried on the next run. */
  state: 'DONE' | 'NO_BILL' | 'WAITING' | 'FAILED';
  attempts: number;
  lastError?: string;
  payments?: number;
  refunds?: number;
  paidFee?: number;
  refundFee?: number;
  feeMilliFen?: number;
  differences?: number;
  updatedAt: Date;
}

/** A difference between WeChat Pay's bill and the books, in `anomalies` under `bill:<kind>:<number>`: recorded once. */
export interface BillDifferenceDoc {
  _id: string;
  kind: 'BILL_DIFFERENCE';
  difference: BillDifferenceKind;
  channel: string;
  billDate: string;
  orderId?: string;
  refundId?: string;
  detail: string;
  action: string;
  state: 'OPEN' | 'EXPLAINED';
  note?: string;
  explainedBy?: string;
  explainedAt?: Date;
  createdAt: Date;
}

/** Something the provider told us that does not match our records: never acted on, always shown to the merchant. */
export interface AnomalyDoc {
  _id: string;
  kind: 'AMOUNT_MISMATCH' | 'MERCHANT_MISMATCH' | 'UNKNOWN_ORDER' | 'PAID_AFTER_CLOSE' | 'REFUND_MISMATCH' | 'REFUND_ABNORMAL';
  orderId: string;
  refundId?: string;
  detail: string;
  createdAt: Date;
}
