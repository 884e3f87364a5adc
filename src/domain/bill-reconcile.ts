// Comparing one China day's WeChat Pay trade bill with the shop's books. Pure: the caller loads the bill (already
// parsed into fen) and the shop's records, this decides what differs and what the merchant should do about it.
// Each difference has a fingerprint (kind + the number it is about), so recording it twice is impossible.
import type { OrderStatus, RefundStatus } from '../../typings/api';
import type { BillPaymentRow, BillRefundRow, TradeBill } from './bill-types';
import { formatYuan } from './money';

export type BillDifferenceKind =
  /** WeChat took money for an order number the shop has never seen: the worst case. */
  | 'MONEY_WITHOUT_ORDER'
  /** WeChat took the money; the shop still holds the order as unpaid or closed. */
  | 'PAID_NOT_BOOKED'
  /** The shop holds an order as paid; WeChat's bill has no payment for it. */
  | 'PAID_NOT_IN_BILL'
  | 'AMOUNT_DIFFERS'
  | 'TRANSACTION_DIFFERS'
  /** WeChat started a refund the shop has no record of. */
  | 'REFUND_NOT_IN_SHOP'
  /** The shop sent a refund to WeChat that the bill does not hold. */
  | 'REFUND_NOT_IN_BILL'
  | 'REFUND_AMOUNT_DIFFERS'
  | 'REFUND_STATUS_DIFFERS'
  | 'FEE_DIFFERS'
  /** The bill's own summary line disagrees with its rows: the file is incomplete or damaged. */
  | 'SUMMARY_MISMATCH';

export interface BillDifference {
  /** `<kind>:<number>`: the anomaly's id suffix, so a rerun records nothing new. */
  fingerprint: string;
  kind: BillDifferenceKind;
  orderId?: string;
  refundId?: string;
  /** What differs, in words a merchant reads (amounts as ¥). */
  detail: string;
  /** What to do about it. */
  action: string;
}

/** The shop's side of a payment: an order as stored. */
export interface ShopOrder {
  orderId: string;
  status: OrderStatus;
  totalFee: number;
  transactionId?: string;
  paidAt?: Date;
}

/** The shop's side of a refund that was sent to WeChat Pay. */
export interface ShopRefund {
  refundId: string;
  orderId: string;
  status: RefundStatus;
  refundFee: number;
  settledFee?: number;
  /** When the shop asked WeChat Pay to refund (the bill's 交易时间 for a refund row). */
  submittedAt?: Date;
}

export interface BillComparisonInput {
  bill: TradeBill;
  /** Every order the bill names, found by its number (absent = the shop has none). */
  ordersById: ReadonlyMap<string, ShopOrder>;
  /** Every refund the bill names, found by its number. */
  refundsById: ReadonlyMap<string, ShopRefund>;
  /** Orders the shop holds as paid during the bill's day. */
  paidThatDay: readonly ShopOrder[];
  /** Refunds the shop submitted during the bill's day. */
  refundsSubmittedThatDay: readonly ShopRefund[];
  /** Payment and refund numbers in the neighbouring days' bills, for records near midnight (the ±1 day window). */
  neighbours: { tradeNos: ReadonlySet<string>; refundNos: ReadonlySet<string> };
  /** The fee rate agreed with WeChat Pay in parts per 10 000 (0.6 % = 60), if the shop wants fees checked. */
  feeRateBasisPoints?: number;
}

export interface BillTotals {
  payments: number;
  refunds: number;
  /** Sum of 订单金额 over payments, in fen. */
  paidFee: number;
  /** Sum of 申请退款金额 over refunds, in fen. */
  refundFee: number;
  /** Sum of 手续费 (payments less what refunds hand back), in thousandths of a fen. */
  feeMilliFen: number;
}

const PAID_STATUSES: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'COMPLETED', 'REFUNDED'];
export const isPaidInShop = (status: OrderStatus) => PAID_STATUSES.includes(status);

export function compareBill(input: BillComparisonInput): { differences: BillDifference[]; totals: BillTotals } {
  const differences: BillDifference[] = [];
  const add = (d: Omit<BillDifference, 'fingerprint'>, key: string) => differences.push({ fingerprint: `${d.kind}:${key}`, ...d });

  const inBill = new Set<string>();
  for (const row of input.bill.payments) {
    inBill.add(row.outTradeNo);
    comparePayment(row, input.ordersById.get(row.outTradeNo), add);
    checkFee(row.outTradeNo, row.totalFee, row.feeMilliFen, input.feeRateBasisPoints, add);
  }
  for (const order of input.paidThatDay) {
    if (inBill.has(order.orderId) || input.neighbours.tradeNos.has(order.orderId)) continue;
    add({ kind: 'PAID_NOT_IN_BILL', orderId: order.orderId, detail: `订单 ${order.orderId} 店内记为已付款（${formatYuan(order.totalFee)}），微信支付账单中没有这笔收款`, action: '在微信支付商户平台（交易中心 → 交易订单）核对；微信若无此笔，请勿发货：订单被误记为已付。' }, order.orderId);
  }

  const refundsInBill = new Set<string>();
  for (const row of input.bill.refunds) {
    refundsInBill.add(row.outRefundNo);
    compareRefund(row, input.refundsById.get(row.outRefundNo), add);
  }
  for (const refund of input.refundsSubmittedThatDay) {
    if (refundsInBill.has(refund.refundId) || input.neighbours.refundNos.has(refund.refundId)) continue;
    add({ kind: 'REFUND_NOT_IN_BILL', orderId: refund.orderId, refundId: refund.refundId, detail: `退款 ${refund.refundId}（${formatYuan(refund.refundFee)}）已提交微信支付，账单中没有这笔退款`, action: '店铺会自动向微信支付查询未完成的退款；若仍缺失，请在商户平台（交易中心 → 退款管理）查找。' }, refund.refundId);
  }

  const totals = totalsOf(input.bill);
  checkSummary(input.bill, totals, add);
  return { differences, totals };
}

type Add = (d: Omit<BillDifference, 'fingerprint'>, key: string) => void;

function comparePayment(row: BillPaymentRow, order: ShopOrder | undefined, add: Add): void {
  const no = row.outTradeNo;
  if (!order) {
    add({ kind: 'MONEY_WITHOUT_ORDER', orderId: no, detail: `微信支付为订单号 ${no} 收款 ${formatYuan(row.totalFee)}（微信支付单号 ${row.transactionId}），店内没有这个订单`, action: '在微信支付商户平台退款（交易中心 → 交易订单 → 申请退款），或查明是谁在店外创建了这笔订单。' }, no);
    return;
  }
  if (!isPaidInShop(order.status)) {
    add({ kind: 'PAID_NOT_BOOKED', orderId: no, detail: `微信支付已为订单 ${no} 收款 ${formatYuan(row.totalFee)}，店内仍为 ${order.status}`, action: order.status === 'CLOSED' ? '订单关闭后才付款：店铺会自动退还这类付款，请确认退款已在进行。' : '支付通知丢失：店铺会自动向微信支付查询并入账；若仍未付款，请在控制台运行 reconcile。' }, no);
  }
  if (row.totalFee !== order.totalFee) {
    add({ kind: 'AMOUNT_DIFFERS', orderId: no, detail: `订单 ${no}：微信支付账单 ${formatYuan(row.totalFee)}，店内订单 ${formatYuan(order.totalFee)}`, action: '金额查明前请勿发货：在商户平台核对这笔订单。' }, no);
  }
  if (order.transactionId && row.transactionId && order.transactionId !== row.transactionId) {
    add({ kind: 'TRANSACTION_DIFFERS', orderId: no, detail: `订单 ${no}：微信支付单号 ${row.transactionId} 与店内记录的 ${order.transactionId} 不同`, action: '同一订单号有两笔付款：在商户平台核对两笔，退还多收的一笔。' }, no);
  }
}

function compareRefund(row: BillRefundRow, refund: ShopRefund | undefined, add: Add): void {
  const no = row.outRefundNo;
  if (!refund) {
    add({ kind: 'REFUND_NOT_IN_SHOP', orderId: row.outTradeNo, refundId: no, detail: `微信支付为订单 ${row.outTradeNo} 退款 ${formatYuan(row.requestedRefundFee)}（退款单号 ${no}），店内没有这笔退款`, action: '有人直接在商户平台退了款：请在订单上补记（这笔钱已不在店里）。' }, no);
    return;
  }
  if (row.requestedRefundFee !== refund.refundFee) {
    add({ kind: 'REFUND_AMOUNT_DIFFERS', orderId: refund.orderId, refundId: no, detail: `退款 ${no}：微信支付账单 ${formatYuan(row.requestedRefundFee)}，店内退款 ${formatYuan(refund.refundFee)}`, action: '在商户平台（交易中心 → 退款管理）核对这笔退款。' }, no);
  }
  // The bill's refund status is frozen when the bill is made; only a final status on both sides that disagrees counts.
  const billFinal = row.refundStatus === 'SUCCESS' ? 'SUCCEEDED' : row.refundStatus === 'REFUNDCLOSE' ? 'FAILED' : undefined;
  const shopFinal = refund.status === 'SUCCEEDED' || refund.status === 'FAILED' ? refund.status : undefined;
  if (billFinal && shopFinal && billFinal !== shopFinal) {
    add({ kind: 'REFUND_STATUS_DIFFERS', orderId: refund.orderId, refundId: no, detail: `退款 ${no}：微信支付账单为 ${row.refundStatus}，店内为 ${refund.status}`, action: '在商户平台（退款管理）查询这笔退款，并更正店内记录。' }, no);
  }
}

function checkFee(no: string, amount: number, feeMilliFen: number, rate: number | undefined, add: Add): void {
  if (rate === undefined) return;
  // WeChat rounds each payment's fee to the fen, half up.
  const expected = Math.round((amount * rate) / 10_000) * 1000;
  if (feeMilliFen !== expected) {
    add({ kind: 'FEE_DIFFERS', orderId: no, detail: `订单 ${no}：手续费 ${formatYuan(Math.round(feeMilliFen / 1000))}，按 ${rate / 100}% 计应为 ${formatYuan(expected / 1000)}`, action: '核对商户号约定的费率（商户平台 → 账户中心 → 费率）。' }, no);
  }
}

function totalsOf(bill: TradeBill): BillTotals {
  const sum = <T>(rows: readonly T[], pick: (row: T) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    payments: bill.payments.length,
    refunds: bill.refunds.length,
    paidFee: sum(bill.payments, (r) => r.totalFee),
    refundFee: sum(bill.refunds, (r) => r.requestedRefundFee),
    feeMilliFen: sum(bill.payments, (r) => r.feeMilliFen) + sum(bill.refunds, (r) => r.feeMilliFen),
  };
}

function checkSummary(bill: TradeBill, totals: BillTotals, add: Add): void {
  const s = bill.summary;
  const wrong: string[] = [];
  if (s.count !== totals.payments + totals.refunds) wrong.push(`总交易单数 ${s.count} ≠ 明细 ${totals.payments + totals.refunds} 行`);
  if (s.orderTotal !== totals.paidFee) wrong.push(`订单总金额 ${formatYuan(s.orderTotal)} ≠ ${formatYuan(totals.paidFee)}`);
  if (s.requestedRefundTotal !== totals.refundFee) wrong.push(`申请退款总金额 ${formatYuan(s.requestedRefundTotal)} ≠ ${formatYuan(totals.refundFee)}`);
  if (s.feeMilliFen !== totals.feeMilliFen) wrong.push('手续费总金额 ≠ 明细手续费之和');
  if (wrong.length > 0) {
    add({ kind: 'SUMMARY_MISMATCH', detail: `账单汇总行与明细不符：${wrong.join('；')}`, action: '账单文件不完整或已损坏：请在商户平台下载账单人工核对。' }, 'summary');
  }
}
