// The express parcel form the merchant's ship page and the buyer's return share: the company from WeChat's list
// (a picker), the tracking number typed or scanned from the label. Plain methods a page spreads into its
// Component(), like utils/paged-list.ts; the page's data holds `form.companyIndex`, `form.trackingNo`,
// `companyLabel` and `errors.company` / `errors.trackingNo`, and the page checks with domain/shipping's rules.
import { EXPRESS_OPTIONS, trackingFromScan } from '../domain/shipping';
import { scanCode } from './device';
import { toast } from './feedback';

interface ExpressFormHost {
  setData(data: Record<string, unknown>): void;
}

/** What the picker lists. */
export const EXPRESS_LABELS: readonly string[] = EXPRESS_OPTIONS.map((c) => c.label);

export const expressFormMethods = {
  onCompanyChange(this: ExpressFormHost, e: WechatMiniprogram.PickerChange) {
    const index = Number(e.detail.value);
    this.setData({ 'form.companyIndex': index, companyLabel: EXPRESS_OPTIONS[index]?.label ?? '', 'errors.company': '' });
  },

  onTrackingInput(this: ExpressFormHost, e: WechatMiniprogram.Input) {
    this.setData({ 'form.trackingNo': e.detail.value.replace(/\s+/g, ''), 'errors.trackingNo': '' });
  },

  async onScan(this: ExpressFormHost) {
    const result = await scanCode();
    if (result === undefined) return;
    const trackingNo = trackingFromScan(result);
    if (!trackingNo) {
      toast('没有识别出快递单号');
      return;
    }
    this.setData({ 'form.trackingNo': trackingNo, 'errors.trackingNo': '' });
  },
};
