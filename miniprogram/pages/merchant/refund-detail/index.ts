// One refund request for the merchant: the order, the amount, the buyer's reason; approve, or reject with a
// reason the buyer will read. Opened from the queue and from the "refund requested" message (`?refundId=`).
import type { MeData } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { checkRejectReason, REJECT_REASON_MAX_LENGTH } from '../../../domain/refund-form';
import { approveRefund, checkRefund, fetchRefundDetail, rejectRefund } from '../../../services/merchant';
import { askMerchantSubscriptions } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { queryValue } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';
import { toMerchantRefund, type MerchantRefundVM } from '../../../view-models/merchant';

interface ReviewPrivate {
  refundId: string;
  templates: MeData['templates'];
  busy: boolean;
}

const priv = instanceState<ReviewPrivate>(() => ({ refundId: '', templates: {}, busy: false }));

Component({
  data: {
    state: LOADING as LoadState,
    refund: null as MerchantRefundVM | null,
    rejectText: '',
    rejectError: '',
    rejectMax: REJECT_REASON_MAX_LENGTH,
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).refundId = queryValue(query, 'refundId');
      void this.load(true);
    },

    onRetry() {
      this.setData({ state: LOADING });
      void this.load(true);
    },

    async onPullDownRefresh() {
      await this.load(false);
      wx.stopPullDownRefresh();
    },

    async load(withMe: boolean) {
      const s = priv(this);
      if (!s.refundId) {
        this.setData({ state: failed('INVALID_ARGUMENT', '链接里缺少退款单号') });
        return;
      }
      const [res, me] = await Promise.all([fetchRefundDetail(s.refundId), withMe ? fetchMe() : Promise.resolve(null)]);
      if (me && me.ok) s.templates = me.data.templates;
      if (!res.ok) {
        if (this.data.refund) toastFailure(res);
        else this.setData({ state: failed(res.code, res.code === 'FORBIDDEN' ? '仅商家可以处理退款申请' : errorText(res.code)) });
        return;
      }
      const next = toMerchantRefund(res.data);
      const current = this.data.refund;
      const patch = current ? changedPaths('refund', { ...current }, { ...next }) : { refund: next };
      if (this.data.state.kind !== 'ready') patch.state = READY;
      if (Object.keys(patch).length) this.setData(patch);
    },

    onRejectInput(e: WechatMiniprogram.Input) {
      this.setData({ rejectText: e.detail.value, rejectError: '' });
    },

    async decide(work: () => Promise<void>) {
      const s = priv(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ busy: true });
      try {
        await work();
      } finally {
        s.busy = false;
        this.setData({ busy: false });
      }
      await this.load(false);
    },

    onApprove() {
      const refund = this.data.refund;
      if (!refund || !refund.decidable) return;
      // Asked inside the tap (WeChat's rule); the answer never holds the decision back.
      const subscribing = askMerchantSubscriptions(priv(this).templates);
      return this.decide(async () => {
        await subscribing;
        if (!(await confirmDialog('同意退款', `将退还 ${refund.amountText} 给买家，款项原路返回。`, '同意退款'))) return;
        const res = await approveRefund(priv(this).refundId);
        if (res.ok) toast('已同意退款', 'success');
        else toastFailure(res);
      });
    },

    /** After resolving an abnormal refund in the merchant platform: WeChat Pay is asked again, and the page shows it. */
    onCheck() {
      const refund = this.data.refund;
      if (!refund || !refund.checkable) return;
      return this.decide(async () => {
        const res = await checkRefund(priv(this).refundId);
        if (!res.ok) toastFailure(res);
        else if (res.data.status === 'ABNORMAL' || res.data.status === 'PROCESSING') toast('微信支付还没有完成这笔退款');
        else toast('状态已更新', 'success');
      });
    },

    onReject() {
      const refund = this.data.refund;
      if (!refund || !refund.decidable) return;
      const check = checkRejectReason(this.data.rejectText);
      if (!check.ok) {
        this.setData({ rejectError: check.error });
        return;
      }
      const subscribing = askMerchantSubscriptions(priv(this).templates);
      return this.decide(async () => {
        await subscribing;
        // A rejection cannot be taken back: the merchant confirms it.
        if (!(await confirmDialog('拒绝退款', `拒绝后买家会看到原因：${check.reason}`, '拒绝退款'))) return;
        const res = await rejectRefund(priv(this).refundId, check.reason);
        if (res.ok) {
          toast('已拒绝退款', 'success');
          this.setData({ rejectText: '' });
        } else toastFailure(res);
      });
    },
  },
});
