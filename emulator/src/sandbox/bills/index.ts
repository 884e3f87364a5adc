// The daily trade bills the local WeChat Pay publishes, made from its own ledger: one per merchant (cloudPay's
// service provider, or the shop's own APIv2/APIv3 merchant account, which share one bill as at WeChat) and China day.
// WeChat makes the previous day's bill from 09:00; here a day's bill exists once that time has come, or once a
// developer or test publishes it early (POST /sandbox/bills/<date>/publish). Faults make the differences a shop must
// catch: a trade WeChat has and the shop does not, an amount that differs, a bill not made yet, a broken hash.
import { randomUUID } from 'node:crypto';
import type { PayProtocol, Refund, Trade } from '../model';
import type { SandboxStore } from '../store';
import { tradeLines, writeTradeBill, type BillLine, type BillMerchant } from './format';

/** cloudPay trades belong to the service provider's sub-merchant; APIv2 and APIv3 trades to the shop's own account. */
export type BillAccount = 'cloudpay' | 'direct';
export const accountOf = (protocol: PayProtocol | undefined): BillAccount => (protocol === 'v2' || protocol === 'v3' ? 'direct' : 'cloudpay');

export const BILL_FAULTS = ['NOT_READY', 'EXTRA_TRADE', 'AMOUNT_DIFFERS', 'BAD_HASH'] as const;
export type BillFaultMode = (typeof BILL_FAULTS)[number];
export interface BillFault {
  mode: BillFaultMode;
  /** AMOUNT_DIFFERS: the trade whose amount the bill misstates (default: the first payment of the day). */
  outTradeNo?: string;
}

export type BillAnswer = { kind: 'bill'; text: string; hashBroken: boolean } | { kind: 'none' } | { kind: 'creating' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 3600_000;
const MADE_AT_HOUR = 9;

/** The instants a China day spans, or undefined when the text is not a real date. */
export function chinaDay(date: string): { start: number; end: number } | undefined {
  const m = DAY.exec(date);
  if (!m) return undefined;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - CHINA_OFFSET_MS;
  const check = new Date(start + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  return check === date ? { start, end: start + 86_400_000 } : undefined;
}

export class TradeBills {
  private readonly published = new Set<string>();
  private readonly faults = new Map<string, BillFault[]>();
  /** Download tokens for APIv3 (valid a few minutes, as WeChat's download_url). */
  private readonly downloads = new Map<string, { text: string; account: BillAccount; expiresAt: number }>();

  constructor(private readonly deps: { store: SandboxStore; now: () => number; merchants: Record<BillAccount, BillMerchant> }) {}

  publish(date: string): void {
    this.published.add(date);
  }

  arm(date: string, fault: BillFault): void {
    this.faults.set(date, [...(this.faults.get(date) ?? []), fault]);
  }

  faultsOf(date: string): BillFault[] {
    return this.faults.get(date) ?? [];
  }

  reset(): void {
    this.published.clear();
    this.faults.clear();
    this.downloads.clear();
  }

  /** What WeChat answers when asked for the bill of `date`: the text, "no bill" (nothing happened) or "not made yet". */
  bill(date: string, account: BillAccount): BillAnswer {
    const day = chinaDay(date);
    if (!day) return { kind: 'none' };
    const faults = this.faultsOf(date);
    const made = this.published.has(date) || this.deps.now() >= day.end + MADE_AT_HOUR * 3600_000;
    if (!made || faults.some((f) => f.mode === 'NOT_READY')) return { kind: 'creating' };
    const lines = this.lines(day, account, faults);
    if (lines.length === 0) return { kind: 'none' };
    return { kind: 'bill', text: writeTradeBill(lines, this.deps.merchants[account]), hashBroken: faults.some((f) => f.mode === 'BAD_HASH') };
  }

  /** APIv3's second step: a one-time URL token for the file. */
  offerDownload(text: string, account: BillAccount): string {
    const token = randomUUID().replace(/-/g, '');
    this.downloads.set(token, { text, account, expiresAt: this.deps.now() + 5 * 60_000 });
    return token;
  }

  download(token: string): string | undefined {
    const offer = this.downloads.get(token);
    if (!offer || offer.expiresAt < this.deps.now()) return undefined;
    return offer.text;
  }

  private lines(day: { start: number; end: number }, account: BillAccount, faults: readonly BillFault[]): BillLine[] {
    const { store } = this.deps;
    const mine = <T extends { protocol?: PayProtocol }>(x: T) => accountOf(x.protocol) === account;
    const trades = store.tradesPaidBetween(day.start, day.end).filter(mine);
    const refunds = store.refundsCreatedBetween(day.start, day.end).filter(mine);
    let lines = tradeLines(trades, refunds, (no) => store.trade(no));
    for (const fault of faults) {
      if (fault.mode === 'EXTRA_TRADE') lines = [...lines, ghostLine(day.start + 12 * 3600_000, account)];
      if (fault.mode === 'AMOUNT_DIFFERS') {
        const target = lines.find((l) => !l.refund && (fault.outTradeNo === undefined || l.trade.outTradeNo === fault.outTradeNo));
        if (target) lines = lines.map((l) => (l === target ? { ...l, amount: l.amount + 1, trade: { ...l.trade, totalFee: l.trade.totalFee + 1 } } : l));
      }
    }
    return lines.sort((a, b) => a.at - b.at);
  }
}

/** A payment WeChat holds that no shop order asked for (as when an order was created outside the shop). */
function ghostLine(at: number, account: BillAccount): BillLine {
  const trade: Trade = {
    outTradeNo: `GHOST${at}`,
    prepayId: '',
    subMchId: '',
    subAppid: '',
    body: '未知订单',
    totalFee: 990,
    feeType: 'CNY',
    tradeType: 'JSAPI',
    spbillCreateIp: '127.0.0.1',
    functionName: '',
    envId: '',
    protocol: account === 'direct' ? 'v3' : 'cloudpay',
    state: 'SUCCESS',
    createdAt: at,
    transactionId: `4200000000${at}`,
    paidAt: at,
  };
  return { at, trade, amount: trade.totalFee };
}

export type { Refund };
