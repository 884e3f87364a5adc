// Puts the local cloud together: one HTTP server on 127.0.0.1 serving the CloudBase admin API (/admin), the
// mini-program gateway (/functions), HTTP access to functions (/http), the WeChat Pay sandbox and message outbox
// (/sandbox), inspection (/db) and a status page (/); and a second, HTTPS server playing WeChat Pay's own endpoint
// (APIv2, APIv3). Each part is built against emulator/src/contracts.ts and plugged in here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ActionHandler, DatabaseEngine, FunctionRunner, HttpReply, LocalCloudHost, RouteHandler } from './contracts';
import { AdminError } from './contracts';
import { AdminApi, CallCounter, adminCallerOf, decodeAdminBody } from './admin';
import { TestBarriers, installBarrierRoutes } from './barriers';
import { BodyTooLargeError, readBody } from './http/body';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from './http/depth';
import { refuseBrowserAdminRequest, refuseCrossSiteRequest, refuseForeignHost } from './http/guards';
import { Router, decodePathSegment, json, malformedUrl } from './http/router';
import { gatewayHandler } from './gateway';
import { DEFAULT_RULES, loadSecurityRules } from './security-rules';
import { openDatabase, loadIndexDeclarations, type LocalDatabase } from './database';
import { createRunner, HTTP_TRIGGER_ROUTE, httpTriggerHandler, startTimerTriggers, type TimerTriggers } from './runner';
import { DEFAULT_APPID, installPaySandbox, type PaySandbox } from './sandbox';
import type { PayProtocol } from './sandbox/model';
import type { V3Verify } from './sandbox/function-env';
import { merchantMaterial } from './pki';
import { channelSettings, DEMO_SUB_MCH_ID } from './demo';
import { installOutbox, type Outbox } from './outbox';
import { seedDemo } from './demo';
import { installShipping, type ShippingService } from './shipping';
import { installPrinter, type PrinterSandbox } from './printer';
import { statusPage } from './page';
import { installPreview } from './preview';
import { RequestLog, installUiRoutes } from './ui';
import { HTTP_ACCESS_ROUTE, createControlPlane, type ControlPlane } from './control-plane';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_STORAGE_RULES, installStorage, loadStorageRules, type StorageService } from './storage';

export interface LocalCloudOptions {
  /** How the message push to wxPush is sent: 'safe' (encrypted, default) or 'plain'. */
  pushMode?: 'safe' | 'plain';
  /** 0 picks a free port. Default 3000. */
  port?: number;
  /** Folder of the database file; default `<project>/.local-cloud`. Ignored with `memory`. */
  dataDir?: string;
  /** Throwaway in-memory database (tests). */
  memory?: boolean;
  env?: string;
  appid?: string;
  /** Folders with built functions, first match wins. Default: `<project>/cloudfunctions`. */
  functionRoots?: string[];
  /** More environment variables for every function instance (not in bare mode), e.g. SETTINGS_CACHE_SECONDS in tests. */
  functionEnv?: Record<string, string>;
  /** 1 = WeChat's real schedules; 0.001 makes a 15 s retry take 15 ms. */
  timeScale?: number;
  /** Seed demo settings, products, buyer and merchant. */
  demo?: boolean;
  /** Run the timer triggers declared in functions' config.json (reconcile). Off by default: tests fire them by hand. */
  timers?: boolean;
  autoSettleRefunds?: boolean;
  /** How the demo shop takes WeChat Pay (its settings' `provider`); every protocol is served whatever it is. Default cloudpay. */
  pay?: PayProtocol;
  /** Channels the demo shop switched away from and still has configured (its settings' `formerChannels`). */
  formerPay?: PayProtocol[];
  /** How functions verify APIv3 answers: WeChat Pay's public key (default) or platform certificates. */
  v3Verify?: V3Verify;
  /** Port of WeChat Pay's HTTPS endpoint on 127.0.0.1; default 0 (a free one; GET /sandbox/merchant says which). */
  payPort?: number;
  /**
   * Where the merchant's keys and certificates are kept (pki.json); default the data folder, or nowhere in memory
   * mode (made once per process). Tests point it at dist/ so they do not make RSA keys for every file.
   */
  pkiDir?: string;
  /** Functions reachable through HTTP access (POST /http/<name>); default payNotify and refundNotify. */
  httpAccess?: string[];
  /** Instances each function may run at once (further invocations wait); default: one per CPU core, at least 2. */
  maxInstancesPerFunction?: number;
  /** Structured log sink; default prints JSON lines to stdout, `false` silences. */
  log?: ((line: Record<string, unknown>) => void) | false;
  projectRoot?: string;
  /** Serve the test-barrier control API (/test/barriers). In-process code has `cloud.barriers` either way. */
  testBarriers?: boolean;
  /**
   * Start like a new CloudBase environment (no collections, functions, rules, timers or HTTP paths) and play its
   * control plane (the Tencent Cloud API a deploy uses, emulator/src/control-plane/): what is deployed is what runs.
   */
  bare?: boolean;
}

export interface LocalCloud extends LocalCloudHost {
  /** The mini-program's appid the local cloud plays (WX_APPID; the APIv2/v3 merchant's appid). */
  readonly appid: string;
  /** How the demo shop takes WeChat Pay (`pay` option). */
  readonly pay: PayProtocol;
  readonly sandbox: PaySandbox;
  readonly outbox: Outbox;
  readonly shipping: ShippingService;
  readonly printer: PrinterSandbox;
  /** Cloud storage (files in `<data>/storage`, or in memory). */
  readonly storage: StorageService;
  /** Holds chosen admin requests until all parties arrived, for race tests (emulator/src/barriers.ts). */
  readonly barriers: TestBarriers;
  /** Bare mode only: the environment's control plane (its API key is `controlPlane.credentials`). */
  readonly controlPlane?: ControlPlane;
  close(): Promise<void>;
}

const BODY_LIMIT = 6 * 1024 * 1024; // CloudBase's limit for a synchronous function event
const STORAGE_BODY_LIMIT = DEFAULT_MAX_FILE_BYTES + 64 * 1024; // a file and its multipart wrapping

/** The project root, whether this runs from emulator/src (ts-jest) or dist/local-cloud (the built CLI). */
export function findProjectRoot(from = __dirname): string {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cloudbase'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error(`cannot find the project root above ${from}`);
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const root = options.projectRoot ?? findProjectRoot();
  const env = options.env ?? 'local-cloud';
  const appid = options.appid ?? DEFAULT_APPID;
  const pay = options.pay ?? 'cloudpay';
  const timeScale = options.timeScale ?? 1;
  const sink = options.log === false ? undefined : options.log ?? ((line: Record<string, unknown>) => console.log(JSON.stringify(line)));
  const log = (event: string, fields: Record<string, unknown> = {}) => sink?.({ at: new Date().toISOString(), event, ...fields });

  const indexesFile = join(root, 'cloudbase/database-indexes.json');
  if (options.bare && options.demo) throw new Error('a bare local cloud starts empty: --bare and --demo exclude each other');
  const indexes = !options.bare && existsSync(indexesFile) ? loadIndexDeclarations(indexesFile) : undefined;
  let dbFile: string | undefined;
  let dataDir: string | undefined;
  if (!options.memory) {
    dataDir = resolve(options.dataDir ?? join(root, '.local-cloud'));
    mkdirSync(dataDir, { recursive: true });
    dbFile = join(dataDir, 'local-cloud.sqlite');
  }
  // The merchant's keys and certificates live with the data (made at first start), or once per process in memory.
  const material = merchantMaterial(DEMO_SUB_MCH_ID, options.pkiDir ?? dataDir);
  // Function instances start after the sandbox exists; their APIv3 keys are the ones the shop has configured there.
  let sandboxRef: PaySandbox | undefined;
  const db: LocalDatabase = openDatabase({ file: dbFile, memory: options.memory, indexes, onGarbled: (doc) => log('database.garbled', { ...doc }) });

  const rulesFile = join(root, 'cloudbase/function-security-rules.json');
  // Bare: the rule deployed through the control plane (CloudBase's default until one is).
  let controlPlane: ControlPlane | undefined;
  const rules = options.bare ? { ruleFor: (name: string) => controlPlane?.rules.ruleFor(name) ?? DEFAULT_RULES.ruleFor(name) } : existsSync(rulesFile) ? loadSecurityRules(rulesFile) : DEFAULT_RULES;
  const codeRoot = options.bare ? (dataDir ? join(dataDir, 'functions') : mkdtempSync(join(tmpdir(), 'local-cloud-bare-'))) : undefined;

  const requests = new RequestLog(rules);
  const counter = new CallCounter();
  const router = new Router();
  let port = 0;
  const adminUrl = (functionName: string, invocationId: string) => `http://127.0.0.1:${port}/admin/${functionName}/${invocationId}`;

  let printer: PrinterSandbox | undefined;
  let shippingRef: ShippingService | undefined;
  const runner: FunctionRunner = createRunner({
    roots: codeRoot ? [codeRoot] : options.functionRoots ?? [join(root, 'cloudfunctions')],
    workerScript: join(root, 'dist/local-cloud/worker.js'),
    env,
    appid,
    adminUrl,
    takeCallCounts: (id) => counter.take(id),
    timeScale,
    // Read when an instance starts (after the server listens, so the printer's URL has its port). Every function
    // gets the merchant's WeChat Pay and printer variables, as a shop sets them in the console.
    // Bare: only what was deployed to the function.
    functionEnv: (name) => (controlPlane ? controlPlane.functionEnv(name) : { ...(sandboxRef?.functionEnv() ?? {}), ...(printer?.functionEnv() ?? {}), ...(shippingRef?.pusher.functionEnv() ?? {}), ...options.functionEnv }),
    maxInstancesPerFunction: options.maxInstancesPerFunction,
    log,
  });

  const barriers = new TestBarriers();
  const admin = new AdminApi((action) => (action.startsWith('database.') ? databaseAction(db) : undefined), barriers, (id) => runner.caller(id) !== undefined);
  admin.register('functions.invokeFunction', async (params, caller) => {
    const name = params.function_name;
    if (typeof name !== 'string' || !name) throw new AdminError('INVALID_PARAM', 'function_name is required');
    let event: unknown = {};
    if (typeof params.request_data === 'string' && params.request_data !== '') {
      try {
        event = JSON.parse(params.request_data);
      } catch {
        throw new AdminError('INVALID_PARAM', 'request_data is not valid JSON');
      }
      if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) throw new AdminError('INVALID_PARAM', `request_data nests deeper than ${MAX_EVENT_DEPTH} levels`);
    }
    // A function calling another acts for the same user, as in the cloud.
    const origin = caller.invocationId ? runner.caller(caller.invocationId) : undefined;
    const outcome = await runner.invoke({ name, event, source: 'wx_function', openid: origin?.openid, unionid: origin?.unionid, appid });
    if (!outcome.ok) throw new AdminError(outcome.code, outcome.message);
    return { data: { response_data: JSON.stringify(outcome.result ?? null) } };
  });

  const host: LocalCloudHost = {
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    env,
    db,
    runner,
    timeScale,
    registerAction: (action: string, handler: ActionHandler) => admin.register(action, handler),
    registerRoute: (method: string, pattern: RegExp, handler: RouteHandler) => router.add(method, pattern, handler),
    log,
  };

  router.add('GET', /^\/health$/, () => json(200, { status: 'ok', env, functions: runner.names() }));
  router.add('POST', /^\/functions\/([A-Za-z][A-Za-z0-9_-]{0,59})$/, gatewayHandler(runner, rules, appid));
  router.add('GET', /^\/runner\/instances$/, () => json(200, runner.instances()));
  router.add('GET', /^\/db$/, () => json(200, { collections: db.collections(), garbled: db.garbled?.() ?? [] }));
  router.add('GET', /^\/db\/([A-Za-z0-9_-]{1,64})$/, (req) => {
    if (!db.collections().includes(req.params[0])) return json(404, { code: 'COLLECTION_NOT_FOUND', message: `there is no collection ${req.params[0]}` });
    const limit = Math.min(Number(req.query.get('limit') ?? 100) || 100, 1000);
    const offset = Math.max(Number(req.query.get('offset') ?? 0) || 0, 0);
    return json(200, db.list(req.params[0], { limit, offset }));
  });
  const exposed = new Set(options.httpAccess ?? ['payNotify', 'refundNotify', 'wxPush']);
  if (codeRoot) {
    controlPlane = createControlPlane({
      envId: env,
      appid,
      db,
      runner,
      codeRoot,
      material,
      log,
      onTriggersChanged: () => {
        if (!timers) return;
        timers.stop();
        timers = startTimerTriggers(runner, { log });
      },
    });
    router.add('*', HTTP_ACCESS_ROUTE, controlPlane.httpAccess);
    router.add('POST', /^\/control-plane\/devtools-upload$/, () => json(200, { granted: controlPlane?.devtoolsUpload() ?? {} }));
    router.add('GET', /^\/control-plane$/, () =>
      json(200, {
        envId: env,
        ...controlPlane?.credentials,
        proxy: host.url,
        ca: material.ca.cert,
        httpAccess: `${host.url}/http`,
        // What a shop would put in .env.local for the local merchant and printer.
        merchantEnv: { ...sandbox.functionEnv(), ...printer?.functionEnv(), ...shippingRef?.pusher.functionEnv() },
      }),
    );
  } else router.add('*', HTTP_TRIGGER_ROUTE, httpTriggerHandler(runner, { env, appid, isExposed: (name) => exposed.has(name) }));
  // Before the sandbox: GET /sandbox/config here answers the sandbox's settings and the time scale in effect.
  installUiRoutes(host, { requests, timersRunning: () => timers !== undefined, sandboxSettings: () => sandbox.settings() });
  const sandbox = installPaySandbox(host, { autoSettleRefunds: options.autoSettleRefunds, appid, material, provider: pay, v3Verify: options.v3Verify });
  sandboxRef = sandbox;
  if (options.testBarriers) installBarrierRoutes(host.registerRoute, barriers);
  const outbox = installOutbox(host, {});
  const shipping = installShipping(host, outbox, { appid, ...(options.pushMode ? { pushMode: options.pushMode } : {}) });
  shippingRef = shipping;
  printer = installPrinter(host);
  const storageRulesFile = join(root, 'cloudbase/storage-security-rules.json');
  const storage = installStorage(host, {
    dir: dataDir ? join(dataDir, 'storage') : undefined,
    // Bare: the rule deployed through the control plane (CloudBase's default until then).
    rules: controlPlane ? controlPlane.storageRules : existsSync(storageRulesFile) ? loadStorageRules(storageRulesFile) : DEFAULT_STORAGE_RULES,
  });
  router.add('GET', /^\/$/, () => statusPage(host));
  installPreview(host, { projectRoot: root });
  let timers: TimerTriggers | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log('http.error', { message: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, { status: 500, body: { code: 'INTERNAL', message: 'local cloud internal error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Logged before the Host/Origin checks, so that the request log shows what was refused too.
    const logged = requests.begin(req.method ?? 'GET', url.pathname, req.headers);
    res.once('finish', () => requests.finish(logged, res.statusCode, logged.result));
    if (decodePathSegment(url.pathname) === undefined) {
      req.resume();
      return send(res, malformedUrl(url.pathname));
    }
    const caller = req.method === 'POST' ? adminCallerOf(url.pathname, url.searchParams.get('env') ?? env) : undefined;
    const refusal =
      refuseForeignHost(req.headers, port) ??
      (caller ? refuseBrowserAdminRequest(req.headers) : HTTP_TRIGGER_ROUTE.test(url.pathname) ? undefined : refuseCrossSiteRequest(req.method ?? 'GET', req.headers, port));
    if (refusal) {
      req.resume(); // the body is not wanted
      return send(res, refusal);
    }
    let body: Buffer;
    try {
      body = await readBody(req, url.pathname.startsWith('/storage/') ? STORAGE_BODY_LIMIT : BODY_LIMIT);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return send(res, { status: 413, body: { code: 'BODY_TOO_LARGE', message: err.message } });
      throw err;
    }
    if (caller) {
      let params;
      try {
        params = decodeAdminBody(req.headers['content-type'], body);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return send(res, { status: 200, body: { code: 'INVALID_PARAM', message } });
      }
      if (typeof params.action === 'string') counter.record(caller.invocationId, params.action);
      if (typeof params.action === 'string') logged.action = params.action;
      const answer = await admin.handle(params, caller);
      if (answer.kind === 'json' && typeof answer.body.code === 'string') logged.result = answer.body.code;
      if (answer.kind === 'json') return send(res, { status: 200, body: answer.body });
      res.writeHead(answer.reply.status ?? 200, { 'content-type': answer.reply.contentType });
      res.end(answer.reply.body);
      return;
    }
    const reply = await router.dispatch({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    send(res, reply ?? { status: 404, body: { code: 'NOT_FOUND', message: `nothing is served at ${req.method} ${url.pathname}` } });
  }

  if (controlPlane) server.on('connect', (req, socket, head) => controlPlane?.tunnel(req, socket, head));
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, '127.0.0.1', () => resolveListen());
    });
    await sandbox.https.listen(options.payPort ?? 0);
  } catch (err) {
    if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    // Nothing listens, so nothing else may stay open either (the database file, workers, pending deliveries).
    await sandbox.close();
    await runner.close();
    db.close();
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  // The demo shop's settings name its notify URLs, which need the port.
  if (options.demo) await seedDemo(host, outbox, channelSettings([...(options.formerPay ?? []), pay], `http://127.0.0.1:${port}`, appid), appid, { dir: join(root, 'emulator/demo-images'), storage });
  // Only now: a timer firing earlier would hand its function an admin URL without a port.
  if (options.timers) timers = startTimerTriggers(runner, { log });
  log('local-cloud.ready', { url: host.url, wechatpay: sandbox.https.url, pay, env, memory: Boolean(options.memory), database: dbFile ?? ':memory:', functions: runner.names() });

  // Spread after listen: the port is fixed from here on.
  return {
    ...host,
    port,
    url: host.url,
    appid,
    pay,
    sandbox,
    outbox,
    barriers,
    shipping,
    printer,
    controlPlane,
    storage,
    async close() {
      timers?.stop();
      barriers.clear();
      await sandbox.close?.();
      await runner.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await controlPlane?.close();
      db.close();
      if (codeRoot && !dataDir) rmSync(codeRoot, { recursive: true, force: true });
    },
  };
}

function databaseAction(db: DatabaseEngine): ActionHandler {
  return (params) => db.execute(String(params.action), params);
}

function send(res: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string | Buffer = '';
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string') {
    payload = reply.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
