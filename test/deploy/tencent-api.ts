// A console operator's hand on the bare local cloud: one signed Tencent Cloud API call, in-process (what someone
// does in the CloudBase console, e.g. set a secret by hand or drop an index), through the same CONNECT tunnel and
// TC3 signature the deploy uses.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { tc3Signature } from '../../emulator/src/control-plane/tc3';

export interface ControlPlaneInfo {
  envId: string;
  secretId: string;
  secretKey: string;
  proxy: string;
  ca: string;
  httpAccess: string;
  merchantEnv: Record<string, string>;
}

export async function controlPlaneInfo(url: string): Promise<ControlPlaneInfo> {
  return (await (await fetch(`${url}/control-plane`)).json()) as ControlPlaneInfo;
}

export async function tencentApi(cp: ControlPlaneInfo, service: 'tcb' | 'scf', action: string, params: Record<string, unknown>, secretKey = cp.secretKey): Promise<Record<string, unknown>> {
  const proxy = new URL(cp.proxy);
  const host = `${service}.tencentcloudapi.com`;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: `${host}:443` });
    req.on('connect', (res, sock) => (res.statusCode === 200 ? resolve(sock) : reject(new Error(`CONNECT answered ${res.statusCode}`))));
    req.on('error', reject);
    req.end();
  });
  const body = JSON.stringify(params);
  const timestamp = Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${createHash('sha256').update(body).digest('hex')}`;
  const signature = tc3Signature(secretKey, service, timestamp, canonical);
  const text = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest(
      {
        host,
        path: '/',
        method: 'POST',
        createConnection: () => tlsConnect({ socket, servername: host, ca: cp.ca }),
        headers: {
          'content-type': 'application/json',
          host,
          'x-tc-action': action,
          'x-tc-timestamp': String(timestamp),
          'x-tc-version': service === 'scf' ? '2018-04-16' : '2018-06-08',
          authorization: `TC3-HMAC-SHA256 Credential=${cp.secretId}/${date}/${service}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const response = (JSON.parse(text) as { Response: Record<string, unknown> & { Error?: { Code: string; Message: string } } }).Response;
  if (response.Error) throw Object.assign(new Error(`${response.Error.Code}: ${response.Error.Message}`), { code: response.Error.Code });
  return response;
}
