// The seams between the local cloud's parts. Each part (database, runner, sandbox, outbox) is built against these
// types only, so they can be read, replaced and tested alone.
import type { IncomingHttpHeaders } from 'node:http';

/** Who is calling the admin API: the local cloud serves each function instance at /admin/<function>/<invocation>. */
export interface AdminCaller {
  env: string;
  /** Set when the call comes from a function the runner started; absent for tools and tests using /admin. */
  functionName?: string;
  invocationId?: string;
}

/** The decoded form fields of one admin request (JSON body, or multipart where binary fields arrive as Buffer). */
export type AdminParams = Record<string, unknown>;

/** A JSON answer, as the CloudBase admin API sends it. Errors are `{ code, message }` with HTTP 200. */
export type AdminJson = Record<string, unknown>;

/** A non-JSON answer (wx.openApi answers protobuf, wx.wxPayApi answers JSON that must not be typed as utf-8 JSON). */
export interface RawReply {
  raw: true;
  status?: number;
  contentType: string;
  body: Buffer;
}

export type ActionHandler = (params: AdminParams, caller: AdminCaller) => Promise<AdminJson | RawReply> | AdminJson | RawReply;

/** Error an action handler throws to answer `{ code, message }`; anything else becomes SYS_ERR. */
export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

// ---- plain HTTP routes (gateway, sandbox control API, inspection, page) -----------------------------------

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Regex groups of the route's pattern. */
  params: string[];
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: unknown;
}

export type RouteHandler = (req: HttpRequest) => Promise<HttpReply> | HttpReply;

// ---- function runner ---------------------------------------------------------------------------------------

/** How an invocation was triggered; becomes `getWXContext().SOURCE` (TCB_SOURCE) like in the cloud. */
export type InvokeSource = 'wx_client' | 'wx_devtools' | 'wx_function' | 'wx_http' | 'wx_trigger' | 'wx_pay' | 'wx_unknown';

export interface InvokeRequest {
  name: string;
  event: unknown;
  source: InvokeSource;
  /** The end user, when there is one (client calls, and functions called on a user's behalf). */
  openid?: string;
  appid?: string;
  unionid?: string;
}

/** Counted by the server per invocation, for round-trip budgets. */
export interface CallCounts {
  database: number;
  pay: number;
  openapi: number;
  functions: number;
}

export type InvokeOutcome =
  | { ok: true; result: unknown; requestId: string; durationMs: number; coldStart: boolean; calls: CallCounts }
  | {
      ok: false;
      /** As CloudBase reports it: FUNCTIONS_EXECUTE_FAIL (the function threw), FUNCTIONS_TIME_LIMIT_EXCEEDED, FUNCTION_NOT_FOUND. */
      code: 'FUNCTIONS_EXECUTE_FAIL' | 'FUNCTIONS_TIME_LIMIT_EXCEEDED' | 'FUNCTION_NOT_FOUND';
      message: string;
      requestId: string;
      durationMs: number;
      calls: CallCounts;
    };

/** What a function's config.json may say that the local cloud honours. */
export interface FunctionConfig {
  permissions?: { openapi?: string[] };
  triggers?: Array<{ name: string; type: 'timer'; config: string }>;
  /** Seconds; CloudBase's default is 3 (at most 60 for event-triggered functions, 900 for async). */
  timeout?: number;
}

export interface FunctionRunner {
  invoke(req: InvokeRequest): Promise<InvokeOutcome>;
  config(name: string): FunctionConfig | undefined;
  names(): string[];
  /** Instances currently alive, by function (for the page and the tests of warm reuse). */
  instances(): Record<string, { idle: number; busy: number }>;
  /** The request an invocation is serving, while it runs (how a nested callFunction keeps the caller's user). */
  caller(invocationId: string): InvokeRequest | undefined;
  close(): Promise<void>;
}

// ---- database ----------------------------------------------------------------------------------------------

export interface DatabaseEngine {
  /** One `database.*` admin action; answers the JSON body the SDK expects, or throws AdminError. */
  execute(action: string, params: AdminParams): AdminJson;
  /** Read-only listing for inspection and tests: plain JSON (dates as ISO strings). */
  list(collection: string, options?: { limit?: number; offset?: number }): { total: number; documents: unknown[] };
  collections(): string[];
  /** Stored documents that cannot be read, which queries skip: shown by the UI and `GET /db`. */
  garbled?(): Array<{ collection: string; id: string; reason: string; foundAt: string; quarantined: boolean }>;
  /**
   * A SQLite handle for the other parts (sandbox, outbox) to keep their durable state in the same file.
   * They create their own tables, prefixed with their part's name.
   */
  sqlite(): import('better-sqlite3').Database;
  close(): void;
}

// ---- the whole local cloud, as the parts see it ------------------------------------------------------------

export interface LocalCloudHost {
  readonly port: number;
  readonly url: string;
  readonly env: string;
  readonly db: DatabaseEngine;
  readonly runner: FunctionRunner;
  /** A time factor for schedules (callback retries, timeouts that are minutes in WeChat); 1 = real time. */
  readonly timeScale: number;
  registerAction(action: string, handler: ActionHandler): void;
  registerRoute(method: string, pattern: RegExp, handler: RouteHandler): void;
  /** Structured log line (never keys or personal data). */
  log(event: string, fields?: Record<string, unknown>): void;
}
