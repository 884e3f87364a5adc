// The merchant's 对账 page: each day compared with WeChat Pay's bill (newest first), a day's differences with what to
// do about each, and marking one explained with a note. Merchants only: the page checks, the server refuses others.
import { errorText } from '../../../domain/errors';
import { cleanText, LIMITS, textLength } from '../../../domain/limits';
import { explainDifference, fetchBillDay, fetchBillDays } from '../../../services/bills';
import { toastFailure, toast } from '../../../utils/feedback';
import { checkMerchant } from '../../../utils/merchant-gate';
import { toBillDay, toDifference, type BillDayVM, type DifferenceVM } from '../../../view-models/bills';
import { EMPTY, failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

Component({
  data: {
    state: LOADING as LoadState,
    days: [] as BillDayVM[],
    openDate: '',
    differences: [] as DifferenceVM[],
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      if (this.data.state.kind === 'ready') void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const gate = await checkMerchant('仅商家可以查看对账');
      if (!gate.ok) return this.setData({ state: gate.state });
      const days = await fetchBillDays();
      if (!days.ok) return this.setData({ state: failed(days.code, errorText(days.code)) });
      this.setData({ days: days.data.days.map(toBillDay), state: days.data.days.length ? READY : EMPTY });
      if (this.data.openDate) await this.openDay(this.data.openDate);
    },

    onOpenDay(e: WechatMiniprogram.BaseEvent) {
      void this.openDay(String(e.currentTarget.dataset.date ?? ''));
    },

    async openDay(date: string) {
      const day = await fetchBillDay(date);
      if (!day.ok) return toastFailure(day);
      this.setData({ openDate: date, differences: day.data.differences.map(toDifference) });
    },

    async onExplain(e: WechatMiniprogram.BaseEvent) {
      const id = String(e.currentTarget.dataset.id ?? '');
      const answer = await new Promise<WechatMiniprogram.ShowModalSuccessCallbackResult | undefined>((resolve) =>
        wx.showModal({ title: '标记已核实', editable: true, placeholderText: '写明原因，例如：测试订单，已在商户平台退款', success: resolve, fail: () => resolve(undefined) }),
      );
      if (!answer?.confirm) return;
      const note = cleanText(answer.content ?? '');
      if (!note) return toast('请写明原因');
      if (textLength(note) > LIMITS.billNoteMaxLength) return toast(`说明最多 ${LIMITS.billNoteMaxLength} 字`);
      const done = await explainDifference(id, note);
      if (!done.ok) return toastFailure(done);
      toast('已标记', 'success');
      this.setData({ differences: this.data.differences.map((d) => (d.id === id ? toDifference(done.data) : d)) });
    },
  },
});
