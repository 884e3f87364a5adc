// APIv2's bill: POST /pay/downloadbill (signed XML, no certificate). WeChat answers the bill as plain text, or an
// unsigned XML failure (`No Bill Exist` when nothing happened that day, or while the bill is still being made).
import { ProviderError } from '../payment-provider';
import { compactDate, isNoBill, type BillSource } from '../bill/bill-source';
import type { V2Config } from './provider';
import { signV2 } from './sign';
import { buildV2Xml, parseV2Xml } from './xml';

export function v2BillSource(config: Pick<V2Config, 'appid' | 'mchId' | 'apiKey' | 'signType' | 'baseUrl' | 'http' | 'nonce'>): BillSource {
  return {
    channel: 'v2',
    async downloadTradeBill(date) {
      const message: Record<string, string> = {
        appid: config.appid,
        mch_id: config.mchId,
        nonce_str: config.nonce(),
        sign_type: config.signType,
        bill_date: compactDate(date),
        bill_type: 'ALL',
      };
      message.sign = signV2(message, config.apiKey, config.signType);
      const answer = await config.http.send({
        method: 'POST',
        url: `${config.baseUrl}/pay/downloadbill`,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: buildV2Xml(message),
        label: 'wechatpay-v2 downloadbill',
      });
      if (answer.status !== 200) throw new ProviderError('HTTP_STATUS', `wechatpay-v2 downloadbill: answered HTTP ${answer.status}`, true);
      const text = answer.body.toString('utf8');
      if (!text.trimStart().startsWith('<xml')) return { kind: 'bill', text };
      let failure: Record<string, string>;
      try {
        failure = parseV2Xml(answer.body);
      } catch (err) {
        throw new ProviderError('BAD_ANSWER', `wechatpay-v2 downloadbill: unreadable XML (${err instanceof Error ? err.message : String(err)})`, true);
      }
      if (isNoBill(failure.return_msg, failure.error_code)) return { kind: 'none' };
      throw new ProviderError('BILL_DOWNLOAD_FAILED', `wechatpay-v2 downloadbill: ${(failure.return_msg ?? 'FAIL').slice(0, 120)}`, true);
    },
  };
}
