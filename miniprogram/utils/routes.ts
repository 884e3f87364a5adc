// Page addresses in one place; subscribe messages sent by the cloud functions open the same addresses.

export const ROUTES = {
  shop: '/pages/shop/index',
  orderList: '/pages/order/order-list/index',
  orderDetail: '/pages/order/order-detail/index',
  refundApply: '/pages/order/refund-apply/index',
  afterSaleApply: '/pages/aftersale/apply/index',
  afterSaleDetail: '/pages/aftersale/detail/index',
  refundQueue: '/pages/merchant/refund-queue/index',
  refundReview: '/pages/merchant/refund-detail/index',
  desk: '/pages/merchant/desk/index',
  shipOrder: '/pages/merchant/ship/index',
  bills: '/pages/merchant/bills/index',
  products: '/pages/merchant/products/index',
  productEdit: '/pages/merchant/product-edit/index',
  stockAdjust: '/pages/merchant/stock-adjust/index',
} as const;

export function withQuery(path: string, query: Record<string, string>): string {
  const pairs = Object.keys(query).map((k) => `${k}=${encodeURIComponent(query[k])}`);
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}

/** Query values arrive URI-encoded when a page is opened from a subscribe message or a shared link. */
export function queryValue(query: Record<string, string | undefined> | undefined, key: string): string {
  const raw = query?.[key];
  if (!raw) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function navigate(url: string): void {
  wx.navigateTo({ url });
}
