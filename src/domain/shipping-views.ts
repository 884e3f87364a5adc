// What the client sees of an order's address, shipment, receipt and printing. The address is shown whole: only the
// buyer who owns the order and the shop's merchants ever get an order detail.
import type { OrderDetail, PrintingView, ShippingView } from '../../typings/api';
import type { OrderDoc, PrintingRecord, ShippingRecord } from './documents';
import { EXPRESS_COMPANIES, MAX_CORRECTIONS } from './shipping';

export function shippingView(record: ShippingRecord, status: OrderDoc['status'], forMerchant: boolean): ShippingView {
  const company = record.expressCompany;
  return {
    logisticsType: record.logisticsType,
    ...(company ? { expressCompany: company, expressCompanyName: EXPRESS_COMPANIES[company] ?? company } : {}),
    ...(record.trackingNo ? { trackingNo: record.trackingNo } : {}),
    shippedAt: record.shippedAt.toISOString(),
    correctable: status === 'SHIPPED' && record.corrections < MAX_CORRECTIONS,
    upload: record.upload.state,
    ...(forMerchant && record.upload.lastError && record.upload.state !== 'UPLOADED' ? { uploadError: record.upload.lastError } : {}),
    ...(status === 'SHIPPED' ? { autoConfirmAt: record.autoConfirmAt.toISOString() } : {}),
  };
}

export function printingView(record: PrintingRecord): PrintingView {
  return {
    state: record.state,
    copies: record.copies,
    ...(record.lastError && record.state !== 'PRINTED' ? { lastError: record.lastError } : {}),
    ...(record.printedAt ? { printedAt: record.printedAt.toISOString() } : {}),
  };
}

/** The shipping part of an order detail, spread into it by views.ts. */
export function shippingDetail(doc: OrderDoc, forMerchant: boolean): Pick<OrderDetail, 'address' | 'shipping' | 'completedAt' | 'printing'> {
  return {
    ...(doc.address ? { address: doc.address } : {}),
    ...(doc.shipping ? { shipping: shippingView(doc.shipping, doc.status, forMerchant) } : {}),
    ...(doc.completedAt ? { completedAt: doc.completedAt.toISOString() } : {}),
    ...(forMerchant && doc.printing ? { printing: printingView(doc.printing) } : {}),
  };
}
