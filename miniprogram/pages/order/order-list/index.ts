// The buyer's orders by tab, newest first, paged by cursor. Rows change by path (`list[3].statusLabel`), pages
// append by index (`list[20]`): the whole list is only sent when a tab or refresh replaces it.
import type { OrderListFilter } from '../../../../typings/api';
import { CANCEL_TOO_EARLY_TEXT, errorText } from '../../../domain/errors';
import { ORDER_TABS, PAYMENT_TEXT, type OrderTab } from '../../../domain/labels';
import { cancelOrder, fetchOrderAfterPayment, fetchOrderDetail, fetchOrders } from '../../../services/order';
import { payOrder } from '../../../services/shop';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { appendPaths, changedPaths } from '../../../utils/set-data';
import { EMPTY, failed, LOADING, READY, type LoadState, type MoreState } from '../../../view-models/load-state';
import { toOrderCard, type OrderCardVM } from '../../../view-models/order';

interface ListPrivate {
  cursor?: string;
  /** Answers to an older request (another tab, an earlier refresh) are dropped. */
  seq: number;
  /** The order whose detail was opened: it may have changed when the buyer comes back. */
  openedOrderId: string;
  busy: boolean;
}

const priv = instanceState<ListPrivate>(() => ({ seq: 0, openedOrderId: '', busy: false }));

function eventOrderId(e: WechatMiniprogram.BaseEvent): string {
  return String(e.currentTarget.dataset.orderId ?? '');
}

function filterOf(key: OrderTab['key']): OrderListFilter | undefined {
  return key === 'ALL' ? undefined : key;
}

Component({
  data: {
    tabs: ORDER_TABS,
    activeKey: 'ALL' as OrderTab['key'],
    list: [] as OrderCardVM[],
    state: LOADING as LoadState,
    more: 'idle' as MoreState,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const wanted = queryValue(query, 'status');
      const tab = ORDER_TABS.find((t) => t.key === wanted);
      if (tab) this.setData({ activeKey: tab.key });
      void this.loadFirstPage(false);
    },

    onShow() {
      const s = priv(this);
      if (!s.openedOrderId) return;
      const orderId = s.openedOrderId;
      s.openedOrderId = '';
      void this.refreshRow(orderId);
    },

    async onPullDownRefresh() {
      await this.loadFirstPage(true);
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.loadMore();
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

    onMoreTap() {
      if (this.data.more === 'error') void this.loadMore();
    },

    /** `keepVisible`: a pull-down refresh leaves the old rows on screen until the new ones arrive. */
    async loadFirstPage(keepVisible: boolean) {
      const s = priv(this);
      const seq = ++s.seq;
      s.cursor = undefined;
      if (!keepVisible) this.setData({ list: [], state: LOADING, more: 'idle' });
      const res = await fetchOrders({ status: filterOf(this.data.activeKey) });
      if (seq !== s.seq) return;
      if (!res.ok) {
        if (keepVisible && this.data.list.length > 0) toastFailure(res);
        else this.setData({ list: [], state: failed(res.code, errorText(res.code)), more: 'idle' });
        return;
      }
      s.cursor = res.data.nextCursor;
      const rows = res.data.items.map(toOrderCard);
      this.setData({ list: rows, state: rows.length ? READY : EMPTY, more: s.cursor ? 'idle' : 'end' });
    },

    async loadMore() {
      const s = priv(this);
      if (this.data.state.kind !== 'ready' || this.data.more === 'loading' || this.data.more === 'end' || !s.cursor) return;
      const seq = s.seq;
      this.setData({ more: 'loading' });
      const res = await fetchOrders({ status: filterOf(this.data.activeKey), cursor: s.cursor });
      if (seq !== s.seq) return;
      if (!res.ok) {
        this.setData({ more: 'error' });
        return;
      }
      s.cursor = res.data.nextCursor;
      // A row may already be shown if orders were created between two pages: keep the first copy.
      const shown = new Set(this.data.list.map((row) => row.orderId));
      const rows = res.data.items.filter((o) => !shown.has(o.orderId)).map(toOrderCard);
      this.setData({ ...appendPaths('list', this.data.list.length, rows), more: s.cursor ? 'idle' : 'end' });
    },

    /** Re-reads one order and sends only the fields of its row that changed; answers the row as now shown. */
    async refreshRow(orderId: string): Promise<OrderCardVM | undefined> {
      const index = this.data.list.findIndex((row) => row.orderId === orderId);
      if (index < 0) return undefined;
      const res = await fetchOrderDetail(orderId);
      const current = this.data.list[index];
      if (!res.ok || !current || current.orderId !== orderId) return current;
      const next = toOrderCard(res.data);
      const patch = changedPaths(`list[${index}]`, { ...current }, { ...next });
      if (Object.keys(patch).length) this.setData(patch);
      return next;
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      priv(this).openedOrderId = orderId;
      navigate(withQuery(ROUTES.orderDetail, { orderId }));
    },

    async onPay(e: WechatMiniprogram.BaseEvent) {
      const s = priv(this);
      if (s.busy) return;
      s.busy = true;
      const orderId = eventOrderId(e);
      const res = await payOrder(orderId);
      s.busy = false;
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
