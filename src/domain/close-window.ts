// When a buyer may cancel an unpaid order: cancelling closes the order at WeChat Pay first, and how soon WeChat Pay
// lets an order be closed depends on the protocol. The one place this is known: the views tell the page when the
// cancel button appears, and the `orders` function reads WeChat Pay's "too early" by it.
import type { PaymentProviderName } from './settings';

/**
 * APIv2 refuses to close an order in its first 5 minutes ("订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟"), and
 * cloudPay is APIv2 underneath; APIv3 has no such rule (it answers 202 USER_PAYING while the buyer pays instead).
 */
export const CLOSE_WAIT_MS: Readonly<Record<PaymentProviderName, number>> = { cloudpay: 5 * 60_000, v2: 5 * 60_000, v3: 0 };

/** The first instant an order placed at `createdAt` through `provider` may be closed at WeChat Pay. */
export function closeOpensAt(createdAt: Date, provider: PaymentProviderName): Date {
  return new Date(createdAt.getTime() + CLOSE_WAIT_MS[provider]);
}
