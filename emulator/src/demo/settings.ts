// The demo shop: settings, products and the two people you can act as. Everything here is documented in
// docs/functions.md ("Demo data") so a developer knows which openid to send as x-wx-openid.
import { LOCAL_PRINTER_SN } from '../printer';

export const DEMO_BUYER = 'demo-buyer';
export const DEMO_MERCHANT = 'demo-merchant';
/** A made-up sub-merchant id: the sandbox accepts any digits, WeChat Pay would not. */
export const DEMO_SUB_MCH_ID = '1900000109';

/** Template ids are the local stand-ins declared in cloudbase/local-templates.json. */
export const DEMO_SETTINGS = {
  _id: 'shop',
  shopName: '本地演示小店',
  merchantOpenids: [DEMO_MERCHANT],
  subMchId: DEMO_SUB_MCH_ID,
  refundWindowDays: 7,
  unpaidTimeoutSeconds: 1800,
  notifyGraceSeconds: 60,
  refundPollSeconds: 60,
  miniprogramState: 'developer',
  templates: {
    orderPaid: {
      templateId: 'LOCAL_TMPL_ORDER_PAID',
      // The merchant's own page for the order (ship it, reprint), not the buyer's.
      page: 'pages/merchant/ship/index?orderId={orderId}',
      data: { character_string1: 'orderId', thing2: 'title', amount3: 'totalFee', time4: 'paidAt' },
    },
    refundRequested: {
      templateId: 'LOCAL_TMPL_REFUND_REQUESTED',
      page: 'pages/merchant/refund-detail/index?refundId={refundId}',
      data: { character_string1: 'orderId', amount2: 'refundFee', thing3: 'reason', time4: 'requestedAt' },
    },
    refundResult: {
      templateId: 'LOCAL_TMPL_REFUND_RESULT',
      // The request's own page: where a return's address and tracking form are, and where a rejection is answered.
      page: 'pages/aftersale/detail/index?refundId={refundId}&orderId={orderId}',
      data: { character_string1: 'orderId', amount2: 'refundFee', phrase3: 'result', time4: 'decidedAt' },
    },
    orderShipped: {
      templateId: 'LOCAL_TMPL_ORDER_SHIPPED',
      page: 'pages/order/order-detail/index?orderId={orderId}',
      data: { character_string1: 'orderId', thing2: 'title', thing3: 'expressCompany', character_string4: 'trackingNo', time5: 'shippedAt' },
    },
    // The merchant's morning line on yesterday's WeChat Pay bill (the bill function).
    billSummary: {
      templateId: 'LOCAL_TMPL_BILL_SUMMARY',
      page: 'pages/merchant/bills/index',
      data: { thing1: 'summary', thing2: 'billDate', amount3: 'paidFee' },
    },
    // To the merchants when an order leaves a SKU at or below stock.lowStockThreshold (opens its catalogue page).
    lowStock: {
      templateId: 'LOCAL_TMPL_LOW_STOCK',
      page: 'pages/merchant/product-edit/index?productId={productId}',
      data: { thing1: 'productName', thing2: 'spec', number3: 'stock', thing4: 'summary' },
    },
  },
  shipping: { managed: true, autoConfirmDays: 10 },
  // Where buyers send returns back once the merchant agrees (the after-sale timers keep WeChat's defaults).
  afterSale: { returnAddress: { name: '本地演示小店 售后', phone: '021-60000000', address: '上海市徐汇区漕溪北路 88 号 售后部' } },
  printer: { provider: 'feie', sn: LOCAL_PRINTER_SN, copies: 1 },
};

export const DEMO_PRODUCTS = [
  { _id: 'oolong-tea', name: '冻顶乌龙茶 250g', price: 6800, description: '台湾冻顶，中度烘焙', active: true, sort: 1 },
  { _id: 'green-tea', name: '西湖龙井 100g', price: 12800, description: '明前龙井', active: true, sort: 2 },
  { _id: 'tea-cup', name: '白瓷品茗杯', price: 1990, active: true, sort: 3 },
  { _id: 'sample-pack', name: '试饮装（1 分钱测试）', price: 1, description: '用于测试支付与退款', active: true, sort: 4 },
];

/**
 * Products with counted stock and specifications, seeded by `--demo` beside DEMO_PRODUCTS (which stay as products
 * written before SKUs existed: uncounted stock, what a migrated shop has). One is nearly sold out, one SKU is.
 */
export const DEMO_STOCKED_PRODUCTS = [
  {
    _id: 'black-tea',
    name: '正山小种红茶',
    price: 3800,
    description: '桐木关，松烟香',
    active: true,
    sort: 5,
    specs: [{ name: '规格', values: ['100g', '250g', '500g'] }],
    skus: {
      g100: { specs: { 规格: '100g' }, price: 3800, stock: 30, held: 0, sold: 12 },
      g250: { specs: { 规格: '250g' }, price: 8800, stock: 2, held: 0, sold: 9 },
      g500: { specs: { 规格: '500g' }, price: 16800, stock: 0, held: 0, sold: 4 },
    },
  },
  {
    _id: 'tea-tray',
    name: '竹制茶盘',
    price: 15900,
    active: true,
    sort: 6,
    skus: { default: { specs: {}, price: 15900, stock: 1, held: 0, sold: 3 } },
  },
];

/**
 * The settings that make the shop take money through `provider`: for APIv2/v3, the mini-program's appid and the
 * URLs of payNotify and refundNotify through the local cloud's HTTP access (`<localCloudUrl>/http/<function>`).
 */
export function paySettings(provider: 'cloudpay' | 'v2' | 'v3', localCloudUrl: string, appid: string): Record<string, unknown> {
  if (provider === 'cloudpay') return { provider };
  return {
    provider,
    appid,
    payNotifyUrl: `${localCloudUrl}/http/payNotify`,
    refundNotifyUrl: `${localCloudUrl}/http/refundNotify`,
    v2SignType: 'HMAC-SHA256',
  };
}

/**
 * The settings of a shop that switched channel along `channels` (oldest first): new orders through the last, the others
 * still configured for their orders (docs/migrate-cloudpay-to-v3.md). One channel: paySettings.
 */
export function channelSettings(channels: ReadonlyArray<'cloudpay' | 'v2' | 'v3'>, localCloudUrl: string, appid: string): Record<string, unknown> {
  const current = channels[channels.length - 1] ?? 'cloudpay';
  const former = channels.slice(0, -1);
  const merged = Object.assign({}, ...channels.map((c) => paySettings(c, localCloudUrl, appid))) as Record<string, unknown>;
  return { ...merged, provider: current, ...(former.length ? { formerChannels: former.map((provider) => ({ provider, subMchId: DEMO_SUB_MCH_ID })) } : {}) };
}
