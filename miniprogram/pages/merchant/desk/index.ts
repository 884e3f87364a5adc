// The merchant's order desk: paid orders to ship (oldest first), shipped ones, all; a search over every order by
// the end of its number or the receiver's name; a badge for refund requests waiting. Opening an order goes to the
// merchant's own page for it (ship, reprint); coming back reloads the list, since shipping or deciding a refund
// moves orders between tabs.
import type { DeskTab, OrderSummary } from '../../../../typings/api';
import { DESK_TABS } from '../../../domain/labels';
import { fetchDesk, searchDesk } from '../../../services/shipping';
import { merchantOnlyList } from '../../../utils/merchant-gate';
import { ORDER_CARD_ROWS } from '../../../utils/order-rows';
import { pagedList } from '../../../utils/paged-list';
import { navigate, ROUTES, withQuery } from '../../../utils/routes';
import type { OrderCardVM } from '../../../view-models/order';

interface DeskExtra {
  activeKey: DeskTab;
  pendingRefunds: number;
  /** The text the results shown were searched for; '' while a tab is shown. */
  searchedFor: string;
}

const desk = pagedList<OrderSummary, OrderCardVM, DeskExtra>({
  fetchPage: async (page, cursor) => {
    const res = page.data.searchedFor ? await searchDesk(page.data.searchedFor, cursor) : await fetchDesk(page.data.activeKey, cursor);
    // The badge rides along with every page.
    if (res.ok && res.data.pendingRefunds !== page.data.pendingRefunds) page.setData({ pendingRefunds: res.data.pendingRefunds });
    return res;
  },
  ...ORDER_CARD_ROWS,
  onReturn: 'reload',
});

Component({
  data: {
    ...desk.data,
    tabs: DESK_TABS,
    activeKey: 'TO_SHIP' as DeskTab,
    pendingRefunds: 0,
    isMerchant: false,
    query: '',
    searchedFor: '',
  },
  methods: {
    ...desk.methods,

    ...merchantOnlyList('仅商家可以使用订单工作台'),

    onTabTap(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key) as DeskTab;
      if (key === this.data.activeKey && !this.data.searchedFor) return;
      this.setData({ activeKey: key, searchedFor: '', query: '' });
      void this.loadFirstPage(false);
    },

    onQueryInput(e: WechatMiniprogram.Input) {
      this.setData({ query: e.detail.value });
    },

    onSearch() {
      const text = this.data.query.trim();
      if (!text) {
        this.onClear();
        return;
      }
      this.setData({ searchedFor: text });
      void this.loadFirstPage(false);
    },

    /** The ✕ in the box: empty it and, if results were shown, go back to the tab. */
    onClear() {
      const wasSearching = Boolean(this.data.searchedFor);
      this.setData({ query: '', searchedFor: '' });
      if (wasSearching) void this.loadFirstPage(false);
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const orderId = String(e.currentTarget.dataset.orderId ?? '');
      navigate(withQuery(ROUTES.shipOrder, { orderId }));
    },

    onRefunds() {
      navigate(ROUTES.refundQueue);
    },

    onBills() {
      navigate(ROUTES.bills);
    },

    onProducts() {
      navigate(ROUTES.products);
    },
  },
});
