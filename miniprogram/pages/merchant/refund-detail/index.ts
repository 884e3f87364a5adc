// One refund request for the merchant: the order, the amount, the buyer's reason; approve, or reject with a
// reason the buyer will read. Opened from the queue and from the "refund requested" message (`?refundId=`).
import type { MeData, MerchantRefundDetail, RefundStatus } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { checkRejectReason, REJECT_REASON_MAX_LENGTH } from '../../../domain/refund-form';
import { approveRefund, checkRefund, fetchRefundDetail, followRefund, rejectRefund } from '../../../services/merchant';
import { confirmThenSubscribe, merchantTemplates } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { queryValue } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';
import { toMerchantRefund, type MerchantRefundVM } from '../../../view-models/merchant';

interface ReviewPrivate {
  refundId: string;
  templates: MeData['templates'];
  busy: boolean;
  /** False once the page is closed: a refund being followed is no longer read. */
  open: boolean;
  /** The refund's status as last shown. */
  status: RefundStatus | '';
}

const priv = instanceState<ReviewPrivate>(() => ({ refundId: '', templates: {}, busy: false, open: true, status: '' }));

Component({
  data: {
    state: LOADING as LoadState,
    refund: null as MerchantRefundVM | null,
    rejectText: '',
    rejectError: '',
    rejectMax: REJECT_REASON_MAX_LENGTH,
    busy: false,
    /** After approval: waiting for WeChat Pay's result (the page reads the refund again a few times). */
    following: false,
    /** The follow ended without a result: what the merchant can do. */
    followNote: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).refundId = queryValue(query, 'refundId');
      void this.load(true);
    },

    onUnload() {
      priv(this).open = false;
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
      this.show(res.data);
    },

    /** First render sends the refund; later ones only the fields that changed. */
    show(detail: MerchantRefundDetail) {
      priv(this).status = detail.refund.status;
      const next = toMerchantRefund(detail);
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

    async onApprove() {
      const refund = this.data.refund;
      if (!refund || !refund.decidable) return;
      let withWeChatPay = false;
      await this.decide(async () => {
        // The amount is confirmed first; message permission is asked from that confirmation (never holding it back).
        const asked = await confirmThenSubscribe({ title: '同意退款', content: `将退还 ${refund.amountText} 给买家，款项原路返回。`, confirmText: '同意退款' }, merchantTemplates(priv(this).templates));
        if (!asked.confirmed) return;
        const res = await approveRefund(priv(this).refundId);
        if (!res.ok) {
          toastFailure(res);
          return;
        }
        toast('已同意退款', 'success');
        withWeChatPay = res.data.status === 'PROCESSING';
      });
      if (withWeChatPay && priv(this).status === 'PROCESSING') await this.follow();
    },

    /** The refund is with WeChat Pay: show its result when it arrives, within a bounded wait. */
    async follow() {
      const s = priv(this);
      this.setData({ following: true, followNote: '' });
      const last = await followRefund(s.refundId, () => s.open, (read) => {
        if (read.ok && s.open) this.show(read.data);
      });
      if (!s.open) return;
      const waiting = last.ok && last.data.refund.status === 'PROCESSING';
      this.setData({ following: false, followNote: waiting ? '微信支付仍在处理这笔退款，结果到达后会通知买家；可稍后下拉刷新或向微信支付查询' : '' });
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
      return this.decide(async () => {
        // A rejection cannot be taken back: the merchant confirms it, then is asked for message permission.
        const asked = await confirmThenSubscribe({ title: '拒绝退款', content: `拒绝后买家会看到原因：${check.reason}`, confirmText: '拒绝退款' }, merchantTemplates(priv(this).templates));
        if (!asked.confirmed) return;
        const res = await rejectRefund(priv(this).refundId, check.reason);
        if (res.ok) {
          toast('已拒绝退款', 'success');
          this.setData({ rejectText: '' });
        } else toastFailure(res);
      });
    },
  },
});
