// Validation of every function's event at the edge. Unknown fields are REJECTED, not ignored: a misspelt
// `refundfee` silently falling back to "refund everything" is exactly the mistake that moves money wrongly.
// The one exception is `userInfo`, which the platform itself adds to events sent from the mini-program.
import type { ApplyRefundEvent, ApproveRefundEvent, OrderListFilter, OrdersEvent, PayEvent, RefundLineRequest, RefundQueueFilter } from '../../typings/api';
import { orderLineKey } from './aftersale';
import { invalid } from './errors';
import { OUT_REFUND_NO, OUT_TRADE_NO } from './ids';
import { LIMITS } from './limits';
import { requireFen } from './money';
import { isOrderStatus, isRefundStatus } from './states';
import { parseAddress } from './address';
import { SKU_ID } from './catalogue';
import { TYPED_LINE_BREAKS, hasControlCharacters } from './text';
import { isShippingOrderAction, parseShippingOrdersEvent } from './shipping-events';
import { isBillOrderAction, parseBillOrdersEvent } from './bill-events';
import { AFTERSALE } from './aftersale-contract';
import { parseRejectReason, rejectSceneOf } from './reject-reason';
import { UPLOAD_LIMITS } from './uploads';
import { isExpressCompany, TRACKING_NO } from './shipping';

const PLATFORM_FIELDS = new Set(['userInfo']);
export const MAX_ORDER_LINES = 20;
export const MAX_QUANTITY = 999;
export const REASON_MAX = LIMITS.reasonMaxLength;
export const MAX_PAGE = 50;
export const DEFAULT_PAGE = 20;
export const PRODUCT_ID = /^[0-9A-Za-z_-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[0-9A-Za-z_-]{8,64}$/;

export type Fields = Record<string, unknown>;

export function object(value: unknown, what: string, allowed: readonly string[]): Fields {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be an object`);
  const fields = value as Fields;
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key) && !PLATFORM_FIELDS.has(key)) {
      throw invalid(`${what}: unknown field "${key.slice(0, 40)}" (expected ${allowed.join(', ') || 'none'})`);
    }
  }
  return fields;
}

export function text(fields: Fields, key: string, pattern: RegExp, description: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(`${key} must be ${description}`);
  return value;
}

const orderId = (f: Fields) => text(f, 'orderId', OUT_TRADE_NO, 'an order id (1-32 of 0-9 A-Z a-z _ -)');
const refundId = (f: Fields) => text(f, 'refundId', OUT_REFUND_NO, 'a refund id (<orderId>R<n>)');

export function reason(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${key} is required: say why`);
  // Line breaks and tabs (a textarea's) become spaces; any other control character is refused, never stored.
  const text = value.replace(TYPED_LINE_BREAKS, ' ').trim();
  if (hasControlCharacters(text)) throw invalid(`${key} must not contain control characters`);
  if (text === '') throw invalid(`${key} is required: say why`);
  if (Array.from(text).length > REASON_MAX) throw invalid(`${key} must be at most ${REASON_MAX} characters`);
  return text;
}

export function parsePayEvent(event: unknown): PayEvent {
  const probe = event && typeof event === 'object' ? (event as Fields) : {};
  if ('orderId' in probe) return { orderId: orderId(object(event, 'pay', ['orderId'])) };
  const f = object(event, 'pay', ['items', 'idempotencyKey', 'address']);
  if (!Array.isArray(f.items) || f.items.length === 0) throw invalid('items must be a non-empty list of {productId, quantity}');
  if (f.items.length > MAX_ORDER_LINES) throw invalid(`an order has at most ${MAX_ORDER_LINES} lines`);
  const seen = new Set<string>();
  const items = f.items.map((raw, i) => {
    const line = object(raw, `items[${i}]`, ['productId', 'quantity', 'skuId']);
    const productId = text(line, 'productId', PRODUCT_ID, `a product id (items[${i}])`);
    const skuId = line.skuId === undefined ? undefined : text(line, 'skuId', SKU_ID, `a SKU id (items[${i}])`);
    // One line per SKU: two lines on one SKU would each be checked against the same stock.
    const key = `${productId}/${skuId ?? ''}`;
    if (seen.has(key)) throw invalid(`product ${productId}${skuId ? ` (${skuId})` : ''} appears twice: use one line with a quantity`);
    seen.add(key);
    const q = line.quantity;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
      throw invalid(`items[${i}].quantity must be a whole number in 1..${MAX_QUANTITY}`);
    }
    return { productId, quantity: q, ...(skuId ? { skuId } : {}) };
  });
  const address = f.address === undefined ? {} : { address: parseAddress(f.address) };
  if (f.idempotencyKey === undefined) return { items, ...address };
  return { items, idempotencyKey: text(f, 'idempotencyKey', IDEMPOTENCY_KEY, '8-64 of 0-9 A-Z a-z _ -'), ...address };
}

const APPLY_FIELDS = ['orderId', 'refundFee', 'reason', 'type', 'items', 'receipt', 'note', 'photos'];

/**
 * The buyer's request. Without `type` it is the request of before after-sales (仅退款, a reason text, an amount);
 * with it, the after-sale fields are checked here for shape and by domain/aftersale.ts against the order.
 */
export function parseApplyRefundEvent(event: unknown): ApplyRefundEvent {
  const f = object(event, 'applyRefund', APPLY_FIELDS);
  const parsed: ApplyRefundEvent = { orderId: orderId(f), reason: reason(f.reason, 'reason') };
  if (f.refundFee !== undefined) parsed.refundFee = requireFen(f.refundFee, 'refundFee');
  if (f.type === undefined) {
    const extra = APPLY_FIELDS.slice(3).find((k) => f[k] !== undefined);
    if (extra) throw invalid(`${extra} only goes with type REFUND_ONLY or RETURN_AND_REFUND`);
    return parsed;
  }
  if (f.type !== 'REFUND_ONLY' && f.type !== 'RETURN_AND_REFUND') throw invalid('type must be REFUND_ONLY or RETURN_AND_REFUND');
  parsed.type = f.type;
  if (f.items !== undefined) parsed.items = refundLines(f.items);
  if (f.receipt !== undefined) {
    if (f.receipt !== 'RECEIVED' && f.receipt !== 'NOT_RECEIVED') throw invalid('receipt must be RECEIVED or NOT_RECEIVED');
    parsed.receipt = f.receipt;
  }
  if (f.note !== undefined) {
    const note = optionalText(f.note, 'note', AFTERSALE.noteMaxLength);
    if (note) parsed.note = note;
  }
  // The shape only: which files they are, and that they are the buyer's own photos, is checked against the storage
  // by the function (server/storage-files.ts checkBuyerPhotos).
  if (f.photos !== undefined) {
    if (!Array.isArray(f.photos) || f.photos.length > UPLOAD_LIMITS.photosMax || f.photos.some((p) => typeof p !== 'string' || p.length > 1024)) {
      throw invalid(`photos must be a list of at most ${UPLOAD_LIMITS.photosMax} file ids`);
    }
    if (f.photos.length) parsed.photos = f.photos as string[];
  }
  return parsed;
}

function refundLines(value: unknown): RefundLineRequest[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ORDER_LINES) throw invalid(`items must be 1..${MAX_ORDER_LINES} lines of {productId, skuId?, quantity}`);
  const seen = new Set<string>();
  return value.map((raw, i) => {
    const line = object(raw, `items[${i}]`, ['productId', 'skuId', 'quantity']);
    const productId = text(line, 'productId', PRODUCT_ID, `a product id (items[${i}])`);
    const skuId = line.skuId === undefined ? undefined : text(line, 'skuId', SKU_ID, `a SKU id (items[${i}])`);
    const key = orderLineKey({ productId, skuId });
    if (seen.has(key)) throw invalid(`line ${key} appears twice: use one line with a quantity`);
    seen.add(key);
    const q = line.quantity;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) throw invalid(`items[${i}].quantity must be a whole number in 1..${MAX_QUANTITY}`);
    return skuId === undefined ? { productId, quantity: q } : { productId, skuId, quantity: q };
  });
}

/** Like `reason`, but may be empty (then undefined) and has its own length. */
function optionalText(value: unknown, key: string, max: number): string | undefined {
  if (typeof value !== 'string') throw invalid(`${key} must be a text`);
  const cleaned = value.replace(TYPED_LINE_BREAKS, ' ').trim();
  if (hasControlCharacters(cleaned)) throw invalid(`${key} must not contain control characters`);
  if (Array.from(cleaned).length > max) throw invalid(`${key} must be at most ${max} characters`);
  return cleaned || undefined;
}

const DECISIONS = ['approve', 'reject', 'confirmReturn', 'refuseReturn'] as const;

export function parseApproveRefundEvent(event: unknown): ApproveRefundEvent {
  const f = object(event, 'approveRefund', ['refundId', 'action', 'rejectReason']);
  const id = refundId(f);
  const action = f.action;
  if (action === 'reject' || action === 'refuseReturn') {
    const rejectReason = reason(f.rejectReason, 'rejectReason');
    parseRejectReason(rejectSceneOf(action), rejectReason);
    return { refundId: id, action, rejectReason };
  }
  if (action === 'approve' || action === 'confirmReturn') {
    if (f.rejectReason !== undefined) throw invalid('rejectReason only goes with action "reject" or "refuseReturn"');
    return { refundId: id, action };
  }
  throw invalid(`action must be one of ${DECISIONS.join(', ')}`);
}

/** The buyer's return parcel: a company of WeChat's delivery list and its tracking number (spaces removed). */
function parseSubmitReturn(event: unknown): Extract<OrdersEvent, { action: 'submitReturn' }> {
  const f = object(event, 'orders.submitReturn', ['action', 'refundId', 'expressCompany', 'trackingNo']);
  const id = refundId(f);
  if (!isExpressCompany(f.expressCompany)) throw invalid('expressCompany must be a code from WeChat\'s delivery list (e.g. SF, ZTO)');
  const trackingNo = typeof f.trackingNo === 'string' ? f.trackingNo.replace(/\s+/g, '') : '';
  if (!TRACKING_NO.test(trackingNo)) throw invalid(`trackingNo must be ${LIMITS.trackingNoMinLength}-${LIMITS.trackingNoMaxLength} letters, digits or dashes`);
  return { action: 'submitReturn', refundId: id, expressCompany: f.expressCompany, trackingNo };
}

function page(f: Fields): { cursor?: string; limit?: number } {
  const out: { cursor?: string; limit?: number } = {};
  if (f.cursor !== undefined) {
    if (typeof f.cursor !== 'string' || f.cursor.length === 0 || f.cursor.length > 200) throw invalid('cursor must be the nextCursor of a previous page');
    out.cursor = f.cursor;
  }
  if (f.limit !== undefined) {
    if (typeof f.limit !== 'number' || !Number.isInteger(f.limit) || f.limit < 1 || f.limit > MAX_PAGE) throw invalid(`limit must be a whole number in 1..${MAX_PAGE}`);
    out.limit = f.limit;
  }
  return out;
}

export function parseOrdersEvent(event: unknown): OrdersEvent {
  const action = event && typeof event === 'object' ? (event as Fields).action : undefined;
  switch (action) {
    case 'list': {
      const f = object(event, 'orders.list', ['action', 'status', 'cursor', 'limit']);
      if (f.status !== undefined && !isOrderStatus(f.status) && f.status !== 'REFUNDING' && f.status !== 'AFTERSALE') throw invalid('status must be PENDING, PAID, SHIPPED, COMPLETED, REFUNDING, AFTERSALE, CLOSED or REFUNDED');
      return { action, ...(f.status !== undefined ? { status: f.status as OrderListFilter } : {}), ...page(f) };
    }
    case 'get':
    case 'cancel':
      return { action, orderId: orderId(object(event, `orders.${action}`, ['action', 'orderId'])) };
    case 'withdrawRefund':
    case 'refund':
    case 'checkRefund':
      return { action, refundId: refundId(object(event, `orders.${action}`, ['action', 'refundId'])) };
    case 'submitReturn':
      return parseSubmitReturn(event);
    case 'products':
    case 'me':
      object(event, `orders.${action}`, ['action']);
      return { action };
    case 'refunds': {
      const f = object(event, 'orders.refunds', ['action', 'status', 'cursor', 'limit']);
      if (f.status !== undefined && f.status !== 'FINISHED' && !isRefundStatus(f.status)) throw invalid('status must be a refund status or FINISHED');
      return { action, ...(f.status !== undefined ? { status: f.status as RefundQueueFilter } : {}), ...page(f) };
    }
    default:
      if (isShippingOrderAction(action)) return parseShippingOrdersEvent(event, action);
      if (isBillOrderAction(action)) return parseBillOrdersEvent(event, action);
      throw invalid('action must be one of list, get, cancel, withdrawRefund, submitReturn, products, me, refunds, refund, checkRefund, confirmReceipt, desk, reprint, bills, billDay, explainBillDifference');
  }
}
