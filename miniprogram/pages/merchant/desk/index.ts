// The merchant's order desk: paid orders to ship (oldest first), shipped ones, all; search by order number; a badge
// for refund requests waiting. Opening an order goes to the merchant's own page for it (ship, reprint).
import type { DeskData, DeskTab, OrderSummary } from '../../../../typings/api';
import { DESK_TABS } from '../../../domain/labels';
import { fetchDesk, searchDesk } from '../../../services/shipping';
import { toastFailure } from '../../../utils/feedback';
import { merchantOnlyList } from '../../../utils/merchant-gate';
import { ORDER_CARD_ROWS } from '../../../utils/order-rows';
import { pagedList } from '../../../utils/paged-list';
import { navigate, ROUTES, withQuery } from '../../../utils/routes';
import { READY, EMPTY } from '../../../view-models/load-state';
import { toOrderCard, type OrderCardVM } from '../../../view-models/order';

const ORDER_NO = /^[0-9A-Za-z_-]{1,32}$/;

const desk = pagedList<OrderSummary, OrderCardVM, { activeKey: DeskTab; pendingRefunds: number }>({
  fetchPage: async (page, cursor) => {
    const res = await fetchDesk(page.data.activeKey, cursor);
    // The badge rides along with every page.
    if (res.ok && res.data.pendingRefunds !== page.data.pendingRefunds) page.setData({ pendingRefunds: res.data.pendingRefunds });
    return res;
  },
  ...ORDER_CARD_ROWS,
});

Component({
  data: {
    ...desk.data,
    tabs: DESK_TABS,
    activeKey: 'TO_SHIP' as DeskTab,
    pendingRefunds: 0,
    isMerchant: false,
    query: '',
    searching: false,
  },
  methods: {
    ...desk.methods,

    ...merchantOnlyList('仅商家可以使用订单工作台'),

    onTabTap(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key) as DeskTab;
      if (key === this.data.activeKey && !this.data.searching) return;
      this.setData({ activeKey: key, searching: false, query: '' });
      void this.loadFirstPage(false);
    },

    onQueryInput(e: WechatMiniprogram.Input) {
      this.setData({ query: e.detail.value.trim() });
    },

    async onSearch() {
      const orderId = this.data.query;
      if (!ORDER_NO.test(orderId)) return;
      const res = await searchDesk(orderId);
      if (!res.ok) {
        toastFailure(res);
        return;
      }
      this.showSearch(res.data);
    },

    showSearch(data: DeskData) {
      this.setData({ searching: true, list: data.items.map(toOrderCard), more: 'end', state: data.items.length ? READY : EMPTY, pendingRefunds: data.pendingRefunds });
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const orderId = String(e.currentTarget.dataset.orderId ?? '');
      this.rememberOpened(orderId);
      navigate(withQuery(ROUTES.shipOrder, { orderId }));
    },

    onRefunds() {
      navigate(ROUTES.refundQueue);
    },

    onBills() {
      navigate(ROUTES.bills);
    },
  },
});
