// The merchant's after-sale queue, newest first, in WeChat's shop's tabs: 待处理 (requests to decide), 待买家退货
// (agreed returns not sent back yet), 待确认收货 (parcels on their way back), 已完成 (decided), and 退款异常 (refunds
// WeChat Pay could not pay out). Only merchants see it: the page checks first, and the server refuses anyone else.
import type { MeData, RefundQueueFilter, RefundView } from '../../../../typings/api';
import { QUEUE_TABS } from '../../../domain/labels';
import { fetchRefundDetail, fetchRefundQueue } from '../../../services/merchant';
import { askMerchantSubscriptions } from '../../../services/subscriptions';
import { instanceState } from '../../../utils/instance-state';
import { merchantOnlyList } from '../../../utils/merchant-gate';
import { itemFrom, pagedList } from '../../../utils/paged-list';
import { navigate, ROUTES, withQuery } from '../../../utils/routes';
import { toQueueRow, type QueueRowVM } from '../../../view-models/merchant';

/** The templates the merchant is asked to keep subscribing to, as the server named them. */
const templatesOf = instanceState<{ templates: MeData['templates'] }>(() => ({ templates: {} }));

// A work queue: coming back from the review page reloads it, so a request decided there leaves the list and one that
// arrived meanwhile joins it.
const queue = pagedList<RefundView, QueueRowVM, { tab: RefundQueueFilter }>({
  fetchPage: (page, cursor) => fetchRefundQueue(cursor, page.data.tab),
  toRow: toQueueRow,
  rowId: (row) => row.refundId,
  fetchItem: itemFrom(fetchRefundDetail, (detail) => detail.refund),
  onReturn: 'reload',
});

Component({
  data: {
    ...queue.data,
    isMerchant: false,
    subscribeNote: '',
    /** Every reminder was accepted this visit: the button steps back from primary (one more tap adds one more). */
    subscribed: false,
    tabs: QUEUE_TABS,
    tab: 'REQUESTED' as RefundQueueFilter,
    emptyText: QUEUE_TABS[0].empty,
  },
  methods: {
    ...queue.methods,

    ...merchantOnlyList('仅商家可以查看退款申请', (page, me) => {
      templatesOf(page).templates = me.templates;
    }),

    onTabTap(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key ?? '');
      const tab = QUEUE_TABS.find((t) => t.key === key);
      if (!tab || tab.key === this.data.tab) return;
      this.setData({ tab: tab.key, emptyText: tab.empty });
      void this.loadFirstPage(false);
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const refundId = String(e.currentTarget.dataset.refundId ?? '');
      this.rememberOpened(refundId);
      navigate(withQuery(ROUTES.refundReview, { refundId }));
    },

    async onSubscribe() {
      const outcome = await askMerchantSubscriptions(templatesOf(this).templates);
      const all = outcome.rejected.length === 0 && outcome.accepted.length > 0;
      this.setData({
        subscribed: all || this.data.subscribed,
        subscribeNote: all ? '已开启新订单和退款申请提醒' : '提醒没有全部开启，可能会错过新的退款申请',
      });
    },
  },
});
