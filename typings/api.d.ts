// The contract between the mini-program and the cloud functions. Types only: nothing here exists at run time,
// so both packages can import it without shipping code across the package boundary.

/** Integer number of fen (1/100 yuan). Always a safe integer in 1..100 000 000 where it is an amount to charge. */
export type Fen = number;

/** ISO-8601 instant as it crosses the wire (the database stores Date). */
export type IsoTime = string;

/** PAID → SHIPPED → COMPLETED for goods that ship (see DESIGN.md "State machines"). */
export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CLOSED' | 'REFUNDED';
/**
 * ABNORMAL: WeChat Pay could not pay the refund out (the buyer's card was cancelled or frozen) and still counts it
 * against the payment. The merchant resolves it in the WeChat Pay merchant platform; its amount stays reserved.
 */
export type RefundStatus =
  | 'REQUESTED'
  | 'AWAITING_RETURN'
  | 'RETURN_SHIPPED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'PROCESSING'
  | 'ABNORMAL'
  | 'SUCCEEDED'
  | 'FAILED';

// ---- after-sales ------------------------------------------------------------------------------------------------

/** 仅退款, or 退货退款 (the merchant agrees, the buyer sends the goods back, the merchant confirms the parcel). */
export type RefundType = 'REFUND_ONLY' | 'RETURN_AND_REFUND';
/** Whether the buyer has the goods: the reasons offered depend on it. An order never shipped is NOT_RECEIVED. */
export type ReceiptState = 'NOT_RECEIVED' | 'RECEIVED';

/**
 * After-sale rules both sides enforce, as literal types (like ContractLimits): the mini-program's
 * miniprogram/domain/aftersale-contract.ts and the functions' src/domain/aftersale-contract.ts each declare a constant
 * of this type, so the reason lists and limits cannot drift apart and still compile.
 */
export interface AfterSaleContract {
  /** Requests a buyer may make on one order, including those rejected (WeChat's shop: 5 per item). */
  applicationsPerOrder: 5;
  /** The buyer's note, in characters. */
  noteMaxLength: 200;
  /** The reason that needs the note to say what it is. */
  otherReason: '其他原因';
  /** Between a listed reason and the merchant's words in a composed reject reason (`label：words`). */
  reasonSeparator: '：';
  reasons: {
    NOT_RECEIVED: readonly ['不想要了', '拍错/多拍', '快递一直未送到', '未按约定时间发货', '其他原因'];
    RECEIVED: readonly ['质量问题', '少件/漏发', '与描述不符', '商家发错货', '包装/商品破损', '不想要了', '其他原因'];
  };
  /**
   * What a merchant picks from when turning a request down (REQUEST) or refusing the goods that came back (RETURN),
   * like WeChat's shop's reject reasons by scene; the reason sent is `label` or `label：text`, and 其他原因 needs text
   * (the functions refuse anything else: src/domain/reject-reason.ts).
   */
  rejectReasons: {
    REQUEST: readonly ['商品已发货，请收到后再申请', '已与买家协商一致，不退款', '商品不支持无理由退货', '退款金额与实际不符', '其他原因'];
    RETURN: readonly ['未收到退货，单号查不到物流', '退回的商品影响二次销售', '退回的不是本订单的商品', '退回的商品少件或缺配件', '其他原因'];
  };
}
export type AfterSaleReason = AfterSaleContract['reasons'][ReceiptState][number];

/** One line of a request: which product and how many of it. */
export interface RefundLineRequest {
  productId: string;
  /** The order line's SKU: needed when the order holds more than one SKU of the product. */
  skuId?: string;
  quantity: number;
}
/** A line as the refund keeps it: its name, the spec bought and what was paid for that many. */
export interface RefundLine extends RefundLineRequest {
  name: string;
  spec?: string;
  fee: Fen;
}

/** Where the buyer sends a return (settings.afterSale.returnAddress). */
export interface ReturnAddress {
  name: string;
  phone: string;
  address: string;
}

/** The buyer's parcel back to the merchant. */
export interface ReturnShippingView {
  expressCompany: string;
  expressCompanyName?: string;
  trackingNo: string;
  shippedAt: IsoTime;
}

/**
 * Rules both sides enforce, as literal types: the mini-program and the functions each declare a constant of this
 * type, so changing a limit here stops both from compiling until they agree (types only cross the boundary).
 */
export interface ContractLimits {
  /** A refund reason (the buyer's) or a reject reason (the merchant's), in characters (Unicode code points). */
  reasonMaxLength: 80;
  /** A tracking number (快递单号, 配送单号): this many letters, digits or dashes, once spaces are removed. */
  trackingNoMinLength: 5;
  trackingNoMaxLength: 40;
  /** The merchant's note on a bill difference marked explained (对账), in characters. */
  billNoteMaxLength: 200;
}

/**
 * Photos a buyer attaches (after-sales evidence), shared by the page that uploads them and the functions that
 * check them (src/server/storage-files.ts). A buyer's files live under `<buyerFolder>/<openid>/`: the page builds
 * that path (its openid from `orders {action:'me'}`), and the functions accept no file outside the caller's folder.
 */
export interface UploadLimits {
  /** The uploader's folder (`<folder>/<openid>/…`): a buyer's after-sale photos, or a merchant's product photos. */
  buyerFolder: 'buyer-uploads' | 'product-photos';
  /** At most this many photos per request (WeChat's shop takes 9). */
  photosMax: 9;
  /** Bytes per photo, after the phone's compression. */
  photoMaxBytes: 10485760;
  /** What a stored photo may be (as the storage reports its type), and the names the page gives them. */
  photoContentTypes: ['image/jpeg', 'image/png', 'image/webp'];
  photoExtensions: ['jpg', 'jpeg', 'png', 'webp'];
}

/** Stable error codes; clients branch on these, people read `message`. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** An order line asks for more than is on the shelf; the message names the line. Nothing was taken. */
  | 'OUT_OF_STOCK'
  | 'REFUND_EXCEEDS_PAID'
  | 'PROVIDER_ERROR'
  | 'INTERNAL';

export interface Ok<T> {
  ok: true;
  data: T;
}
export interface Fail {
  ok: false;
  code: ErrorCode;
  message: string;
}
export type Result<T> = Ok<T> | Fail;

export interface OrderItem {
  productId: string;
  name: string;
  unitPrice: Fen;
  quantity: number;
  /** The SKU bought (absent on orders placed before SKUs existed). */
  skuId?: string;
  /** The SKU's spec values as bought, e.g. "500g" or "红 / L"; absent for a product without specs. */
  spec?: string;
  /** The product's thumbnail (a cloud fileID) when the order was placed. */
  image?: string;
}

/** Every event an order's timeline can hold; the mini-program has a label for each (a new one fails to compile there). */
export type TimelineEvent =
  | 'created'
  | 'paid'
  | 'closed'
  | 'refund_requested'
  | 'refund_approved'
  | 'refund_rejected'
  | 'refund_withdrawn'
  | 'refund_succeeded'
  | 'refund_failed'
  | 'refund_abnormal'
  | 'refund_automatic'
  | 'return_agreed'
  | 'return_shipped'
  | 'return_received'
  | 'return_refused'
  | 'return_closed'
  | 'refund_auto_approved'
  | 'refunded'
  | 'anomaly'
  | 'shipped'
  | 'shipping_corrected'
  | 'shipping_uploaded'
  | 'shipping_upload_failed'
  | 'received';

export type TimelineActor = 'buyer' | 'merchant' | 'wechat' | 'system';

export interface TimelineEntry {
  at: IsoTime;
  event: TimelineEvent;
  by: TimelineActor;
  /** For people: amounts in ¥. Anomaly details are shown to merchants only. */
  note?: string;
  /** The refund an after-sale step is about (the after-sale page's history of one order's requests). */
  refundId?: string;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus;
  totalFee: Fen;
  refundedFee: Fen;
  refundingFee: Fen;
  /** Short description for lists, e.g. "Oolong tea ×2 and 1 more". */
  title: string;
  itemCount: number;
  createdAt: IsoTime;
  /** True while a refund is REQUESTED or PROCESSING: the list shows these under "refunding". */
  hasOpenRefund: boolean;
  /**
   * PENDING orders, for their buyer: the first moment the order may be cancelled. Its payment provider decides
   * (APIv2 and cloudPay refuse to close an order in its first 5 minutes; APIv3 does not), so the page never guesses.
   */
  cancelOpensAt?: IsoTime;
  /** The first lines as bought (at most ORDER_PREVIEW_LINES), for a list card's thumbnails; itemCount counts them all. */
  lines?: OrderLinePreview[];
  /** PENDING: the instant the order closes unpaid (set at creation from the shop's unpaid timeout). */
  payDeadline?: IsoTime;
  /** Shipped by a carrier: its name and the tracking number, for a list card's 复制 and 查看物流. */
  tracking?: { companyName?: string; trackingNo: string };
  /** The buyer's own list: refund requests are accepted until this instant (absent when unknown or not paid). */
  refundDeadline?: IsoTime;
}

/** One order line as a list card shows it. */
export interface OrderLinePreview {
  name: string;
  quantity: number;
  /** The SKU's spec values as bought, e.g. "500g". */
  spec?: string;
  /** The product's thumbnail (a cloud fileID) when the order was placed. */
  image?: string;
  /** A temporary link to `image` (only its uploader may read the file itself); absent when the file is gone. */
  imageUrl?: string;
}

export interface RefundView {
  refundId: string;
  orderId: string;
  status: RefundStatus;
  refundFee: Fen;
  reason: string;
  rejectReason?: string;
  buyerOpenid?: string; // present for merchants only
  /** Merchants only: what was bought, the order's one-line title (e.g. `冻顶乌龙茶 250g ×2`). */
  orderTitle?: string;
  /** Merchants only: who asked, as the merchant knows them: the order's receiver name, or 买家 + the last 4 digits
   * of the receiver's phone; absent when the order has no delivery address. */
  buyerName?: string;
  /** Merchants only, PROCESSING, ABNORMAL or FAILED refunds: what WeChat Pay last said, e.g. the balance is too low. */
  lastError?: string;
  /** What WeChat Pay actually refunded, when it differs from refundFee (recorded as an anomaly for the merchant). */
  settledFee?: Fen;
  /** True for a refund the shop started by itself (a payment that arrived after the order was closed). */
  automatic?: boolean;
  /** REFUND_ONLY for every refund made before after-sales had types. */
  type: RefundType;
  /** The lines asked for; absent on an amount-only request (made before lines, or the shop's own refund). */
  items?: RefundLine[];
  receipt?: ReceiptState;
  /** The buyer's note, apart from the reason picked from the list. */
  note?: string;
  /** The buyer's evidence photos as cloud fileIDs (the buyer's own view). */
  photos?: string[];
  /** Merchants only: temporary URLs of the photos, in the same order (valid for a few hours). */
  photoUrls?: string[];
  /** A return the merchant agreed to: where to send it (the buyer's view, while it is to be sent). */
  returnAddress?: ReturnAddress;
  returnShipping?: ReturnShippingView;
  /** When the shop acts by itself if nobody does first: approves, closes the return, or refunds (settings.afterSale). */
  dueAt?: IsoTime;
  /** What happens at dueAt, for people (e.g. 超时未寄回将关闭申请). */
  dueAction?: string;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

export interface OrderDetail extends OrderSummary {
  items: OrderItem[];
  paidAt?: IsoTime;
  transactionId?: string;
  timeline: TimelineEntry[];
  refunds: RefundView[];
  /** What the buyer may still ask back: totalFee - refundedFee - refundingFee (0 unless PAID). */
  refundableFee: Fen;
  /** Unpaid orders are closed after this instant. */
  payDeadline?: IsoTime;
  /** Paid orders accept refund requests until this instant (paidAt + refundWindowDays); absent when unknown. */
  refundDeadline?: IsoTime;
  /** Where the goods go (the buyer's own order, or a merchant). */
  address?: DeliveryAddress;
  /** Present once the merchant has shipped. */
  shipping?: ShippingView;
  completedAt?: IsoTime;
  /** Merchants only: the receipt printer's record of this order. */
  printing?: PrintingView;
  /** Temporary links to the lines' thumbnails (`items[].image`), by fileID; a file that is gone has none. */
  imageLinks?: Record<string, string>;
}

// ---- shipping and receipts ---------------------------------------------------------------------------------

/** What `wx.chooseAddress` answers, in its own field names (streetName and the rest are not kept). */
export interface DeliveryAddress {
  userName: string;
  telNumber: string;
  provinceName: string;
  cityName: string;
  countyName: string;
  detailInfo: string;
  postalCode?: string;
}

/** WeChat's logistics_type 1..4. */
export type LogisticsType = 'EXPRESS' | 'LOCAL_DELIVERY' | 'VIRTUAL' | 'SELF_PICKUP';

/** Whether WeChat's shipping-info service has the shipment: PENDING is retried by reconcile. */
export type ShippingUploadState = 'PENDING' | 'UPLOADED' | 'FAILED' | 'NOT_REQUIRED';

export interface ShippingView {
  logisticsType: LogisticsType;
  expressCompany?: string;
  /** The company's name for people, e.g. 顺丰速运. */
  expressCompanyName?: string;
  trackingNo?: string;
  shippedAt: IsoTime;
  /** True while the one correction WeChat allows has not been used. */
  correctable: boolean;
  upload: ShippingUploadState;
  /** Merchants only: why WeChat has not taken the shipping information yet. */
  uploadError?: string;
  /** SHIPPED orders are confirmed automatically at this instant. */
  autoConfirmAt?: IsoTime;
}

export type PrintState = 'PENDING' | 'PRINTED' | 'FAILED' | 'OFF';
export interface PrintingView {
  state: PrintState;
  copies: number;
  lastError?: string;
  printedAt?: IsoTime;
}

export interface ShipEvent {
  orderId: string;
  logisticsType: LogisticsType;
  /** A code of WeChat's delivery list (e.g. SF, ZTO); EXPRESS only. */
  expressCompany?: string;
  trackingNo?: string;
}
export interface ShipData {
  orderId: string;
  status: 'SHIPPED';
  /** True when this call used the one correction. */
  corrected: boolean;
}

/** The merchant's order desk tabs: paid orders to ship (oldest first), shipped ones, all. */
export type DeskTab = 'TO_SHIP' | 'SHIPPED' | 'ALL';
export interface DeskData extends Page<OrderSummary> {
  /** Refunds waiting for the merchant's decision (the desk's badge). */
  pendingRefunds: number;
}

/** The object `wx.requestPayment` takes (cloudPay's `payment`). */
export interface PaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
  appId?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface Product {
  productId: string;
  name: string;
  /** The lowest price of its SKUs. */
  price: Fen;
  description?: string;
  /** Cloud storage fileIDs; the first is the thumbnail. */
  images?: string[];
  /**
   * Temporary links to `images`, in the same order ('' for a file that is gone): what pages show. The storage rule
   * lets only a file's uploader read it, so the functions hand out links (server/storage-files.ts).
   */
  imageUrls?: string[];
  /** Spec names and values, in the order the picker shows them. */
  specs?: ProductSpec[];
  skus: ProductSku[];
  /** No SKU has stock left. */
  soldOut: boolean;
}

export interface ProductSpec {
  name: string;
  values: string[];
}

export interface ProductSku {
  skuId: string;
  /** Spec name → value; empty for a product without specs. */
  specs: Record<string, string>;
  /** The spec values as one text, e.g. "500g" or "红 / L" (absent without specs). */
  spec?: string;
  price: Fen;
  /** What can still be ordered; null when the product has no stock count (unlimited). */
  stock: number | null;
}

// ---- function events (what the client sends) and answers -------------------------------------------------

/** What the merchant's catalogue shows of a product: every SKU's counters, and whether it is on sale. */
export interface MerchantProduct extends Product {
  active: boolean;
  skus: MerchantSku[];
}

export interface MerchantSku extends ProductSku {
  /** Taken by unpaid orders. */
  held: number;
  /** Taken by paid orders. */
  sold: number;
}

/** A SKU as the merchant saves it: its id is kept when given (or made from its spec values). */
export interface ProductSkuInput {
  skuId?: string;
  specs: Record<string, string>;
  price: Fen;
  stock: number;
  /**
   * The shelf count the editor showed (an existing SKU): the save changes the count only from this one, so an order
   * that took or gave back stock since makes it CONFLICT; equal to `stock`, the count is left as it is now.
   */
  stockFrom?: number;
}

/** What `products {action: 'save'}` takes: price and stock for a product without specs, or specs with skus. */
export interface ProductInput {
  productId?: string;
  name: string;
  active: boolean;
  price?: Fen;
  stock?: number;
  /** A product without specs: its one SKU's `stockFrom`. */
  stockFrom?: number;
  specs?: ProductSpec[];
  skus?: ProductSkuInput[];
  images?: string[];
  description?: string;
}

export type ProductsEvent =
  | { action: 'list' }
  | { action: 'save'; product: ProductInput }
  | { action: 'shelve' | 'unshelve'; productId: string }
  | { action: 'adjust'; productId: string; skuId?: string; delta: number; reason: string }
  /** Sets the shelf count to `to` (a count taken in the shop): CONFLICT when an order took or gave back stock since `from` was read. */
  | { action: 'adjust'; productId: string; skuId?: string; to: number; from: number; reason: string };

export interface ProductsData {
  list: MerchantProduct[];
  save: { productId: string };
  shelve: { productId: string; active: boolean };
  adjust: { productId: string; skuId: string; stock: number };
}

export type PayEvent =
  | { items: Array<{ productId: string; quantity: number; /** Required when the product has more than one SKU. */ skuId?: string }>; idempotencyKey?: string; address?: DeliveryAddress }
  | { orderId: string };
export interface PayData {
  orderId: string;
  totalFee: Fen;
  payment: PaymentParams;
}

/**
 * `type` absent is the request of before after-sales (仅退款, any reason text, the amount alone). With `type`, the
 * reason is one of AfterSaleContract.reasons for the receipt state; `items` default to every line not yet refunded,
 * and `refundFee` may lower (never raise) what was paid for them.
 */
export interface ApplyRefundEvent {
  orderId: string;
  refundFee?: Fen;
  reason: string;
  type?: RefundType;
  items?: RefundLineRequest[];
  /** Asked of the buyer of a shipped order; a PAID order is NOT_RECEIVED, a COMPLETED one RECEIVED. */
  receipt?: ReceiptState;
  note?: string;
  /** Cloud fileIDs from wx.cloud.uploadFile into the buyer's own folder, at most UploadLimits.photosMax. */
  photos?: string[];
}
export interface ApplyRefundData {
  refundId: string;
  status: 'REQUESTED';
  refundFee: Fen;
}

/**
 * approve: a refund-only request is refunded; a return is agreed (AWAITING_RETURN, the buyer gets the return address).
 * confirmReturn: the returned parcel arrived, refund it. refuseReturn: the parcel is refused (rejectReason required).
 */
export interface ApproveRefundEvent {
  refundId: string;
  action: 'approve' | 'reject' | 'confirmReturn' | 'refuseReturn';
  /** `label` or `label：words` from AfterSaleContract.rejectReasons (REQUEST for reject, RETURN for refuseReturn). */
  rejectReason?: string;
}
export interface ApproveRefundData {
  refundId: string;
  status: RefundStatus;
}

export type OrdersEvent =
  | { action: 'list'; status?: OrderListFilter; cursor?: string; limit?: number }
  | { action: 'get'; orderId: string }
  | { action: 'cancel'; orderId: string }
  | { action: 'withdrawRefund'; refundId: string }
  | { action: 'products' }
  | { action: 'me' }
  | { action: 'refunds'; status?: RefundQueueFilter; cursor?: string; limit?: number }
  | { action: 'refund'; refundId: string }
  | { action: 'confirmReceipt'; orderId: string; via?: 'wechat' }
  /** query: the end of an order number (4+ characters) or part of the receiver's name; every tab, newest first. */
  | { action: 'desk'; tab?: DeskTab; orderId?: string; query?: string; cursor?: string; limit?: number }
  | { action: 'reprint'; orderId: string }
  | { action: 'checkRefund'; refundId: string }
  | { action: 'submitReturn'; refundId: string; expressCompany: string; trackingNo: string }
  | { action: 'bills' }
  | { action: 'billDay'; date: string }
  | { action: 'explainBillDifference'; differenceId: string; note: string };

/** The merchant's after-sale queue: one refund status, or FINISHED (decided: with WeChat Pay, refunded, failed, rejected or withdrawn). */
export type RefundQueueFilter = RefundStatus | 'FINISHED';

/**
 * List tabs: an order status, 'REFUNDING' for paid orders with an open refund, or 'AFTERSALE' for every order with
 * an open request or money refunded (the buyer's 售后 tab).
 */
export type OrderListFilter = OrderStatus | 'REFUNDING' | 'AFTERSALE';

export interface MeData {
  openid: string;
  isMerchant: boolean;
  /** Template ids the pages ask the user to subscribe to, by purpose. */
  templates: {
    orderPaid?: string;
    refundRequested?: string;
    refundResult?: string;
    orderShipped?: string;
    /** Only when the shop has a low-stock threshold: the merchant's catalogue page asks for it. */
    lowStock?: string;
  };
  /** The shop is under WeChat's shipping management: buyers confirm receipt in WeChat's own component. */
  shippingManaged?: boolean;
}

export interface MerchantRefundDetail {
  refund: RefundView;
  order: OrderDetail;
}

export interface OrdersData {
  list: Page<OrderSummary>;
  get: OrderDetail;
  cancel: { orderId: string; status: OrderStatus };
  withdrawRefund: { refundId: string; status: RefundStatus };
  products: Product[];
  me: MeData;
  refunds: Page<RefundView>;
  refund: MerchantRefundDetail;
  confirmReceipt: { orderId: string; status: OrderStatus };
  desk: DeskData;
  reprint: { orderId: string; printing: PrintingView };
  /** Merchants: ask WeChat Pay about a PROCESSING or ABNORMAL refund now (e.g. after resolving it in the merchant platform). */
  checkRefund: { refundId: string; status: RefundStatus };
  /** The buyer's return tracking for a return the merchant agreed to (AWAITING_RETURN → RETURN_SHIPPED). */
  submitReturn: { refundId: string; status: RefundStatus };
  /** Merchants: the daily bill comparisons, newest day first (docs/bills.md). */
  bills: { days: BillDayView[] };
  billDay: { date: string; runs: BillDayView[]; differences: BillDifferenceView[] };
  explainBillDifference: BillDifferenceView;
}

/** One channel's comparison of one China day with WeChat Pay's trade bill. */
export interface BillDayView {
  date: string;
  channel: string;
  /** DONE, NO_BILL, WAITING (not made yet) or FAILED (retried on the next run). */
  state: 'DONE' | 'NO_BILL' | 'WAITING' | 'FAILED';
  payments: number;
  refunds: number;
  paidFee: Fen;
  refundFee: Fen;
  /** Fees in fen, rounded (the bill keeps thousandths). */
  fee: number;
  differences: number;
  lastError?: string;
}

export interface BillDifferenceView {
  id: string;
  date: string;
  channel: string;
  kind: string;
  orderId?: string;
  refundId?: string;
  detail: string;
  action: string;
  state: 'OPEN' | 'EXPLAINED';
  note?: string;
  explainedAt?: string;
}
