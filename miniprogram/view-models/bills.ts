// What the 对账 page shows of a day and of a difference: amounts as ¥, states and kinds in words.
import type { BillDayView, BillDifferenceView } from '../../typings/api';
import { formatFen } from '../utils/money';

export const BILL_STATE_LABEL: Record<BillDayView['state'], string> = {
  DONE: '已对账',
  NO_BILL: '当日无交易',
  WAITING: '账单未生成',
  FAILED: '下载失败，稍后重试',
};

export const CHANNEL_LABEL: Record<string, string> = { cloudpay: '云支付', v2: '微信支付 APIv2', v3: '微信支付 APIv3' };

export const DIFFERENCE_LABEL: Record<string, string> = {
  MONEY_WITHOUT_ORDER: '微信收款但店内无此订单',
  PAID_NOT_BOOKED: '微信已收款，店内未记为已付',
  PAID_NOT_IN_BILL: '店内已付，微信账单无此笔',
  AMOUNT_DIFFERS: '金额不一致',
  TRANSACTION_DIFFERS: '同一订单两笔支付',
  REFUND_NOT_IN_SHOP: '微信有退款，店内无记录',
  REFUND_NOT_IN_BILL: '店内退款，微信账单无此笔',
  REFUND_AMOUNT_DIFFERS: '退款金额不一致',
  REFUND_STATUS_DIFFERS: '退款状态不一致',
  FEE_DIFFERS: '手续费与费率不符',
  SUMMARY_MISMATCH: '账单汇总与明细不符',
};

export interface BillDayVM {
  key: string;
  date: string;
  channelText: string;
  stateText: string;
  summary: string;
  differences: number;
  hasDifferences: boolean;
}

export interface DifferenceVM {
  id: string;
  kindText: string;
  detail: string;
  action: string;
  open: boolean;
  note: string;
}

export function toBillDay(day: BillDayView): BillDayVM {
  const summary = day.state === 'DONE' || day.state === 'NO_BILL'
    ? `收款 ${day.payments} 笔 ${formatFen(day.paidFee)} · 退款 ${day.refunds} 笔 ${formatFen(day.refundFee)} · 手续费 ${formatFen(day.fee)}`
    : day.lastError ?? '';
  return {
    key: `${day.channel}:${day.date}`,
    date: day.date,
    channelText: CHANNEL_LABEL[day.channel] ?? day.channel,
    stateText: day.state === 'DONE' && day.differences > 0 ? `${day.differences} 处不符` : BILL_STATE_LABEL[day.state],
    summary,
    differences: day.differences,
    hasDifferences: day.differences > 0,
  };
}

export function toDifference(d: BillDifferenceView): DifferenceVM {
  return { id: d.id, kindText: DIFFERENCE_LABEL[d.kind] ?? d.kind, detail: d.detail, action: d.action, open: d.state === 'OPEN', note: d.note ?? '' };
}
