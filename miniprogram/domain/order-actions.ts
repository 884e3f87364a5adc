// What a buyer may do with an order in its current state. The server decides for real; this only hides buttons
// that could not succeed.
import type { OrderDetail, OrderSummary, RefundView } from '../../typings/api';

export interface OrderActions {
  pay: boolean;
  cancel: boolean;
  requestRefund: boolean;
  /** The pending request the buyer may withdraw, if any. */
  withdrawRefundId: string;
}

export function summaryActions(order: OrderSummary): Pick<OrderActions, 'pay' | 'cancel'> {
  return { pay: order.status === 'PENDING', cancel: order.status === 'PENDING' };
}

export function detailActions(order: OrderDetail): OrderActions {
  const pending = order.refunds.find((r: RefundView) => r.status === 'REQUESTED');
  return {
    ...summaryActions(order),
    requestRefund: order.status === 'PAID' && !order.hasOpenRefund && order.refundableFee > 0,
    withdrawRefundId: pending ? pending.refundId : '',
  };
}
