// Feie (飞鹅云) cloud printer's open API, as pure functions: the signature, the form every call posts, the answer,
// and the receipt markup. One endpoint (…/Api/Open/), the operation named by `apiname`; every call is signed with
// sig = sha1(user + UKEY + stime), lower-case hex, where UKEY is the account's key (not the printer's).
import { createHash } from 'node:crypto';
import type { Receipt } from '../printer';

export const FEIE_API_URL = 'https://api.feieyun.cn/Api/Open/';
export const PRINT_MSG = 'Open_printMsg';
export const QUERY_ORDER_STATE = 'Open_queryOrderState';
export const QUERY_PRINTER_STATUS = 'Open_queryPrinterStatus';

export function feieSignature(user: string, ukey: string, stime: string): string {
  return createHash('sha1').update(user + ukey + stime, 'utf8').digest('hex');
}

/** The url-encoded body of one call. `stime` is UNIX seconds, as Feie's own demo sends. */
export function feieForm(account: { user: string; ukey: string }, apiname: string, fields: Record<string, string>, now: Date): string {
  const stime = String(Math.floor(now.getTime() / 1000));
  const form = new URLSearchParams({ user: account.user, stime, sig: feieSignature(account.user, account.ukey, stime), apiname, ...fields });
  return form.toString();
}

export interface FeieAnswer {
  ret: number;
  msg: string;
  data: unknown;
}

/** Every answer is `{ret, msg, data, serverExecutedTime}`; ret 0 is success. */
export function parseFeieAnswer(body: string): FeieAnswer | undefined {
  try {
    const v: unknown = JSON.parse(body);
    if (!v || typeof v !== 'object') return undefined;
    const a = v as Record<string, unknown>;
    if (typeof a.ret !== 'number') return undefined;
    return { ret: a.ret, msg: typeof a.msg === 'string' ? a.msg : '', data: a.data };
  } catch {
    return undefined;
  }
}

/** 58 mm paper: 32 half-width columns. */
export const LINE_WIDTH = 32;

/** Display width: CJK and full-width characters take two columns. */
export function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

/** Feie's markup is tags in angle brackets; text from people must not open one. */
function clean(text: string): string {
  return text.replace(/[<>]/g, ' ').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

function row(left: string, right: string): string {
  const gap = LINE_WIDTH - columns(left) - columns(right);
  return gap >= 1 ? `${left}${' '.repeat(gap)}${right}` : `${left}<BR>${' '.repeat(Math.max(0, LINE_WIDTH - columns(right)))}${right}`;
}

function chinaTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

/** The ticket in Feie's markup (<CB> centred large, <BR> line break, <CUT> cut paper on models with a cutter). */
export function feieReceipt(receipt: Receipt): string {
  const lines: string[] = [];
  lines.push(`<CB>${clean(receipt.shopName)}</CB>`);
  if (receipt.reprint) lines.push('<C>** 补打 REPRINT **</C>');
  lines.push(`订单 ${receipt.orderId}`);
  lines.push(`支付 ${chinaTime(receipt.paidAt)}`);
  lines.push('-'.repeat(LINE_WIDTH));
  for (const item of receipt.items) lines.push(row(`${clean(item.name)} ×${item.quantity}`, yuan(item.amount)));
  lines.push('-'.repeat(LINE_WIDTH));
  lines.push(row('合计', `¥${yuan(receipt.totalFee)}`));
  if (receipt.refundedFee) lines.push(row('已退款', `-¥${yuan(receipt.refundedFee)}`));
  if (receipt.refundOpen) lines.push('<B>退款申请处理中，暂缓发货</B>');
  if (receipt.address) {
    const a = receipt.address;
    lines.push('-'.repeat(LINE_WIDTH));
    lines.push(`收货人 ${clean(a.userName)} ${clean(a.telNumber)}`);
    lines.push(`地址 ${clean(`${a.provinceName}${a.cityName}${a.countyName}${a.detailInfo}`)}`);
  }
  return lines.join('<BR>') + '<BR><CUT>';
}

/** The ticket as the paper shows it, for the local cloud's page and for tests. */
export function feieMarkupToText(content: string): string {
  return content
    .replace(/<BR>/gi, '\n')
    .replace(/<CUT>/gi, '\n')
    .replace(/<\/?[A-Z]+>/gi, '')
    .replace(/\n+$/, '');
}
