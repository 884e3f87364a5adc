// An order's address, shipment and receipt as the pages show them. Templates do no formatting.
import type { OrderDetail } from '../../typings/api';
import { addressText, LOGISTICS_OPTIONS, PRINT_LABEL, UPLOAD_LABEL } from '../domain/shipping';
import { labelOf } from '../domain/labels';
import { formatTime } from '../utils/time';

export interface AddressVM {
  who: string;
  where: string;
}

export interface ShippingVM {
  logisticsLabel: string;
  companyText: string;
  trackingNo: string;
  shippedText: string;
  /** Shown while SHIPPED: when the order completes by itself. */
  autoConfirmText: string;
  uploadText: string;
  /** Merchants only: WeChat's reason. */
  uploadError: string;
  correctable: boolean;
}

export function toAddress(order: Pick<OrderDetail, 'address'>): AddressVM | null {
  return order.address ? addressText(order.address) : null;
}

export function toShipping(order: Pick<OrderDetail, 'shipping'>): ShippingVM | null {
  const s = order.shipping;
  if (!s) return null;
  return {
    logisticsLabel: LOGISTICS_OPTIONS.find((o) => o.type === s.logisticsType)?.label ?? s.logisticsType,
    companyText: s.expressCompanyName ?? '',
    trackingNo: s.trackingNo ?? '',
    shippedText: formatTime(s.shippedAt),
    autoConfirmText: s.autoConfirmAt ? formatTime(s.autoConfirmAt) : '',
    uploadText: labelOf(UPLOAD_LABEL, s.upload),
    uploadError: s.uploadError ?? '',
    correctable: s.correctable,
  };
}

export function printingText(order: Pick<OrderDetail, 'printing'>): string {
  const p = order.printing;
  if (!p) return '';
  const label = labelOf(PRINT_LABEL, p.state);
  return p.lastError && p.state !== 'PRINTED' ? `${label}：${p.lastError}` : label;
}
