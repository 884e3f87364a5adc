// The merchant's queue of refund requests waiting for a decision, newest first. Only merchants see it: the page
// checks first, and the server refuses anyone else regardless.
import type { MeData } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { fetchRefundDetail, fetchRefundQueue } from '../../../services/merchant';
import { askMerchantSubscriptions } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { navigate, ROUTES, withQuery } from '../../../utils/routes';
import { appendPaths, changedPaths } from '../../../utils/set-data';
import { EMPTY, failed, LOADING, READY, type LoadState, type MoreState } from '../../../view-models/load-state';
import { toQueueRow, type QueueRowVM } from '../../../view-models/merchant';

interface QueuePrivate {
  cursor?: string;
  seq: number;
  templates: MeData['templates'];
  openedRefundId: string;
}

const priv = instanceState<QueuePrivate>(() => ({ seq: 0, templates: {}, openedRefundId: '' }));

Component({
  data: {
    state: LOADING as LoadState,
    list: [] as QueueRowVM[],
    more: 'idle' as MoreState,
    isMerchant: false,
    subscribeNote: '',
  },
  methods: {
    onLoad() {
      void this.start();
    },

    async start() {
      const me = await fetchMe();
      if (!me.ok) {
        this.setData({ state: failed(me.code, errorText(me.code)) });
        return;
      }
      if (!me.data.isMerchant) {
        this.setData({ state: failed('FORBIDDEN', '仅商家可以查看退款申请') });
        return;
      }
      priv(this).templates = me.data.templates;
      this.setData({ isMerchant: true });
      await this.loadFirstPage(false);
    },

    onShow() {
      const s = priv(this);
      if (!s.openedRefundId) return;
      const refundId = s.openedRefundId;
      s.openedRefundId = '';
      void this.refreshRow(refundId);
    },

    async onPullDownRefresh() {
      await this.loadFirstPage(true);
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.loadMore();
    },

    onRetry() {
      this.setData({ state: LOADING });
      void (priv(this).seq === 0 ? this.start() : this.loadFirstPage(false));
    },

    onMoreTap() {
      if (this.data.more === 'error') void this.loadMore();
    },

    async loadFirstPage(keepVisible: boolean) {
      const s = priv(this);
      const seq = ++s.seq;
      s.cursor = undefined;
      if (!keepVisible) this.setData({ state: LOADING, list: [], more: 'idle' });
      const res = await fetchRefundQueue();
      if (seq !== s.seq) return;
      if (!res.ok) {
        if (keepVisible && this.data.list.length > 0) toastFailure(res);
        else this.setData({ state: failed(res.code, errorText(res.code)), list: [], more: 'idle' });
        return;
      }
      s.cursor = res.data.nextCursor;
      const rows = res.data.items.map(toQueueRow);
      this.setData({ list: rows, state: rows.length ? READY : EMPTY, more: s.cursor ? 'idle' : 'end' });
    },

    async loadMore() {
      const s = priv(this);
      if (this.data.state.kind !== 'ready' || this.data.more === 'loading' || this.data.more === 'end' || !s.cursor) return;
      const seq = s.seq;
      this.setData({ more: 'loading' });
      const res = await fetchRefundQueue(s.cursor);
      if (seq !== s.seq) return;
      if (!res.ok) {
        this.setData({ more: 'error' });
        return;
      }
      s.cursor = res.data.nextCursor;
      const shown = new Set(this.data.list.map((row) => row.refundId));
      const rows = res.data.items.filter((r) => !shown.has(r.refundId)).map(toQueueRow);
      this.setData({ ...appendPaths('list', this.data.list.length, rows), more: s.cursor ? 'idle' : 'end' });
    },

    /** A decided request stays in place with its new status until the next refresh, so rows do not jump. */
    async refreshRow(refundId: string) {
      const index = this.data.list.findIndex((row) => row.refundId === refundId);
      if (index < 0) return;
      const res = await fetchRefundDetail(refundId);
      if (!res.ok) return;
      const current = this.data.list[index];
      if (!current || current.refundId !== refundId) return;
      const patch = changedPaths(`list[${index}]`, { ...current }, { ...toQueueRow(res.data.refund) });
      if (Object.keys(patch).length) this.setData(patch);
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const refundId = String(e.currentTarget.dataset.refundId ?? '');
      priv(this).openedRefundId = refundId;
      navigate(withQuery(ROUTES.refundReview, { refundId }));
    },

    async onSubscribe() {
      const outcome = await askMerchantSubscriptions(priv(this).templates);
      this.setData({
        subscribeNote:
          outcome.rejected.length === 0 && outcome.accepted.length > 0
            ? '已开启新订单和退款申请提醒'
            : '提醒没有全部开启，可能会错过新的退款申请',
      });
    },
  },
});
