// Starts a local cloud for a test file and points an in-process, unmodified wx-server-sdk at it.
// Functions are the built bundles (run `npm run build` first; `npm test` does): the product's cloudfunctions/
// and the test-only dist/test-functions/.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { findProjectRoot, startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../emulator/src/local-cloud';

export type { LocalCloud } from '../../emulator/src/local-cloud';
export type WxServerSdk = typeof import('wx-server-sdk');

export const projectRoot = findProjectRoot(__dirname);

export async function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const worker = join(projectRoot, 'dist/local-cloud/worker.js');
  if (!existsSync(worker)) throw new Error('dist/local-cloud/worker.js is missing: run `npm run build` before the tests');
  return startLocalCloud({
    port: 0,
    memory: true,
    log: false,
    timeScale: 0.001,
    functionRoots: [join(projectRoot, 'cloudfunctions'), join(projectRoot, 'dist/test-functions')],
    // One set of test keys for every test file (made at the first, kept in dist/ with the build output).
    pkiDir: options.dataDir ? undefined : join(projectRoot, 'dist'),
    ...options,
  });
}

let sdk: WxServerSdk | undefined;

/**
 * The real wx-server-sdk, talking to `cloud`. The SDK reads TCB_CONTEXT_CNFG on every request, so pointing it at
 * a restarted cloud only needs another call; `cloud.init` runs once per test file (jest isolates modules per file).
 */
export function connectSdk(cloud: LocalCloud, context: { openid?: string } = {}): WxServerSdk {
  process.env.TCB_CONTEXT_CNFG = JSON.stringify({ URL: `${cloud.url}/admin` });
  process.env.TENCENTCLOUD_SECRETID = 'local-cloud';
  process.env.TENCENTCLOUD_SECRETKEY = 'local-cloud';
  process.env.TENCENTCLOUD = 'true';
  process.env.TCB_ENV = cloud.env;
  process.env.SCF_NAMESPACE = cloud.env;
  process.env.SILENCE = 'true';
  if (context.openid) {
    process.env.WX_CONTEXT_KEYS = 'WX_OPENID';
    process.env.WX_OPENID = context.openid;
  }
  if (!sdk) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('wx-server-sdk') as WxServerSdk;
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  }
  return sdk;
}

export interface GatewayReply<T = unknown> {
  status: number;
  body: { result?: T; errCode?: number; code?: string; errMsg?: string };
  calls?: { database: number; pay: number; openapi: number; functions: number };
}

/** What the mini-program's wx.cloud.callFunction would get, through the local cloud's gateway. */
export async function callFunction<T = unknown>(cloud: LocalCloud, name: string, data: unknown, openid?: string): Promise<GatewayReply<T>> {
  const res = await fetch(`${cloud.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify({ data }),
  });
  const calls = res.headers.get('x-local-cloud-calls');
  return { status: res.status, body: (await res.json()) as GatewayReply<T>['body'], calls: calls ? JSON.parse(calls) : undefined };
}

/** GET/POST JSON helpers for the inspection and sandbox control APIs. */
export async function getJson<T = unknown>(cloud: LocalCloud, path: string): Promise<T> {
  const res = await fetch(`${cloud.url}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson<T = unknown>(cloud: LocalCloud, path: string, body: unknown = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${cloud.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A small PNG's bytes (its signature, then filler): what the storage serves as image/png. */
export const TINY_PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);

/** Uploads a file as the mini-program does (wx.cloud.uploadFile as `openid`), answering its fileID. */
export async function uploadAs(cloud: LocalCloud, openid: string, cloudPath: string, content: Buffer = TINY_PNG): Promise<string> {
  const form = new FormData();
  form.append('cloudPath', cloudPath);
  form.append('file', new Blob([content]), 'photo');
  const res = await fetch(`${cloud.url}/storage/client/upload`, { method: 'POST', body: form, headers: { 'x-wx-openid': openid } });
  const body = (await res.json()) as { fileID?: string; errMsg?: string };
  if (!body.fileID) throw new Error(`upload of ${cloudPath} failed: ${res.status} ${body.errMsg ?? ''}`);
  return body.fileID;
}
