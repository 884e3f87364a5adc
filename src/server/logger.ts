// Structured logs, one JSON line per event. Never keys, signatures or full personal data: openids are shortened
// and fields whose names look secret are dropped, whatever a caller passes in.
const SECRET = /key|secret|sign|token|password|cert/i;
const PERSONAL = /openid|touser|buyer|merchant|phone|address/i;

export function maskOpenid(value: string): string {
  return value.length <= 6 ? '***' : `${value.slice(0, 4)}***`;
}

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET.test(k)) out[k] = '[redacted]';
    else if (PERSONAL.test(k) && typeof v === 'string') out[k] = maskOpenid(v);
    else if (PERSONAL.test(k) && Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? maskOpenid(x) : '[redacted]'));
    else out[k] = v;
  }
  return out;
}

export function log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, ...redact(fields) });
  if (level === 'error') console.error(line);
  else console.log(line);
}

export function errorSummary(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { errCode?: unknown; errMsg?: unknown; message?: unknown; code?: unknown };
    const msg = typeof e.errMsg === 'string' ? e.errMsg : typeof e.message === 'string' ? e.message : '';
    return `${String(e.code ?? e.errCode ?? '')} ${msg}`.trim().slice(0, 300);
  }
  return String(err).slice(0, 300);
}
