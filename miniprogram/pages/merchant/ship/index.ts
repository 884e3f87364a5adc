// The merchant's page for one order, opened from the desk and from the new-order message (`?orderId=`): what was
// bought and where it goes, then ship it (express with a scanned tracking number, local delivery, pick-up, virtual),
// correct the shipment once, or reprint the receipt.
import type { LogisticsType, OrderDetail } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { EXPRESS_OPTIONS, expressErrors, LOGISTICS_OPTIONS, TRACKING_NO, TRACKING_NO_LENGTHS } from '../../../domain/shipping';
import { fetchOrderDetail } from '../../../services/order';
import { reprintReceipt, shipOrder } from '../../../services/shipping';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { EXPRESS_LABELS, expressFormMethods } from '../../../utils/express-form';
import { instanceState } from '../../../utils/instance-state';
import { checkMerchant } from '../../../utils/merchant-gate';
import { navigate, queryValue, ROUTES, withQuery } from '../../../utils/routes';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';
import { toOrderDetail, type OrderDetailVM } from '../../../view-models/order';
import { printingText } from '../../../view-models/shipping';

interface ShipPrivate {
  orderId: string;
  busy: boolean;
  /** Gone to the refund request: the order has probably changed on return. */
  staleOnShow: boolean;
}

const priv = instanceState<ShipPrivate>(() => ({ orderId: '', busy: false, staleOnShow: false }));

/** What the confirmation repeats back before the shipment goes to WeChat. */
function shipSummary(logisticsType: LogisticsType, companyIndex: number, trackingNo: string): string {
  const how = LOGISTICS_OPTIONS.find((o) => o.type === logisticsType)?.label ?? '';
  const company = logisticsType === 'EXPRESS' ? ` ${EXPRESS_OPTIONS[companyIndex]?.label ?? ''}` : '';
  return `${how}${company}${trackingNo ? ` ${trackingNo}` : ''}。发货信息会同步到微信，只能修改一次。`;
}

interface FormVM {
  logisticsType: LogisticsType;
  companyIndex: number;
  trackingNo: string;
}

const EMPTY_FORM: FormVM = { logisticsType: 'EXPRESS', companyIndex: -1, trackingNo: '' };

Component({
  data: {
    state: LOADING as LoadState,
    order: null as OrderDetailVM | null,
    printing: '',
    /** PAID: ship; SHIPPED and never corrected: correct once; otherwise nothing to do. */
    mode: 'none' as 'ship' | 'correct' | 'none',
    /** The refund request that keeps a paid order from shipping, with a way to it. */
    openRefund: null as { refundId: string; amountText: string; statusLabel: string } | null,
    canReprint: false,
    logisticsOptions: LOGISTICS_OPTIONS,
    companyLabels: EXPRESS_LABELS,
    form: { ...EMPTY_FORM },
    companyLabel: '',
    errors: { company: '', trackingNo: '' },
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).orderId = queryValue(query, 'orderId');
      void this.start();
    },

    onShow() {
      const s = priv(this);
      if (!s.staleOnShow) return;
      s.staleOnShow = false;
      void this.load();
    },

    async start() {
      if (!priv(this).orderId) {
        this.setData({ state: failed('INVALID_ARGUMENT', '链接里缺少订单号') });
        return;
      }
      const gate = await checkMerchant('仅商家可以发货');
      if (!gate.ok) {
        this.setData({ state: gate.state });
        return;
      }
      await this.load();
    },

    async load() {
      const res = await fetchOrderDetail(priv(this).orderId);
      if (!res.ok) {
        this.setData({ state: failed(res.code, errorText(res.code)) });
        return;
      }
      this.show(res.data);
    },

    show(order: OrderDetail) {
      const mode = order.status === 'PAID' && !order.hasOpenRefund ? 'ship' : order.status === 'SHIPPED' && order.shipping?.correctable ? 'correct' : 'none';
      const vm = toOrderDetail(order);
      const open = order.hasOpenRefund ? vm.refunds.find((r) => r.refundId === order.refunds.find((x) => x.status === 'REQUESTED' || x.status === 'PROCESSING')?.refundId) : undefined;
      this.setData({
        openRefund: open ? { refundId: open.refundId, amountText: open.amountText, statusLabel: open.statusLabel } : null,
        state: READY,
        order: vm,
        printing: printingText(order),
        mode,
        // Only a shop with a printer keeps a printing record on its paid orders.
        canReprint: Boolean(order.printing),
      });
    },

    onRetry() {
      this.setData({ state: LOADING });
      void this.start();
    },

    onLogisticsTap(e: WechatMiniprogram.BaseEvent) {
      this.setData({ 'form.logisticsType': String(e.currentTarget.dataset.type) as LogisticsType, errors: { company: '', trackingNo: '' } });
    },

    ...expressFormMethods,

    /** The same checks the server makes, so a mistake is shown beside its field. */
    validate(): boolean {
      const { logisticsType, companyIndex, trackingNo } = this.data.form;
      let errors = { company: '', trackingNo: '' };
      if (logisticsType === 'EXPRESS') {
        errors = expressErrors(companyIndex, trackingNo);
      } else if (trackingNo && (logisticsType !== 'LOCAL_DELIVERY' || !TRACKING_NO.test(trackingNo))) {
        errors.trackingNo = logisticsType === 'LOCAL_DELIVERY' ? `配送单号应为 ${TRACKING_NO_LENGTHS} 位字母、数字或 -` : '这种配送方式不需要单号';
      }
      this.setData({ errors });
      return !errors.company && !errors.trackingNo;
    },

    async onSubmit() {
      const s = priv(this);
      if (s.busy || this.data.mode === 'none' || !this.validate()) return;
      const { logisticsType, companyIndex, trackingNo } = this.data.form;
      if (this.data.mode === 'correct' && !(await confirmDialog('修改发货信息', '微信只允许修改一次发货信息，确定修改吗？', '修改'))) return;
      // Shipping is told to WeChat at once and can be corrected only once: the merchant checks what is sent.
      if (this.data.mode === 'ship' && !(await confirmDialog('确认发货', shipSummary(logisticsType, companyIndex, trackingNo), '确认发货'))) return;
      s.busy = true;
      this.setData({ submitting: true });
      const res = await shipOrder({
        orderId: s.orderId,
        logisticsType,
        ...(logisticsType === 'EXPRESS' ? { expressCompany: EXPRESS_OPTIONS[companyIndex].code } : {}),
        ...(trackingNo && (logisticsType === 'EXPRESS' || logisticsType === 'LOCAL_DELIVERY') ? { trackingNo } : {}),
      });
      s.busy = false;
      this.setData({ submitting: false });
      if (res.ok) {
        toast(res.data.corrected ? '发货信息已修改' : '已发货', 'success');
        this.setData({ form: { ...EMPTY_FORM }, companyLabel: '' });
      } else toastFailure(res);
      await this.load();
    },

    onOpenRefund(e: WechatMiniprogram.BaseEvent) {
      priv(this).staleOnShow = true;
      navigate(withQuery(ROUTES.refundReview, { refundId: String(e.currentTarget.dataset.refundId ?? '') }));
    },

    async onReprint() {
      const s = priv(this);
      if (s.busy) return;
      s.busy = true;
      const res = await reprintReceipt(s.orderId);
      s.busy = false;
      if (res.ok) toast('已发送到打印机', 'success');
      else toastFailure(res);
      await this.load();
    },
  },
});
