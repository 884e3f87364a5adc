// Orders shown as cards in a paged list (the buyer's order list, the merchant's desk): how a card is made, found
// and re-read when the person comes back from the order.
import type { OrderSummary } from '../../typings/api';
import { fetchOrderDetail } from '../services/order';
import { toOrderCard, type OrderCardVM } from '../view-models/order';
import { itemFrom, type PagedListSource } from './paged-list';

export const ORDER_CARD_ROWS: Pick<PagedListSource<OrderSummary, OrderCardVM, object>, 'toRow' | 'rowId' | 'fetchItem'> = {
  toRow: toOrderCard,
  rowId: (row) => row.orderId,
  fetchItem: itemFrom(fetchOrderDetail, (order): OrderSummary => order),
};
