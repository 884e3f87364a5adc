// A shop on the local cloud for function tests: the built functions, the real SDK inside them, the pay sandbox and
// the outbox. Tests act as the buyer (gateway + sandbox control API) and read the database and outbox like a user.
// Every suite runs once per payment provider (PROVIDERS): the same behaviour, whatever protocol takes the money.
import { join } from 'node:path';
import type { ApplyRefundData, Fail, Ok, OrderDetail, PayData, Result } from '../../typings/api';
import { DEMO_PRODUCTS, DEMO_SETTINGS, paySettings, putDocument } from '../../emulator/src/demo';
import { callFunction, getJson, postJson, projectRoot, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

export const BUYER = 'buyer-alice';
export const OTHER_BUYER = 'buyer-bob';
export const MERCHANT = 'merchant-mia';
export const MERCHANT_2 = 'merchant-max';
export const TEMPLATES = {
  orderPaid: DEMO_SETTINGS.templates.orderPaid.templateId,
  refundRequested: DEMO_SETTINGS.templates.refundRequested.templateId,
  refundResult: DEMO_SETTINGS.templates.refundResult.templateId,
  orderShipped: DEMO_SETTINGS.templates.orderShipped.templateId,
};
export const TEA = DEMO_PRODUCTS[0]; // 6800 fen
export const CUP = DEMO_PRODUCTS[2]; // 1990 fen

/** A payment provider the shop can be set to, and how the local cloud plays it. */
export interface ShopProvider {
  label: string;
  pay: 'cloudpay' | 'v2' | 'v3';
  v3Verify?: 'publicKey' | 'certificate';
}

/** Every provider the function suites run against; adding one is one line. */
export const PROVIDERS: readonly ShopProvider[] = [
  { label: 'cloudpay', pay: 'cloudpay' },
  { label: 'v2', pay: 'v2' },
  { label: 'v3 (public key)', pay: 'v3', v3Verify: 'publicKey' },
  { label: 'v3 (platform certificate)', pay: 'v3', v3Verify: 'certificate' },
];

/** The demo merchant as the local WeChat Pay knows it (GET /sandbox/merchant); keys made on this machine. */
export interface SandboxMerchant {
  provider: string;
  appid: string;
  mchId: string;
  baseUrl: string;
  caCert: string;
  merchantCert: string;
  merchantKey: string;
  v2: { key: string; signType: 'MD5' | 'HMAC-SHA256' };
  [more: string]: unknown;
}

export interface FunctionLog {
  fn: string;
  level?: string;
  event?: string;
  [field: string]: unknown;
}

export interface Shop {
  cloud: LocalCloud;
  provider: ShopProvider;
  merchant(): Promise<SandboxMerchant>;
  /**
   * The functions' structured log lines (JSON written by src/server/logger.ts) with the function's name, waiting up
   * to `waitMs` for one that matches: output reaches the local cloud a moment after the answer.
   */
  logs(match?: (line: FunctionLog) => boolean, waitMs?: number): Promise<FunctionLog[]>;
  /** POST to a function's HTTP access path, as WeChat Pay (or anyone on the internet) would. */
  post(functionName: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  call<T = unknown>(name: string, data: unknown, openid?: string): Promise<Result<T>>;
  ok<T = unknown>(name: string, data: unknown, openid?: string): Promise<T>;
  docs<T = Record<string, unknown>>(collection: string): Promise<T[]>;
  doc<T = Record<string, unknown>>(collection: string, id: string): Promise<T | undefined>;
  sent(filter?: { touser?: string; templateId?: string; status?: string }): Promise<Array<{ touser: string; templateId: string; status: string; data: Record<string, string> }>>;
  order(orderId: string, openid?: string): Promise<OrderDetail>;
  placeOrder(items?: Array<{ productId: string; quantity: number; skuId?: string }>, buyer?: string): Promise<PayData>;
  complete(orderId: string, plan?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  paidOrder(items?: Array<{ productId: string; quantity: number; skuId?: string }>, buyer?: string): Promise<string>;
  reconcile(): Promise<unknown>;
  invoke(name: string, event: unknown, source?: 'wx_pay' | 'wx_trigger' | 'wx_client'): Promise<unknown>;
  fault(api: string, mode: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openShop(
  options: {
    provider?: ShopProvider;
    settings?: Record<string, unknown>;
    autoSettleRefunds?: boolean;
    grants?: number;
    /** Instances each function may run at once (the local cloud's default is one per core, at least 2). */
    instances?: number;
    /** Keep the data in this directory (a restarted shop on the same data), on this port (notify URLs stay valid). */
    dataDir?: string;
    port?: number;
    /** How the local cloud sends WeChat's message push to wxPush (default safe). */
    pushMode?: 'safe' | 'plain';
    /** Where the built functions are read from (default the project's cloudfunctions/ and dist/test-functions/). */
    functionRoots?: string[];
    /** More environment variables for every function instance. */
    functionEnv?: Record<string, string>;
  } = {},
): Promise<Shop> {
  const provider = options.provider ?? PROVIDERS[0]!;
  const logged: FunctionLog[] = [];
  const collect = (line: Record<string, unknown>) => {
    if (line.event !== 'function.output' || typeof line.line !== 'string') return;
    try {
      const parsed = JSON.parse(line.line) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object') logged.push({ ...parsed, fn: String(line.name) });
    } catch {
      // not one of our structured lines
    }
  };
  const cloud = await startTestCloud({
    autoSettleRefunds: options.autoSettleRefunds ?? true,
    pay: provider.pay,
    ...(provider.v3Verify ? { v3Verify: provider.v3Verify } : {}),
    log: collect,
    ...(options.instances ? { maxInstancesPerFunction: options.instances } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir, memory: false, pkiDir: join(projectRoot, 'dist') } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.pushMode ? { pushMode: options.pushMode } : {}),
    ...(options.functionRoots ? { functionRoots: options.functionRoots } : {}),
    ...(options.functionEnv ? { functionEnv: options.functionEnv } : {}),
  });
  // Restarted on the same port: the first request may still go out on a kept-alive connection to the stopped cloud.
  const merchant = await getJson<SandboxMerchant>(cloud, '/sandbox/merchant').catch(() => getJson<SandboxMerchant>(cloud, '/sandbox/merchant'));
  putDocument(cloud, 'settings', { ...DEMO_SETTINGS, merchantOpenids: [MERCHANT, MERCHANT_2], ...paySettings(provider.pay, cloud.url, merchant.appid), ...options.settings });
  for (const p of DEMO_PRODUCTS) putDocument(cloud, 'products', p);
  putDocument(cloud, 'products', { _id: 'retired', name: '停售商品', price: 100, active: false, sort: 9 });
  putDocument(cloud, 'products', { _id: 'gold-teapot', name: '金茶壶', price: 60_000_000, active: true, sort: 10 });
  const grants = options.grants ?? 5;
  for (let i = 0; i < grants; i++) {
    for (const m of [MERCHANT, MERCHANT_2]) cloud.outbox.grant(m, [TEMPLATES.orderPaid, TEMPLATES.refundRequested]);
    for (const b of [BUYER, OTHER_BUYER]) cloud.outbox.grant(b, [TEMPLATES.refundResult, TEMPLATES.orderShipped]);
  }

  const call = async <T>(name: string, data: unknown, openid?: string): Promise<Result<T>> => {
    const reply = await callFunction<Result<T>>(cloud, name, data, openid);
    if (reply.status !== 200 || !reply.body.result) throw new Error(`${name} failed at the gateway: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.result;
  };
  const ok = async <T>(name: string, data: unknown, openid = BUYER): Promise<T> => {
    const result = await call<T>(name, data, openid);
    if (!result.ok) throw new Error(`${name} ${JSON.stringify(data)} answered ${result.code}: ${result.message}`);
    return (result as Ok<T>).data;
  };
  const docs = async <T>(collection: string): Promise<T[]> => {
    const page = await getJson<{ documents: T[] }>(cloud, `/db/${collection}?limit=1000`);
    return page.documents;
  };
  const shop: Shop = {
    cloud,
    provider,
    merchant: async () => merchant,
    logs: async (match = () => true, waitMs = 2000) => {
      const until = Date.now() + waitMs;
      while (!logged.some(match) && Date.now() < until) await sleep(20);
      return logged.filter(match);
    },
    post: async (functionName, body, headers = { 'content-type': 'text/xml' }) => {
      const res = await fetch(`${cloud.url}/http/${functionName}`, { method: 'POST', headers, body });
      return { status: res.status, text: await res.text() };
    },
    call,
    ok,
    docs,
    doc: async <T>(collection: string, id: string) => (await docs<T & { _id: string }>(collection)).find((d) => d._id === id),
    sent: async (filter = {}) => {
      const q = new URLSearchParams({ limit: '500', ...filter });
      return (await getJson<{ messages: Array<{ touser: string; templateId: string; status: string; data: Record<string, string> }> }>(cloud, `/sandbox/messages?${q}`)).messages;
    },
    order: (orderId, openid = BUYER) => ok<OrderDetail>('orders', { action: 'get', orderId }, openid),
    placeOrder: (items = [{ productId: TEA._id, quantity: 1 }], buyer = BUYER) => ok<PayData>('pay', { items }, buyer),
    complete: async (orderId, plan = {}) => postJson<Record<string, unknown>>(cloud, `/sandbox/payments/${orderId}/complete`, plan),
    paidOrder: async (items, buyer = BUYER) => {
      const { orderId } = await shop.placeOrder(items, buyer);
      const done = await shop.complete(orderId);
      if (done.status !== 200) throw new Error(`could not pay ${orderId}: ${JSON.stringify(done.body)}`);
      return orderId;
    },
    invoke: async (name, event, source = 'wx_trigger') => {
      const outcome = await cloud.runner.invoke({ name, event, source });
      if (!outcome.ok) throw new Error(`${name} failed: ${outcome.code} ${outcome.message}`);
      return outcome.result;
    },
    reconcile: () => shop.invoke('reconcile', { Type: 'Timer', TriggerName: 'reconcileEveryFiveMinutes', Time: new Date().toISOString() }),
    fault: async (api, mode, count = 1) => {
      const r = await postJson(cloud, '/sandbox/faults', { api, mode, count });
      if (r.status !== 200) throw new Error(`could not arm ${mode} on ${api}: ${JSON.stringify(r.body)}`);
    },
    close: () => cloud.close(),
  };
  return shop;
}

export function failure(result: Result<unknown>): Fail {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return result;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProviderTrade {
  tradeState: string;
  totalFee: number;
  refunds: Array<{ outRefundNo: string; refundStatus: string; refundFee: number }>;
}

/** What WeChat Pay (the sandbox) holds for a trade: the money side of every assertion. */
export async function providerTrade(shop: Shop, orderId: string): Promise<ProviderTrade> {
  return getJson<ProviderTrade>(shop.cloud, `/sandbox/payments/${orderId}`);
}

export async function settleAtProvider(shop: Shop, refundId: string, body: Record<string, unknown> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return postJson<Record<string, unknown>>(shop.cloud, `/sandbox/refunds/${refundId}/settle`, { status: 'SUCCESS', ...body });
}

/** A paid order (one cup) whose refund the merchant approved, PROCESSING at WeChat Pay: for a shop that does not settle refunds by itself. */
export async function processingRefund(shop: Shop): Promise<{ orderId: string; refundId: string }> {
  const orderId = await shop.paidOrder([{ productId: CUP._id, quantity: 1 }]);
  const { refundId } = await shop.ok<ApplyRefundData>('applyRefund', { orderId, reason: '不想要了' });
  expect((await shop.call('approveRefund', { refundId, action: 'approve' }, MERCHANT)).ok).toBe(true);
  expect((await shop.doc<{ status: string }>('refunds', refundId))?.status).toBe('PROCESSING');
  return { orderId, refundId };
}

/** An order's money as the database holds it. */
export interface Ledger {
  status: string;
  totalFee: number;
  refundedFee: number;
  refundingFee: number;
  openRefundId: string | null;
}

/** The order's money, checked for the invariant that must hold whatever happened: nothing negative, never more out than paid. */
export async function orderLedger(shop: Shop, orderId: string): Promise<Ledger> {
  const o = await shop.doc<Ledger>('orders', orderId);
  if (!o) throw new Error(`no order ${orderId}`);
  expect(o.refundedFee).toBeGreaterThanOrEqual(0);
  expect(o.refundingFee).toBeGreaterThanOrEqual(0);
  expect(o.refundedFee + o.refundingFee).toBeLessThanOrEqual(o.totalFee);
  return o;
}
