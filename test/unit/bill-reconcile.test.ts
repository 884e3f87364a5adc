import { compareBill, type BillComparisonInput, type ShopOrder, type ShopRefund } from '../../src/domain/bill-reconcile';
import type { BillPaymentRow, BillRefundRow, TradeBill } from '../../src/domain/bill-types';
import { billAccounts } from '../../src/domain/channels';
import { dueDays } from '../../src/domain/bill-days';

const at = new Date('2026-12-05T04:00:00Z');
const payment = (outTradeNo: string, totalFee: number, extra: Partial<BillPaymentRow> = {}): BillPaymentRow => ({
  at, merchantId: '1900000000', subMerchantId: '0', transactionId: `T-${outTradeNo}`, outTradeNo, tradeState: 'SUCCESS', settledFee: totalFee, totalFee, feeMilliFen: Math.round(totalFee * 0.006) * 1000, ...extra,
});
const refundRow = (outRefundNo: string, outTradeNo: string, fee: number, extra: Partial<BillRefundRow> = {}): BillRefundRow => ({
  at, merchantId: '1900000000', subMerchantId: '0', transactionId: `T-${outTradeNo}`, outTradeNo, outRefundNo, refundId: `R-${outRefundNo}`, refundFee: fee, requestedRefundFee: fee, refundStatus: 'SUCCESS', feeMilliFen: 0, ...extra,
});
const order = (orderId: string, totalFee: number, extra: Partial<ShopOrder> = {}): ShopOrder => ({ orderId, status: 'PAID', totalFee, transactionId: `T-${orderId}`, paidAt: at, ...extra });
const refund = (refundId: string, orderId: string, refundFee: number, extra: Partial<ShopRefund> = {}): ShopRefund => ({ refundId, orderId, status: 'SUCCEEDED', refundFee, submittedAt: at, ...extra });

function billOf(payments: BillPaymentRow[], refunds: BillRefundRow[] = []): TradeBill {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    payments,
    refunds,
    summary: {
      count: payments.length + refunds.length,
      settledTotal: sum(payments.map((p) => p.settledFee)),
      refundTotal: sum(refunds.map((r) => r.refundFee)),
      couponRefundTotal: 0,
      feeMilliFen: sum(payments.map((p) => p.feeMilliFen)) + sum(refunds.map((r) => r.feeMilliFen)),
      orderTotal: sum(payments.map((p) => p.totalFee)),
      requestedRefundTotal: sum(refunds.map((r) => r.requestedRefundFee)),
    },
  };
}

function input(bill: TradeBill, orders: ShopOrder[], refunds: ShopRefund[] = [], extra: Partial<BillComparisonInput> = {}): BillComparisonInput {
  return {
    bill,
    ordersById: new Map(orders.map((o) => [o.orderId, o])),
    refundsById: new Map(refunds.map((r) => [r.refundId, r])),
    paidThatDay: orders.filter((o) => o.paidAt && ['PAID', 'SHIPPED', 'COMPLETED', 'REFUNDED'].includes(o.status)),
    refundsSubmittedThatDay: refunds,
    neighbours: { tradeNos: new Set(), refundNos: new Set() },
    ...extra,
  };
}

const kinds = (result: ReturnType<typeof compareBill>) => result.differences.map((d) => d.fingerprint);

describe('comparing a day of WeChat Pay with the books', () => {
  it('finds nothing when every payment and refund agrees, and totals the day', () => {
    const result = compareBill(input(billOf([payment('A', 6800), payment('B', 1200)], [refundRow('AR1', 'A', 800)]), [order('A', 6800), order('B', 1200)], [refund('AR1', 'A', 800)]));
    expect(result.differences).toEqual([]);
    expect(result.totals).toEqual({ payments: 2, refunds: 1, paidFee: 8000, refundFee: 800, feeMilliFen: 41000 + 7000 });
  });

  it('names money at WeChat with no order in the shop, and what to do', () => {
    const result = compareBill(input(billOf([payment('GHOST', 500)]), []));
    expect(result.differences).toEqual([expect.objectContaining({ fingerprint: 'MONEY_WITHOUT_ORDER:GHOST', kind: 'MONEY_WITHOUT_ORDER', orderId: 'GHOST', detail: expect.stringContaining('¥5.00') })]);
    expect(result.differences[0].action).toMatch(/申请退款/);
  });

  it.each([['PENDING'], ['CLOSED']] as const)('names a payment the shop still holds as %s', (status) => {
    const result = compareBill(input(billOf([payment('A', 6800)]), [order('A', 6800, { status, paidAt: undefined, transactionId: undefined })]));
    expect(kinds(result)).toEqual(['PAID_NOT_BOOKED:A']);
  });

  it('names an order the shop holds as paid that the bill does not have', () => {
    expect(kinds(compareBill(input(billOf([]), [order('A', 6800)])))).toEqual(['PAID_NOT_IN_BILL:A']);
  });

  it("does not blame an order paid near midnight that the neighbouring day's bill holds (±1 day window)", () => {
    const result = compareBill(input(billOf([]), [order('A', 6800)], [], { neighbours: { tradeNos: new Set(['A']), refundNos: new Set() } }));
    expect(result.differences).toEqual([]);
  });

  it('names an amount that differs and a second transaction for one order', () => {
    const result = compareBill(input(billOf([payment('A', 6801, { transactionId: 'OTHER' })]), [order('A', 6800)]));
    expect(kinds(result)).toEqual(['AMOUNT_DIFFERS:A', 'TRANSACTION_DIFFERS:A']);
  });

  it('names refunds on one side only, amounts that differ, and final statuses that disagree', () => {
    const result = compareBill(
      input(billOf([], [refundRow('XR1', 'X', 100), refundRow('AR1', 'A', 900), refundRow('BR1', 'B', 100, { refundStatus: 'REFUNDCLOSE' })]), [], [refund('AR1', 'A', 800), refund('BR1', 'B', 100), refund('CR1', 'C', 300)]),
    );
    expect(kinds(result).sort()).toEqual(['REFUND_AMOUNT_DIFFERS:AR1', 'REFUND_NOT_IN_BILL:CR1', 'REFUND_NOT_IN_SHOP:XR1', 'REFUND_STATUS_DIFFERS:BR1']);
  });

  it('leaves a refund the bill saw in progress alone: the bill never updates a refund status', () => {
    const result = compareBill(input(billOf([], [refundRow('AR1', 'A', 800, { refundStatus: 'PROCESSING' })]), [], [refund('AR1', 'A', 800)]));
    expect(result.differences).toEqual([]);
  });

  it('checks fees against the agreed rate only when the shop gives one, rounding each to the fen', () => {
    const rows = [payment('A', 6800), payment('B', 1250, { feeMilliFen: 9000 })];
    const orders = [order('A', 6800), order('B', 1250)];
    expect(compareBill(input(billOf(rows), orders)).differences).toEqual([]);
    expect(kinds(compareBill(input(billOf(rows), orders, [], { feeRateBasisPoints: 60 })))).toEqual(['FEE_DIFFERS:B']);
  });

  it('names a summary line that disagrees with the rows (a cut or damaged file)', () => {
    const bill = billOf([payment('A', 6800)]);
    const result = compareBill(input({ ...bill, summary: { ...bill.summary, count: 2, orderTotal: 9999 } }, [order('A', 6800)]));
    expect(kinds(result)).toEqual(['SUMMARY_MISMATCH:summary']);
    expect(result.differences[0].detail).toMatch(/总交易单数 2 ≠ 明细 1 行；订单总金额 ¥99.99 ≠ ¥68.00/);
  });
});

describe('which bills a shop reconciles', () => {
  it("one per merchant account: cloudPay's sub-merchant, and the shop's own account APIv2 and APIv3 share", () => {
    expect(billAccounts({ provider: 'v3', subMchId: '1900000001', formerChannels: [{ provider: 'cloudpay', subMchId: '1900000001' }, { provider: 'v2', subMchId: '1900000001' }] })).toEqual([
      { provider: 'v3', merchantId: '1900000001' },
      { provider: 'cloudpay', merchantId: '1900000001' },
    ]);
    expect(billAccounts({ provider: 'cloudpay', subMchId: '1900000001', formerChannels: [] })).toEqual([{ provider: 'cloudpay', merchantId: '1900000001' }]);
  });
});

describe('which days the bill function looks at', () => {
  it("waits for 10:00 China time before asking for yesterday's bill, and looks a week back", () => {
    // 09:59 China time on 2026-12-06: yesterday's bill is not to be fetched yet.
    expect(dueDays(new Date('2026-12-06T01:59:00Z'))).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    // 10:00 China time: it is.
    expect(dueDays(new Date('2026-12-06T02:00:00Z')).at(-1)).toBe('2026-12-05');
    // Just after midnight China time (16:00 UTC the day before) it is already the next China day.
    expect(dueDays(new Date('2026-12-06T16:30:00Z')).at(-1)).toBe('2026-12-05');
  });
});
