// One after-sale request for the merchant: what is asked back (lines with their spec), the buyer's reason, note and
// photos, where it stands and its history; then the decision due: agree (仅退款 → refund; 退货退款 → the buyer is sent
// the return address) or reject with a reason from the list, and once the parcel is back, confirm it (refund) or
// refuse it. Every decision repeats the amount first, then asks for message permission inside that confirmation.
// After an approval the page follows the refund until WeChat Pay has decided. Opened from the queue, the ship page and
// the "refund requested" message (`?refundId=`).
import type { MeData, MerchantRefundDetail, RefundStatus } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { checkRejectChoice, REJECT_REASON_MAX_LENGTH } from '../../../domain/refund-form';
import { approveRefund, checkRefund, confirmReturn, fetchRefundDetail, followRefund, refuseReturn, rejectRefund } from '../../../services/merchant';
import { confirmThenSubscribe, merchantTemplates, type Confirmation } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { queryValue } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { decisionText, toMerchantAfterSale, type MerchantAfterSaleVM } from '../../../view-models/aftersale';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

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

const AGREED_TEXT = { approve: '已同意退款', agreeReturn: '已同意退货，等待买家寄回', confirmReturn: '已确认收货，正在退款' } as const;

Component({
  data: {
    state: LOADING as LoadState,
    sale: null as MerchantAfterSaleVM | null,
    rejectIndex: -1,
    rejectText: '',
    rejectError: '',
    rejectMax: REJECT_REASON_MAX_LENGTH,
    busy: false,
    /** Approved: the page is asking until WeChat Pay says the money went back. */
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

    /** Back from another page (the order, WeChat Pay's platform, another merchant's phone): read it again. */
    onShow() {
      if (this.data.state.kind === 'ready' && !priv(this).busy) void this.load(false);
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
        if (this.data.sale) toastFailure(res);
        else this.setData({ state: failed(res.code, res.code === 'FORBIDDEN' ? '仅商家可以处理退款申请' : errorText(res.code)) });
        return;
      }
      this.show(res.data);
    },

    /** First render sends the request; later ones only what changed (the photos' links are not sent again). */
    show(detail: MerchantRefundDetail) {
      priv(this).status = detail.refund.status;
      const next = toMerchantAfterSale(detail);
      const current = this.data.sale;
      const patch = current ? changedPaths('sale', { ...current }, { ...next }) : { sale: next };
      if (this.data.state.kind !== 'ready') patch.state = READY;
      if (Object.keys(patch).length) this.setData(patch);
    },

    onPreviewPhoto(e: WechatMiniprogram.BaseEvent) {
      const urls = (this.data.sale?.photos ?? []).map((p) => p.url).filter((u) => u !== '');
      wx.previewImage({ current: String(e.currentTarget.dataset.url ?? ''), urls });
    },

    onRejectReason(e: WechatMiniprogram.BaseEvent) {
      this.setData({ rejectIndex: Number(e.currentTarget.dataset.index), rejectError: '' });
    },

    onRejectInput(e: WechatMiniprogram.Input) {
      this.setData({ rejectText: e.detail.value, rejectError: '' });
    },

    /** One decision at a time; the page is read again after it, and an approval is followed at WeChat Pay. */
    async decide(work: () => Promise<'ok' | 'failed' | 'cancelled'>) {
      const s = priv(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ busy: true });
      let outcome: 'ok' | 'failed' | 'cancelled' = 'cancelled';
      try {
        outcome = await work();
      } finally {
        s.busy = false;
        this.setData({ busy: false });
      }
      await this.load(false);
      if (outcome === 'ok' && s.status === 'PROCESSING') await this.follow();
    },

    /** The refund is with WeChat Pay: show its result when it arrives, within a bounded wait (退款处理中 → 退款成功). */
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

    onAgree() {
      const sale = this.data.sale;
      const decision = sale?.decision;
      if (!sale || !decision) return;
      const refundId = priv(this).refundId;
      return this.decide(async () => {
        const res = await this.confirmAndCall(decisionText(sale, decision.agreeAction), () => (decision.agreeAction === 'confirmReturn' ? confirmReturn(refundId) : approveRefund(refundId)));
        if (res === 'ok') toast(AGREED_TEXT[decision.agreeAction], 'success');
        return res;
      });
    },

    onReject() {
      const sale = this.data.sale;
      const decision = sale?.decision;
      if (!sale || !decision) return;
      const check = checkRejectChoice(decision.scene, this.data.rejectIndex, this.data.rejectText);
      if (!check.ok) {
        this.setData({ rejectError: check.error });
        return;
      }
      const refundId = priv(this).refundId;
      const refusing = decision.scene === 'RETURN';
      return this.decide(async () => {
        const res = await this.confirmAndCall(decisionText(sale, refusing ? 'refuseReturn' : 'reject', check.reason), () => (refusing ? refuseReturn(refundId, check.reason) : rejectRefund(refundId, check.reason)));
        if (res === 'ok') {
          toast(refusing ? '已拒绝收货' : '已拒绝申请', 'success');
          this.setData({ rejectText: '', rejectIndex: -1 });
        }
        return res;
      });
    },

    /** The amount confirmed first, message permission asked from that confirmation's tap, then the call. */
    async confirmAndCall(text: Confirmation, call: () => ReturnType<typeof approveRefund>): Promise<'ok' | 'failed' | 'cancelled'> {
      const asked = await confirmThenSubscribe(text, merchantTemplates(priv(this).templates));
      if (!asked.confirmed) return 'cancelled';
      const res = await call();
      if (res.ok) return 'ok';
      toastFailure(res);
      return 'failed';
    },

    /** After resolving an abnormal refund in the merchant platform: WeChat Pay is asked again, and the page shows it. */
    onCheck() {
      const sale = this.data.sale;
      if (!sale || !sale.checkable) return;
      return this.decide(async () => {
        const res = await checkRefund(priv(this).refundId);
        if (!res.ok) toastFailure(res);
        else if (res.data.status === 'ABNORMAL' || res.data.status === 'PROCESSING') toast('微信支付还没有完成这笔退款');
        else toast('状态已更新', 'success');
        // Asked by hand: no follow-up reads.
        return 'cancelled';
      });
    },
  },
});
