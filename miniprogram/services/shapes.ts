// Light checks of what the functions answer, at the package boundary: enough that a page never iterates over
// something that is not a list or formats something that is not an amount. A mismatch becomes INTERNAL.
type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isFen = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

export type Check = (data: unknown) => boolean;

export const listOf =
  (item: Check): Check =>
  (data) =>
    Array.isArray(data) && data.every(item);

export const pageOf =
  (item: Check): Check =>
  (data) =>
    isObj(data) && listOf(item)(data.items) && (data.nextCursor === undefined || isStr(data.nextCursor));

export const isOrderSummary: Check = (x) =>
  isObj(x) &&
  isStr(x.orderId) &&
  isStr(x.status) &&
  isFen(x.totalFee) &&
  isFen(x.refundedFee) &&
  isFen(x.refundingFee) &&
  isStr(x.createdAt) &&
  typeof x.hasOpenRefund === 'boolean';

export const isRefundView: Check = (x) =>
  isObj(x) && isStr(x.refundId) && isStr(x.orderId) && isStr(x.status) && isFen(x.refundFee) && isStr(x.reason) && isStr(x.createdAt);

export const isOrderDetail: Check = (x) =>
  isOrderSummary(x) &&
  isObj(x) &&
  listOf((i) => isObj(i) && isStr(i.name) && isFen(i.unitPrice) && isFen(i.quantity))(x.items) &&
  listOf((t) => isObj(t) && isStr(t.at) && isStr(t.event) && isStr(t.by))(x.timeline) &&
  listOf(isRefundView)(x.refunds) &&
  isFen(x.refundableFee);

export const isProduct: Check = (x) => isObj(x) && isStr(x.productId) && isStr(x.name) && isFen(x.price) && Array.isArray(x.skus);

export const isMe: Check = (x) => isObj(x) && isStr(x.openid) && typeof x.isMerchant === 'boolean' && isObj(x.templates);

export const isMerchantRefund: Check = (x) => isObj(x) && isRefundView(x.refund) && isOrderDetail(x.order);

export const isPayData: Check = (x) =>
  isObj(x) &&
  isStr(x.orderId) &&
  isFen(x.totalFee) &&
  isObj(x.payment) &&
  ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'].every((k) => isStr((x.payment as Obj)[k]));
