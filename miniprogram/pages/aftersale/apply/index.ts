// The buyer's after-sale request: 仅退款 or 退货退款 (once shipped), which lines and how many (steppers), whether the
// goods arrived (for a shipped order), a reason from the list for that, the amount (what the lines cost, may be
// lowered), photos (uploaded one by one, previewed, removable) and a note. Rules: domain/aftersale-form.ts.
import type { Fen, ReceiptState, RefundType } from '../../../../typings/api';
import { AFTERSALE } from '../../../domain/aftersale-contract';
import { checkAfterSaleForm, fixedReceipt, initialLines, linesMax, reasonsFor, type LineState } from '../../../domain/aftersale-form';
import { errorText } from '../../../domain/errors';
import { REFUND_STATUS_LABEL, REFUND_TYPE_LABEL } from '../../../domain/labels';
import { refundBlocker } from '../../../domain/order-actions';
import { UPLOAD_LIMITS } from '../../../domain/uploads';
import { fetchOrderDetail } from '../../../services/order';
import { applyAfterSale } from '../../../services/refund';
import { fetchMe } from '../../../services/session';
import { confirmThenSubscribe } from '../../../services/subscriptions';
import { discardBuyerPhoto, uploadBuyerPhoto } from '../../../services/uploads';
import { instanceState } from '../../../utils/instance-state';
import { fenToYuanText, formatFen } from '../../../utils/money';
import { queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

interface ApplyPrivate {
  orderId: string;
  refundable: Fen;
  resultTemplateId: string;
  submitting: boolean;
}
const priv = instanceState<ApplyPrivate>(() => ({ orderId: '', refundable: 0, resultTemplateId: '', submitting: false }));

interface LineVM extends LineState {
  priceText: string;
}
interface PhotoVM {
  /** What the phone shows (the local file), and what the request names (the cloud file). */
  path: string;
  fileID: string;
}

const lineVMs = (lines: LineState[]): LineVM[] => lines.map((l) => ({ ...l, priceText: formatFen(l.unitPrice) }));
const NO_ERRORS: { items?: string; amount?: string; reason?: string; note?: string } = {};

Component({
  data: {
    state: LOADING as LoadState,
    orderTitle: '',
    /** 退货退款 is offered once the goods have left. */
    canReturn: false,
    type: 'REFUND_ONLY' as RefundType,
    /** Asked only of a shipped order not yet confirmed received. */
    askReceipt: false,
    receipt: 'NOT_RECEIVED' as ReceiptState,
    reasons: [] as readonly string[],
    reasonIndex: -1,
    lines: [] as LineVM[],
    amountText: '',
    maxText: '',
    note: '',
    noteMax: AFTERSALE.noteMaxLength,
    photos: [] as PhotoVM[],
    photosMax: UPLOAD_LIMITS.photosMax,
    uploading: false,
    errors: NO_ERRORS,
    submitError: '',
    submitting: false,
    submitted: null as null | { refundId: string; amountText: string; statusLabel: string },
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
      s.resultTemplateId = me.ok ? me.data.templates.refundResult ?? '' : '';
      const blocker = refundBlocker(order.data, Date.now());
      if (blocker) {
        this.setData({ state: failed('CONFLICT', blocker) });
        return;
      }
      s.refundable = order.data.refundableFee;
      const shipped = Boolean(order.data.shipping) || order.data.status === 'SHIPPED' || order.data.status === 'COMPLETED';
      const fixed = fixedReceipt(order.data.status, shipped);
      const receipt = fixed ?? 'NOT_RECEIVED';
      const lines = initialLines(order.data);
      this.setData({
        state: READY,
        orderTitle: order.data.title,
        canReturn: shipped,
        askReceipt: fixed === undefined,
        receipt,
        reasons: reasonsFor(receipt),
        lines: lineVMs(lines),
      });
      this.refreshAmount();
    },

    /** The amount follows the lines: back to what they cost whenever the lines change. */
    refreshAmount() {
      const max = linesMax(this.data.lines.filter((l) => l.quantity > 0), priv(this).refundable);
      this.setData({ amountText: fenToYuanText(max), maxText: formatFen(max), 'errors.amount': '' });
    },

    onType(e: WechatMiniprogram.BaseEvent) {
      this.setData({ type: e.currentTarget.dataset.type as RefundType });
    },

    onReceipt(e: WechatMiniprogram.BaseEvent) {
      const receipt = e.currentTarget.dataset.receipt as ReceiptState;
      // Another state, another list: the reason picked no longer means the same.
      this.setData({ receipt, reasons: reasonsFor(receipt), reasonIndex: -1 });
    },

    onStep(e: WechatMiniprogram.BaseEvent) {
      const index = Number(e.currentTarget.dataset.index);
      const line = this.data.lines[index];
      const quantity = Math.min(line.max, Math.max(0, line.quantity + Number(e.currentTarget.dataset.delta)));
      this.setData({ [`lines[${index}].quantity`]: quantity, 'errors.items': '' });
      this.refreshAmount();
    },

    onAmountInput(e: WechatMiniprogram.Input) {
      this.setData({ amountText: e.detail.value, 'errors.amount': '' });
    },

    onReason(e: WechatMiniprogram.BaseEvent) {
      this.setData({ reasonIndex: Number(e.currentTarget.dataset.index), 'errors.reason': '', 'errors.note': '' });
    },

    onNoteInput(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value, 'errors.note': '' });
    },

    onAddPhoto() {
      const left = UPLOAD_LIMITS.photosMax - this.data.photos.length;
      if (left <= 0 || this.data.uploading) return;
      wx.chooseMedia({
        count: left,
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: (res) => void this.upload(res.tempFiles.map((f) => f.tempFilePath)),
      });
    },

    async upload(paths: string[]) {
      this.setData({ uploading: true, submitError: '' });
      for (const path of paths) {
        const up = await uploadBuyerPhoto(path);
        if (!up.ok) {
          this.setData({ submitError: '有照片没有上传成功，请重试' });
          continue;
        }
        this.setData({ photos: [...this.data.photos, { path, fileID: up.data.fileID }] });
      }
      this.setData({ uploading: false });
    },

    onPreview(e: WechatMiniprogram.BaseEvent) {
      wx.previewImage({ current: String(e.currentTarget.dataset.path), urls: this.data.photos.map((p) => p.path) });
    },

    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      const index = Number(e.currentTarget.dataset.index);
      const [removed] = this.data.photos.slice(index, index + 1);
      this.setData({ photos: this.data.photos.filter((_, i) => i !== index) });
      if (removed) void discardBuyerPhoto(removed.fileID);
    },

    async onSubmit() {
      const s = priv(this);
      if (s.submitting || this.data.uploading) return;
      const check = checkAfterSaleForm(
        { type: this.data.type, receipt: this.data.receipt, lines: this.data.lines, amountText: this.data.amountText, reasonIndex: this.data.reasonIndex, note: this.data.note },
        s.refundable,
      );
      if (!check.ok) {
        this.setData({ errors: check.errors, submitError: '' });
        return;
      }
      s.submitting = true;
      this.setData({ submitting: true, submitError: '' });
      // Money before permissions: the amount is confirmed first, then the result message is asked for from that tap.
      const asked = await confirmThenSubscribe({ title: `申请${REFUND_TYPE_LABEL[check.request.type]}`, content: `申请退还 ${formatFen(check.request.refundFee)}，商家同意后原路退回。`, confirmText: '提交申请' }, [s.resultTemplateId]);
      if (!asked.confirmed) {
        s.submitting = false;
        this.setData({ submitting: false });
        return;
      }
      await asked.subscription;
      const photos = this.data.photos.map((p) => p.fileID);
      const res = await applyAfterSale({ orderId: s.orderId, ...check.request, ...(photos.length ? { photos } : {}) });
      s.submitting = false;
      if (!res.ok) {
        this.setData({ submitting: false, submitError: res.message && res.code === 'CONFLICT' ? res.message : errorText(res.code) });
        return;
      }
      this.setData({
        submitting: false,
        submitted: { refundId: res.data.refundId, amountText: formatFen(res.data.refundFee), statusLabel: REFUND_STATUS_LABEL[res.data.status] },
      });
    },

    onViewAfterSale() {
      const refundId = this.data.submitted?.refundId ?? '';
      wx.redirectTo({ url: withQuery(ROUTES.afterSaleDetail, { refundId, orderId: priv(this).orderId }) });
    },

    onViewOrder() {
      wx.redirectTo({ url: withQuery(ROUTES.orderDetail, { orderId: priv(this).orderId }) });
    },
  },
});
