// The local WeChat Pay's APIv3, end to end over HTTPS with the product's own APIv3 provider and notify reader on the
// other side: signed requests, verified answers, encrypted signed notifies, in both verification modes, and the
// faults only WeChat can cause (a broken answer signature, probes, replays, forgeries, a key rotation).
import Database from 'better-sqlite3';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpReply, HttpRequest, LocalCloudHost, RouteHandler } from '../../emulator/src/contracts';
import { merchantMaterial, type MerchantMaterial } from '../../emulator/src/pki';
import { Faults } from '../../emulator/src/sandbox/faults';
import { createPayHttpsServer, type PayHttpsServer } from '../../emulator/src/sandbox/https-server';
import { Notifier } from '../../emulator/src/sandbox/notifier';
import { SandboxService } from '../../emulator/src/sandbox/service';
import { SandboxStore } from '../../emulator/src/sandbox/store';
import { createV3Sandbox, installV3Sandbox, type V3Sandbox, type V3VerifyMode } from '../../emulator/src/sandbox/v3';
import { createHttpsClient } from '../../src/providers/https-client';
import { ProviderError, ProviderOutcomeUnknown, type IncomingNotify, type NotifyReading, type PaymentProvider } from '../../src/providers/payment-provider';
import { paySignMessage } from '../../src/providers/wechatpay-v3/formatter';
import { platformKey, VerifierKeys } from '../../src/providers/wechatpay-v3/keys';
import { readV3Notify, v3Answer } from '../../src/providers/wechatpay-v3/notifications';
import { createWechatPayV3Provider } from '../../src/providers/wechatpay-v3/provider';
import { privateKeyFrom, verifyRsa } from '../../src/providers/wechatpay-v3/rsa';
import { httpsTransport } from '../../src/providers/wechatpay-v3/transport';

const MCHID = '1900000109';
const APPID = 'wx5a4d0c1e00v3test';
const BUYER = 'oBuyer_v3_1';
const TIME_SCALE = 0.001;
const noop = () => undefined;

interface Received {
  expected: 'payment' | 'refund';
  reading: NotifyReading;
  status: number;
}

interface World {
  mode: V3VerifyMode;
  material: MerchantMaterial;
  store: SandboxStore;
  service: SandboxService;
  faults: Faults;
  v3: V3Sandbox;
  https: PayHttpsServer;
  receiver: Server;
  receiverUrl: string;
  received: Received[];
  /** The keys the shop holds; a test replaces them to play a shop that has (or has not) taken a new key. */
  shopKeys: VerifierKeys;
  routes: Array<{ method: string; pattern: RegExp; handler: RouteHandler }>;
  notifier: Notifier;
}

function shopKeysFor(v3: V3Sandbox, which: 'current' | 'all'): VerifierKeys {
  const keys = which === 'current' ? [v3.signing.current()] : v3.signing.all();
  return new VerifierKeys(
    keys.map((k) =>
      k.certificatePem ? platformKey(new X509Certificate(k.certificatePem)) : { serial: k.serial, kind: 'publicKey' as const, key: createPublicKey(k.publicKeyPem ?? '') },
    ),
  );
}

async function startWorld(mode: V3VerifyMode): Promise<World> {
  const material = merchantMaterial(MCHID);
  const db = new Database(':memory:');
  const store = new SandboxStore(db);
  const v3 = createV3Sandbox(material, mode);
  const routes: World['routes'] = [];
  const host = {
    port: 1,
    url: 'http://127.0.0.1:1',
    env: 'v3-test',
    timeScale: TIME_SCALE,
    registerAction: noop,
    registerRoute: (method: string, pattern: RegExp, handler: RouteHandler) => routes.push({ method, pattern, handler }),
    log: noop,
  } as unknown as LocalCloudHost;
  const runner = { invoke: async () => ({ ok: false, code: 'FUNCTION_NOT_FOUND', message: 'none', requestId: '', durationMs: 0, calls: { database: 0, pay: 0, openapi: 0, functions: 0 } }) };
  const notifier = new Notifier({
    store,
    runner: runner as never,
    env: 'v3-test',
    now: Date.now,
    timeScale: () => TIME_SCALE,
    ready: () => true,
    log: noop,
    httpProtocols: new Map([['v3', v3.notifyProtocol]]),
  });
  const service = new SandboxService({ store, notifier, now: Date.now, timeScale: () => TIME_SCALE, autoSettleRefunds: () => false, defaultAppid: APPID });
  const faults = new Faults();
  const https = createPayHttpsServer(material, (event, fields) => { if (event.includes('error')) console.error(event, fields); });
  installV3Sandbox(v3, { host, https, service, store, faults, now: Date.now });
  await https.listen(0);

  const world = { mode, material, store, service, faults, v3, https, routes, notifier, received: [] as Received[] } as unknown as World;
  world.shopKeys = shopKeysFor(v3, 'current');
  world.receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const incoming: IncomingNotify = { transport: 'http', method: req.method ?? 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks) };
      const expected = (req.url ?? '').includes('refund') ? 'refund' : 'payment';
      const reading = readV3Notify(incoming, expected, { mchid: MCHID, appid: APPID, apiV3Key: material.v3Key, verifierKeys: world.shopKeys, now: () => new Date() });
      const answer = v3Answer(reading.kind === 'refused' ? { kind: 'refused', reason: reading.reason } : { kind: 'handled' });
      world.received.push({ expected, reading, status: answer.statusCode });
      res.writeHead(answer.statusCode, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => world.receiver.listen(0, '127.0.0.1', resolve));
  world.receiverUrl = `http://127.0.0.1:${(world.receiver.address() as AddressInfo).port}`;
  return world;
}

function provider(world: World, over: { merchantKey?: string; keys?: VerifierKeys } = {}): PaymentProvider {
  return createWechatPayV3Provider({
    mchid: MCHID,
    appid: APPID,
    merchantKey: privateKeyFrom(over.merchantKey ?? world.material.merchant.key),
    merchantSerial: world.material.merchant.serial,
    verifierKeys: over.keys ?? world.shopKeys,
    payNotifyUrl: `${world.receiverUrl}/http/payNotify`,
    refundNotifyUrl: `${world.receiverUrl}/http/refundNotify`,
    transport: httpsTransport(createHttpsClient({ extraCa: [world.material.ca.cert], timeoutMs: 3_000 }), world.https.url),
    now: () => new Date(),
    nonce: () => Math.random().toString(36).slice(2).padEnd(16, 'x'),
  });
}

async function control(world: World, method: string, path: string, body: unknown = {}): Promise<HttpReply> {
  const route = world.routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) throw new Error(`no control route ${method} ${path}`);
  const req: HttpRequest = { method, path, query: new URLSearchParams(), headers: {}, body: Buffer.from(JSON.stringify(body)), params: [] };
  return route.handler(req);
}

let seq = 0;
const tradeNo = () => `V3T${Date.now().toString(36)}${++seq}`;

async function paidOrder(world: World, p: PaymentProvider): Promise<string> {
  const outTradeNo = tradeNo();
  await p.createPayment({ outTradeNo, totalFee: 2400, description: '乌龙茶 ×2', payerOpenid: BUYER, clientIp: '127.0.0.1' });
  const done = await world.service.completePayment(outTradeNo, {}, true);
  if (!done.ok) throw new Error(JSON.stringify(done));
  return outTradeNo;
}

async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['publicKey', 'certificate'] as const)('local WeChat Pay APIv3 (%s mode)', (mode) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(mode);
  });
  afterAll(async () => {
    world.notifier.close();
    await world.https.close();
    await new Promise((resolve) => world.receiver.close(resolve));
  });
  beforeEach(() => {
    world.received.length = 0;
    world.shopKeys = shopKeysFor(world.v3, 'current');
  });

  it('takes a signed JSAPI order and gives a paySign the merchant certificate verifies', async () => {
    const outTradeNo = tradeNo();
    const { payment } = await provider(world).createPayment({ outTradeNo, totalFee: 2400, description: '乌龙茶 ×2', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    expect(payment.signType).toBe('RSA');
    expect(payment.package).toMatch(/^prepay_id=wx/);
    const merchantPublicKey = new X509Certificate(world.material.merchant.cert).publicKey;
    expect(verifyRsa(paySignMessage(APPID, payment.timeStamp, payment.nonceStr, payment.package), payment.paySign, merchantPublicKey)).toBe(true);
    const trade = world.store.trade(outTradeNo);
    expect(trade).toMatchObject({ protocol: 'v3', notifyUrl: `${world.receiverUrl}/http/payNotify`, totalFee: 2400, subMchId: MCHID, subAppid: APPID, subOpenid: BUYER, state: 'NOTPAY' });
    expect(await provider(world).queryPayment(outTradeNo)).toMatchObject({ state: 'NOT_PAID', totalFee: 2400, merchantId: MCHID });
  });

  it('delivers an encrypted, signed TRANSACTION.SUCCESS the shop reads, and stops once answered 204', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    expect(world.received).toEqual([{ expected: 'payment', reading: { kind: 'payment', outTradeNo }, status: 204 }]);
    expect(world.store.notificationsOf('payment', outTradeNo)).toEqual([expect.objectContaining({ protocol: 'v3', status: 'ACKNOWLEDGED', attempts: 1 })]);
    const status = await p.queryPayment(outTradeNo);
    expect(status).toMatchObject({ state: 'PAID', outTradeNo, totalFee: 2400, merchantId: MCHID });
    expect(status.transactionId).toMatch(/^4200/);
    expect(status.paidAt).toBeInstanceOf(Date);
  });

  it('answers 401 SIGN_ERROR to a request signed with another key, and the provider calls it final', async () => {
    const { privateKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const impostor = provider(world, { merchantKey: String(privateKey.export({ type: 'pkcs8', format: 'pem' })) });
    const outTradeNo = tradeNo();
    const err = await impostor.createPayment({ outTradeNo, totalFee: 100, description: 'x', payerOpenid: BUYER, clientIp: '127.0.0.1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'SIGN_ERROR', retryable: false });
    expect(world.store.trade(outTradeNo)).toBeUndefined();
  });

  it('an answer whose signature does not verify is never believed (BAD_SIGNATURE fault)', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    expect((await control(world, 'POST', '/sandbox/v3/faults', { api: 'queryOrder', mode: 'BAD_SIGNATURE' })).status).toBe(200);
    await expect(p.queryPayment(outTradeNo)).rejects.toMatchObject({ code: 'ANSWER_UNVERIFIED', retryable: true });
    await expect(p.queryPayment(outTradeNo)).resolves.toMatchObject({ state: 'PAID' });
    // A refund whose answer cannot be verified may still have happened: outcome unknown, and the ledger says it did.
    await control(world, 'POST', '/sandbox/v3/faults', { api: 'refund', mode: 'BAD_SIGNATURE' });
    const err = await p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderOutcomeUnknown);
    expect(world.store.refund(`${outTradeNo}R1`)).toMatchObject({ refundFee: 100, status: 'PROCESSING' });
    // Repeating the same refund answers the same refund, once.
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 })).resolves.toHaveProperty('providerRefundId');
    expect(world.store.refundsOf(outTradeNo)).toHaveLength(1);
  });

  it('a tampered answer (honestly signed by WeChat) reports what it says, for the flow to check', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    world.faults.arm('queryOrder', 'TAMPERED', 1, { sub_mch_id: '1900000999', total_fee: 1 });
    expect(await p.queryPayment(outTradeNo)).toMatchObject({ merchantId: '1900000999', totalFee: 1 });
  });

  it('refunds: PROCESSING, then REFUND.SUCCESS read by the shop; ABNORMAL for CHANGE; errors by code', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    const outRefundNo = `${outTradeNo}R1`;
    const accepted = await p.refund({ outTradeNo, outRefundNo, totalFee: 2400, refundFee: 1000, reason: '不想要了' });
    expect(accepted.providerRefundId).toMatch(/^503/);
    expect(await p.queryRefund(outRefundNo)).toMatchObject({ state: 'PROCESSING', refundFee: 1000 });
    world.received.length = 0;
    await world.service.settleRefund(outRefundNo, 'SUCCESS', {}, true);
    expect(world.received).toEqual([{ expected: 'refund', reading: { kind: 'refund', outRefundNo }, status: 204 }]);
    expect(await p.queryRefund(outRefundNo)).toMatchObject({ state: 'SUCCEEDED', refundFee: 1000 });

    const second = `${outTradeNo}R2`;
    await p.refund({ outTradeNo, outRefundNo: second, totalFee: 2400, refundFee: 500 });
    await world.service.settleRefund(second, 'CHANGE', {}, true);
    expect(await p.queryRefund(second)).toMatchObject({ state: 'ABNORMAL' });
    expect(world.received.at(-1)).toEqual({ expected: 'refund', reading: { kind: 'refund', outRefundNo: second }, status: 204 });

    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R3`, totalFee: 2400, refundFee: 2000 })).rejects.toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    await expect(p.queryRefund(`${outTradeNo}R9`)).resolves.toEqual({ state: 'NOT_FOUND', outRefundNo: `${outTradeNo}R9` });
    world.faults.arm('refund', 'SYSTEMERROR', 1);
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R4`, totalFee: 2400, refundFee: 1 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
    world.faults.arm('refund', 'NOTENOUGH', 1);
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R4`, totalFee: 2400, refundFee: 1 })).rejects.toMatchObject({ code: 'NOT_ENOUGH', retryable: true });
    expect(world.store.refund(`${outTradeNo}R4`)).toBeUndefined();
  });

  it('closes with 204, says ALREADY_PAID for a paid order, and NOT_FOUND for an unknown one', async () => {
    const p = provider(world);
    const open = tradeNo();
    await p.createPayment({ outTradeNo: open, totalFee: 300, description: '茶', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    await new Promise((r) => setTimeout(r, 5 * 60_000 * TIME_SCALE + 50));
    expect(await p.closePayment(open)).toBe('CLOSED');
    expect(world.store.trade(open)?.state).toBe('CLOSED');
    const paid = await paidOrder(world, p);
    expect(await p.closePayment(paid)).toBe('ALREADY_PAID');
    await expect(p.queryPayment('V3Tnothing')).resolves.toEqual({ state: 'NOT_FOUND', outTradeNo: 'V3Tnothing' });
  });

  it.each([
    ['PROBE', 'SIGNATURE_PROBE'],
    ['STALE', 'STALE'],
    ['FOREIGN_KEY', 'BAD_SIGNATURE'],
  ])('the shop refuses a %s notify with a 4xx', async (fault, code) => {
    const outTradeNo = await paidOrder(world, provider(world));
    world.received.length = 0;
    const reply = await control(world, 'POST', '/sandbox/v3/notify', { outTradeNo, fault });
    expect(reply.body).toMatchObject({ answer: { status: 400 } });
    expect(world.received).toHaveLength(1);
    expect(world.received[0]?.reading).toMatchObject({ kind: 'refused' });
    expect((world.received[0]?.reading as { reason: string }).reason.startsWith(code)).toBe(true);
  });

  it('after a key rotation, notifies signed with the new key are refused until the shop has it, then accepted', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    const oldKeys = world.shopKeys;
    const rotated = await control(world, 'POST', '/sandbox/v3/rotate');
    expect(rotated.status).toBe(200);
    world.received.length = 0;
    world.shopKeys = oldKeys;
    await control(world, 'POST', '/sandbox/v3/notify', { outTradeNo, fault: 'GENUINE' });
    expect(world.received[0]?.reading).toMatchObject({ kind: 'refused' });
    expect((world.received[0]?.reading as { reason: string }).reason).toMatch(/^UNKNOWN_KEY/);
    await expect(provider(world, { keys: oldKeys }).queryPayment(outTradeNo)).rejects.toMatchObject({ code: 'ANSWER_UNVERIFIED' });
    // The shop adds the new key beside the old one (mid-switch both are configured).
    world.shopKeys = shopKeysFor(world.v3, 'all');
    await control(world, 'POST', '/sandbox/v3/notify', { outTradeNo, fault: 'GENUINE' });
    expect(world.received[1]).toEqual({ expected: 'payment', reading: { kind: 'payment', outTradeNo }, status: 204 });
    await expect(provider(world, { keys: world.shopKeys }).queryPayment(outTradeNo)).resolves.toMatchObject({ state: 'PAID' });
  });
});
