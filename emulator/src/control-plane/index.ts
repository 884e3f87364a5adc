// The local cloud's bare mode plays a new CloudBase environment's control plane: the Tencent Cloud API
// (tcb.tencentcloudapi.com, scf.tencentcloudapi.com) that @cloudbase/manager-node talks to. manager-node is pointed
// here through its own `proxy` option: it opens an HTTPS CONNECT tunnel through the local cloud, which answers the
// TLS handshake with a certificate for *.tencentcloudapi.com issued by the local CA (the client trusts that CA with
// NODE_EXTRA_CA_CERTS). Every request's TC3-HMAC-SHA256 signature is checked against this environment's own key.
// What is deployed is what runs: functions from the uploaded zip, with the uploaded timeout, environment
// variables and timer triggers; HTTP access only at the created paths; the indexes created through the API.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdirSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { FunctionRunner, HttpReply, RouteHandler } from '../contracts';
import type { LocalDatabase } from '../database';
import { readBody, BodyTooLargeError } from '../http/body';
import { LOCAL_CA_NAME, type MerchantMaterial } from '../pki';
import { issueCertificate } from '../pki/x509';
import { httpTriggerEvent, httpTriggerReply } from '../runner/http-trigger';
import { DEFAULT_RULES, parseSecurityRules, type FunctionSecurityRules } from '../security-rules';
import { DEFAULT_STORAGE_RULES, parseStorageRules, type StorageRules } from '../storage/rules';
import { bucketOf } from '../storage/paths';
import { ApiError, controlPlaneActions } from './actions';
import { ControlPlaneState } from './state';
import { verifyTc3 } from './tc3';

/** The Tencent Cloud API services a deploy reaches; anything else is refused at the tunnel. */
export const API_SERVICES = ['tcb', 'scf'] as const;
const API_HOSTS = API_SERVICES.map((s) => `${s}.tencentcloudapi.com`);
const API_BODY_LIMIT = 10 * 1024 * 1024;

export interface ControlPlaneOptions {
  envId: string;
  appid: string;
  db: LocalDatabase;
  runner: FunctionRunner;
  /** Folder the uploaded code is unpacked into (the runner's only root in bare mode). */
  codeRoot: string;
  material: Pick<MerchantMaterial, 'ca'>;
  onTriggersChanged(): void;
  log(event: string, fields?: Record<string, unknown>): void;
}

export interface ControlPlane {
  /** This environment's API key: what a deploy signs with. */
  readonly credentials: { secretId: string; secretKey: string };
  /** For the HTTP server's 'connect' event. */
  tunnel(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The environment variables deployed to a function (what its instances start with). */
  functionEnv(name: string): Record<string, string>;
  /** The function security rule deployed (CloudBase's default until one is). */
  readonly rules: FunctionSecurityRules;
  /** The storage security rule deployed (CloudBase's default, READONLY, until one is): what clients' storage calls obey. */
  readonly storageRules: StorageRules;
  /** Serves `/http<path>` for the HTTP access paths created (any method). */
  httpAccess: RouteHandler;
  /** The local stand-in for the one DevTools upload: grants the cloud-call permissions of each uploaded config.json. */
  devtoolsUpload(): Record<string, string[]>;
  close(): Promise<void>;
}

export const HTTP_ACCESS_ROUTE = /^\/http(\/.*)$/;

export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const state = new ControlPlaneState(options.db.sqlite());
  mkdirSync(options.codeRoot, { recursive: true });
  // A restarted bare cloud on its data folder keeps the indexes it was given.
  for (const { collection, list } of state.indexes()) options.db.declareIndexes(collection, list);

  const credentials = { secretId: `AKIDlocal${randomBytes(12).toString('hex')}`, secretKey: randomBytes(24).toString('base64url') };
  const { actions, devtoolsUpload } = controlPlaneActions({
    envId: options.envId,
    state,
    db: options.db,
    codeRoot: options.codeRoot,
    onTriggersChanged: options.onTriggersChanged,
    invoke: (name, event) => options.runner.invoke({ name, event, source: 'wx_unknown', appid: options.appid }),
    log: options.log,
  });

  let rules: FunctionSecurityRules = DEFAULT_RULES;
  let rulesText: string | undefined;
  const currentRules = (): FunctionSecurityRules => {
    const deployed = state.permissions('function').find((p) => p.resource === '');
    if (deployed?.securityRule !== rulesText) {
      rulesText = deployed?.securityRule;
      try {
        rules = rulesText ? parseSecurityRules(JSON.parse(rulesText), 'the deployed function rule') : DEFAULT_RULES;
      } catch (err) {
        options.log('control-plane.rules.invalid', { message: (err as Error).message });
        rules = { ruleFor: () => 'deny' };
      }
    }
    return rules;
  };

  // The basic permissions are rules too (emulator/src/storage/rules.ts lists the four).
  const ACL_RULES: Record<string, { read: unknown; write: unknown }> = {
    READONLY: { read: true, write: 'resource.openid == auth.openid' },
    PRIVATE: { read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' },
    ADMINWRITE: { read: true, write: false },
    ADMINONLY: { read: false, write: false },
  };
  let storageRules: StorageRules = DEFAULT_STORAGE_RULES;
  let storageKey: string | undefined;
  const currentStorageRules = (): StorageRules => {
    const deployed = state.permissions('storage').find((p) => p.resource === bucketOf(options.envId));
    const key = deployed ? `${deployed.permission}\0${deployed.securityRule}` : undefined;
    if (key !== storageKey) {
      storageKey = key;
      try {
        storageRules = !deployed ? DEFAULT_STORAGE_RULES : parseStorageRules(deployed.permission === 'CUSTOM' ? JSON.parse(deployed.securityRule) : ACL_RULES[deployed.permission], 'the deployed storage rule');
      } catch (err) {
        options.log('control-plane.storage-rule.invalid', { message: (err as Error).message });
        storageRules = parseStorageRules({ read: false, write: false }, 'deny all');
      }
    }
    return storageRules;
  };

  const tls = serverCertificate(options.material.ca);
  const api: HttpsServer = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const reply = (body: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...body, RequestId: randomUUID() } }));
    };
    const fail = (code: string, message: string) => reply({ Error: { Code: code, Message: message } });
    readBody(req, API_BODY_LIMIT)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'https://api');
        const check = verifyTc3({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers: req.headers, body }, credentials);
        if (!check.ok) return fail(check.code, check.message);
        const action = String(req.headers['x-tc-action'] ?? '');
        const handler = Object.prototype.hasOwnProperty.call(actions, action) ? actions[action] : undefined;
        if (!handler) return fail('InvalidAction', `the local cloud does not play ${check.service}:${action}`);
        let params: Record<string, unknown>;
        try {
          params = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          return fail('InvalidParameter', 'the body is not JSON');
        }
        try {
          const result = await handler(params);
          options.log('control-plane.api', { service: check.service, action, outcome: 'ok' });
          reply(result);
        } catch (err) {
          const code = err instanceof ApiError ? err.code : 'InternalError';
          options.log('control-plane.api', { service: check.service, action, outcome: code });
          fail(code, err instanceof Error ? err.message : String(err));
        }
      })
      .catch((err: unknown) => fail(err instanceof BodyTooLargeError ? 'RequestSizeLimitExceeded' : 'InternalError', err instanceof Error ? err.message : String(err)));
  });

  return {
    credentials,
    get rules() {
      return { ruleFor: (name: string) => currentRules().ruleFor(name) };
    },
    storageRules: {
      canRead: (caller, owner) => currentStorageRules().canRead(caller, owner),
      canWrite: (caller, owner) => currentStorageRules().canWrite(caller, owner),
      get source() {
        return currentStorageRules().source;
      },
    },
    tunnel(req, socket, head) {
      const target = String(req.url ?? '');
      const host = target.replace(/:443$/, '');
      if (!API_HOSTS.includes(host)) {
        socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nthe local cloud tunnels only to ${API_HOSTS.join(', ')}\r\n`);
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) socket.unshift(head);
      api.emit('connection', socket);
    },
    functionEnv: (name) => ({ ...(state.functionNamed(name)?.env ?? {}) }),
    devtoolsUpload,
    httpAccess: async (req): Promise<HttpReply> => {
      const path = req.params[0];
      const route = state
        .routes()
        .filter((r) => path === r.path || path.startsWith(r.path.endsWith('/') ? r.path : `${r.path}/`))
        .sort((a, b) => b.path.length - a.path.length)[0];
      if (!route) return { status: 404, body: { code: 'HTTP_ACCESS_NOT_FOUND', message: `no HTTP access path serves ${path}` } };
      const event = { ...httpTriggerEvent(route.functionName, req, path.slice(route.path.length), { env: options.envId, appid: options.appid }), path };
      return httpTriggerReply(await options.runner.invoke({ name: route.functionName, event, source: 'wx_http', appid: options.appid }));
    },
    async close() {
      await new Promise<void>((r) => api.close(() => r()));
    },
  };
}

/** A certificate for the API hosts, issued by the local CA (made at each start: it costs one RSA key). */
function serverCertificate(ca: { cert: string; key: string }): { cert: string; key: string } {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = createPrivateKey(ca.key);
  const now = Date.now();
  const cert = issueCertificate(
    { subject: { C: 'CN', O: 'Local Cloud', CN: 'tencentcloudapi.com' }, publicKey: keys.publicKey, role: 'server', hosts: API_HOSTS, notBefore: new Date(now - 24 * 3600_000), notAfter: new Date(now + 365 * 24 * 3600_000) },
    { name: LOCAL_CA_NAME, privateKey, publicKey: createPublicKey(privateKey) },
  );
  return { cert, key: String(keys.privateKey.export({ type: 'pkcs8', format: 'pem' })) };
}
