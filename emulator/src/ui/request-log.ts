// Every HTTP request the local cloud serves — admin API (the SDK in a function), gateway (the mini-program),
// sandbox and inspection — with who called, which function, how long it took, what came of it and, for the
// gateway, which security rule let it through or refused it. Kept in memory, newest last, capped.
import type { IncomingHttpHeaders } from 'node:http';
import type { FunctionSecurityRules } from '../security-rules';
import { decodePathSegment } from '../http/router';

export type RequestKind = 'admin' | 'gateway' | 'sandbox' | 'preview' | 'inspect' | 'http';

export interface RequestEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  kind: RequestKind;
  /** The function serving (admin: the function whose SDK called; gateway: the function invoked). */
  functionName?: string;
  /** admin: the SDK action (database.queryDocument…); sandbox: the route. */
  action?: string;
  /** gateway: the openid in x-wx-openid (a development tool, so shown as sent); admin: the invocation id. */
  caller?: string;
  status?: number;
  /** What came of it, in a word: ok, or the error code the answer carried. */
  result?: string;
  durationMs?: number;
  /** gateway: the rule for this function and whether it allowed the call. */
  rule?: string;
}

/** The UI marks its own reads with this header, so they stay out of the log. */
export const UI_HEADER = 'x-local-cloud-ui';

const GATEWAY = /^\/functions\/([^/]+)$/;
const ADMIN = /^\/admin(?:\/([^/]+)\/([^/]+))?$/;

export function kindOf(path: string): RequestKind {
  if (ADMIN.test(path)) return 'admin';
  if (GATEWAY.test(path)) return 'gateway';
  if (path.startsWith('/sandbox/')) return 'sandbox';
  if (path.startsWith('/preview')) return 'preview';
  if (path === '/' || path.startsWith('/db') || path.startsWith('/runner') || path.startsWith('/ui') || path === '/health' || path === '/emulators') return 'inspect';
  return 'http';
}

/** How the rules treated a client call: the rule's name, and allowed/refused as the gateway answered. */
export function ruleVerdict(rules: FunctionSecurityRules, functionName: string, status: number, openid: string | undefined): string {
  const rule = rules.ruleFor(functionName);
  const text = rule === 'allow' ? 'invoke: true' : rule === 'deny' ? 'invoke: false' : 'invoke: "auth != null"';
  const refused = rule === 'deny' || (rule === 'signed-in' && !openid);
  if (refused && (status === 401 || status === 403)) return `${text} → refused`;
  return `${text} → allowed`;
}

/** An entry while its request is served: when it started, and whether the UI itself asked. */
export interface PendingEntry extends RequestEntry {
  readonly started: number;
  readonly fromUi: boolean;
}

export class RequestLog {
  private readonly entries: RequestEntry[] = [];
  private seq = 0;

  constructor(
    private readonly rules: FunctionSecurityRules,
    private readonly capacity = 1000,
  ) {}

  /** Starts an entry; `finish` completes it when the answer has gone out. */
  begin(method: string, path: string, headers: IncomingHttpHeaders): PendingEntry {
    const entry: RequestEntry = { seq: ++this.seq, at: new Date().toISOString(), method, path, kind: kindOf(path) };
    const admin = ADMIN.exec(path);
    if (admin && admin[1]) {
      // As sent when malformed: the request is still logged (and answered 400 by its route).
      entry.functionName = decodePathSegment(admin[1]) ?? admin[1];
      entry.caller = `invocation ${decodePathSegment(admin[2]) ?? admin[2]}`;
    }
    const gateway = GATEWAY.exec(path);
    if (gateway) {
      entry.functionName = decodePathSegment(gateway[1]) ?? gateway[1];
      const openid = headers['x-wx-openid'];
      entry.caller = typeof openid === 'string' && openid ? openid : '(no openid)';
    }
    if (entry.kind === 'sandbox') entry.action = path.replace(/^\/sandbox\//, '').split('/')[0];
    return { ...entry, started: Date.now(), fromUi: headers[UI_HEADER] !== undefined };
  }

  finish(pending: PendingEntry, status: number, answerCode?: string): void {
    // The UI's own polling would bury what happened; everything else is kept.
    if (pending.path.startsWith('/ui/') || pending.fromUi) return;
    const { started, fromUi: _fromUi, ...entry } = pending;
    entry.status = status;
    entry.durationMs = Date.now() - started;
    entry.result = answerCode ?? (status < 400 ? 'ok' : `HTTP ${status}`);
    if (entry.kind === 'gateway' && entry.functionName) {
      entry.rule = ruleVerdict(this.rules, entry.functionName, status, entry.caller === '(no openid)' ? undefined : entry.caller);
    }
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Newest first; `after` gives only entries with a higher sequence number (for live refresh). */
  list(options: { after?: number; kind?: string; limit?: number } = {}): RequestEntry[] {
    const limit = Math.min(options.limit ?? 200, this.capacity);
    return this.entries
      .filter((e) => (options.after === undefined || e.seq > options.after) && (!options.kind || e.kind === options.kind))
      .slice(-limit)
      .reverse();
  }
}
