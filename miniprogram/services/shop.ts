// Products and buying. Prices shown come from the server, and the server prices the order again itself.
import type { DeliveryAddress, Fen, PayData, Product } from '../../typings/api';
import { adapters } from '../adapters/index';
import type { PaymentOutcome } from '../adapters/payment';
import { callFunction, callOrders, type Outcome } from './call';
import { isPayData, isProduct, listOf } from './shapes';

export function fetchProducts(): Promise<Outcome<Product[]>> {
  return callOrders<'products'>({ action: 'products' }, listOf(isProduct));
}

export interface PaymentAttempt {
  orderId: string;
  totalFee: Fen;
  payment: PaymentOutcome;
}

async function payWith(outcome: Outcome<PayData>): Promise<Outcome<PaymentAttempt>> {
  if (!outcome.ok) return outcome;
  const { orderId, totalFee, payment } = outcome.data;
  const result = await adapters().payment.pay({ orderId, totalFee, payment });
  return { ok: true, data: { orderId, totalFee, payment: result } };
}

/**
 * Creates the order and opens the cashier. The idempotency key makes a repeated tap (or a retry after a lost
 * answer) return the same order instead of a second one.
 */
export function buy(items: Array<{ productId: string; quantity: number; skuId?: string }>, idempotencyKey: string, address?: DeliveryAddress): Promise<Outcome<PaymentAttempt>> {
  return callFunction('pay', { items, idempotencyKey, ...(address ? { address } : {}) }, isPayData).then(payWith);
}

/** Pays an order that is still waiting for payment. */
export function payOrder(orderId: string): Promise<Outcome<PaymentAttempt>> {
  return callFunction('pay', { orderId }, isPayData).then(payWith);
}

/** A key unique enough per purchase attempt on one device. */
export function newIdempotencyKey(): string {
  return `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
