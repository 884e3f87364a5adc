// After-sale rules (仅退款 / 退货退款), pure: which lines and how much a request may ask back, which reasons fit the
// receipt state, how often a buyer may ask, and what the shop does by itself when someone stays silent. The caller
// reads the order and its refunds, asks these functions, and writes what they return with a conditional write.
import type { Fen, ReceiptState, RefundLine, RefundLineRequest, RefundType } from '../../typings/api';
import { AFTERSALE } from './aftersale-contract';
import type { AfterSaleSettings } from './aftersale-settings';
import type { AfterSaleFacts, OrderDoc, RefundDoc } from './documents';
import { conflict, invalid } from './errors';
import { OPEN_REFUND_STATUSES, REFUND_MOVES, RESERVING_REFUND_STATUSES } from './states';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** Shipped goods can be sent back; an order the merchant never shipped can only be refunded. */
export function hasShipped(order: Pick<OrderDoc, 'status' | 'shipping'>): boolean {
  return order.status === 'SHIPPED' || order.status === 'COMPLETED' || Boolean(order.shipping);
}

/**
 * Whether the buyer has the goods: never shipped → not received; received (COMPLETED) → received; on the way
 * (SHIPPED) → as the buyer says, not received unless told.
 */
export function receiptStateOf(order: Pick<OrderDoc, 'status' | 'shipping'>, claimed?: ReceiptState): ReceiptState {
  if (!hasShipped(order)) {
    if (claimed === 'RECEIVED') throw conflict('这笔订单还没有发货，不能选择已收到货');
    return 'NOT_RECEIVED';
  }
  if (order.status === 'COMPLETED') return 'RECEIVED';
  return claimed ?? 'NOT_RECEIVED';
}

export function reasonsFor(receipt: ReceiptState): readonly string[] {
  return AFTERSALE.reasons[receipt];
}

/** The reason must be on the list for the receipt state; 其他原因 needs the note to say what. */
export function checkReason(receipt: ReceiptState, reason: string, note: string | undefined): void {
  const list = reasonsFor(receipt);
  if (!list.includes(reason)) throw invalid(`reason must be one of ${list.join('、')} when the goods are ${receipt === 'RECEIVED' ? 'received' : 'not received'}`);
  if (reason === AFTERSALE.otherReason && !note) throw invalid(`reason ${AFTERSALE.otherReason} needs a note saying what it is`);
}

/** Refunds whose lines are taken: asked for and not turned down (open, with WeChat Pay, or refunded). */
const TAKING_STATUSES: readonly RefundDoc['status'][] = [...RESERVING_REFUND_STATUSES, REFUND_MOVES.succeed.to];

/** An order line is a product and, since SKUs, the SKU bought: two SKUs of one product are two lines. */
export function orderLineKey(line: { productId: string; skuId?: string | undefined }): string {
  return line.skuId ? `${line.productId}/${line.skuId}` : line.productId;
}

/**
 * The order line a refund line names: by SKU when it names one; by product alone only when the order holds a single
 * line of that product (requests from before SKUs, or pages that do not send one), else it must say which.
 */
export function orderLineOf(items: OrderDoc['items'], line: RefundLineRequest): OrderDoc['items'][number] {
  const same = items.filter((i) => i.productId === line.productId && (line.skuId === undefined || i.skuId === line.skuId));
  if (same.length === 0) throw invalid(line.skuId ? `product ${line.productId} with SKU ${line.skuId} is not in this order` : `product ${line.productId} is not in this order`);
  if (same.length > 1) throw invalid(`this order holds ${same.length} SKUs of product ${line.productId}: name the line's skuId`);
  return same[0] as OrderDoc['items'][number];
}

/** How many of each order line (orderLineKey) the buyer may still ask back: what was bought less what other refunds took. */
export function availableQuantities(items: OrderDoc['items'], refunds: ReadonlyArray<Pick<RefundDoc, 'status' | 'items'>>): Map<string, number> {
  const left = new Map<string, number>();
  for (const i of items) left.set(orderLineKey(i), (left.get(orderLineKey(i)) ?? 0) + i.quantity);
  for (const r of refunds) {
    if (!TAKING_STATUSES.includes(r.status)) continue;
    for (const line of r.items ?? []) {
      const key = orderLineKey(orderLineOf(items, line));
      left.set(key, Math.max(0, (left.get(key) ?? 0) - line.quantity));
    }
  }
  return left;
}

/**
 * The lines a request asks back, each with what was paid for that many (unit price × quantity). Without `requested`,
 * every line with something left, in full: the whole order is the default.
 */
export function requestedLines(items: OrderDoc['items'], available: ReadonlyMap<string, number>, requested?: readonly RefundLineRequest[]): RefundLine[] {
  const line = (item: OrderDoc['items'][number], quantity: number): RefundLine => {
    const left = available.get(orderLineKey(item)) ?? 0;
    const name = item.spec ? `${item.name}（${item.spec}）` : item.name;
    if (quantity > left) throw conflict(left === 0 ? `${name} has already been refunded or asked back` : `at most ${left} of ${name} can still be asked back, asked ${quantity}`);
    return { productId: item.productId, ...(item.skuId ? { skuId: item.skuId } : {}), name: item.name, ...(item.spec ? { spec: item.spec } : {}), quantity, fee: item.unitPrice * quantity };
  };
  if (requested) {
    const keys = requested.map((r) => orderLineKey(orderLineOf(items, r)));
    if (new Set(keys).size !== keys.length) throw invalid('a line of this order is named twice: use one line with a quantity');
    return requested.map((r) => line(orderLineOf(items, r), r.quantity));
  }
  const lines = items.filter((i) => (available.get(orderLineKey(i)) ?? 0) > 0).map((i) => line(i, available.get(orderLineKey(i)) ?? 0));
  if (lines.length === 0) throw conflict('every line of this order has already been refunded or asked back');
  return lines;
}

export function linesFee(lines: readonly RefundLine[]): Fen {
  return lines.reduce((sum, l) => sum + l.fee, 0);
}

export interface AfterSaleRequest {
  type: RefundType;
  items?: RefundLineRequest[];
  receipt?: ReceiptState;
  reason: string;
  note?: string;
  photos?: string[];
  refundFee?: Fen;
}

export interface AfterSaleDecision {
  facts: AfterSaleFacts;
  /** The most this request may ask: what was paid for its lines, never more than is left on the order. */
  maxFee: Fen;
  /** What it asks: maxFee unless the buyer lowered it. */
  refundFee: Fen;
}

/**
 * Decides an after-sale request against the order and its refunds as read (the order's reservation write then
 * checks the order did not change). The order-level rules (owner, money held, window, one open refund, what is left)
 * are decideRefundRequest's (refund-rules.ts), which runs first.
 */
export function decideAfterSale(
  order: Pick<OrderDoc, '_id' | 'status' | 'shipping' | 'items' | 'refundCount'>,
  refunds: ReadonlyArray<Pick<RefundDoc, 'status' | 'items' | 'automatic'>>,
  refundable: Fen,
  request: AfterSaleRequest,
): AfterSaleDecision {
  if (request.type === 'RETURN_AND_REFUND' && !hasShipped(order)) throw conflict('这笔订单还没有发货，没有可退回的商品：请申请仅退款');
  const asked = refunds.filter((r) => !r.automatic).length;
  if (asked >= AFTERSALE.applicationsPerOrder) throw conflict(`一笔订单最多申请售后 ${AFTERSALE.applicationsPerOrder} 次`);
  const receipt = receiptStateOf(order, request.receipt);
  checkReason(receipt, request.reason, request.note);
  const items = requestedLines(order.items, availableQuantities(order.items, refunds), request.items);
  const maxFee = Math.min(linesFee(items), refundable);
  if (request.refundFee !== undefined && request.refundFee > maxFee) {
    throw conflict(`这些商品最多可退 ${maxFee} 分，申请的是 ${request.refundFee} 分`);
  }
  return {
    facts: {
      type: request.type,
      items,
      receipt,
      ...(request.note ? { note: request.note } : {}),
      ...(request.photos?.length ? { photos: request.photos } : {}),
    },
    maxFee,
    refundFee: request.refundFee ?? maxFee,
  };
}

// ---- timers --------------------------------------------------------------------------------------------------

/** What reconcile does to a refund nobody acted on in time. */
export type OverdueStep = 'APPROVE' | 'AGREE_RETURN' | 'CLOSE_RETURN' | 'REFUND_RETURN';

export interface Due {
  at: Date;
  step: OverdueStep;
}

/** For people, what happens at the deadline (the after-sale pages show it next to the time). */
export const DUE_TEXT: Readonly<Record<OverdueStep, string>> = {
  APPROVE: '商家超时未处理将自动退款',
  AGREE_RETURN: '商家超时未处理将自动同意退货',
  CLOSE_RETURN: '买家超时未寄回，申请将关闭',
  REFUND_RETURN: '商家超时未确认收货将自动退款',
};

/** When the shop acts by itself on this refund, and how; undefined when no timer runs in its status. */
export function dueOf(refund: Pick<RefundDoc, 'status' | 'type' | 'createdAt' | 'statusAt' | 'automatic'>, settings: AfterSaleSettings): Due | undefined {
  // A request's timer starts when it was made (requests of before after-sales have no statusAt).
  const since = (refund.status === 'REQUESTED' ? refund.createdAt : refund.statusAt ?? refund.createdAt).getTime();
  switch (refund.status) {
    case 'REQUESTED': {
      if (refund.automatic) return undefined;
      const isReturn = refund.type === 'RETURN_AND_REFUND';
      if (isReturn ? !settings.autoApproveReturns : !settings.autoApproveRefunds) return undefined;
      return { at: new Date(since + settings.merchantResponseHours * HOUR_MS), step: isReturn ? 'AGREE_RETURN' : 'APPROVE' };
    }
    case 'AWAITING_RETURN':
      return { at: new Date(since + settings.returnShipDays * DAY_MS), step: 'CLOSE_RETURN' };
    case 'RETURN_SHIPPED':
      return { at: new Date(since + settings.returnReceiveDays * DAY_MS), step: 'REFUND_RETURN' };
    default:
      return undefined;
  }
}

/** Statuses a timer can run in, each with the setting that says how long, for reconcile's queries. */
export function timerCutoffs(settings: AfterSaleSettings, now: Date): Array<{ status: RefundDoc['status']; enteredBefore: Date }> {
  const before = (ms: number) => new Date(now.getTime() - ms);
  const out: Array<{ status: RefundDoc['status']; enteredBefore: Date }> = [];
  if (settings.autoApproveRefunds || settings.autoApproveReturns) out.push({ status: 'REQUESTED', enteredBefore: before(settings.merchantResponseHours * HOUR_MS) });
  out.push({ status: 'AWAITING_RETURN', enteredBefore: before(settings.returnShipDays * DAY_MS) });
  out.push({ status: 'RETURN_SHIPPED', enteredBefore: before(settings.returnReceiveDays * DAY_MS) });
  return out;
}

export function isOpenAfterSale(status: RefundDoc['status']): boolean {
  return OPEN_REFUND_STATUSES.includes(status);
}
