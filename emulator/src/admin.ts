// The CloudBase admin API endpoint that wx-server-sdk talks to: decodes the request, finds who is calling,
// counts the call for that invocation, and hands the action to the part that owns it.
import { randomUUID } from 'node:crypto';
import type { ActionHandler, AdminCaller, AdminJson, AdminParams, CallCounts, RawReply } from './contracts';
import { AdminError } from './contracts';
import { describeAdminRequest, type TestBarriers } from './barriers';
import { boundaryOf, parseMultipart } from './http/multipart';

/** Parses `/admin`, `/admin/<functionName>/<invocationId>`; undefined for any other path. */
export function adminCallerOf(path: string, env: string): AdminCaller | undefined {
  const match = /^\/admin(?:\/([A-Za-z0-9_-]{1,60})\/([A-Za-z0-9_-]{1,80}))?\/?$/.exec(path);
  if (!match) return undefined;
  return { env, functionName: match[1], invocationId: match[2] };
}

/** JSON bodies as they are; multipart fields as strings, except binary (octet-stream) fields, which stay Buffers. */
export function decodeAdminBody(contentType: string | undefined, body: Buffer): AdminParams {
  const boundary = /multipart\/form-data/i.test(contentType ?? '') ? boundaryOf(contentType) : undefined;
  if (boundary) {
    const params: AdminParams = {};
    for (const field of parseMultipart(body, boundary)) {
      const value = field.contentType && /octet-stream/i.test(field.contentType) ? field.value : field.value.toString('utf8');
      // defineProperty: a field named __proto__ stays a field instead of replacing the object's prototype.
      Object.defineProperty(params, field.name, { value, enumerable: true, writable: true, configurable: true });
    }
    return params;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AdminError('INVALID_PARAM', 'the admin request body is neither JSON nor multipart/form-data');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AdminError('INVALID_PARAM', 'the admin request body must be a JSON object');
  return parsed as AdminParams;
}

function categoryOf(action: string): keyof CallCounts | undefined {
  if (action.startsWith('database.')) return 'database';
  if (action === 'wx.wxPayApi') return 'pay';
  if (action === 'wx.openApi') return 'openapi';
  if (action === 'functions.invokeFunction') return 'functions';
  return undefined;
}

const emptyCounts = (): CallCounts => ({ database: 0, pay: 0, openapi: 0, functions: 0 });

/** Keeps per-invocation call counts until the runner collects them at the end of the invocation. */
export class CallCounter {
  private readonly counts = new Map<string, CallCounts>();

  record(invocationId: string | undefined, action: string): void {
    const category = categoryOf(action);
    if (!invocationId || !category) return;
    const counts = this.counts.get(invocationId) ?? emptyCounts();
    counts[category] += 1;
    this.counts.set(invocationId, counts);
  }

  take(invocationId: string): CallCounts {
    const counts = this.counts.get(invocationId) ?? emptyCounts();
    this.counts.delete(invocationId);
    return counts;
  }
}

export type AdminAnswer = { kind: 'json'; body: AdminJson } | { kind: 'raw'; reply: RawReply };

export class AdminApi {
  private readonly handlers = new Map<string, ActionHandler>();

  constructor(
    private readonly fallback: (action: string) => ActionHandler | undefined,
    /** Test barriers (emulator/src/barriers.ts): every action passes them, so a race test can line requests up. */
    private readonly barriers?: TestBarriers,
    /** Whether the invocation with this id is still running (a held request of one that ended is dropped). */
    private readonly running?: (invocationId: string) => boolean,
  ) {}

  register(action: string, handler: ActionHandler): void {
    if (this.handlers.has(action)) throw new Error(`admin action ${action} is registered twice`);
    this.handlers.set(action, handler);
  }

  async handle(params: AdminParams, caller: AdminCaller): Promise<AdminAnswer> {
    const requestId = randomUUID();
    const action = typeof params.action === 'string' ? params.action : '';
    try {
      const handler = this.handlers.get(action) ?? this.fallback(action);
      if (!handler) throw new AdminError('INVALID_PARAM', `the local cloud does not support the admin action "${action || '(none)'}"`);
      // 'init' is a cold start's module load, which belongs to no invocation.
      const gone = caller.invocationId && caller.invocationId !== 'init' && this.running ? () => !this.running?.(caller.invocationId as string) : undefined;
      const result = this.barriers?.holding() ? await this.barriers.pass(describeAdminRequest(params, caller), async () => handler(params, caller), gone) : await handler(params, caller);
      if (isRaw(result)) return { kind: 'raw', reply: result };
      return { kind: 'json', body: { requestId, ...result } };
    } catch (err) {
      if (err instanceof AdminError) return { kind: 'json', body: { code: err.code, message: err.message, requestId } };
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'json', body: { code: 'SYS_ERR', message: `local cloud internal error: ${message}`, requestId } };
    }
  }
}

function isRaw(value: AdminJson | RawReply): value is RawReply {
  return (value as RawReply).raw === true && Buffer.isBuffer((value as RawReply).body);
}
