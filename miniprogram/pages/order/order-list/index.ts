// The buyer's orders, like a shop's list: tabs by what the buyer waits for (待付款 … 售后), cards with the goods'
// thumbnails, 共 N 件, the actions people expect (去付款 with the time left, 确认收货, 申请售后, 查看物流) and 复制
// for the numbers. Newest first, paged by cursor. Rows change by path (`list[3].statusLabel`), pages append by
// index (`list[20]`): the whole list is only sent when a tab or refresh replaces it.
import type { OrderListFilter, OrderSummary } from '../../../../typings/api';
import { CANCEL_TOO_EARLY_TEXT } from '../../../domain/errors';
import { ORDER_TABS, PAYMENT_TEXT, RECEIPT_TEXT, type OrderTab } from '../../../domain/labels';
import { cancelOrder, fetchOrderAfterPayment, fetchOrderDetail, fetchOrders } from '../../../services/order';
import { receiveOrder } from '../../../services/shipping';
import { payOrder } from '../../../services/shop';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { oneAtATime } from '../../../utils/guard';
import { instanceState } from '../../../utils/instance-state';
import { itemFrom, pagedList } from '../../../utils/paged-list';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { countdownText } from '../../../utils/time';
import { toBuyerCard, type BuyerCardVM } from '../../../view-models/order';

/** A payment or receipt in progress (a second tap is ignored until it settles), and the countdown's ticker. */
const priv = instanceState<{ busy: boolean; ticker?: ReturnType<typeof setInterval> }>(() => ({ busy: false }));

function eventOrderId(e: WechatMiniprogram.BaseEvent): string {
  return String(e.currentTarget.dataset.orderId ?? '');
}

function filterOf(key: OrderTab['key']): OrderListFilter | undefined {
  return key === 'ALL' ? undefined : key;
}

const orders = pagedList<OrderSummary, BuyerCardVM, { activeKey: OrderTab['key'] }>({
  fetchPage: (page, cursor) => fetchOrders({ status: filterOf(page.data.activeKey), cursor }),
  toRow: (order) => toBuyerCard(order),
  rowId: (row) => row.orderId,
  fetchItem: itemFrom(fetchOrderDetail, (order): OrderSummary => order),
});

Component({
  data: {
    tabs: ORDER_TABS,
    activeKey: 'ALL' as OrderTab['key'],
    ...orders.data,
  },
  observers: {
    // The countdown ticks only while an unpaid card shows one.
    'list.**'(this: { syncTicker(): void }) {
      this.syncTicker();
    },
  },
  lifetimes: {
    detached(this: { stopTicker(): void }) {
      this.stopTicker();
    },
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

    /** 复制: the order number or the tracking number, for a chat with the shop or a carrier's app. */
    onCopy(e: WechatMiniprogram.BaseEvent) {
      const text = String(e.currentTarget.dataset.text ?? '');
      if (text) wx.setClipboardData({ data: text });
    },

    /** A one-second tick while any card counts down. */
    syncTicker() {
      const s = priv(this);
      const counting = this.data.list.some((row) => row.payCountdown !== '' && row.payCountdown !== '0:00');
      if (counting && s.ticker === undefined) s.ticker = setInterval(() => this.tick(Date.now()), 1000);
      if (!counting) this.stopTicker();
    },

    stopTicker() {
      const s = priv(this);
      if (s.ticker !== undefined) clearInterval(s.ticker);
      s.ticker = undefined;
    },

    onUnload() {
      this.stopTicker();
    },

    /** Sends only the countdowns that changed; an order whose time ran out is read again (the server closes it). */
    tick(now: number) {
      const patch: Record<string, string> = {};
      const expired: string[] = [];
      this.data.list.forEach((row, i) => {
        if (!row.payCountdown) return;
        const text = countdownText(row.payDeadline, now);
        if (text !== row.payCountdown) patch[`list[${i}].payCountdown`] = text;
        if (text === '0:00') expired.push(row.orderId);
      });
      if (Object.keys(patch).length) this.setData(patch);
      expired.forEach((orderId) => void this.refreshRow(orderId));
    },

    guarded(work: () => Promise<void>) {
      return oneAtATime(priv(this), work);
    },

    onPay(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      return this.guarded(async () => {
        const res = await payOrder(orderId);
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
      });
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

    onConfirmReceipt(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      return this.guarded(async () => {
        const { outcome } = await receiveOrder(orderId);
        if ('kind' in outcome) {
          if (outcome.kind === 'failed') toast(RECEIPT_TEXT.windowFailed);
          return;
        }
        if (outcome.ok) toast(RECEIPT_TEXT.confirmed, 'success');
        else if (outcome.code === 'CONFLICT') toast(RECEIPT_TEXT.notYet);
        else toastFailure(outcome);
        await this.refreshRow(orderId);
      });
    },

    onAfterSale(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      this.rememberOpened(orderId);
      navigate(withQuery(ROUTES.afterSaleApply, { orderId }));
    },

    /** The shipment is on the order's page (carrier, tracking number with 复制, when it completes by itself). */
    onTrack(e: WechatMiniprogram.BaseEvent) {
      const orderId = eventOrderId(e);
      this.rememberOpened(orderId);
      navigate(withQuery(ROUTES.orderDetail, { orderId }));
    },
  },
});
