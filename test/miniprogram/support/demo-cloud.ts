// Pages against the real functions: the local cloud as `npm start` runs it (`--demo`, in memory, its own process on a
// free port), and a fake `wx` (toasts, dialogs, the page stack, the photo picker) whose requests and uploads go over
// real HTTP to it, in local mode. The page tests' jsdom has no fetch, so this speaks node's http itself.
import { spawn, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import { request } from 'http';
import * as path from 'path';
import { config } from '../../../miniprogram/config';
import type { FakeWx } from './fake-wx';

const CLI = path.resolve(__dirname, '../../../dist/local-cloud/cli.js');

export interface DemoCloud {
  url: string;
  stop(): Promise<void>;
}

/** Starts the demo local cloud (needs `npm run build`); resolves once it listens. */
export function startDemoCloud(): Promise<DemoCloud> {
  const child: ChildProcess = spawn(process.execPath, [CLI, '--memory', '--demo', '--quiet', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  return new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`the local cloud did not start: ${printed}`)), 45_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const url = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
      if (url && printed.includes('functions  ')) {
        clearTimeout(timer);
        resolve({
          url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`the local cloud exited (${code}): ${printed}`)));
  });
}

/** An HTTP exchange with the local cloud. */
export function http(url: string, method: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await http(url, 'GET');
  return JSON.parse(res.text) as T;
}

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void };

/**
 * Points the pages at the cloud as `openid` (local mode), with the fake's requests and uploads sent for real.
 * `picks`: the files the photo picker answers with, in order.
 */
export function actOnCloud(fake: FakeWx, cloud: DemoCloud, openid: string, picks: string[] = []): void {
  config.localCloud = { enabled: true, url: cloud.url, openid };
  fake.user.openid = openid;
  Object.assign(fake.wx, {
    request(opts: { url: string; method?: string; data?: unknown; header?: Record<string, string> } & Callbacks<{ statusCode: number; data: unknown }>) {
      http(opts.url, opts.method ?? 'GET', opts.data === undefined ? undefined : JSON.stringify(opts.data), { 'content-type': 'application/json', ...(opts.header ?? {}) }).then(
        (res) => {
          let data: unknown = res.text;
          try {
            data = JSON.parse(res.text);
          } catch {
            // not JSON: handed over as text, as wx.request does
          }
          opts.success?.({ statusCode: res.statusCode, data });
        },
        (err: Error) => opts.fail?.({ errMsg: `request:fail ${err.message}` }),
      );
    },
    uploadFile(opts: { url: string; filePath: string; name: string; formData?: Record<string, string>; header?: Record<string, string> } & Callbacks<{ statusCode: number; data: string }>) {
      const boundary = `----catalogue${Date.now()}`;
      const parts: Buffer[] = [];
      for (const [key, value] of Object.entries(opts.formData ?? {})) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`));
      parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${opts.name}"; filename="${path.basename(opts.filePath)}"\r\ncontent-type: application/octet-stream\r\n\r\n`));
      parts.push(readFileSync(opts.filePath), Buffer.from(`\r\n--${boundary}--\r\n`));
      http(opts.url, 'POST', Buffer.concat(parts), { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(opts.header ?? {}) }).then(
        (res) => opts.success?.({ statusCode: res.statusCode, data: res.text }),
        (err: Error) => opts.fail?.({ errMsg: `uploadFile:fail ${err.message}` }),
      );
    },
    chooseMedia(opts: { count: number } & Callbacks<{ tempFiles: Array<{ tempFilePath: string; size: number }> }>) {
      const chosen = picks.splice(0, opts.count);
      setTimeout(() => (chosen.length ? opts.success?.({ tempFiles: chosen.map((p) => ({ tempFilePath: p, size: readFileSync(p).length })) }) : opts.fail?.({ errMsg: 'chooseMedia:fail cancel' })), 0);
    },
    setNavigationBarTitle: () => undefined,
  });
}
