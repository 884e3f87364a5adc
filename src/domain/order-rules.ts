// What an order is when it is created and what a buyer may do with it: pure rules shared by the functions
// (server/order-flow.ts, server/orders-queries.ts) and the page tests' in-memory backend, so both answer alike.
import type { DeliveryAddress, OrderItem } from '../../typings/api';
import type { PayChannel } from './channels';
import type { OrderDoc, StockLine } from './documents';
import { conflict, notFound } from './errors';
import { orderTotal } from './money';
import { ORDER_MOVES, allows } from './states';
import { timelineEntry } from './timeline';
import { orderTitle } from './views';

export function newOrderDoc(input: {
  id: string;
  buyer: string;
  items: OrderItem[];
  now: Date;
  unpaidTimeoutSeconds: number;
  payChannel: PayChannel;
  idempotencyKey?: string;
  address?: DeliveryAddress;
  stockLines?: StockLine[];
}): OrderDoc {
  return {
    _id: input.id,
    payChannel: input.payChannel,
    _openid: input.buyer,
    status: 'PENDING',
    totalFee: orderTotal(input.items),
    refundedFee: 0,
    refundingFee: 0,
    items: input.items,
    title: orderTitle(input.items),
    itemCount: input.items.reduce((n, i) => n + i.quantity, 0),
    createdAt: input.now,
    updatedAt: input.now,
    payDeadline: new Date(input.now.getTime() + input.unpaidTimeoutSeconds * 1000),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    refundCount: 0,
    openRefundId: null,
    refunding: false,
    timeline: [timelineEntry(input.now, 'created', 'buyer')],
    ...(input.address ? { address: input.address } : {}),
    ...(input.stockLines?.length ? { stockLines: input.stockLines, stockState: 'HELD' as const, holdsRecorded: true } : {}),
  };
}

/** The same idempotency key must name the same lines (in any order). */
export function sameItems(a: readonly OrderItem[], b: readonly OrderItem[]): boolean {
  const key = (items: readonly OrderItem[]) => items.map((i) => `${i.productId}${i.skuId ? `/${i.skuId}` : ''}×${i.quantity}`).sort().join(',');
  return key(a) === key(b);
}

/** Only a PENDING order before its deadline can be paid (a repeated idempotencyKey may name one that is not). */
export function assertPayable(order: Pick<OrderDoc, '_id' | 'status' | 'payDeadline'>, now: Date): void {
  if (!allows(ORDER_MOVES.pay, order.status)) throw conflict(`order ${order._id} is ${order.status}: only a PENDING order can be paid`);
  if (order.payDeadline.getTime() <= now.getTime()) throw conflict(`order ${order._id} was not paid in time; place a new order`);
}

/**
 * A buyer's cancel: 'DONE' when the order is closed already (cancelling twice answers the same), 'CLOSE' when the
 * provider's order must be closed first. Someone else's order reads as missing.
 */
export function decideCancel(order: Pick<OrderDoc, '_id' | '_openid' | 'status'> | undefined, buyer: string, orderId: string): 'DONE' | 'CLOSE' {
  if (!order || order._openid !== buyer) throw notFound(`order ${orderId} not found`);
  if (order.status === ORDER_MOVES.close.to) return 'DONE';
  if (!allows(ORDER_MOVES.close, order.status)) throw conflict(`order ${orderId} is ${order.status}: only a PENDING order can be cancelled`);
  return 'CLOSE';
}

/** The order's payment provider does not close an order this new (close-window.ts); `opensAt` is when it will. */
export const tooEarlyToCancel = (opensAt?: Date) =>
  conflict(`WeChat Pay does not let an order be cancelled this soon after it was placed; try again${opensAt ? ` after ${opensAt.toISOString()}` : ' shortly'}, or just leave it unpaid`);

/** The buyer is entering the password in WeChat right now (APIv3's 202 USER_PAYING): the order cannot be closed. */
export const payingNow = () => conflict('this order is being paid in WeChat right now; wait for the payment to finish or fail');
