// A local cloud with the product's functions and a seeded shop, for the function benchmarks.
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../../emulator/src/local-cloud';
import { DEMO_PRODUCTS, DEMO_SETTINGS, putDocument } from '../../../emulator/src/demo';

export const BENCH_BUYER = 'bench-buyer';
export const BENCH_MERCHANT = 'bench-merchant';

export async function benchShop(projectRoot: string, settings: Record<string, unknown> = {}, storage: { dataDir?: string } = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({
    port: 0,
    ...(storage.dataDir ? { dataDir: storage.dataDir } : { memory: true }),
    log: false,
    timeScale: 0.001,
    autoSettleRefunds: false,
    projectRoot,
    functionRoots: [join(projectRoot, 'cloudfunctions')],
    ...(process.env.BENCH_INSTANCES ? { maxInstancesPerFunction: Number(process.env.BENCH_INSTANCES) } : {}),
  });
  putDocument(cloud, 'settings', { ...DEMO_SETTINGS, merchantOpenids: [BENCH_MERCHANT], ...settings });
  for (const p of DEMO_PRODUCTS) putDocument(cloud, 'products', p);
  for (let i = 0; i < 200; i++) {
    cloud.outbox.grant(BENCH_MERCHANT, [DEMO_SETTINGS.templates.orderPaid.templateId, DEMO_SETTINGS.templates.refundRequested.templateId]);
    cloud.outbox.grant(BENCH_BUYER, [DEMO_SETTINGS.templates.refundResult.templateId]);
  }
  return cloud;
}

export interface GatewayCall {
  result: { ok: boolean; data?: unknown; code?: string; message?: string };
  calls: { database: number; pay: number; openapi: number; functions: number };
  ms: number;
}

export async function gateway(cloud: LocalCloud, name: string, data: unknown, openid: string): Promise<GatewayCall> {
  const started = performance.now();
  const res = await fetch(`${cloud.url}/functions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify({ data }) });
  const body = (await res.json()) as { result?: GatewayCall['result']; errMsg?: string };
  const ms = performance.now() - started;
  if (!body.result) throw new Error(`${name}: ${res.status} ${body.errMsg ?? ''}`);
  if (!body.result.ok) throw new Error(`${name}: ${body.result.code} ${body.result.message}`);
  return { result: body.result, calls: JSON.parse(res.headers.get('x-local-cloud-calls') ?? '{}'), ms };
}

export async function control(cloud: LocalCloud, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${cloud.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}
