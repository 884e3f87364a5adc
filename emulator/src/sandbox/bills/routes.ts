// Where each protocol asks WeChat Pay for a trade bill, answered from the sandbox's TradeBills:
// - cloudPay `downloadBill` (through wx.wxPayApi): the bill as bytes, or WeChat's JSON failure;
// - APIv2 POST /pay/downloadbill (signed XML, no certificate): the bill as text, or an XML failure;
// - APIv3 GET /v3/bill/tradebill (signed): `{hash_type, hash_value, download_url}`, then GET of download_url (signed
//   request, unsigned answer, as WeChat's file download): the file, gzipped when asked.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { RawReply } from '../../contracts';
import { payReply } from '../answers';
import type { PayHttpsReply, PayHttpsRequest, PayHttpsServer } from '../https-server';
import { chinaDay, type BillAccount, type TradeBills } from './index';

/** WeChat's words when there is no bill, in APIv2 and cloudPay (the same for "not made yet": WeChat does not say). */
const NO_BILL = { return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' } as const;

/** `20141110` → `2014-11-10`. */
export function dashedDate(compact: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export function cloudPayBill(bills: TradeBills, request: Record<string, unknown>): RawReply {
  const date = typeof request.bill_date === 'string' ? dashedDate(request.bill_date) : undefined;
  if (!date || !chinaDay(date)) return payReply({ return_code: 'FAIL', return_msg: 'invalid bill_date', error_code: '20001' });
  const answer = bills.bill(date, 'cloudpay');
  if (answer.kind !== 'bill') return payReply({ ...NO_BILL });
  const gzip = request.tar_type === 'GZIP';
  return { raw: true, contentType: 'application/octet-stream', body: gzip ? gzipSync(answer.text) : Buffer.from(answer.text, 'utf8') };
}

/** APIv2: the request fields are already checked (signature, merchant) by the caller. */
export function v2Bill(bills: TradeBills, fields: Record<string, string>, xml: (fields: Record<string, string>) => string): PayHttpsReply {
  const date = dashedDate(fields.bill_date ?? '');
  if (!date || !chinaDay(date)) return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: xml({ return_code: 'FAIL', return_msg: 'invalid bill_date', error_code: '20001' }) };
  const answer = bills.bill(date, 'direct');
  if (answer.kind !== 'bill') return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: xml({ ...NO_BILL }) };
  if (fields.tar_type === 'GZIP') return { status: 200, headers: { 'content-type': 'application/x-gzip' }, body: gzipSync(answer.text) };
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: answer.text };
}

export interface V3BillDeps {
  bills: TradeBills;
  /** Checks the merchant's request signature; `mchid` when it verifies. */
  check: (req: PayHttpsRequest) => { ok: true; mchid: string } | { ok: false; reply: PayHttpsReply };
  /** A JSON answer signed with WeChat Pay's key. */
  signed: (status: number, body: Record<string, unknown>) => PayHttpsReply;
  baseUrl: () => string;
}

export function mountV3Bills(https: PayHttpsServer, deps: V3BillDeps): void {
  const gzipped = new Map<string, boolean>();
  https.mount('GET', /^\/v3\/bill\/tradebill$/, (req) => {
    const checked = deps.check(req);
    if (!checked.ok) return checked.reply;
    const date = req.query.get('bill_date') ?? '';
    if (!chinaDay(date)) return deps.signed(400, { code: 'PARAM_ERROR', message: 'bill_date 格式应为 yyyy-MM-dd' });
    const billType = req.query.get('bill_type') ?? 'ALL';
    if (billType !== 'ALL') return deps.signed(400, { code: 'PARAM_ERROR', message: '本地微信支付只提供 ALL 类型的交易账单' });
    const answer = deps.bills.bill(date, 'direct' satisfies BillAccount);
    if (answer.kind === 'none') return deps.signed(400, { code: 'NO_STATEMENT_EXIST', message: '请求的账单文件不存在' });
    if (answer.kind === 'creating') return deps.signed(400, { code: 'STATEMENT_CREATING', message: '账单生成中' });
    const token = deps.bills.offerDownload(answer.text, 'direct');
    gzipped.set(token, req.query.get('tar_type') === 'GZIP');
    const hash = createHash('sha1').update(answer.text, 'utf8').digest('hex');
    return deps.signed(200, {
      hash_type: 'SHA1',
      hash_value: answer.hashBroken ? `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}` : hash,
      download_url: `${deps.baseUrl()}/v3/billdownload/file?token=${token}`,
    });
  });

  // The file itself: WeChat signs no answer here (its own docs say to skip the signature and check the hash).
  https.mount('GET', /^\/v3\/billdownload\/file$/, (req) => {
    const checked = deps.check(req);
    if (!checked.ok) return checked.reply;
    const token = req.query.get('token') ?? '';
    const text = deps.bills.download(token);
    if (text === undefined) return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'PARAM_ERROR', message: '下载地址已过期或无效' }) };
    return gzipped.get(token)
      ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: gzipSync(text) }
      : { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(text, 'utf8') };
  });
}
