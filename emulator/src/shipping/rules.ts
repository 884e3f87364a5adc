// WeChat's shipping-info service (发货信息管理) as rules over plain data: what upload_shipping_info accepts, what it
// does to an order's shipping state (first upload, the one modification), and what get_order reports.
// Error codes: 10060001 (支付单不存在) and 10060002 (支付单已完成发货) are the ones developers report from WeChat;
// format problems answer 47001 (data format error) with the reason in errmsg, as WeChat does for malformed bodies.

/**
 * The delivery companies (WeChat's `delivery_id` codes, as get_delivery_list names them) this emulation knows: the
 * common domestic carriers. WeChat refuses a code it does not know; so does this list, kept apart from the shop's
 * own list of the carriers it offers, so a wrong code in the shop is caught here.
 */
const EXPRESS_COMPANIES: Readonly<Record<string, string>> = {
  SF: '顺丰速运',
  ZTO: '中通快递',
  YTO: '圆通速递',
  STO: '申通快递',
  YD: '韵达快递',
  JTSD: '极兔速递',
  JD: '京东物流',
  EMS: '中国邮政速递物流',
  YZPY: '邮政快递包裹',
  DBL: '德邦快递',
};

export const NO_SUCH_ORDER = 10060001;
export const ALREADY_SHIPPED = 10060002;
export const DATA_FORMAT_ERROR = 47001;
export const MAX_PACKAGES = 15;
export const ITEM_DESC_MAX = 120;

export interface WxAnswer {
  errcode: number;
  errmsg: string;
  [key: string]: unknown;
}

/** The paid trade the service knows (from the WeChat Pay side). */
export interface PaidTrade {
  outTradeNo: string;
  transactionId: string;
  mchids: string[];
  payerOpenid?: string;
  totalFee: number;
  description: string;
  paidAt: number;
  createdAt: number;
}

export interface ShippingPackage {
  tracking_no?: string;
  express_company?: string;
  item_desc: string;
  contact?: { consignor_contact?: string; receiver_contact?: string };
}

export interface ShippingState {
  outTradeNo: string;
  transactionId: string;
  /** get_order's order_state: 1 待发货, 2 已发货, 3 确认收货, 4 交易完成, 5 已退款. */
  orderState: 1 | 2 | 3 | 4 | 5;
  logisticsType: number;
  deliveryMode: number;
  isAllDelivered?: boolean;
  shippingList: ShippingPackage[];
  uploadTime: string;
  /** 0 after the first upload, 1 after the one modification WeChat allows. */
  modifications: number;
  /** Every accepted upload, oldest first (ms). */
  uploads: Array<{ at: number; logisticsType: number; shippingList: ShippingPackage[] }>;
  confirmedAt?: number;
}

export type TradeFinder = (key: { transactionId?: string; outTradeNo?: string }) => PaidTrade | undefined;

const fail = (errcode: number, errmsg: string): WxAnswer => ({ errcode, errmsg });
const format = (why: string) => fail(DATA_FORMAT_ERROR, `data format error: ${why}`);

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A masked phone: some digits masked with '*', the last four digits shown. */
export function isMaskedContact(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 1024 && value.includes('*') && /[0-9]{4}$/.test(value) && /^[0-9*+\- ]+$/.test(value);
}

export type UploadResult = { ok: true; trade: PaidTrade; next: ShippingState } | { ok: false; answer: WxAnswer };

/** Validates one upload_shipping_info body against the trade and the order's current shipping state. */
export function applyUpload(body: Record<string, unknown>, findTrade: TradeFinder, current: (outTradeNo: string) => ShippingState | undefined, now: number): UploadResult {
  const key = body.order_key;
  if (!isObject(key)) return { ok: false, answer: format('order_key is required') };
  let trade: PaidTrade | undefined;
  if (key.order_number_type === 2) {
    if (typeof key.transaction_id !== 'string' || key.transaction_id === '') return { ok: false, answer: format('order_key.transaction_id is required for order_number_type 2') };
    trade = findTrade({ transactionId: key.transaction_id });
  } else if (key.order_number_type === 1) {
    if (typeof key.mchid !== 'string' || typeof key.out_trade_no !== 'string' || key.out_trade_no === '') return { ok: false, answer: format('order_key.mchid and out_trade_no are required for order_number_type 1') };
    trade = findTrade({ outTradeNo: key.out_trade_no });
    if (trade && !trade.mchids.includes(key.mchid)) trade = undefined;
  } else return { ok: false, answer: format('order_key.order_number_type must be 1 or 2') };
  if (!trade) return { ok: false, answer: fail(NO_SUCH_ORDER, '支付单不存在') };

  const logisticsType = body.logistics_type;
  if (logisticsType !== 1 && logisticsType !== 2 && logisticsType !== 3 && logisticsType !== 4) return { ok: false, answer: format('logistics_type must be 1, 2, 3 or 4') };
  const mode = body.delivery_mode;
  if (mode !== 1 && mode !== 2) return { ok: false, answer: format('delivery_mode must be 1 (UNIFIED_DELIVERY) or 2 (SPLIT_DELIVERY)') };
  if (mode === 2 && logisticsType !== 1) return { ok: false, answer: format('split delivery is for express shipments only') };
  if (mode === 2 && typeof body.is_all_delivered !== 'boolean') return { ok: false, answer: format('is_all_delivered is required with split delivery') };
  const list = body.shipping_list;
  if (!Array.isArray(list) || list.length === 0) return { ok: false, answer: format('shipping_list must be a non-empty array') };
  if (list.length > MAX_PACKAGES) return { ok: false, answer: format(`shipping_list has at most ${MAX_PACKAGES} packages`) };
  if (mode === 1 && list.length !== 1) return { ok: false, answer: format('unified delivery has exactly one package') };
  const packages: ShippingPackage[] = [];
  for (const [i, raw] of list.entries()) {
    if (!isObject(raw)) return { ok: false, answer: format(`shipping_list[${i}] must be an object`) };
    const p: ShippingPackage = { item_desc: '' };
    if (typeof raw.item_desc !== 'string' || raw.item_desc === '' || Array.from(raw.item_desc).length > ITEM_DESC_MAX) {
      return { ok: false, answer: format(`shipping_list[${i}].item_desc must be 1-${ITEM_DESC_MAX} characters`) };
    }
    p.item_desc = raw.item_desc;
    if (logisticsType === 1) {
      if (typeof raw.tracking_no !== 'string' || raw.tracking_no === '' || raw.tracking_no.length > 128) return { ok: false, answer: format(`shipping_list[${i}].tracking_no is required for express`) };
      if (typeof raw.express_company !== 'string' || !Object.prototype.hasOwnProperty.call(EXPRESS_COMPANIES, raw.express_company)) {
        return { ok: false, answer: format(`shipping_list[${i}].express_company must be a delivery_id from get_delivery_list`) };
      }
      p.tracking_no = raw.tracking_no;
      p.express_company = raw.express_company;
      if (raw.express_company === 'SF') {
        const c = raw.contact;
        if (!isObject(c) || !(isMaskedContact(c.receiver_contact) || isMaskedContact(c.consignor_contact))) {
          return { ok: false, answer: format(`shipping_list[${i}].contact: SF Express needs the masked receiver or consignor phone (last 4 digits shown)`) };
        }
        p.contact = { ...(typeof c.receiver_contact === 'string' ? { receiver_contact: c.receiver_contact } : {}), ...(typeof c.consignor_contact === 'string' ? { consignor_contact: c.consignor_contact } : {}) };
      }
    } else if (typeof raw.tracking_no === 'string' && raw.tracking_no !== '') p.tracking_no = raw.tracking_no;
    packages.push(p);
  }
  const uploadTime = body.upload_time;
  if (typeof uploadTime !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(uploadTime) || Number.isNaN(Date.parse(uploadTime))) {
    return { ok: false, answer: format('upload_time must be an RFC 3339 time') };
  }
  const payer = body.payer;
  if (!isObject(payer) || typeof payer.openid !== 'string' || payer.openid === '') return { ok: false, answer: format('payer.openid is required') };
  if (trade.payerOpenid && payer.openid !== trade.payerOpenid) return { ok: false, answer: format('payer.openid is not the payer of this order') };

  const previous = current(trade.outTradeNo);
  const upload = { at: now, logisticsType, shippingList: packages };
  if (!previous) {
    return { ok: true, trade, next: { outTradeNo: trade.outTradeNo, transactionId: trade.transactionId, orderState: 2, logisticsType, deliveryMode: mode, ...(mode === 2 ? { isAllDelivered: body.is_all_delivered as boolean } : {}), shippingList: packages, uploadTime, modifications: 0, uploads: [upload] } };
  }
  // A shipped order may be changed once, and only before the buyer confirms receipt.
  if (previous.orderState !== 2 || previous.modifications >= 1) return { ok: false, answer: fail(ALREADY_SHIPPED, '支付单已完成发货') };
  if (Date.parse(uploadTime) <= Date.parse(previous.uploadTime)) return { ok: false, answer: format('upload_time must be later than the previous upload') };
  return {
    ok: true,
    trade,
    next: { ...previous, logisticsType, deliveryMode: mode, shippingList: packages, uploadTime, modifications: previous.modifications + 1, uploads: [...previous.uploads, upload] },
  };
}

/** get_order's answer for a paid trade. */
export function orderView(trade: PaidTrade, state: ShippingState | undefined): Record<string, unknown> {
  return {
    transaction_id: trade.transactionId,
    merchant_id: trade.mchids[0],
    merchant_trade_no: trade.outTradeNo,
    description: trade.description,
    paid_amount: trade.totalFee,
    openid: trade.payerOpenid ?? '',
    trade_create_time: Math.floor(trade.createdAt / 1000),
    pay_time: Math.floor(trade.paidAt / 1000),
    in_complaint: false,
    order_state: state?.orderState ?? 1,
    shipping: state
      ? {
          delivery_mode: state.deliveryMode,
          logistics_type: state.logisticsType,
          finish_shipping: true,
          finish_shipping_count: state.modifications,
          goods_desc: state.shippingList[0]?.item_desc ?? '',
          shipping_list: state.shippingList.map((p) => ({ ...p, upload_time: Math.floor(Date.parse(state.uploadTime) / 1000) })),
        }
      : undefined,
  };
}
