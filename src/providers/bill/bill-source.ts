// Where the daily trade bill comes from: one implementation per protocol, each knowing only its own wire format.
// They all hand back the bill's text as WeChat wrote it (trade-bill.ts reads it) or say that there is none.
import type { BillDownload } from '../../domain/bill-types';

export interface BillSource {
  /** `cloudpay`, `v2` or `v3`: named in the run's record and the merchant's summary. */
  readonly channel: string;
  /** `date` is a China day, `yyyy-MM-dd`. */
  downloadTradeBill(date: string): Promise<BillDownload>;
}

/** `2026-12-05` → `20261205` (APIv2, cloudPay). */
export const compactDate = (date: string) => date.replace(/-/g, '');

/** WeChat's "no bill" in APIv2 and cloudPay: 20002 No Bill Exist (also said while the bill is still being made). */
export const isNoBill = (returnMsg: string | undefined, errorCode: string | undefined) => errorCode === '20002' || /no bill exist/i.test(returnMsg ?? '');
