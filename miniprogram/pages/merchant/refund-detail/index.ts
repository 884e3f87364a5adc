// One after-sale request for the merchant: what is asked back (lines with their spec), the buyer's reason, note and
// photos, where it stands and its history; then the decision due: agree (仅退款 → refund; 退货退款 → the buyer is sent
// the return address) or reject with a reason from the list, and once the parcel is back, confirm it (refund) or
// refuse it. Every decision repeats the amount first, then asks for message permission inside that confirmation.
// After an approval the page follows the refund until WeChat Pay has decided. Opened from the queue, the ship page and
// the "refund requested" message (`?refundId=`).
import type { MeData, MerchantRefundDetail } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { checkRejectChoice, REJECT_REASON_MAX_LENGTH } from '../../../domain/refund-form';
import { approveRefund, checkRefund, confirmReturn, fetchRefundDetail, followRefund, refuseReturn, rejectRefund } from '../../../services/merchant';
import { askMerchantSubscriptions } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { queryValue } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { decisionText, toMerchantAfterSale, type MerchantAfterSaleVM } from '../../../view-models/aftersale';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

interface ReviewPrivate {
  refundId: string;
  templates: MeData['templates'];
  busy: boolean;
  following: boolean;
}

const priv = instanceState<ReviewPrivate>(() => ({ refundId: '', templates: {}, busy: false, following: false }));

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
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).refundId = queryValue(query, 'refundId');
      void this.load(true);
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
      if (this.data.sale?.processing) await this.follow();
    },

    /** WeChat Pay answers a refund within seconds: a bounded number of looks, each shown (退款处理中 → 退款成功). */
    async follow() {
      const s = priv(this);
      if (s.following) return;
      s.following = true;
      this.setData({ following: true });
      try {
        await followRefund(s.refundId, (detail) => this.show(detail));
      } finally {
        s.following = false;
        this.setData({ following: false });
      }
    },

    onAgree() {
      const sale = this.data.sale;
      const decision = sale?.decision;
      if (!sale || !decision) return;
      const refundId = priv(this).refundId;
      return this.decide(async () => {
        const res = await this.confirmAndCall(decisionText(sale, decision.agreeAction), () => (decision.agreeAction === 'confirmReturn' ? confirmReturn(refundId) : approveRefund(refundId)));
        if (res === 'ok') toast(AGREED_TEXT[decision.agreeAction], 'success');
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
      });
    },

    /** The confirmation with the amount, message permission inside its tap, then the call; failures are told. */
    async confirmAndCall(text: { title: string; content: string; confirm: string }, call: () => ReturnType<typeof approveRefund>): Promise<'ok' | 'failed' | 'cancelled'> {
      let subscribing: Promise<unknown> = Promise.resolve();
      const sure = await confirmDialog(text.title, text.content, text.confirm, () => {
        subscribing = askMerchantSubscriptions(priv(this).templates);
      });
      if (!sure) return 'cancelled';
      await subscribing;
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
      });
    },
  },
});
