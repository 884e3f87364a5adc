// Shipping rules: what a `ship` event may say, when an order may be shipped or corrected, and the body WeChat's
// shipping-info service (发货信息管理, upload_shipping_info) takes. Pure; the flow in server/shipping-flow.ts applies them.
import type { DeliveryAddress, LogisticsType, ShipEvent } from '../../typings/api';
import { maskPhone } from './address';
import type { ShippingRecord } from './documents';
import { conflict, invalid } from './errors';
import { OUT_TRADE_NO } from './ids';
import { LIMITS } from './limits';

/** WeChat's logistics_type numbers. */
export const LOGISTICS_TYPES: Readonly<Record<LogisticsType, 1 | 2 | 3 | 4>> = {
  EXPRESS: 1,
  LOCAL_DELIVERY: 2,
  VIRTUAL: 3,
  SELF_PICKUP: 4,
};

export const LOGISTICS_LABELS: Readonly<Record<LogisticsType, string>> = {
  EXPRESS: '快递',
  LOCAL_DELIVERY: '同城配送',
  VIRTUAL: '虚拟商品',
  SELF_PICKUP: '到店自提',
};

/**
 * Express companies by WeChat's delivery_id (the list `get_delivery_list` answers; that API has no cloud call, so
 * the common companies are pinned here). A shop that ships with another company adds its code from that list.
 */
export const EXPRESS_COMPANIES: Readonly<Record<string, string>> = {
  SF: '顺丰速运',
  ZTO: '中通快递',
  YTO: '圆通速递',
  STO: '申通快递',
  YD: '韵达速递',
  JTSD: '极兔速递',
  JD: '京东物流',
  EMS: 'EMS',
  YZPY: '邮政快递包裹',
  DBL: '德邦快递',
};

/** WeChat requires the receiver's masked phone number with SF Express shipments. */
export const CONTACT_REQUIRED_COMPANIES: readonly string[] = ['SF'];

/** Bounds from the contract (ContractLimits), so the ship form takes exactly what the function does. */
export const TRACKING_NO = new RegExp(`^[0-9A-Za-z-]{${LIMITS.trackingNoMinLength},${LIMITS.trackingNoMaxLength}}$`);
/** upload_shipping_info's item_desc limit. */
export const ITEM_DESC_MAX = 120;
/** WeChat lets a shipped order be changed once ("只能修改一次"). */
export const MAX_CORRECTIONS = 1;

const ALLOWED_FIELDS = ['orderId', 'logisticsType', 'expressCompany', 'trackingNo'];

export function isLogisticsType(value: unknown): value is LogisticsType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LOGISTICS_TYPES, value);
}

export function isExpressCompany(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(EXPRESS_COMPANIES, code);
}

/** The `ship` event, validated. Unknown fields are refused, as everywhere (see events.ts). */
export function parseShipEvent(event: unknown): ShipEvent {
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw invalid('ship: the event must be an object');
  const f = event as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!ALLOWED_FIELDS.includes(key) && key !== 'userInfo') throw invalid(`ship: unknown field "${key.slice(0, 40)}" (expected ${ALLOWED_FIELDS.join(', ')})`);
  }
  if (typeof f.orderId !== 'string' || !OUT_TRADE_NO.test(f.orderId)) throw invalid('orderId must be an order id (1-32 of 0-9 A-Z a-z _ -)');
  if (!isLogisticsType(f.logisticsType)) throw invalid(`logisticsType must be one of ${Object.keys(LOGISTICS_TYPES).join(', ')}`);
  const trackingNo = typeof f.trackingNo === 'string' ? f.trackingNo.replace(/\s+/g, '') : f.trackingNo;
  if (trackingNo !== undefined && (typeof trackingNo !== 'string' || !TRACKING_NO.test(trackingNo))) {
    throw invalid(`trackingNo must be ${LIMITS.trackingNoMinLength}-${LIMITS.trackingNoMaxLength} letters, digits or dashes`);
  }
  if (f.logisticsType === 'EXPRESS') {
    if (!isExpressCompany(f.expressCompany)) {
      throw invalid(`expressCompany must be a code from WeChat's delivery list: ${Object.keys(EXPRESS_COMPANIES).join(', ')}`);
    }
    if (trackingNo === undefined || trackingNo === '') throw invalid('an express shipment needs its trackingNo');
    return { orderId: f.orderId, logisticsType: 'EXPRESS', expressCompany: f.expressCompany, trackingNo };
  }
  if (f.expressCompany !== undefined) throw invalid('expressCompany only goes with logisticsType EXPRESS');
  if (trackingNo !== undefined && f.logisticsType !== 'LOCAL_DELIVERY') throw invalid('trackingNo only goes with EXPRESS or LOCAL_DELIVERY');
  return { orderId: f.orderId, logisticsType: f.logisticsType, ...(trackingNo ? { trackingNo } : {}) };
}

/** What an order needs to know about its shipment (the document keeps it under `shipping`). */
export interface Shipment {
  logisticsType: LogisticsType;
  expressCompany?: string;
  trackingNo?: string;
}

/** The shipment a ship request describes: only the fields it gave. */
export function shipmentOf(request: ShipEvent): Shipment {
  return {
    logisticsType: request.logisticsType,
    ...(request.expressCompany ? { expressCompany: request.expressCompany } : {}),
    ...(request.trackingNo ? { trackingNo: request.trackingNo } : {}),
  };
}

/**
 * What a shipment writes on the order at `at`. A correction keeps when the goods first left and when receipt confirms
 * itself (the buyer's days run from the first shipment); an upload is owed only where WeChat manages shipping.
 */
export function shippingRecord(
  shipment: Shipment,
  previous: ShippingRecord | undefined,
  correcting: boolean,
  facts: { at: Date; by: string; autoConfirmDays: number; managed: boolean },
): ShippingRecord {
  return {
    ...shipment,
    shippedAt: correcting && previous ? previous.shippedAt : facts.at,
    shippedBy: facts.by,
    corrections: correcting ? 1 : 0,
    revisedAt: facts.at,
    autoConfirmAt: correcting && previous ? previous.autoConfirmAt : autoConfirmAt(facts.at, facts.autoConfirmDays),
    receiptCheckedAt: facts.at,
    upload: { state: facts.managed ? 'PENDING' : 'NOT_REQUIRED', attempts: 0 },
  };
}

export interface ShippableOrder {
  _id: string;
  status: string;
  openRefundId?: string | null;
  address?: DeliveryAddress;
  shipping?: Shipment & { corrections: number };
}

export type ShipDecision = { kind: 'SHIP' } | { kind: 'CORRECT' } | { kind: 'SAME' };

/**
 * Whether this shipment may be recorded. Guarantees: only PAID orders ship; a SHIPPED order takes the same
 * shipment again (a repeated tap answers as before) or one correction; goods that travel need an address; an open
 * refund is decided first (the buyer may be sending the goods back).
 */
export function decideShipment(order: ShippableOrder, shipment: Shipment): ShipDecision {
  switch (order.status) {
    case 'PAID':
      break;
    case 'SHIPPED': {
      const previous = order.shipping;
      if (previous && sameShipment(previous, shipment)) return { kind: 'SAME' };
      if ((previous?.corrections ?? 0) >= MAX_CORRECTIONS) {
        throw conflict(`order ${order._id} was corrected once already; WeChat allows one correction, change it in the mini-program admin (发货信息管理) if needed`);
      }
      break;
    }
    case 'PENDING':
      throw conflict(`order ${order._id} is not paid yet: only paid orders can be shipped`);
    case 'COMPLETED':
      throw conflict(`order ${order._id} was received already`);
    default:
      throw conflict(`order ${order._id} is ${order.status}: it can no longer be shipped`);
  }
  if (order.openRefundId) throw conflict(`refund ${order.openRefundId} is open on order ${order._id}: decide it before shipping`);
  if ((shipment.logisticsType === 'EXPRESS' || shipment.logisticsType === 'LOCAL_DELIVERY') && !order.address) {
    throw conflict(`order ${order._id} has no delivery address: use SELF_PICKUP or VIRTUAL`);
  }
  return order.status === 'PAID' ? { kind: 'SHIP' } : { kind: 'CORRECT' };
}

/** The timeline's note for a shipment: `快递 顺丰速运 SF1234567890`. */
export function shipmentNote(s: Shipment): string {
  const company = s.expressCompany ? EXPRESS_COMPANIES[s.expressCompany] ?? s.expressCompany : '';
  return [LOGISTICS_LABELS[s.logisticsType], company, s.trackingNo ?? ''].filter(Boolean).join(' ');
}

export function sameShipment(a: Shipment, b: Shipment): boolean {
  return a.logisticsType === b.logisticsType && (a.expressCompany ?? '') === (b.expressCompany ?? '') && (a.trackingNo ?? '') === (b.trackingNo ?? '');
}

// ---- the upload to WeChat ---------------------------------------------------------------------------------

/** upload_shipping_info's body, in WeChat's own field names. */
export interface UploadShippingInfoRequest {
  order_key: { order_number_type: 1 | 2; transaction_id?: string; mchid?: string; out_trade_no?: string };
  logistics_type: 1 | 2 | 3 | 4;
  delivery_mode: 1 | 2;
  is_all_delivered?: boolean;
  shipping_list: Array<{
    tracking_no?: string;
    express_company?: string;
    item_desc: string;
    contact?: { consignor_contact?: string; receiver_contact?: string };
  }>;
  upload_time: string;
  payer: { openid: string };
}

export interface UploadFacts {
  orderId: string;
  transactionId?: string;
  /** The merchant the buyer paid (for the mchid + out_trade_no key when there is no transaction id). */
  mchid: string;
  buyerOpenid: string;
  title: string;
  address?: DeliveryAddress;
  shipment: Shipment;
  /** Must increase from one upload of the same order to the next (WeChat's rule). */
  uploadedAt: Date;
}

export function uploadShippingInfoRequest(facts: UploadFacts): UploadShippingInfoRequest {
  const { shipment } = facts;
  const item: UploadShippingInfoRequest['shipping_list'][number] = { item_desc: cut(facts.title || facts.orderId, ITEM_DESC_MAX) };
  if (shipment.trackingNo) item.tracking_no = shipment.trackingNo;
  if (shipment.logisticsType === 'EXPRESS') item.express_company = shipment.expressCompany;
  if (shipment.expressCompany && CONTACT_REQUIRED_COMPANIES.includes(shipment.expressCompany) && facts.address) {
    item.contact = { receiver_contact: maskPhone(facts.address.telNumber) };
  }
  return {
    // The transaction id names the payment whoever the merchant of record is (cloudPay pays a sub-merchant).
    order_key: facts.transactionId
      ? { order_number_type: 2, transaction_id: facts.transactionId }
      : { order_number_type: 1, mchid: facts.mchid, out_trade_no: facts.orderId },
    logistics_type: LOGISTICS_TYPES[shipment.logisticsType],
    delivery_mode: 1,
    shipping_list: [item],
    upload_time: rfc3339China(facts.uploadedAt),
    payer: { openid: facts.buyerOpenid },
  };
}

/** `2026-11-29T09:00:00.000+08:00`: the RFC 3339 time WeChat's examples use. */
export function rfc3339China(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 23)}+08:00`;
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

// ---- WeChat's answers -------------------------------------------------------------------------------------

/** 支付单已完成发货: WeChat has this shipment already (a retry after a lost answer, or entered in the admin by hand). */
export const ALREADY_SHIPPED = 10060002;

export type UploadOutcome = 'UPLOADED' | 'RETRY' | 'REFUSED';

/**
 * What an upload's error means. For the first upload, "already shipped" is success; for a correction it is WeChat
 * refusing the change (its one modification is spent), which retrying cannot fix.
 */
export function uploadOutcome(errCode: number | undefined, correction: boolean): UploadOutcome {
  if (errCode === undefined || errCode === 0) return 'UPLOADED';
  if (errCode === ALREADY_SHIPPED) return correction ? 'REFUSED' : 'UPLOADED';
  return 'RETRY';
}

/** upload attempts before reconcile stops and the merchant is shown the error (a few days at 5-minute runs). */
export const MAX_UPLOAD_ATTEMPTS = 50;

// ---- receipt ----------------------------------------------------------------------------------------------

const DAY_MS = 24 * 3600_000;

/** reconcile asks WeChat about a shipped order at most this often (the buyer may confirm in WeChat's own notices). */
export const RECEIPT_CHECK_INTERVAL_MS = 6 * 3600_000;

export function autoConfirmAt(shippedAt: Date, autoConfirmDays: number): Date {
  return new Date(shippedAt.getTime() + autoConfirmDays * DAY_MS);
}

/** get_order's order_state: 1 待发货, 2 已发货, 3 确认收货, 4 交易完成, 5 已退款. */
export function wechatConfirmedReceipt(orderState: unknown): boolean {
  return orderState === 3 || orderState === 4;
}
