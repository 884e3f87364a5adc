// APIv3's bill, in two steps: GET /v3/bill/tradebill (a signed, verified answer: the file's SHA1 and a download URL
// valid a few minutes), then a signed GET of that URL, whose answer WeChat does not sign: the SHA1 is what proves the
// file. The download goes through the same transport as every call, so it can only ever reach WeChat Pay's host.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ProviderError } from '../payment-provider';
import type { BillSource } from '../bill/bill-source';
import { authorizationHeader, requestMessage } from './formatter';
import { v3Client, type WechatPayV3Config } from './provider';
import { signRsa } from './rsa';

export function v3BillSource(config: WechatPayV3Config): BillSource {
  const client = v3Client(config);
  return {
    channel: 'v3',
    async downloadTradeBill(date) {
      let offer: Record<string, unknown>;
      try {
        offer = await client.call('tradebill', 'GET', `/v3/bill/tradebill?bill_date=${encodeURIComponent(date)}&bill_type=ALL&tar_type=GZIP`, undefined, false);
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'NO_STATEMENT_EXIST') return { kind: 'none' };
        if (err instanceof ProviderError && err.code === 'STATEMENT_CREATING') return { kind: 'not-ready', reason: 'WeChat Pay is still making the bill (STATEMENT_CREATING)' };
        throw err;
      }
      const url = typeof offer.download_url === 'string' ? offer.download_url : '';
      const hash = typeof offer.hash_value === 'string' ? offer.hash_value.toLowerCase() : '';
      if (!url || offer.hash_type !== 'SHA1' || !/^[0-9a-f]{40}$/.test(hash)) throw new ProviderError('BAD_ANSWER', 'tradebill: no download_url or SHA1 hash in the answer', true);
      const target = new URL(url);
      const path = `${target.pathname}${target.search}`;
      const file = await download(config, path);
      const text = (file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file).toString('utf8');
      const actual = createHash('sha1').update(text, 'utf8').digest('hex');
      if (actual !== hash) throw new ProviderError('BILL_HASH_MISMATCH', `tradebill ${date}: the file's SHA1 ${actual} is not the ${hash} WeChat Pay announced (damaged on the way): downloading again later`, true);
      return { kind: 'bill', text };
    },
  };
}

async function download(config: WechatPayV3Config, path: string): Promise<Buffer> {
  const timestamp = String(Math.floor(config.now().getTime() / 1000));
  const nonce = config.nonce();
  const signature = signRsa(requestMessage('GET', path, timestamp, nonce, ''), config.merchantKey);
  const response = await config.transport({
    method: 'GET',
    path,
    headers: { authorization: authorizationHeader({ mchid: config.mchid, nonce, timestamp, serial: config.merchantSerial, signature }), accept: '*/*', 'user-agent': 'wx-orders-pay-refund (wechatpay-apiv3)' },
  });
  if (response.status !== 200) throw new ProviderError('BILL_DOWNLOAD_FAILED', `billdownload: WeChat Pay answered ${response.status}`, true);
  return response.body;
}
