// The return steps of after-sales that move no money: the merchant agrees to a return (the buyer is given the return
// address), the buyer sends the tracking number of the parcel back. Each is one conditional write of the refund alone
// (repositories/refunds.ts moveRefund): the order's reservation stays as the request made it until the refund is
// refunded (refund-flow.ts approveRefund with `confirmReturn`) or closed (closeRequestedRefund). Also the timers that
// act when nobody does (reconcile), through the same transitions a person would use. Each step's message is owed by
// the step's own write (repositories/owed.ts) and sent right after; reconcile resends what a stopped call left.
import type { RefundStatus } from '../../typings/api';
import { dueOf, DUE_TEXT, timerCutoffs, type OverdueStep } from '../domain/aftersale';
import type { RefundDoc } from '../domain/documents';
import { conflict, notFound } from '../domain/errors';
import { EXPRESS_COMPANIES } from '../domain/shipping';
import { REFUND_MOVES } from '../domain/states';
import { timelineEntry } from '../domain/timeline';
import { errorSummary, log } from './logger';
import { appendTimeline } from './repositories/orders';
import { findRefund, moveRefund, refundsInStatusSince } from './repositories/refunds';
import { deliver } from './notifier';
import type { Payments } from './provider';
import { approveRefund, buyerMessage, closeRequestedRefund, merchantMessage, SYSTEM, type RefundContext } from './refund-flow';
import { COLLECTIONS } from './store';

/** REQUESTED → AWAITING_RETURN: the merchant (or reconcile, `SYSTEM`) agrees to take the goods back. */
export async function agreeReturn(ctx: RefundContext, refundId: string, merchant: string): Promise<RefundStatus> {
  const move = REFUND_MOVES.agreeReturn;
  const refund = await findRefund(ctx.store, refundId);
  if (!refund) throw notFound(`refund ${refundId} not found`);
  if (refund.type !== 'RETURN_AND_REFUND') throw conflict(`refund ${refundId} is refund-only: approve it`);
  if (refund.status === move.to) return refund.status;
  const address = ctx.settings.afterSale.returnAddress;
  // WeChat's own shop refuses too (10021060): a buyer told to send goods back must be told where.
  if (!address) throw conflict('设置里还没有退货地址（settings.afterSale.returnAddress）：填写后才能同意退货');
  // The buyer's message (where to send the goods) is owed by the same write that agrees.
  const owed = buyerMessage(ctx, refund, 'AWAITING_RETURN', refund.title);
  if (!(await moveRefund(ctx.store, refundId, move, ctx.now, { decidedBy: merchant, returnAddress: address }, {}, [owed]))) {
    const now = await findRefund(ctx.store, refundId);
    if (now && now.status === move.to) return now.status; // a concurrent agreement won
    throw conflict(`refund ${refundId} is ${now?.status ?? 'gone'}: it can no longer be agreed to`);
  }
  const automatic = merchant === SYSTEM;
  log('info', 'refund.return_agreed', { refundId, automatic });
  await appendTimeline(ctx.store, refund.orderId, { ...timelineEntry(ctx.now, 'return_agreed', automatic ? 'system' : 'merchant', automatic ? DUE_TEXT.AGREE_RETURN : address.address), refundId });
  await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refundId }, owed);
  return move.to;
}

/** AWAITING_RETURN → RETURN_SHIPPED: the buyer's parcel back, by a company of WeChat's delivery list. */
export async function submitReturn(ctx: RefundContext, buyer: string, refundId: string, parcel: { expressCompany: string; trackingNo: string }): Promise<RefundStatus> {
  const move = REFUND_MOVES.shipReturn;
  const refund = await findRefund(ctx.store, refundId);
  if (!refund || refund._openid !== buyer) throw notFound(`refund ${refundId} not found`);
  const same = (r: RefundDoc) => r.returnShipping?.expressCompany === parcel.expressCompany && r.returnShipping.trackingNo === parcel.trackingNo;
  if (refund.status === move.to && same(refund)) return refund.status;
  if (refund.status !== 'AWAITING_RETURN') throw conflict(`refund ${refundId} is ${refund.status}: a return can be sent only once the merchant agreed to it`);
  const returnShipping = { ...parcel, shippedAt: ctx.now };
  const owed = merchantMessage(ctx, refund, 'RETURN_SHIPPED', '买家已寄回商品，请确认收货', refund.title, ctx.now);
  if (!(await moveRefund(ctx.store, refundId, move, ctx.now, { returnShipping }, { _openid: buyer }, [owed]))) {
    const now = await findRefund(ctx.store, refundId);
    if (now && now.status === move.to && same(now)) return now.status;
    throw conflict(`refund ${refundId} is ${now?.status ?? 'gone'}: the return can no longer be sent`);
  }
  const company = EXPRESS_COMPANIES[parcel.expressCompany] ?? parcel.expressCompany;
  log('info', 'refund.return_shipped', { refundId });
  await appendTimeline(ctx.store, refund.orderId, { ...timelineEntry(ctx.now, 'return_shipped', 'buyer', `${company} ${parcel.trackingNo}`), refundId });
  await deliver(ctx.store, ctx.settings, { collection: COLLECTIONS.refunds, docId: refundId }, owed);
  return move.to;
}

// ---- timers (reconcile) -------------------------------------------------------------------------------------

export interface AfterSaleTimerReport {
  checked: number;
  acted: number;
  errors: number;
}

/**
 * Acts on after-sale requests nobody acted on in time (settings.afterSale): approves or agrees to a request the merchant
 * left unanswered (when switched on for its type), closes a return the buyer never sent, refunds a return whose
 * parcel the merchant never confirmed. Each step is the same conditional transition a person's action is, so a
 * merchant acting at the same moment and reconcile can never both win; the step is on the timeline (by 系统) and told.
 */
export async function runAfterSaleTimers(ctx: RefundContext, payments: Payments, batch: number): Promise<AfterSaleTimerReport> {
  const report: AfterSaleTimerReport = { checked: 0, acted: 0, errors: 0 };
  for (const { status, enteredBefore } of timerCutoffs(ctx.settings.afterSale, ctx.now)) {
    for (const refund of await refundsInStatusSince(ctx.store, status, enteredBefore, batch)) {
      const due = dueOf(refund, ctx.settings.afterSale);
      if (!due || due.at.getTime() > ctx.now.getTime()) continue;
      report.checked++;
      try {
        if (await actOnOverdue(ctx, payments, refund, due.step)) report.acted++;
      } catch (err) {
        report.errors++;
        log('warn', 'reconcile.aftersale_failed', { refundId: refund._id, step: due.step, error: errorSummary(err) });
      }
    }
  }
  return report;
}

async function actOnOverdue(ctx: RefundContext, payments: Payments, refund: RefundDoc, step: OverdueStep): Promise<boolean> {
  switch (step) {
    case 'APPROVE':
      return (await approveRefund(ctx, payments, refund._id, SYSTEM, 'approve')) !== refund.status;
    case 'REFUND_RETURN':
      return (await approveRefund(ctx, payments, refund._id, SYSTEM, 'confirmReturn')) !== refund.status;
    case 'AGREE_RETURN':
      return (await agreeReturn(ctx, refund._id, SYSTEM)) !== refund.status;
    case 'CLOSE_RETURN':
      return (await closeRequestedRefund(ctx, refund._id, 'RETURN_CLOSED', { openid: SYSTEM, role: 'system' }, DUE_TEXT.CLOSE_RETURN)).changed;
  }
}
