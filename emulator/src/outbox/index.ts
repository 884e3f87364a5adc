// The subscribe-message outbox: answers `wx.openApi` for subscribeMessage.send like WeChat (protobuf in and out),
// checks the calling function's openapi permission, the template's field rules and the receiver's one-time
// subscriptions, and records every message. Control routes under /sandbox. See docs/local-cloud-sandbox.md.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ActionHandler, AdminCaller, HttpReply, LocalCloudHost, RawReply } from '../contracts';
import { parseJsonBody } from '../http/router';
import { decodeCommApiData, encodeCommOpenApiResp, ProtobufError } from './protobuf';
import { checkSend, loadTemplates, TemplatesFileError, type Template, type WxError } from './templates';
import { OutboxStore, type MessageStatus, type OutboxMessage } from './store';

export interface OutboxOptions {
  /** Default: cloudbase/local-templates.json of the project. */
  templatesFile?: string;
}

export interface Outbox {
  templates(): Template[];
  /** Grants one-time subscriptions, as the user accepting wx.requestSubscribeMessage would. */
  grant(openid: string, templateIds: readonly string[]): Record<string, number>;
  messages(filter?: { touser?: string; limit?: number }): OutboxMessage[];
  /** Forgets every subscription and message. */
  reset(): void;
  /** Serves another `wx.openApi` call (e.g. `wxa.sec.order.uploadShippingInfo`) with the same permission check. */
  registerOpenApi(apiName: string, handler: OpenApiHandler): void;
}

/** One open API: the call's fields (snake_case, as the SDK sends them) in, WeChat's JSON answer out. */
export type OpenApiHandler = (body: Record<string, unknown>, caller: AdminCaller) => Record<string, unknown> & { errcode: number; errmsg: string };

export const SEND_API = 'subscribeMessage.send';
/** Cloud-call errors the SDK throws as errCode (wx-server-sdk's own table). */
const API_NOT_FOUND = -604100;
const NO_PERMISSION = -604101;
const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

export function installOutbox(host: LocalCloudHost, options: OutboxOptions = {}): Outbox {
  const file = options.templatesFile ?? defaultTemplatesFile();
  const templates = new TemplateSource(file, host);
  const store = new OutboxStore(host.db.sqlite());
  let lastMsgid = 0;
  const nextMsgid = () => {
    // Like WeChat's msgid: a large, increasing number (kept below 2^53 so JSON readers do not round it).
    lastMsgid = Math.max(lastMsgid + 1, Date.now() * 1000);
    return lastMsgid;
  };

  const send = (body: Record<string, unknown>, sender: string | undefined): WxError & { msgid?: number } => {
    const now = Date.now();
    const checked = checkSend(body, templates.current());
    if (!checked.ok) {
      if (checked.touser && checked.templateId) {
        store.record({ at: now, status: 'INVALID', touser: checked.touser, templateId: checked.templateId, data: dataOf(body), errcode: checked.error.errcode, errmsg: checked.error.errmsg, sender });
      }
      host.log('outbox.send', { status: 'INVALID', templateId: checked.templateId, sender, errcode: checked.error.errcode });
      return withRid(checked.error);
    }
    const req = checked.request;
    // Quota and record in one transaction: a subscription is used by exactly one recorded message.
    const outcome = store.transaction(() => {
      const granted = store.consume(req.touser, req.templateId);
      const base = { at: now, touser: req.touser, templateId: req.templateId, page: req.page, data: req.data, miniprogramState: req.miniprogramState, lang: req.lang, sender };
      if (!granted) return store.record({ ...base, status: 'REFUSED', errcode: 43101, errmsg: 'user refuse to accept the msg' });
      return store.record({ ...base, status: 'SENT', errcode: 0, errmsg: 'ok', msgid: nextMsgid() });
    });
    host.log('outbox.send', { status: outcome.status, templateId: req.templateId, sender, errcode: outcome.errcode });
    if (outcome.status === 'SENT') return { errcode: 0, errmsg: 'ok', msgid: outcome.msgid };
    return withRid({ errcode: outcome.errcode, errmsg: outcome.errmsg });
  };

  const others = new Map<string, OpenApiHandler>();
  host.registerAction('wx.openApi', openApiHandler(host, send, others));

  host.registerRoute('POST', /^\/sandbox\/subscriptions$/, (req) => {
    const parsed = parseJsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const body = (parsed.value ?? {}) as { openid?: unknown; templateIds?: unknown };
    if (typeof body.openid !== 'string' || !OPENID.test(body.openid)) return invalid('"openid" must be 1-128 characters of [A-Za-z0-9_-]');
    const ids = body.templateIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every((id) => typeof id === 'string')) return invalid('"templateIds" must be 1-20 template ids');
    const known = templates.current();
    const unknown = (ids as string[]).filter((id) => !known.has(id));
    if (unknown.length) return { status: 400, body: { code: 'UNKNOWN_TEMPLATE', message: `the local cloud has no template ${unknown.join(', ')} (see cloudbase/local-templates.json)` } };
    const quotas = store.grant(body.openid, ids as string[]);
    // What wx.requestSubscribeMessage resolves with when the user accepts every template.
    const result: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    for (const id of ids as string[]) result[id] = 'accept';
    return ok({ result, quotas });
  });
  host.registerRoute('GET', /^\/sandbox\/subscriptions$/, (req) => {
    const openid = req.query.get('openid') ?? '';
    if (!OPENID.test(openid)) return invalid('?openid= is required');
    return ok({ openid, quotas: store.quotas(openid) });
  });
  host.registerRoute('GET', /^\/sandbox\/messages$/, (req) => {
    const status = req.query.get('status') ?? undefined;
    if (status !== undefined && status !== 'SENT' && status !== 'REFUSED' && status !== 'INVALID') return invalid('status must be SENT, REFUSED or INVALID');
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50) || 50, 1), 500);
    const offset = Math.max(Number(req.query.get('offset') ?? 0) || 0, 0);
    const { total, messages } = store.messages({ touser: req.query.get('touser') ?? undefined, templateId: req.query.get('templateId') ?? undefined, status: status as MessageStatus | undefined, limit, offset });
    return ok({ total, messages: messages.map(messageView) });
  });
  host.registerRoute('GET', /^\/sandbox\/templates$/, () => ok({ file, templates: [...templates.current().values()] }));
  host.registerRoute('POST', /^\/sandbox\/outbox\/reset$/, () => {
    store.reset();
    return ok({ reset: true });
  });

  return {
    templates: () => [...templates.current().values()],
    grant: (openid, templateIds) => store.grant(openid, templateIds),
    messages: (filter = {}) => store.messages({ touser: filter.touser, limit: filter.limit ?? 100, offset: 0 }).messages,
    reset: () => store.reset(),
    registerOpenApi: (apiName, handler) => {
      others.set(apiName, handler);
    },
  };
}

function openApiHandler(
  host: LocalCloudHost,
  send: (body: Record<string, unknown>, sender: string | undefined) => WxError & { msgid?: number },
  others: ReadonlyMap<string, OpenApiHandler>,
): ActionHandler {
  return (params, caller) => {
    const apiName = typeof params.apiName === 'string' ? params.apiName : '';
    const other = others.get(apiName);
    if (apiName !== SEND_API && !other) return protoReply({ errorCode: API_NOT_FOUND });
    if (!mayCall(host, caller, apiName)) {
      host.log('outbox.forbidden', { api: apiName, sender: caller.functionName });
      return protoReply({ errorCode: NO_PERMISSION });
    }
    const body = decodeBody(params.requestData);
    if (!body) return wxReply({ errcode: 47001, errmsg: 'data format error' });
    if (other) return wxReply(other(body, caller));
    return wxReply(send(body, caller.functionName));
  };
}

/** A function may call an open API only if its config.json lists it; tools calling /admin directly are trusted. */
function mayCall(host: LocalCloudHost, caller: AdminCaller, apiName: string): boolean {
  if (!caller.functionName) return true;
  return host.runner.config(caller.functionName)?.permissions?.openapi?.includes(apiName) ?? false;
}

/** The send's fields: each protobuf pair carries one top-level key with its value as JSON. */
function decodeBody(requestData: unknown): Record<string, unknown> | undefined {
  const buf = Buffer.isBuffer(requestData) ? requestData : typeof requestData === 'string' ? Buffer.from(requestData, 'latin1') : undefined;
  if (!buf) return undefined;
  try {
    const message = decodeCommApiData(buf);
    // No prototype: a pair named "__proto__" stays a plain (unknown, hence refused) key.
    const body: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const pair of message.pairs) body[pair.key] = JSON.parse(pair.value.toString('utf8'));
    return body;
  } catch (err) {
    if (err instanceof ProtobufError || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function wxReply(answer: object): RawReply {
  return protoReply({ respData: Buffer.from(JSON.stringify(answer), 'utf8'), contentType: 'application/json' });
}

function protoReply(resp: Parameters<typeof encodeCommOpenApiResp>[0]): RawReply {
  return { raw: true, contentType: 'application/octet-stream', body: encodeCommOpenApiResp(resp) };
}

/** WeChat appends a request id to every error message. */
function withRid(error: WxError): WxError {
  return { errcode: error.errcode, errmsg: `${error.errmsg} rid: ${randomBytes(8).toString('hex')}` };
}

function dataOf(body: Record<string, unknown>): Record<string, unknown> {
  const data = body.data;
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

function messageView(m: OutboxMessage): Record<string, unknown> {
  return { ...m, at: new Date(m.at).toISOString() };
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function invalid(message: string): HttpReply {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message } };
}

/** Reloads the templates when the file changes, so a developer can add one without restarting. */
class TemplateSource {
  private templates: Map<string, Template>;
  private mtimeMs: number;

  constructor(
    private readonly file: string,
    private readonly host: LocalCloudHost,
  ) {
    this.templates = loadTemplates(file);
    this.mtimeMs = statSync(file).mtimeMs;
  }

  current(): Map<string, Template> {
    try {
      const mtimeMs = statSync(this.file).mtimeMs;
      if (mtimeMs !== this.mtimeMs) {
        this.mtimeMs = mtimeMs;
        this.templates = loadTemplates(this.file);
        this.host.log('outbox.templates.reloaded', { file: this.file, count: this.templates.size });
      }
    } catch (err) {
      // Keep serving the last good templates; say why the new ones were not taken.
      this.host.log('outbox.templates.invalid', { file: this.file, message: err instanceof TemplatesFileError || err instanceof Error ? err.message : String(err) });
    }
    return this.templates;
  }
}

function defaultTemplatesFile(): string {
  let dir = resolve(__dirname);
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'cloudbase', 'local-templates.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new TemplatesFileError(`cannot find cloudbase/local-templates.json above ${__dirname}`);
}
