// The buyer asks for money back: amount (all that is refundable unless changed, never more), a reason and a note.
// On submit the amount is confirmed, then the refund-result message is asked for; refusing it never stops the request.
import type { Fen } from '../../../../typings/api';
import { errorText, type ClientErrorCode } from '../../../domain/errors';
import { REFUND_REASONS, REFUND_STATUS_LABEL } from '../../../domain/labels';
import { refundBlocker } from '../../../domain/order-actions';
import { checkRefundForm, NOTE_MAX_LENGTH, type RefundFormErrors } from '../../../domain/refund-form';
import { fetchOrderDetail } from '../../../services/order';
import { applyRefund } from '../../../services/refund';
import { confirmThenSubscribe } from '../../../services/subscriptions';
import { fetchMe } from '../../../services/session';
import { instanceState } from '../../../utils/instance-state';
import { fenToYuanText, formatFen } from '../../../utils/money';
import { queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

const SHIPPED_REFUND_NOTE = '商品已发出：退款前请先联系商家，按商家同意的方式寄回商品。';

interface ApplyPrivate {
  orderId: string;
  refundableFee: Fen;
  resultTemplateId: string;
  submitting: boolean;
}

const priv = instanceState<ApplyPrivate>(() => ({ orderId: '', refundableFee: 0, resultTemplateId: '', submitting: false }));

interface SubmittedVM {
  refundId: string;
  amountText: string;
  statusLabel: string;
  notified: boolean;
}

const NO_ERRORS: RefundFormErrors = {};

Component({
  data: {
    state: LOADING as LoadState,
    orderTitle: '',
    /** Goods already on their way: the return is agreed with the merchant. */
    shippedNote: '',
    refundableText: '',
    reasons: REFUND_REASONS.map((r) => r.label),
    noteMax: NOTE_MAX_LENGTH,
    form: { amountText: '', reasonIndex: -1, note: '' },
    errors: NO_ERRORS,
    submitError: '',
    submitting: false,
    submitted: null as SubmittedVM | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).orderId = queryValue(query, 'orderId');
      void this.load();
    },

    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const s = priv(this);
      if (!s.orderId) {
        this.setData({ state: failed('INVALID_ARGUMENT', '链接里缺少订单号') });
        return;
      }
      const [order, me] = await Promise.all([fetchOrderDetail(s.orderId), fetchMe()]);
      if (!order.ok) {
        this.setData({ state: failed(order.code, errorText(order.code)) });
        return;
      }
      // Without the template id the request still goes ahead; the buyer just is not asked to subscribe.
      s.resultTemplateId = me.ok ? me.data.templates.refundResult ?? '' : '';
      const blocker = refundBlocker(order.data, Date.now());
      if (blocker) {
        this.setData({ state: failed('CONFLICT', blocker) });
        return;
      }
      const refundable = order.data.refundableFee;
      s.refundableFee = refundable;
      this.setData({
        state: READY,
        orderTitle: order.data.title,
        shippedNote: order.data.status === 'SHIPPED' || order.data.status === 'COMPLETED' ? SHIPPED_REFUND_NOTE : '',
        refundableText: formatFen(refundable),
        'form.amountText': fenToYuanText(refundable),
      });
    },

    onAmountInput(e: WechatMiniprogram.Input) {
      this.setData({ 'form.amountText': e.detail.value, 'errors.amount': '' });
    },

    onAllAmount() {
      this.setData({ 'form.amountText': fenToYuanText(priv(this).refundableFee), 'errors.amount': '' });
    },

    onReasonTap(e: WechatMiniprogram.BaseEvent) {
      this.setData({ 'form.reasonIndex': Number(e.currentTarget.dataset.index), 'errors.reason': '', 'errors.note': '' });
    },

    onNoteInput(e: WechatMiniprogram.Input) {
      this.setData({ 'form.note': e.detail.value, 'errors.note': '' });
    },

    async onSubmit() {
      const s = priv(this);
      if (s.submitting) return;
      const check = checkRefundForm(this.data.form, s.refundableFee);
      if (!check.ok) {
        this.setData({ errors: check.errors, submitError: '' });
        return;
      }
      s.submitting = true;
      this.setData({ submitting: true, submitError: '' });
      // Money before permissions: the amount is confirmed first, then the result message is asked for from that tap.
      const asked = await confirmThenSubscribe({ title: '申请退款', content: `申请退还 ${formatFen(check.refundFee)}，商家同意后原路退回。`, confirmText: '提交申请' }, [s.resultTemplateId]);
      if (!asked.confirmed) {
        s.submitting = false;
        this.setData({ submitting: false });
        return;
      }
      const subscription = await asked.subscription;
      const res = await applyRefund(s.orderId, check.refundFee, check.reason);
      s.submitting = false;
      if (!res.ok) {
        if (res.code === 'REFUND_EXCEEDS_PAID') this.setData({ submitting: false, 'errors.amount': errorText(res.code) });
        else this.setData({ submitting: false, submitError: await this.explain(res.code) });
        return;
      }
      this.setData({
        submitting: false,
        submitted: {
          refundId: res.data.refundId,
          amountText: formatFen(res.data.refundFee),
          statusLabel: REFUND_STATUS_LABEL[res.data.status],
          notified: subscription.accepted.length > 0,
        },
      });
    },

    /** CONFLICT covers several rules on the server; the order as it is now tells which one the buyer hit. */
    async explain(code: ClientErrorCode): Promise<string> {
      if (code !== 'CONFLICT') return errorText(code);
      const now = await fetchOrderDetail(priv(this).orderId);
      return (now.ok && refundBlocker(now.data, Date.now())) || errorText(code);
    },

    onViewOrder() {
      wx.redirectTo({ url: withQuery(ROUTES.orderDetail, { orderId: priv(this).orderId }) });
    },
  },
});
