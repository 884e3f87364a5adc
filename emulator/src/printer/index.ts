// A Feie (飞鹅云) cloud receipt printer for the local cloud: the vendor's signed form API at
// /sandbox/printer/feie/Api/Open/, one account and its printers, and every ticket kept as text at GET /sandbox/printer
// (and on the status page). The signature and markup are Feie's as its API documents them, written here apart from
// the shop's code, so a mistake in the shop's signer is refused rather than mirrored. Feie publishes no table of
// `ret` codes: the non-zero values here are ours.
import { createHash } from 'node:crypto';
import type { HttpReply, HttpRequest, LocalCloudHost } from '../contracts';
import { parseJsonBody } from '../http/router';

/** The operations this printer answers, by Feie's `apiname`. */
const PRINT_MSG = 'Open_printMsg';
const QUERY_ORDER_STATE = 'Open_queryOrderState';
const QUERY_PRINTER_STATUS = 'Open_queryPrinterStatus';

/** Feie's `sig`: SHA-1 of user + UKEY + stime, lower-case hex. */
function feieSignature(user: string, ukey: string, stime: string): string {
  return createHash('sha1').update(`${user}${ukey}${stime}`, 'utf8').digest('hex');
}

/** What the paper shows: `<BR>` and `<CUT>` end lines, every other tag (`<CB>`, `<C>`, `<B>`…) only styles text. */
function feieMarkupToText(content: string): string {
  return content.split(/<(?:BR|CUT)>/i).join('\n').replace(/<\/?[A-Za-z]+>/g, '').replace(/\n+$/, '');
}

/** The local account: what the functions get as FEIE_USER / FEIE_UKEY in the local cloud. */
export const LOCAL_FEIE_USER = 'local-feie-user';
export const LOCAL_FEIE_UKEY = 'local-feie-ukey';
/** The one printer the local account has (settings.printer.sn in the demo shop). */
export const LOCAL_PRINTER_SN = '960000001';
export const FEIE_PATH = '/sandbox/printer/feie/Api/Open/';
/** Requests signed more than this far from the server's clock are refused (replays). */
const SKEW_SECONDS = 300;
const CONTENT_MAX_BYTES = 5000;

export interface PrintedReceipt {
  jobId: string;
  sn: string;
  at: string;
  copies: number;
  /** As Feie received it (markup). */
  content: string;
  /** As the paper shows it. */
  text: string;
}

export type PrinterFault = 'REFUSE' | 'DOWN';

export interface PrinterSandbox {
  receipts(): PrintedReceipt[];
  /** The environment variables a function needs to print here. */
  functionEnv(): Record<string, string>;
  reset(): void;
}

export function installPrinter(host: LocalCloudHost): PrinterSandbox {
  const receipts: PrintedReceipt[] = [];
  const printers = new Set([LOCAL_PRINTER_SN]);
  const faults: Array<{ mode: PrinterFault; remaining: number }> = [];
  let sequence = 0;

  const answer = (ret: number, msg: string, data: unknown = null): HttpReply => ({ status: 200, body: { msg, ret, data, serverExecutedTime: 1 } });

  const open = (req: HttpRequest): HttpReply => {
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining--;
      host.log('printer.fault', { mode: fault.mode });
      if (fault.mode === 'DOWN') return { status: 502, body: 'Bad Gateway' };
      return answer(1002, '服务器繁忙，请稍后重试.');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const user = form.get('user') ?? '';
    const stime = form.get('stime') ?? '';
    const sig = form.get('sig') ?? '';
    if (user !== LOCAL_FEIE_USER) return answer(-2, '参数错误 : 该帐号未注册.');
    if (!/^[0-9]{10}$/.test(stime) || Math.abs(Number(stime) - Date.now() / 1000) > SKEW_SECONDS) return answer(-3, '参数错误 : 时间戳无效.');
    if (sig !== feieSignature(LOCAL_FEIE_USER, LOCAL_FEIE_UKEY, stime)) return answer(-4, '参数错误 : 签名错误.');
    const sn = form.get('sn') ?? '';
    switch (form.get('apiname')) {
      case PRINT_MSG: {
        if (!printers.has(sn)) return answer(1003, '参数错误 : 打印机编号未添加到该帐号.');
        const content = form.get('content') ?? '';
        if (content === '' || Buffer.byteLength(content) > CONTENT_MAX_BYTES) return answer(1004, `参数错误 : 打印内容为空或超过${CONTENT_MAX_BYTES}字节.`);
        const times = Number(form.get('times') ?? '1');
        if (!Number.isInteger(times) || times < 1 || times > 9) return answer(1005, '参数错误 : 打印联数无效.');
        const jobId = `${sn}_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${++sequence}`;
        receipts.push({ jobId, sn, at: new Date().toISOString(), copies: times, content, text: feieMarkupToText(content) });
        if (receipts.length > 500) receipts.shift();
        host.log('printer.printed', { sn, jobId, copies: times });
        return answer(0, 'ok', jobId);
      }
      case QUERY_ORDER_STATE: {
        const id = form.get('orderid') ?? '';
        if (!receipts.some((r) => r.jobId === id)) return answer(1001, '参数错误 : 订单ID错误.');
        return answer(0, 'ok', true);
      }
      case QUERY_PRINTER_STATUS:
        if (!printers.has(sn)) return answer(1003, '参数错误 : 打印机编号未添加到该帐号.');
        return answer(0, 'ok', '在线，工作状态正常。');
      default:
        return answer(-1, '参数错误 : apiname 无效.');
    }
  };

  host.registerRoute('POST', /^\/sandbox\/printer\/feie\/Api\/Open\/?$/, open);
  host.registerRoute('GET', /^\/sandbox\/printer$/, (req) => {
    const newestFirst = [...receipts].reverse();
    if (req.query.get('format') === 'text') {
      const text = newestFirst.map((r) => `#${r.jobId}  ${r.at}  ×${r.copies}\n${r.text}`).join('\n\n') || '(no receipts yet)';
      return { status: 200, body: `${text}\n` };
    }
    return { status: 200, body: { printers: [...printers].map((sn) => ({ sn, status: '在线，工作状态正常。' })), receipts: newestFirst } };
  });
  host.registerRoute('POST', /^\/sandbox\/printer\/faults$/, (req) => {
    const parsed = parseJsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const b = (parsed.value ?? {}) as { mode?: unknown; count?: unknown };
    const count = b.count ?? 1;
    if (b.mode !== 'REFUSE' && b.mode !== 'DOWN') return { status: 400, body: { code: 'INVALID_ARGUMENT', message: '"mode" must be REFUSE (Feie answers an error) or DOWN (HTTP 502)' } };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100) return { status: 400, body: { code: 'INVALID_ARGUMENT', message: '"count" must be 1..100' } };
    faults.push({ mode: b.mode, remaining: count });
    return { status: 200, body: { armed: { mode: b.mode, count } } };
  });
  host.registerRoute('POST', /^\/sandbox\/printer\/reset$/, () => {
    receipts.length = 0;
    faults.length = 0;
    return { status: 200, body: { reset: true } };
  });

  return {
    receipts: () => [...receipts],
    functionEnv: () => ({ FEIE_USER: LOCAL_FEIE_USER, FEIE_UKEY: LOCAL_FEIE_UKEY, FEIE_API_URL: `${host.url}${FEIE_PATH}` }),
    reset: () => {
      receipts.length = 0;
      faults.length = 0;
    },
  };
}
