// cloudPay's bill: `cloud.cloudPay.downloadBill`, for the shop's sub-merchant. The SDK hands back the text as `data`
// (bytes when gzipped: we ask for plain text, a day's bill is small) or WeChat's failure fields.
import { gunzipSync } from 'node:zlib';
import type { CloudPay } from '../../../typings/wx-server-sdk';
import { ProviderError } from '../payment-provider';
import { compactDate, isNoBill, type BillSource } from './bill-source';

export function cloudPayBillSource(api: CloudPay.Api, config: { subMchId: string; nonce: () => string }): BillSource {
  return {
    channel: 'cloudpay',
    async downloadTradeBill(date) {
      let answer: CloudPay.DownloadBillAnswer;
      try {
        answer = await api.downloadBill({ subMchId: config.subMchId, billDate: compactDate(date), billType: 'ALL', nonceStr: config.nonce() });
      } catch (err) {
        throw new ProviderError('BILL_DOWNLOAD_FAILED', `cloudPay.downloadBill: ${err instanceof Error ? err.message : String(err)}`, true);
      }
      if (answer.data !== undefined) return { kind: 'bill', text: textOf(answer.data) };
      if (isNoBill(answer.returnMsg, answer.errorCode)) return { kind: 'none' };
      throw new ProviderError('BILL_DOWNLOAD_FAILED', `cloudPay.downloadBill answered ${answer.returnCode ?? '?'} ${answer.returnMsg ?? ''}`.trim(), true);
    },
  };
}

function textOf(data: string | Uint8Array): string {
  if (typeof data === 'string') return data;
  const bytes = Buffer.from(data);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}
