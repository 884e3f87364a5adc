// WeChat Pay's daily trade bill (交易账单, bill_type ALL), the same text in all three protocols: a header line, one
// line per payment or refund, a summary header and one summary line. Every value starts with a backquote so that
// spreadsheets keep long numbers; amounts are yuan with two decimals (fees with five). This module is the only place
// that knows the format: it turns the text into rows in integer fen, or refuses it with the line that is wrong.
import type { BillPaymentRow, BillRefundRow, TradeBill } from '../../domain/bill-types';

/** The detail columns of an ALL bill for merchants with 免充值券 (every merchant since 2018), in WeChat's order. */
export const ALL_BILL_COLUMNS = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型',
  '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
] as const;

export const ALL_BILL_SUMMARY_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

export class BillFormatError extends Error {
  constructor(readonly line: number, message: string) {
    super(`trade bill line ${line}: ${message}`);
    this.name = 'BillFormatError';
  }
}

type Column = (typeof ALL_BILL_COLUMNS)[number];

export function parseTradeBill(text: string): TradeBill {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 3) throw new BillFormatError(lines.length, 'a bill has a header, a summary header and a summary line');
  const header = lines[0].split(',');
  const index = columnIndex(header);
  const summaryHeaderAt = lines.length - 2;
  const summaryHeader = lines[summaryHeaderAt].split(',');
  if (summaryHeader.join(',') !== ALL_BILL_SUMMARY_COLUMNS.join(',')) {
    throw new BillFormatError(summaryHeaderAt + 1, `expected the summary header ${ALL_BILL_SUMMARY_COLUMNS.join(',')}`);
  }
  const payments: BillPaymentRow[] = [];
  const refunds: BillRefundRow[] = [];
  for (let i = 1; i < summaryHeaderAt; i++) {
    const values = splitValues(lines[i], i + 1, header.length);
    const get = (column: Column) => values[index[column]];
    const row = readRow(get, i + 1);
    if (row.kind === 'payment') payments.push(row.row);
    else refunds.push(row.row);
  }
  const summaryValues = splitValues(lines[lines.length - 1], lines.length, ALL_BILL_SUMMARY_COLUMNS.length);
  const line = lines.length;
  return {
    payments,
    refunds,
    summary: {
      count: wholeNumber(summaryValues[0], line, '总交易单数'),
      settledTotal: yuanToFen(summaryValues[1], line, '应结订单总金额'),
      refundTotal: yuanToFen(summaryValues[2], line, '退款总金额'),
      couponRefundTotal: yuanToFen(summaryValues[3], line, '充值券退款总金额'),
      feeMilliFen: yuanToMilliFen(summaryValues[4], line, '手续费总金额'),
      orderTotal: yuanToFen(summaryValues[5], line, '订单总金额'),
      requestedRefundTotal: yuanToFen(summaryValues[6], line, '申请退款总金额'),
    },
  };
}

function columnIndex(header: string[]): Record<Column, number> {
  const index = {} as Record<Column, number>;
  for (const column of ALL_BILL_COLUMNS) {
    const at = header.indexOf(column);
    if (at < 0) throw new BillFormatError(1, `the header has no column ${column} (an old-format bill? enable 免充值券 in the merchant platform)`);
    index[column] = at;
  }
  return index;
}

function splitValues(line: string, lineNo: number, expected: number): string[] {
  const raw = line.split(',');
  if (raw.length !== expected) throw new BillFormatError(lineNo, `expected ${expected} values, found ${raw.length}`);
  return raw.map((value, i) => {
    if (!value.startsWith('`')) throw new BillFormatError(lineNo, `value ${i + 1} does not start with a backquote`);
    return value.slice(1);
  });
}

type ReadRow = { kind: 'payment'; row: BillPaymentRow } | { kind: 'refund'; row: BillRefundRow };

function readRow(get: (column: Column) => string, line: number): ReadRow {
  const common = {
    at: chinaTime(get('交易时间'), line),
    merchantId: get('商户号'),
    subMerchantId: get('特约商户号'),
    transactionId: get('微信订单号'),
    outTradeNo: get('商户订单号'),
    feeMilliFen: yuanToMilliFen(get('手续费'), line, '手续费'),
  };
  const tradeState = get('交易状态');
  if (tradeState === 'REFUND') {
    const outRefundNo = get('商户退款单号');
    if (!outRefundNo || outRefundNo === '0') throw new BillFormatError(line, 'a REFUND row without 商户退款单号');
    return {
      kind: 'refund',
      row: {
        ...common,
        outRefundNo,
        refundId: get('微信退款单号'),
        refundFee: yuanToFen(get('退款金额'), line, '退款金额'),
        requestedRefundFee: yuanToFen(get('申请退款金额'), line, '申请退款金额'),
        refundStatus: get('退款状态'),
      },
    };
  }
  return {
    kind: 'payment',
    row: {
      ...common,
      tradeState,
      settledFee: yuanToFen(get('应结订单金额'), line, '应结订单金额'),
      totalFee: yuanToFen(get('订单金额'), line, '订单金额'),
    },
  };
}

const YUAN = /^(-?)(\d{1,9})(?:\.(\d{1,5}))?$/;

/** `12.34` → 1234 fen. More than two decimals must be zeros: an amount is never a fraction of a fen. */
export function yuanToFen(text: string, line: number, column: string): number {
  const milli = yuanToMilliFen(text, line, column);
  if (milli % 1000 !== 0) throw new BillFormatError(line, `${column} "${text}" is not a whole number of fen`);
  return milli / 1000;
}

/** Fees are shown with five decimals (1/1000 fen): kept exact, in thousandths of a fen. */
export function yuanToMilliFen(text: string, line: number, column: string): number {
  const match = YUAN.exec(text);
  if (!match) throw new BillFormatError(line, `${column} "${text}" is not an amount in yuan`);
  const [, sign, whole, decimals = ''] = match;
  const value = Number(whole) * 100_000 + Number(decimals.padEnd(5, '0'));
  return sign === '-' && value !== 0 ? -value : value;
}

function wholeNumber(text: string, line: number, column: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new BillFormatError(line, `${column} "${text}" is not a whole number`);
  return Number(text);
}

/** `2022-03-21 13:51:31` is China time (UTC+8, no daylight saving). */
function chinaTime(text: string, line: number): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new BillFormatError(line, `交易时间 "${text}" is not yyyy-MM-dd HH:mm:ss`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi, s));
}
