// APIv2 as a merchant's server speaks it to the local WeChat Pay: signed XML over HTTPS (trusting the local CA,
// with the merchant's certificate where WeChat wants it), and a notify_url receiver on this machine that records
// what WeChat POSTs and answers as scripted. Built on the product's own APIv2 primitives.
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { signV2, verifyV2, type V2SignType } from '../../src/providers/wechatpay-v2/sign';
import { buildV2Xml, parseV2Xml } from '../../src/providers/wechatpay-v2/xml';
import type { LocalCloud } from '../helpers/local-cloud';

export interface V2Reply {
  status: number;
  text: string;
  fields: Record<string, string>;
}

export interface V2CallOptions {
  signType?: V2SignType;
  /** Present the merchant's client certificate (default: only for /secapi/...). */
  cert?: boolean | { cert: string; key: string };
  /** Send these bytes instead of the signed fields. */
  rawBody?: string | Buffer;
  method?: string;
  /** Change the fields after signing (a forged or broken request). */
  after?: (signed: Record<string, string | number>) => Record<string, string | number>;
}

export function merchantOf(cloud: LocalCloud) {
  const m = cloud.sandbox.material;
  return { appid: cloud.appid, mchId: m.mchId, key: m.v2Key };
}

/** Signs `fields` (appid, mch_id and nonce_str added) and POSTs them to the local WeChat Pay. */
export function v2Call(cloud: LocalCloud, path: string, fields: Record<string, string | number>, options: V2CallOptions = {}): Promise<V2Reply> {
  const m = merchantOf(cloud);
  const signType = options.signType ?? 'HMAC-SHA256';
  const unsigned: Record<string, string | number> = { appid: m.appid, mch_id: m.mchId, nonce_str: `n${Date.now()}`, ...fields, ...(signType === 'MD5' ? {} : { sign_type: signType }) };
  let signed: Record<string, string | number> = { ...unsigned, sign: signV2(unsigned, m.key, signType) };
  if (options.after) signed = options.after(signed);
  const body = options.rawBody ?? buildV2Xml(signed);
  const material = cloud.sandbox.material;
  const useCert = options.cert ?? path.startsWith('/secapi/');
  const clientCert = useCert === true ? { cert: material.merchant.cert, key: material.merchant.key } : useCert === false ? undefined : useCert;
  return new Promise((resolve, reject) => {
    const url = new URL(`${cloud.sandbox.https.url}${path}`);
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: options.method ?? 'POST', ca: material.ca.cert, ...(clientCert ?? {}), headers: { 'content-type': 'text/xml' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, string> = {};
          try {
            parsed = parseV2Xml(text);
          } catch {
            // not XML (413, 404): the test reads `text`
          }
          resolve({ status: res.statusCode ?? 0, text, fields: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether an answer is signed by the merchant's key with `signType` (the request's). */
export function signedBy(cloud: LocalCloud, fields: Record<string, string>, signType: V2SignType): boolean {
  return verifyV2(fields, merchantOf(cloud).key, signType);
}

export interface Received {
  body: string;
  contentType?: string;
}

/** A notify_url on this machine: records every POST and answers the ACK from the `ackFrom`-th on (FAIL before). */
export class NotifyReceiver {
  readonly received: Received[] = [];
  ackFrom = 1;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'] });
        const ack = this.received.length >= this.ackFrom;
        res.writeHead(ack ? 200 : 500, { 'content-type': 'text/xml' });
        res.end(buildV2Xml({ return_code: ack ? 'SUCCESS' : 'FAIL', return_msg: ack ? 'OK' : 'not yet' }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
    return this;
  }

  reset(ackFrom = 1): void {
    this.received.length = 0;
    this.ackFrom = ackFrom;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let sequence = 0;
export function newNo(prefix: string): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence}`.slice(0, 32);
}
