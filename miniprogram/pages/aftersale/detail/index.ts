// The buyer's after-sale page: where the request stands (progress by type), its whole negotiation (rejections with
// their reason, steps the shop took by itself), and what is due now: send the goods back to the address shown with
// the parcel's company and number (picked, typed or scanned, as the merchant's ship page does), withdraw, or ask
// again after a rejection. Opened from the order page, the request's confirmation and messages (`?refundId=`).
import { errorText } from '../../../domain/errors';
import { EXPRESS_OPTIONS, expressErrors } from '../../../domain/shipping';
import { fetchOrderDetail, submitReturn, withdrawRefund } from '../../../services/order';
import { fetchMe } from '../../../services/session';
import { confirmThenSubscribe } from '../../../services/subscriptions';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { EXPRESS_LABELS, expressFormMethods } from '../../../utils/express-form';
import { instanceState } from '../../../utils/instance-state';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { toBuyerAfterSale, type BuyerAfterSaleVM } from '../../../view-models/aftersale';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

interface DetailPrivate {
  refundId: string;
  orderId: string;
  resultTemplateId?: string;
  busy: boolean;
  /** Gone to the apply page or the order: the request has probably moved on return. */
  staleOnShow: boolean;
}

const priv = instanceState<DetailPrivate>(() => ({ refundId: '', orderId: '', busy: false, staleOnShow: false }));

/** A refund id is its order's id + R + a sequence number (the functions' outRefundNo). */
function orderIdOf(refundId: string): string {
  const r = refundId.lastIndexOf('R');
  return r > 0 ? refundId.slice(0, r) : '';
}

const NO_ERRORS = { company: '', trackingNo: '' };

Component({
  data: {
    state: LOADING as LoadState,
    sale: null as BuyerAfterSaleVM | null,
    companyLabels: EXPRESS_LABELS,
    form: { companyIndex: -1, trackingNo: '' },
    companyLabel: '',
    errors: NO_ERRORS,
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const s = priv(this);
      s.refundId = queryValue(query, 'refundId');
      s.orderId = queryValue(query, 'orderId') || orderIdOf(s.refundId);
      void this.load();
    },

    onShow() {
      const s = priv(this);
      if (!s.staleOnShow) return;
      s.staleOnShow = false;
      void this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const s = priv(this);
      if (!s.refundId || !s.orderId) {
        this.setData({ state: failed('INVALID_ARGUMENT', '链接里缺少售后单号') });
        return;
      }
      const [res, me] = await Promise.all([fetchOrderDetail(s.orderId), s.resultTemplateId === undefined ? fetchMe() : Promise.resolve(null)]);
      if (me) s.resultTemplateId = me.ok ? me.data.templates.refundResult ?? '' : '';
      if (!res.ok) {
        if (this.data.sale) toastFailure(res);
        else this.setData({ state: failed(res.code, errorText(res.code)) });
        return;
      }
      const next = toBuyerAfterSale(res.data, s.refundId);
      if (!next) {
        this.setData({ state: failed('NOT_FOUND', '没有找到这笔售后申请') });
        return;
      }
      const current = this.data.sale;
      const patch = current ? changedPaths('sale', { ...current }, { ...next }) : { sale: next };
      if (this.data.state.kind !== 'ready') patch.state = READY;
      if (Object.keys(patch).length) this.setData(patch);
    },

    onCopyAddress() {
      const address = this.data.sale?.returnAddress;
      if (!address) return;
      wx.setClipboardData({ data: address.copyText });
    },

    ...expressFormMethods,

    async guarded(work: () => Promise<void>) {
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
      await this.load();
    },

    onSendReturn() {
      const sale = this.data.sale;
      if (!sale?.canSendReturn) return;
      const { companyIndex, trackingNo } = this.data.form;
      const errors = expressErrors(companyIndex, trackingNo);
      if (errors.company || errors.trackingNo) {
        this.setData({ errors });
        return;
      }
      const company = EXPRESS_OPTIONS[companyIndex];
      return this.guarded(async () => {
        // The parcel cannot be changed once sent: repeat it first; the result message is asked from that confirmation.
        const content = `${company.label} ${trackingNo}\n提交后不能修改，商家收到退货后退款 ${sale.amountText}。`;
        const asked = await confirmThenSubscribe({ title: '提交退货物流', content, confirmText: '提交' }, [priv(this).resultTemplateId]);
        if (!asked.confirmed) return;
        const res = await submitReturn(sale.refundId, company.code, trackingNo);
        if (res.ok) {
          toast('已提交退货物流', 'success');
          this.setData({ form: { companyIndex: -1, trackingNo: '' }, companyLabel: '', errors: NO_ERRORS });
        } else toastFailure(res);
      });
    },

    onWithdraw() {
      const sale = this.data.sale;
      if (!sale?.canWithdraw) return;
      return this.guarded(async () => {
        if (!(await confirmDialog('撤回申请', `撤回 ${sale.amountText} 的${sale.typeLabel}申请？撤回后仍可重新申请。`, '撤回'))) return;
        const res = await withdrawRefund(sale.refundId);
        if (res.ok) toast('已撤回申请', 'success');
        else toastFailure(res);
      });
    },

    onApplyAgain() {
      priv(this).staleOnShow = true;
      navigate(withQuery(ROUTES.afterSaleApply, { orderId: priv(this).orderId }));
    },

    onViewOrder() {
      navigate(withQuery(ROUTES.orderDetail, { orderId: priv(this).orderId }));
    },
  },
});
