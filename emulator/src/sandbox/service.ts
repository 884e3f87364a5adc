// The sandbox's operations: the five cloudPay APIs as a merchant calls them, and what the buyer and WeChat do
// (pay, cancel, settle a refund, deliver results). Each operation reads, decides with rules.ts, writes, then notifies.
import { closeOrderAnswer, failureAnswer, paymentEvent, queryOrderAnswer, queryRefundAnswer, refundAnswer, refundEvent, REFUNDS_PER_QUERY, unifiedOrderAnswer, type PayAnswer } from './answers';
import { prepayId, refundId, transactionId } from './ids';
import { reportedState, type PayProtocol, type Refund, type Trade } from './model';
import type { DeliveryPlan, Notifier, NotifyTargetOf } from './notifier';
import {
  checkCloseOrder,
  checkQueryOrder,
  checkQueryRefund,
  checkRefund,
  checkUnifiedOrder,
  CLOSE_RULES,
  decideCloseOrder,
  decidePayment,
  decideRefund,
  decideSettlement,
  decideUnifiedOrder,
  ownTrade,
  type Checked,
  type ControlRefusal,
  type InterimTradeState,
  type SettleStatus,
} from './rules';
import type { Notification, SandboxStore } from './store';

/** Who the calling function acts for, when the local cloud knows (cloudPay fills the buyer from it). */
export interface CallerContext {
  openid?: string;
  appid?: string;
}

export interface SandboxServiceDeps {
  store: SandboxStore;
  notifier: Notifier;
  now: () => number;
  timeScale: () => number;
  autoSettleRefunds: () => boolean;
  /** The mini-program's appid when neither the request nor the caller names one. */
  defaultAppid: string;
}

export type ControlResult<T> = { ok: true; value: T } | { ok: false; status: number; refusal: ControlRefusal | { code: string; message: string } };

export interface CompletePaymentOptions extends DeliveryPlan {
  /** The buyer who pays; must match the buyer the trade was made for, if it names one. */
  openid?: string;
}

type Params = Record<string, unknown>;

export class SandboxService {
  constructor(private readonly deps: SandboxServiceDeps) {}

  // ---- the merchant's APIs ----

  /**
   * `protocol` is how the merchant asked: cloudPay names a function for the result, APIv2/v3 a notify_url. The
   * answer is in cloudPay's shape (snake_case); each protocol's layer turns it into its own.
   */
  unifiedOrder(params: Params, caller: CallerContext, protocol: PayProtocol = 'cloudpay'): PayAnswer {
    const now = this.deps.now();
    const checked = checkUnifiedOrder(params, now, protocol === 'cloudpay' ? 'function' : 'url');
    if (!checked.ok) return failureAnswer(checked.failure, stringOf(params.sub_mch_id));
    const req = { ...checked.value, subOpenid: checked.value.subOpenid ?? caller.openid };
    const existing = this.deps.store.trade(req.outTradeNo);
    // WeChat keeps each merchant account's order numbers apart; the sandbox keeps one ledger, so another account's
    // trade under this number is refused rather than shared.
    if (existing && !ownTrade(existing, req.subMchId, protocol)) {
      return failureAnswer({ level: 'result', errCode: 'OUT_TRADE_NO_USED', errCodeDes: '商户订单号重复（本地云中另一个商户账户已有此订单号）' }, req.subMchId);
    }
    const decision = decideUnifiedOrder(existing, req);
    if (!decision.ok) return failureAnswer(decision.failure, req.subMchId, existing?.subAppid);
    let trade: Trade;
    if (decision.value.action === 'reuse') {
      trade = decision.value.trade;
      if (trade.subOpenid === undefined && req.subOpenid !== undefined) {
        trade = { ...trade, subOpenid: req.subOpenid };
        this.deps.store.saveTrade(trade);
      }
    } else {
      trade = {
        outTradeNo: req.outTradeNo,
        prepayId: prepayId(now),
        subMchId: req.subMchId,
        subAppid: req.subAppid ?? caller.appid ?? this.deps.defaultAppid,
        body: req.body,
        attach: req.attach,
        totalFee: req.totalFee,
        feeType: req.feeType,
        tradeType: req.tradeType,
        spbillCreateIp: req.spbillCreateIp,
        subOpenid: req.subOpenid,
        functionName: req.functionName,
        envId: req.envId,
        ...(protocol === 'cloudpay' ? {} : { protocol, notifyUrl: req.notifyUrl }),
        state: 'NOTPAY',
        createdAt: now,
        expiresAt: req.expiresAt,
      };
      this.deps.store.saveTrade(trade);
    }
    return unifiedOrderAnswer(trade, now);
  }

  /** `protocol`, here and below: the merchant account asking (rules.ts ownTrade): another account's trade is unknown to it. */
  queryOrder(params: Params, protocol: PayProtocol = 'cloudpay'): PayAnswer {
    const checked = checkQueryOrder(params);
    if (!checked.ok) return failureAnswer(checked.failure, stringOf(params.sub_mch_id));
    const { subMchId, transactionId: txId, outTradeNo } = checked.value;
    const found = txId ? this.deps.store.tradeByTransactionId(txId) : this.deps.store.trade(outTradeNo ?? '');
    const trade = ownTrade(found, subMchId, protocol);
    if (!trade) return failureAnswer({ level: 'result', errCode: 'ORDERNOTEXIST', errCodeDes: '此交易订单号不存在' }, subMchId);
    return queryOrderAnswer(trade, this.deps.store.refundsOf(trade.outTradeNo));
  }

  /** `protocol` decides the close rules (APIv2's five minutes, APIv3's USER_PAYING). */
  closeOrder(params: Params, protocol: PayProtocol = 'cloudpay'): PayAnswer {
    const now = this.deps.now();
    const checked = checkCloseOrder(params);
    if (!checked.ok) return failureAnswer(checked.failure, stringOf(params.sub_mch_id));
    const trade = ownTrade(this.deps.store.trade(checked.value.outTradeNo ?? ''), checked.value.subMchId, protocol);
    const rules = CLOSE_RULES[protocol];
    const decision = decideCloseOrder(trade, now, { ...rules, minAgeMs: rules.minAgeMs * this.deps.timeScale() });
    if (!decision.ok) return failureAnswer(decision.failure, checked.value.subMchId, trade?.subAppid);
    const closed: Trade = { ...decision.value, state: 'CLOSED', closedAt: now };
    this.deps.store.saveTrade(closed);
    return closeOrderAnswer(closed);
  }

  refund(params: Params, protocol: PayProtocol = 'cloudpay'): PayAnswer {
    const now = this.deps.now();
    const checked = checkRefund(params);
    if (!checked.ok) return failureAnswer(checked.failure, stringOf(params.sub_mch_id));
    const req = checked.value;
    const found = req.transactionId ? this.deps.store.tradeByTransactionId(req.transactionId) : this.deps.store.trade(req.outTradeNo ?? '');
    const trade = ownTrade(found, req.subMchId, protocol);
    // Decide and write in one SQLite transaction, so no two refunds can both pass the "at most what was paid" rule.
    const outcome = this.deps.store.transaction((): Checked<{ refund: Refund; created: boolean }> => {
      const refunds = trade ? this.deps.store.refundsOf(trade.outTradeNo) : [];
      const existing = this.deps.store.refund(req.outRefundNo);
      const decision = decideRefund(trade, refunds, existing, req, now);
      if (!decision.ok) return decision;
      if (!trade) return { ok: false, failure: { level: 'result', errCode: 'ORDERNOTEXIST', errCodeDes: '订单不存在' } };
      if (decision.value.action === 'replay') return { ok: true as const, value: { refund: decision.value.refund, created: false } };
      const refund: Refund = {
        outRefundNo: req.outRefundNo,
        refundId: refundId(now),
        outTradeNo: trade.outTradeNo,
        transactionId: trade.transactionId ?? '',
        subMchId: trade.subMchId,
        totalFee: req.totalFee,
        refundFee: req.refundFee,
        refundDesc: req.refundDesc,
        functionName: protocol === 'cloudpay' ? req.functionName : undefined,
        envId: protocol === 'cloudpay' ? req.envId : undefined,
        ...(protocol !== 'cloudpay' ? { protocol, notifyUrl: req.notifyUrl } : {}),
        status: 'PROCESSING',
        createdAt: now,
      };
      this.deps.store.saveRefund(refund);
      return { ok: true as const, value: { refund, created: true } };
    });
    if (!outcome.ok) return failureAnswer(outcome.failure, req.subMchId, trade?.subAppid);
    const subAppid = trade?.subAppid ?? this.deps.defaultAppid;
    // The answer says the request was accepted; with auto-settle on, WeChat finishes the refund at once.
    if (outcome.value.created && this.deps.autoSettleRefunds()) void this.settleRefund(outcome.value.refund.outRefundNo, 'SUCCESS', {});
    return refundAnswer(outcome.value.refund, subAppid);
  }

  queryRefund(params: Params, protocol: PayProtocol = 'cloudpay'): PayAnswer {
    const checked = checkQueryRefund(params);
    if (!checked.ok) return failureAnswer(checked.failure, stringOf(params.sub_mch_id));
    const q = checked.value;
    const store = this.deps.store;
    const single = q.refundId ? store.refundById(q.refundId) : q.outRefundNo ? store.refund(q.outRefundNo) : undefined;
    let trade: Trade | undefined;
    if (q.refundId || q.outRefundNo) trade = single ? store.trade(single.outTradeNo) : undefined;
    else trade = q.transactionId ? store.tradeByTransactionId(q.transactionId) : store.trade(q.outTradeNo ?? '');
    trade = ownTrade(trade, q.subMchId, protocol);
    const all = trade ? store.refundsOf(trade.outTradeNo) : [];
    const listed = single ? (trade ? [single] : []) : all.slice(q.offset, q.offset + REFUNDS_PER_QUERY);
    if (!trade || listed.length === 0) return failureAnswer({ level: 'result', errCode: 'REFUNDNOTEXIST', errCodeDes: '退款订单查询失败，订单号错误或订单状态不正确' }, q.subMchId);
    return queryRefundAnswer(trade, listed, all.length);
  }

  // ---- what the buyer and WeChat do ----

  /** The buyer pays in WeChat: the trade is paid once, then the result goes to the trade's function. */
  async completePayment(outTradeNo: string, options: CompletePaymentOptions, wait: boolean): Promise<ControlResult<{ trade: Trade; notification: Notification }>> {
    const now = this.deps.now();
    const trade = this.deps.store.trade(outTradeNo);
    if (!trade) return notFound('trade', outTradeNo);
    const refusal = decidePayment(trade, now);
    if (refusal) return { ok: false, status: 409, refusal };
    if (trade.subOpenid !== undefined && options.openid !== undefined && options.openid !== trade.subOpenid) {
      return { ok: false, status: 403, refusal: { code: 'WRONG_PAYER', message: `trade ${outTradeNo} was made for another buyer` } };
    }
    const payer = trade.subOpenid ?? options.openid;
    if (payer === undefined) return { ok: false, status: 400, refusal: { code: 'PAYER_UNKNOWN', message: 'nobody is known to pay this trade: pass "openid" (the buyer)' } };
    const paid: Trade = { ...trade, state: 'SUCCESS', subOpenid: payer, transactionId: transactionId(now), paidAt: now };
    this.deps.store.saveTrade(paid);
    const { notification, firstAttempt } = this.deps.notifier.send('payment', outTradeNo, tradeTarget(paid), paymentEvent(paid), options);
    if (wait) await firstAttempt;
    return { ok: true, value: { trade: paid, notification: this.deps.store.notification(notification.id) ?? notification } };
  }

  /** WeChat sends a paid trade's result again (a late duplicate). */
  async redeliverPayment(outTradeNo: string, plan: DeliveryPlan, wait: boolean): Promise<ControlResult<{ notification: Notification }>> {
    const trade = this.deps.store.trade(outTradeNo);
    if (!trade) return notFound('trade', outTradeNo);
    if (trade.state !== 'SUCCESS') return { ok: false, status: 409, refusal: { code: 'NOT_PAID', message: `trade ${outTradeNo} is not paid; there is no result to deliver` } };
    const { notification, firstAttempt } = this.deps.notifier.send('payment', outTradeNo, tradeTarget(trade), paymentEvent(trade), plan);
    if (wait) await firstAttempt;
    return { ok: true, value: { notification: this.deps.store.notification(notification.id) ?? notification } };
  }

  /** The buyer closes WeChat's payment sheet: nothing changes at WeChat (the trade stays NOTPAY). */
  cancelPayment(outTradeNo: string): ControlResult<{ trade: Trade }> {
    const trade = this.deps.store.trade(outTradeNo);
    if (!trade) return notFound('trade', outTradeNo);
    const refusal = decidePayment(trade, this.deps.now());
    if (refusal) return { ok: false, status: 409, refusal };
    return { ok: true, value: { trade } };
  }

  /** The payment is under way (USERPAYING) or the bank refused it (PAYERROR); no result is sent for either. */
  setInterimState(outTradeNo: string, state: InterimTradeState): ControlResult<{ trade: Trade }> {
    const trade = this.deps.store.trade(outTradeNo);
    if (!trade) return notFound('trade', outTradeNo);
    // Only a trade the buyer could still pay can be caught mid-payment or fail.
    const refusal = decidePayment(trade, this.deps.now());
    if (refusal) return { ok: false, status: 409, refusal };
    const changed: Trade = { ...trade, state };
    this.deps.store.saveTrade(changed);
    return { ok: true, value: { trade: changed } };
  }

  /** WeChat finishes a refund: once, from PROCESSING; the result goes to the refund's function if it named one. */
  async settleRefund(outRefundNo: string, status: SettleStatus, plan: DeliveryPlan, wait = false): Promise<ControlResult<{ refund: Refund; notification?: Notification }>> {
    const now = this.deps.now();
    const refund = this.deps.store.refund(outRefundNo);
    if (!refund) return notFound('refund', outRefundNo);
    const decision = decideSettlement(refund, status);
    if (decision === 'noop') return { ok: true, value: { refund } };
    if (decision) return { ok: false, status: 409, refusal: decision };
    const settled: Refund = { ...refund, status, settledAt: now };
    this.deps.store.saveRefund(settled);
    const target = refundTarget(settled);
    if (!target) return { ok: true, value: { refund: settled } };
    const subAppid = this.deps.store.trade(settled.outTradeNo)?.subAppid ?? this.deps.defaultAppid;
    const { notification, firstAttempt } = this.deps.notifier.send('refund', outRefundNo, target, refundEvent(settled, subAppid), plan);
    if (wait) await firstAttempt;
    return { ok: true, value: { refund: settled, notification: this.deps.store.notification(notification.id) ?? notification } };
  }

  tradeState(trade: Trade): string {
    return reportedState(trade, this.deps.store.refundsOf(trade.outTradeNo));
  }
}

/** Where a trade's result goes, in the protocol it was asked for. */
export function tradeTarget(trade: Trade): NotifyTargetOf {
  if (trade.protocol && trade.protocol !== 'cloudpay') return { protocol: trade.protocol, url: trade.notifyUrl ?? '' };
  return { functionName: trade.functionName, envId: trade.envId };
}

/** Where a refund's result goes; none when the merchant named no function or URL for it. */
export function refundTarget(refund: Refund): NotifyTargetOf | undefined {
  if (refund.protocol && refund.protocol !== 'cloudpay') return refund.notifyUrl ? { protocol: refund.protocol, url: refund.notifyUrl } : undefined;
  return refund.functionName ? { functionName: refund.functionName, envId: refund.envId } : undefined;
}

function notFound(what: 'trade' | 'refund', id: string): { ok: false; status: number; refusal: { code: string; message: string } } {
  return { ok: false, status: 404, refusal: { code: 'NOT_FOUND', message: `the sandbox has no ${what} ${id}` } };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
