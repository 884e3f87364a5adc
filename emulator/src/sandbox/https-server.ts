// WeChat Pay's HTTPS endpoint, played locally (api.mch.weixin.qq.com): its own port on 127.0.0.1, a server
// certificate issued by the local CA, and client certificates asked for on every connection but checked only by the
// routes that need one (APIv2 /secapi/..., as WeChat does). Protocols mount their routes here: APIv2 in
// sandbox/v2/, APIv3 in sandbox/v3/.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BodyTooLargeError, readBody } from '../http/body';
import { decodePathParams } from '../http/router';
import type { MerchantMaterial } from '../pki';

export interface PayHttpsRequest {
  method: string;
  path: string;
  /** The request target exactly as sent (path and query, still percent-encoded): what APIv3 signatures cover. */
  target: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Regex groups of the route's pattern. */
  params: string[];
  /** The client certificate, when one was presented and it chains to the local CA. */
  clientCertificate?: X509Certificate;
}

/** An answer, or `{ drop: true }`: close the connection without answering (a timeout after WeChat acted). */
export type PayHttpsReply = { status: number; headers?: Record<string, string>; body?: Buffer | string } | { drop: true };

export type PayHttpsHandler = (req: PayHttpsRequest) => Promise<PayHttpsReply> | PayHttpsReply;

export interface PayHttpsServer {
  /** `https://127.0.0.1:<port>`, no trailing slash (WECHATPAY_BASE_URL); only meaningful after listen(). */
  readonly url: string;
  readonly port: number;
  /** Adds a route; the first match wins, so specific routes go first. `method` '*' matches any method. */
  mount(method: string, pattern: RegExp, handler: PayHttpsHandler): void;
  listen(port: number): Promise<void>;
  close(): Promise<void>;
}

/** WeChat answers bigger requests with an error; no API of ours comes near this. */
export const PAY_BODY_LIMIT = 64 * 1024;

interface Route {
  method: string;
  pattern: RegExp;
  handler: PayHttpsHandler;
}

export function createPayHttpsServer(material: Pick<MerchantMaterial, 'ca' | 'server'>, log: (event: string, fields?: Record<string, unknown>) => void): PayHttpsServer {
  const routes: Route[] = [];
  let port = 0;
  const server: Server = createServer(
    {
      key: material.server.key,
      cert: material.server.cert,
      ca: [material.ca.cert],
      requestCert: true,
      // Most APIs need no client certificate: the routes that do refuse a request without one, in WeChat's words.
      rejectUnauthorized: false,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log('wechatpay.https.error', { message: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('local WeChat Pay internal error');
        }
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    let body: Buffer;
    try {
      body = await readBody(req, PAY_BODY_LIMIT);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end(`request body exceeds ${PAY_BODY_LIMIT} bytes`);
        return;
      }
      throw err;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== '*' && route.method !== method) continue;
      const params = decodePathParams(match.slice(1));
      if (!params) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`the path ${url.pathname.slice(0, 200)} has malformed percent-encoding`);
        return;
      }
      const reply = await route.handler({ method, path: url.pathname, target: req.url ?? '/', query: url.searchParams, headers: req.headers, body, params, clientCertificate: clientCertificate(req) });
      if ('drop' in reply) {
        req.socket.destroy();
        return;
      }
      const payload = reply.body === undefined ? '' : reply.body;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(payload);
      return;
    }
    res.writeHead(pathMatched ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(pathMatched ? `${method} is not allowed on ${url.pathname}` : `the local WeChat Pay does not serve ${url.pathname}`);
  }

  return {
    get port() {
      return port;
    },
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    mount(method, pattern, handler) {
      routes.push({ method: method.toUpperCase(), pattern, handler });
    },
    async listen(wanted) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
    },
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The peer's certificate if it presented one that chains to the CA the server trusts (`authorized`). */
function clientCertificate(req: IncomingMessage): X509Certificate | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const peer = socket.getPeerX509Certificate?.();
  return peer ?? undefined;
}
