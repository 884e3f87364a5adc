// The buyer's orders by tab, newest first, paged by cursor. Rows change by path (`list[3].statusLabel`), pages
// append by index (`list[20]`): the whole list is only sent when a tab or refresh replaces it.
import type { OrderListFilter, OrderSummary } from '../../../../typings/api';
import { CANCEL_TOO_EARLY_TEXT } from '../../../domain/errors';
import { ORDER_TABS, PAYMENT_TEXT, type OrderTab } from '../../../domain/labels';
import { cancelOrder, fetchOrderAfterPayment, fetchOrders } from '../../../services/order';
import { payOrder } from '../../../services/shop';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { ORDER_CARD_ROWS } from '../../../utils/order-rows';
import { pagedList } from '../../../utils/paged-list';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import type { OrderCardVM } from '../../../view-models/order';

/** A payment in progress: a second tap on "pay" is ignored until it settles. */
const busy = instanceState(() => ({ paying: false }));

function eventOrderId(e: WechatMiniprogram.BaseEvent): string {
  return String(e.currentTarget.dataset.orderId ?? '');
}

function filterOf(key: OrderTab['key']): OrderListFilter | undefined {
  return key === 'ALL' ? undefined : key;
}

const orders = pagedList<OrderSummary, OrderCardVM, { activeKey: OrderTab['key'] }>({
  fetchPage: (page, cursor) => fetchOrders({ status: filterOf(page.data.activeKey), cursor }),
  ...ORDER_CARD_ROWS,
});

Component({
  data: {
    tabs: ORDER_TABS,
    activeKey: 'ALL' as OrderTab['key'],
    ...orders.data,
  },
  methods: {
    ...orders.methods,

    onLoad(query: Record<string, string | undefined>) {
      const wanted = queryValue(query, 'status');
      const tab = ORDER_TABS.find((t) => t.key === wanted);
      if (tab) this.setData({ activeKey: tab.key });
      void this.loadFirstPage(false);
    },

    onTabTap(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key) as OrderTab['key'];
      if (key === this.data.activeKey) return;
      this.setData({ activeKey: key });
      void this.loadFirstPage(false);
    },

    onRetry() {
      void this.loadFirstPage(false);
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      this.rememberOpened(orderId);
      navigate(withQuery(ROUTES.orderDetail, { orderId }));
    },

    async onPay(e: WechatMiniprogram.BaseEvent) {
      const s = busy(this);
      if (s.paying) return;
      s.paying = true;
      const orderId = eventOrderId(e);
      const res = await payOrder(orderId);
      s.paying = false;
      if (!res.ok) {
        toastFailure(res);
        return;
      }
      const payment = res.data.payment;
      if (payment.kind === 'paid') {
        const after = await fetchOrderAfterPayment(orderId);
        if (after.ok && after.data.status !== 'PENDING') toast(PAYMENT_TEXT.confirmed, 'success');
        else toast(PAYMENT_TEXT.unconfirmed);
      } else toast(PAYMENT_TEXT[payment.kind]);
      await this.refreshRow(orderId);
    },

    async onCancel(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      if (!(await confirmDialog('取消订单', '取消后订单将关闭，确定取消吗？', '取消订单'))) return;
      const res = await cancelOrder(orderId);
      const row = await this.refreshRow(orderId);
      if (res.ok) toast('订单已取消', 'success');
      else if (res.code === 'CONFLICT' && row?.canCancel) toast(CANCEL_TOO_EARLY_TEXT);
      else toastFailure(res);
    },
  },
});
