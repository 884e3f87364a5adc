// The trade bill as WeChat Pay writes it (交易账单, bill_type ALL): the emulator's own writer, not the product's reader,
// so a mistake in one is not mirrored in the other. Lines end with CRLF as WeChat's files do; every value starts
// with a backquote; amounts are yuan with two decimals, fees with five.
import { displayTime } from '../ids';
import { PROVIDER, type Refund, type Trade } from '../model';

const DETAIL_HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** WeChat Pay's standard rate for mini-program payments: 0.6 %, in basis points. */
export const SANDBOX_FEE_RATE_BP = 60;

export interface BillMerchant {
  /** 商户号: the merchant that took the money (cloudPay: the service provider; APIv2/v3: the shop itself). */
  mchId: string;
  /** 特约商户号: the shop under a service provider (cloudPay), or 0 for a direct merchant. */
  subMchId: (trade: Trade) => string;
  appid: (trade: Trade) => string;
}

/** One line of the bill before it is written: the generator may alter it to play a fault. */
export interface BillLine {
  at: number;
  trade: Trade;
  refund?: Refund;
  /** Fen. */
  amount: number;
}

export function tradeLines(trades: readonly Trade[], refunds: readonly Refund[], tradeOf: (no: string) => Trade | undefined): BillLine[] {
  const lines: BillLine[] = [];
  for (const trade of trades) if (trade.paidAt !== undefined) lines.push({ at: trade.paidAt, trade, amount: trade.totalFee });
  for (const refund of refunds) {
    const trade = tradeOf(refund.outTradeNo);
    if (trade) lines.push({ at: refund.createdAt, trade, refund, amount: refund.refundFee });
  }
  return lines.sort((a, b) => a.at - b.at);
}

export function writeTradeBill(lines: readonly BillLine[], merchant: BillMerchant): string {
  const out = [DETAIL_HEADER];
  let paid = 0;
  let refunded = 0;
  let requested = 0;
  let fees = 0;
  for (const line of lines) {
    const { trade, refund } = line;
    // WeChat rounds the fee to the fen; a refund hands back the fee on what it returns.
    const fee = Math.round((line.amount * SANDBOX_FEE_RATE_BP) / 10_000) * (refund ? -1 : 1);
    fees += fee;
    if (refund) {
      requested += line.amount;
      if (refund.status === 'SUCCESS') refunded += line.amount;
    } else {
      paid += line.amount;
    }
    const values = [
      displayTime(line.at),
      merchant.appid(trade),
      merchant.mchId,
      merchant.subMchId(trade),
      '',
      trade.transactionId ?? '',
      trade.outTradeNo,
      trade.subOpenid ?? '',
      trade.tradeType,
      refund ? 'REFUND' : 'SUCCESS',
      trade.bankType ?? PROVIDER.bankType,
      trade.feeType,
      yuan(refund ? trade.totalFee : line.amount),
      '0.00',
      refund ? refund.refundId : '0',
      refund ? refund.outRefundNo : '0',
      yuan(refund && refund.status === 'SUCCESS' ? line.amount : 0),
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? refund.status : '',
      trade.body.replace(/[,\r\n`]/g, ' '),
      (trade.attach ?? '').replace(/[,\r\n`]/g, ' '),
      feeYuan(fee),
      `${(SANDBOX_FEE_RATE_BP / 100).toFixed(2)}%`,
      yuan(refund ? trade.totalFee : line.amount),
      yuan(refund ? line.amount : 0),
      '',
    ];
    out.push(values.map((v) => `\`${v}`).join(','));
  }
  out.push(SUMMARY_HEADER);
  out.push([String(lines.length), yuan(paid), yuan(refunded), '0.00', feeYuan(fees), yuan(paid), yuan(requested)].map((v) => `\`${v}`).join(','));
  return out.join('\r\n') + '\r\n';
}

function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fees in yuan with five decimals: whole fen here, so the last three are zeros. */
function feeYuan(fen: number): string {
  return `${yuan(fen)}000`;
}
