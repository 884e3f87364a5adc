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
    add({ kind: 'PAID_NOT_IN_BILL', orderId: order.orderId, detail: `the shop holds order ${order.orderId} as paid (${formatYuan(order.totalFee)}); WeChat Pay's bill has no such payment`, action: 'Check the payment in the WeChat Pay merchant platform (交易中心 → 交易订单). If WeChat has none, do not ship: the order was marked paid in error.' }, order.orderId);
  }

  const refundsInBill = new Set<string>();
  for (const row of input.bill.refunds) {
    refundsInBill.add(row.outRefundNo);
    compareRefund(row, input.refundsById.get(row.outRefundNo), add);
  }
  for (const refund of input.refundsSubmittedThatDay) {
    if (refundsInBill.has(refund.refundId) || input.neighbours.refundNos.has(refund.refundId)) continue;
    add({ kind: 'REFUND_NOT_IN_BILL', orderId: refund.orderId, refundId: refund.refundId, detail: `refund ${refund.refundId} (${formatYuan(refund.refundFee)}) was sent to WeChat Pay but the bill has no such refund`, action: 'The shop asks WeChat Pay about open refunds by itself (reconcile). If the refund stays missing, look it up in the merchant platform (交易中心 → 退款管理).' }, refund.refundId);
  }

  const totals = totalsOf(input.bill);
  checkSummary(input.bill, totals, add);
  return { differences, totals };
}

type Add = (d: Omit<BillDifference, 'fingerprint'>, key: string) => void;

function comparePayment(row: BillPaymentRow, order: ShopOrder | undefined, add: Add): void {
  const no = row.outTradeNo;
  if (!order) {
    add({ kind: 'MONEY_WITHOUT_ORDER', orderId: no, detail: `WeChat Pay took ${formatYuan(row.totalFee)} for order number ${no} (transaction ${row.transactionId}); the shop has no such order`, action: 'Refund it in the WeChat Pay merchant platform (交易中心 → 交易订单 → 申请退款), or find who created the order outside the shop.' }, no);
    return;
  }
  if (!isPaidInShop(order.status)) {
    add({ kind: 'PAID_NOT_BOOKED', orderId: no, detail: `WeChat Pay took ${formatYuan(row.totalFee)} for order ${no}; the shop holds it as ${order.status}`, action: order.status === 'CLOSED' ? 'The payment came after the order was closed: the shop refunds such payments by itself (reconcile); check that the refund is under way.' : 'The payment notice was lost: the shop asks WeChat Pay by itself (reconcile) and books it; if it stays unpaid, run reconcile from the console.' }, no);
  }
  if (row.totalFee !== order.totalFee) {
    add({ kind: 'AMOUNT_DIFFERS', orderId: no, detail: `order ${no}: WeChat Pay's bill says ${formatYuan(row.totalFee)}, the shop's order says ${formatYuan(order.totalFee)}`, action: 'Do not ship until the amount is explained: compare the order in the merchant platform.' }, no);
  }
  if (order.transactionId && row.transactionId && order.transactionId !== row.transactionId) {
    add({ kind: 'TRANSACTION_DIFFERS', orderId: no, detail: `order ${no}: WeChat Pay's transaction ${row.transactionId} is not the one the shop recorded (${order.transactionId})`, action: 'Two payments for one order number: check both in the merchant platform and refund the extra one.' }, no);
  }
}

function compareRefund(row: BillRefundRow, refund: ShopRefund | undefined, add: Add): void {
  const no = row.outRefundNo;
  if (!refund) {
    add({ kind: 'REFUND_NOT_IN_SHOP', orderId: row.outTradeNo, refundId: no, detail: `WeChat Pay refunded ${formatYuan(row.requestedRefundFee)} of order ${row.outTradeNo} (refund ${no}); the shop has no such refund`, action: 'Someone refunded in the merchant platform directly: record it with the order (its money is no longer the shop\'s).' }, no);
    return;
  }
  if (row.requestedRefundFee !== refund.refundFee) {
    add({ kind: 'REFUND_AMOUNT_DIFFERS', orderId: refund.orderId, refundId: no, detail: `refund ${no}: WeChat Pay's bill says ${formatYuan(row.requestedRefundFee)}, the shop's refund says ${formatYuan(refund.refundFee)}`, action: 'Compare the refund in the merchant platform (交易中心 → 退款管理).' }, no);
  }
  // The bill's refund status is frozen when the bill is made; only a final status on both sides that disagrees counts.
  const billFinal = row.refundStatus === 'SUCCESS' ? 'SUCCEEDED' : row.refundStatus === 'REFUNDCLOSE' ? 'FAILED' : undefined;
  const shopFinal = refund.status === 'SUCCEEDED' || refund.status === 'FAILED' ? refund.status : undefined;
  if (billFinal && shopFinal && billFinal !== shopFinal) {
    add({ kind: 'REFUND_STATUS_DIFFERS', orderId: refund.orderId, refundId: no, detail: `refund ${no}: WeChat Pay's bill says ${row.refundStatus}, the shop says ${refund.status}`, action: 'Ask WeChat Pay for the refund (merchant platform, 退款管理) and correct the shop\'s record.' }, no);
  }
}

function checkFee(no: string, amount: number, feeMilliFen: number, rate: number | undefined, add: Add): void {
  if (rate === undefined) return;
  // WeChat rounds each payment's fee to the fen, half up.
  const expected = Math.round((amount * rate) / 10_000) * 1000;
  if (feeMilliFen !== expected) {
    add({ kind: 'FEE_DIFFERS', orderId: no, detail: `order ${no}: fee ${formatYuan(Math.round(feeMilliFen / 1000))} where ${rate / 100}% of ${formatYuan(amount)} is ${formatYuan(expected / 1000)}`, action: 'Check the fee rate agreed for this merchant account (商户平台 → 账户中心 → 费率).' }, no);
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
  if (s.count !== totals.payments + totals.refunds) wrong.push(`总交易单数 ${s.count} ≠ ${totals.payments + totals.refunds} rows`);
  if (s.orderTotal !== totals.paidFee) wrong.push(`订单总金额 ${formatYuan(s.orderTotal)} ≠ ${formatYuan(totals.paidFee)}`);
  if (s.requestedRefundTotal !== totals.refundFee) wrong.push(`申请退款总金额 ${formatYuan(s.requestedRefundTotal)} ≠ ${formatYuan(totals.refundFee)}`);
  if (s.feeMilliFen !== totals.feeMilliFen) wrong.push(`手续费总金额 ≠ the sum of the rows' fees`);
  if (wrong.length > 0) {
    add({ kind: 'SUMMARY_MISMATCH', detail: `the bill's summary line disagrees with its rows: ${wrong.join('; ')}`, action: 'The file is incomplete or damaged: the shop downloads it again on the next run; if it persists, download the bill in the merchant platform and compare by hand.' }, 'summary');
  }
}
