// One order: items, amounts, status, timeline, refunds, and the actions its state allows. Opened from the list,
// from the shop after buying, and from subscribe messages (`?orderId=`).
import { CANCEL_TOO_EARLY_TEXT, errorText } from '../../../domain/errors';
import { PAYMENT_TEXT, RECEIPT_TEXT } from '../../../domain/labels';
import { cancelOrder, fetchOrderAfterPayment, fetchOrderDetail, withdrawRefund } from '../../../services/order';
import { payOrder } from '../../../services/shop';
import { fetchMe } from '../../../services/session';
import { checkReceipt, receiveOrder } from '../../../services/shipping';
import { askSubscriptions } from '../../../services/subscriptions';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { oneAtATime } from '../../../utils/guard';
import { instanceState } from '../../../utils/instance-state';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { changedPaths } from '../../../utils/set-data';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';
import { toOrderDetail, type OrderDetailVM } from '../../../view-models/order';

interface DetailPrivate {
  orderId: string;
  /** Set when the buyer went to the refund form: the order has probably changed on return. */
  staleOnShow: boolean;
  busy: boolean;
  /** WeChat's receipt window was opened but WeChat had no confirmation yet: ask again when the buyer is back. */
  receiptPending: boolean;
  /** The "order shipped" template, read once for a paid order: '' when the shop has none. */
  shippedTemplate?: string;
}

const priv = instanceState<DetailPrivate>(() => ({ orderId: '', staleOnShow: false, busy: false, receiptPending: false }));

Component({
  data: {
    state: LOADING as LoadState,
    order: null as OrderDetailVM | null,
    /** A paid order waiting to ship: the buyer may ask to be told when it ships. */
    canSubscribeShipping: false,
    subscribedShipping: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).orderId = queryValue(query, 'orderId');
      void this.load();
    },

    onShow() {
      const s = priv(this);
      if (s.receiptPending) {
        // Back from WeChat's window: its result reaches App.onShow, the truth is what WeChat tells the server.
        s.receiptPending = false;
        void this.recheckReceipt();
        return;
      }
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
      const orderId = priv(this).orderId;
      if (!orderId) {
        this.setData({ state: failed('INVALID_ARGUMENT', '链接里缺少订单号') });
        return;
      }
      const res = await fetchOrderDetail(orderId);
      if (!res.ok) {
        if (this.data.order) toastFailure(res);
        else this.setData({ state: failed(res.code, errorText(res.code)) });
        return;
      }
      this.show(toOrderDetail(res.data));
      if (res.data.status === 'PAID') await this.offerShippingMessage();
      else if (this.data.canSubscribeShipping) this.setData({ canSubscribeShipping: false });
    },

    /** The template id must be known before the tap: WeChat shows the dialog only from the tap itself. */
    async offerShippingMessage() {
      const s = priv(this);
      if (s.shippedTemplate === undefined) {
        const me = await fetchMe();
        s.shippedTemplate = me.ok ? me.data.templates.orderShipped ?? '' : '';
      }
      if (s.shippedTemplate && !this.data.canSubscribeShipping) this.setData({ canSubscribeShipping: true });
    },

    async onSubscribeShipping() {
      const outcome = await askSubscriptions([priv(this).shippedTemplate]);
      const yes = outcome.accepted.length > 0;
      this.setData({ subscribedShipping: yes });
      toast(yes ? '发货后会通过微信通知你' : '没有开启发货通知，可在订单中查看进度');
    },

    /** First render sends the order; later ones only the fields that changed. */
    show(next: OrderDetailVM) {
      const current = this.data.order;
      const patch = current ? changedPaths('order', { ...current }, { ...next }) : { order: next };
      if (this.data.state.kind !== 'ready') patch.state = READY;
      if (Object.keys(patch).length) this.setData(patch);
    },

    guarded(work: () => Promise<void>) {
      return oneAtATime(priv(this), work);
    },

    onPay() {
      return this.guarded(async () => {
        const orderId = priv(this).orderId;
        const res = await payOrder(orderId);
        if (!res.ok) {
          toastFailure(res);
          await this.load();
          return;
        }
        const payment = res.data.payment;
        if (payment.kind !== 'paid') {
          toast(PAYMENT_TEXT[payment.kind]);
          return;
        }
        const after = await fetchOrderAfterPayment(orderId);
        if (after.ok && after.data.status !== 'PENDING') toast(PAYMENT_TEXT.confirmed, 'success');
        else toast(PAYMENT_TEXT.unconfirmed);
        if (after.ok) this.show(toOrderDetail(after.data));
        // Right after paying is when a buyer wants to hear about shipping.
        if (after.ok && after.data.status === 'PAID') await this.offerShippingMessage();
      });
    },

    onCancel() {
      return this.guarded(async () => {
        if (!(await confirmDialog('取消订单', '取消后订单将关闭，确定取消吗？', '取消订单'))) return;
        const res = await cancelOrder(priv(this).orderId);
        await this.load();
        if (res.ok) toast('订单已取消', 'success');
        else if (res.code === 'CONFLICT' && this.data.order?.actions.cancel) toast(CANCEL_TOO_EARLY_TEXT);
        else toastFailure(res);
      });
    },

    onRequestRefund() {
      priv(this).staleOnShow = true;
      navigate(withQuery(ROUTES.refundApply, { orderId: priv(this).orderId }));
    },

    /** The request's own page: its progress, history and what is due (e.g. sending the goods back). */
    onOpenAfterSale(e: WechatMiniprogram.BaseEvent) {
      priv(this).staleOnShow = true;
      navigate(withQuery(ROUTES.afterSaleDetail, { refundId: String(e.currentTarget.dataset.refundId ?? ''), orderId: priv(this).orderId }));
    },

    onConfirmReceipt() {
      return this.guarded(async () => {
        const order = this.data.order;
        if (!order) return;
        const { managed, outcome: res } = await receiveOrder(order.orderId, order.transactionIdForReceipt);
        if ('kind' in res) {
          if (res.kind === 'failed') toast(RECEIPT_TEXT.windowFailed);
          return;
        }
        if (res.ok) toast(RECEIPT_TEXT.confirmed, 'success');
        else if (res.code === 'CONFLICT') {
          priv(this).receiptPending = managed;
          toast(RECEIPT_TEXT.notYet);
        } else toastFailure(res);
        await this.load();
      });
    },

    recheckReceipt() {
      return this.guarded(async () => {
        const res = await checkReceipt(priv(this).orderId);
        if (res.ok) toast(RECEIPT_TEXT.confirmed, 'success');
        await this.load();
      });
    },

    onWithdraw(e: WechatMiniprogram.BaseEvent) {
      const refundId = String(e.currentTarget.dataset.refundId ?? '');
      return this.guarded(async () => {
        if (!(await confirmDialog('撤回退款申请', '撤回后可以重新申请退款。', '撤回'))) return;
        const res = await withdrawRefund(refundId);
        if (res.ok) toast('已撤回退款申请', 'success');
        else toastFailure(res);
        await this.load();
      });
    },
  },
});
