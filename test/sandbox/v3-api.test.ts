// The local WeChat Pay's APIv3, end to end: a local cloud playing APIv3 (both verification modes), the product's own
// APIv3 provider calling it over HTTPS, and the product's notify reader behind a notify_url on this machine. Signed
// requests, verified answers, encrypted signed notifies, and what only WeChat can cause: a broken answer signature,
// probes, replays, forgeries, a key rotation.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError, ProviderOutcomeUnknown, type IncomingNotify, type NotifyReading, type PaymentProvider } from '../../src/providers/payment-provider';
import { createHttpsClient } from '../../src/providers/https-client';
import { authorizationHeader, paySignMessage, requestMessage } from '../../src/providers/wechatpay-v3/formatter';
import { VerifierKeys } from '../../src/providers/wechatpay-v3/keys';
import { readV3Notify, v3Answer } from '../../src/providers/wechatpay-v3/notifications';
import { createWechatPayV3Provider } from '../../src/providers/wechatpay-v3/provider';
import { privateKeyFrom, signRsa, verifyRsa } from '../../src/providers/wechatpay-v3/rsa';
import { httpsTransport } from '../../src/providers/wechatpay-v3/transport';
import { getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

const BUYER = 'oBuyer_v3_1';

interface Received {
  expected: 'payment' | 'refund';
  reading: NotifyReading;
  status: number;
}

interface World {
  cloud: LocalCloud;
  receiver: Server;
  receiverUrl: string;
  received: Received[];
  /** The keys the shop's notify reader holds; a test replaces them to play a shop that has (or has not) a new key. */
  shopKeys: VerifierKeys;
  /** The first notify to a `slow` URL is answered after WeChat Pay's 5 seconds. */
  slowServed?: boolean;
}

/** The keys the shop has configured, read from the variables the local cloud gives its functions. */
async function shopKeys(cloud: LocalCloud): Promise<VerifierKeys> {
  const { shop } = await getJson<{ shop: Record<string, string> }>(cloud, '/sandbox/v3/keys');
  return VerifierKeys.from({
    ...(shop.WECHATPAY_PUBLIC_KEY ? { publicKey: { id: shop.WECHATPAY_PUBLIC_KEY_ID ?? '', pem: shop.WECHATPAY_PUBLIC_KEY } } : {}),
    ...(shop.WECHATPAY_PLATFORM_CERTS ? { platformCertificates: shop.WECHATPAY_PLATFORM_CERTS } : {}),
  });
}

async function startWorld(mode: 'publicKey' | 'certificate'): Promise<World> {
  const cloud = await startTestCloud({ pay: 'v3', v3Verify: mode, autoSettleRefunds: false });
  const world = { cloud, received: [] as Received[] } as unknown as World;
  world.shopKeys = await shopKeys(cloud);
  const m = cloud.sandbox.material;
  world.receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if ((req.url ?? '').includes('slow') && !world.slowServed) {
        world.slowServed = true;
        await new Promise((r) => setTimeout(r, 5_500));
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const incoming: IncomingNotify = { transport: 'http', method: req.method ?? 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks) };
      const expected = (req.url ?? '').includes('refund') ? 'refund' : 'payment';
      const reading = readV3Notify(incoming, expected, { mchid: m.mchId, appid: cloud.appid, apiV3Key: m.v3Key, verifierKeys: world.shopKeys, now: () => new Date() });
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

function provider(world: World, over: { merchantKey?: string; keys?: VerifierKeys; payNotifyUrl?: string } = {}): PaymentProvider {
  const m = world.cloud.sandbox.material;
  return createWechatPayV3Provider({
    mchid: m.mchId,
    appid: world.cloud.appid,
    merchantKey: privateKeyFrom(over.merchantKey ?? m.merchant.key),
    merchantSerial: m.merchant.serial,
    verifierKeys: over.keys ?? world.shopKeys,
    payNotifyUrl: over.payNotifyUrl ?? `${world.receiverUrl}/http/payNotify`,
    refundNotifyUrl: `${world.receiverUrl}/http/refundNotify`,
    transport: httpsTransport(createHttpsClient({ extraCa: [m.ca.cert], timeoutMs: 3_000 }), world.cloud.sandbox.https.url),
    now: () => new Date(),
    nonce: () => Math.random().toString(36).slice(2).padEnd(16, 'x'),
  });
}

const control = <T = Record<string, unknown>>(world: World, path: string, body: unknown = {}) => postJson<T>(world.cloud, path, body);

let seq = 0;
const tradeNo = () => `V3T${Date.now().toString(36)}${++seq}`;

async function paidOrder(world: World, p: PaymentProvider): Promise<string> {
  const outTradeNo = tradeNo();
  await p.createPayment({ outTradeNo, totalFee: 2400, description: '乌龙茶 ×2', payerOpenid: BUYER, clientIp: '127.0.0.1' });
  const done = await control(world, `/sandbox/payments/${outTradeNo}/complete`, {});
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  return outTradeNo;
}

const trade = (world: World, no: string) => getJson<Record<string, unknown>>(world.cloud, `/sandbox/payments/${no}`);
const refundOf = (world: World, no: string) => fetch(`${world.cloud.url}/sandbox/refunds/${no}`).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

describe.each(['publicKey', 'certificate'] as const)('local WeChat Pay APIv3 (%s mode)', (mode) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(mode);
  });
  afterAll(async () => {
    await world.cloud.close();
    await new Promise((resolve) => world.receiver.close(resolve));
  });
  beforeEach(async () => {
    world.received.length = 0;
    world.shopKeys = await shopKeys(world.cloud);
  });

  it('takes a signed JSAPI order and gives a paySign the merchant certificate verifies', async () => {
    const m = world.cloud.sandbox.material;
    const outTradeNo = tradeNo();
    const { payment } = await provider(world).createPayment({ outTradeNo, totalFee: 2400, description: '乌龙茶 ×2', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    expect(payment.signType).toBe('RSA');
    expect(payment.package).toMatch(/^prepay_id=wx/);
    const merchantPublicKey = new X509Certificate(m.merchant.cert).publicKey;
    expect(verifyRsa(paySignMessage(world.cloud.appid, payment.timeStamp, payment.nonceStr, payment.package), payment.paySign, merchantPublicKey)).toBe(true);
    expect(await trade(world, outTradeNo)).toMatchObject({ protocol: 'v3', notifyUrl: `${world.receiverUrl}/http/payNotify`, totalFee: 2400, subMchId: m.mchId, subOpenid: BUYER, tradeState: 'NOTPAY' });
    expect(await provider(world).queryPayment(outTradeNo)).toMatchObject({ state: 'NOT_PAID', totalFee: 2400, merchantId: m.mchId });
  });

  it('delivers an encrypted, signed TRANSACTION.SUCCESS the shop reads, and stops once answered 204', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    expect(world.received).toEqual([{ expected: 'payment', reading: { kind: 'payment', outTradeNo }, status: 204 }]);
    expect((await trade(world, outTradeNo)).notifications).toEqual([expect.objectContaining({ protocol: 'v3', status: 'ACKNOWLEDGED', attempts: 1 })]);
    const status = await p.queryPayment(outTradeNo);
    expect(status).toMatchObject({ state: 'PAID', outTradeNo, totalFee: 2400, merchantId: world.cloud.sandbox.material.mchId });
    expect(status.transactionId).toMatch(/^4200/);
    expect(status.paidAt).toBeInstanceOf(Date);
  });

  it('keeps delivering on the schedule until the shop answers 2xx', async () => {
    const p = provider(world);
    const keys = world.shopKeys;
    world.shopKeys = new VerifierKeys([]); // the shop cannot verify anything yet: every attempt is answered 400
    const outTradeNo = await paidOrder(world, p);
    expect(world.received[0]).toMatchObject({ status: 400, reading: { kind: 'refused' } });
    world.shopKeys = keys;
    await eventually(async () => ((await trade(world, outTradeNo)).notifications as Array<{ status: string }>)[0]?.status === 'ACKNOWLEDGED');
    const n = ((await trade(world, outTradeNo)).notifications as Array<{ attempts: number }>)[0];
    expect(n?.attempts).toBeGreaterThan(1);
    expect(world.received.filter((r) => r.status === 204)).toHaveLength(1);
  });

  it('counts an answer later than 5 seconds as failed, and delivers again', async () => {
    if (mode !== 'publicKey') return; // the same notifier in both modes; spend the 5 seconds once
    const p = provider(world, { payNotifyUrl: `${world.receiverUrl}/http/slow/payNotify` });
    const outTradeNo = tradeNo();
    await p.createPayment({ outTradeNo, totalFee: 100, description: '茶', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    expect((await control(world, `/sandbox/payments/${outTradeNo}/complete`, {})).status).toBe(200);
    await eventually(async () => ((await trade(world, outTradeNo)).notifications as Array<{ status: string }>)[0]?.status === 'ACKNOWLEDGED', 10_000);
    const deliveries = ((await trade(world, outTradeNo)).notifications as Array<{ deliveries: Array<{ outcome: string; detail: string }> }>)[0]!.deliveries;
    expect(deliveries[0]).toMatchObject({ outcome: 'TIMEOUT', detail: expect.stringContaining('5000 ms') });
    expect(deliveries.at(-1)).toMatchObject({ outcome: 'ACKNOWLEDGED' });
  }, 20_000);

  it('answers 401 SIGN_ERROR to a request signed with another key, and the provider calls it final', async () => {
    const impostor = provider(world, { merchantKey: String(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })) });
    const outTradeNo = tradeNo();
    const err = await impostor.createPayment({ outTradeNo, totalFee: 100, description: 'x', payerOpenid: BUYER, clientIp: '127.0.0.1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'SIGN_ERROR', retryable: false });
    expect((await fetch(`${world.cloud.url}/sandbox/payments/${outTradeNo}`)).status).toBe(404);
  });

  it('refuses with 401 SIGN_ERROR a body changed after signing, a stale timestamp, and another certificate serial', async () => {
    const m = world.cloud.sandbox.material;
    const client = createHttpsClient({ extraCa: [m.ca.cert] });
    const send = async (change: { body?: string; ageSeconds?: number; serial?: string }) => {
      const signedBody = JSON.stringify({ mchid: m.mchId });
      const timestamp = String(Math.floor(Date.now() / 1000) - (change.ageSeconds ?? 0));
      const path = `/v3/pay/transactions/out-trade-no/${tradeNo()}/close`;
      const signature = signRsa(requestMessage('POST', path, timestamp, 'n0nce', signedBody), privateKeyFrom(m.merchant.key));
      const authorization = authorizationHeader({ mchid: m.mchId, nonce: 'n0nce', timestamp, serial: change.serial ?? m.merchant.serial, signature });
      const res = await client.send({ method: 'POST', url: `${world.cloud.sandbox.https.url}${path}`, headers: { authorization, 'content-type': 'application/json' }, body: change.body ?? signedBody, label: 'test' });
      return { status: res.status, body: JSON.parse(res.body.toString() || '{}') as Record<string, unknown> };
    };
    expect((await send({})).body).toMatchObject({ code: 'ORDER_NOT_EXIST' });
    expect(await send({ body: JSON.stringify({ mchid: m.mchId }, null, 1) })).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
    expect(await send({ ageSeconds: 600 })).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
    expect(await send({ serial: '0123456789ABCDEF0123456789ABCDEF01234567' })).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
  });

  it('GET /sandbox/merchant shows the APIv3 material of this mode', async () => {
    const merchant = await getJson<{ v3: Record<string, string>; baseUrl: string; merchantCert: string }>(world.cloud, '/sandbox/merchant');
    expect(merchant.v3).toMatchObject({ verify: mode, apiV3Key: world.cloud.sandbox.material.v3Key, merchantSerial: world.cloud.sandbox.material.merchant.serial });
    if (mode === 'publicKey') expect(merchant.v3).toMatchObject({ publicKeyId: expect.stringMatching(/^PUB_KEY_ID_/), publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    else expect(merchant.v3.platformCertificates).toContain('BEGIN CERTIFICATE');
    expect(merchant.baseUrl).toBe(world.cloud.sandbox.https.url);
  });

  it('an answer whose signature does not verify is never believed (BAD_SIGNATURE fault)', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    expect((await control(world, '/sandbox/faults', { api: 'queryOrder', mode: 'BAD_SIGNATURE' })).status).toBe(200);
    await expect(p.queryPayment(outTradeNo)).rejects.toMatchObject({ code: 'ANSWER_UNVERIFIED', retryable: true });
    await expect(p.queryPayment(outTradeNo)).resolves.toMatchObject({ state: 'PAID' });
    // A refund whose answer cannot be verified may still have happened: outcome unknown, and the ledger says it did.
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'BAD_SIGNATURE' });
    const err = await p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderOutcomeUnknown);
    expect((await refundOf(world, `${outTradeNo}R1`)).body).toMatchObject({ refundFee: 100, refundStatus: 'PROCESSING' });
    // Repeating the same refund answers the same refund, once.
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 })).resolves.toHaveProperty('providerRefundId');
    expect((await trade(world, outTradeNo)).refunds).toHaveLength(1);
  });

  it('a tampered answer (signed as WeChat signs) reports what it says, for the flow to check', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    await control(world, '/sandbox/faults', { api: 'queryOrder', mode: 'TAMPERED', patch: { sub_mch_id: '1900000999', total_fee: 1 } });
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
    await control(world, `/sandbox/refunds/${outRefundNo}/settle`, { status: 'SUCCESS' });
    expect(world.received).toEqual([{ expected: 'refund', reading: { kind: 'refund', outRefundNo }, status: 204 }]);
    expect(await p.queryRefund(outRefundNo)).toMatchObject({ state: 'SUCCEEDED', refundFee: 1000 });

    const second = `${outTradeNo}R2`;
    await p.refund({ outTradeNo, outRefundNo: second, totalFee: 2400, refundFee: 500 });
    await control(world, `/sandbox/refunds/${second}/settle`, { status: 'CHANGE' });
    expect(await p.queryRefund(second)).toMatchObject({ state: 'ABNORMAL' });
    expect(world.received.at(-1)).toEqual({ expected: 'refund', reading: { kind: 'refund', outRefundNo: second }, status: 204 });
    const third = `${outTradeNo}R3`;
    await p.refund({ outTradeNo, outRefundNo: third, totalFee: 2400, refundFee: 100 });
    await control(world, `/sandbox/refunds/${third}/settle`, { status: 'REFUNDCLOSE' });
    expect(await p.queryRefund(third)).toMatchObject({ state: 'FAILED' });
    expect(world.received.at(-1)).toEqual({ expected: 'refund', reading: { kind: 'refund', outRefundNo: third }, status: 204 });

    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R4`, totalFee: 2400, refundFee: 2000 })).rejects.toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    await expect(p.queryRefund(`${outTradeNo}R9`)).resolves.toEqual({ state: 'NOT_FOUND', outRefundNo: `${outTradeNo}R9` });
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'SYSTEMERROR' });
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R5`, totalFee: 2400, refundFee: 1 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'NOTENOUGH' });
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R5`, totalFee: 2400, refundFee: 1 })).rejects.toMatchObject({ code: 'NOT_ENOUGH', retryable: true });
    expect((await refundOf(world, `${outTradeNo}R5`)).status).toBe(404);
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'TIMEOUT_AFTER_ACTING' });
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R5`, totalFee: 2400, refundFee: 1 })).rejects.toBeInstanceOf(ProviderOutcomeUnknown);
    expect((await refundOf(world, `${outTradeNo}R5`)).body).toMatchObject({ refundFee: 1, refundStatus: 'PROCESSING' });
  });

  it('closes with 204 at once (APIv3 has no 5-minute rule), says ALREADY_PAID for a paid order, and NOT_FOUND for an unknown one', async () => {
    const p = provider(world);
    const open = tradeNo();
    await p.createPayment({ outTradeNo: open, totalFee: 300, description: '茶', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    expect(await p.closePayment(open)).toBe('CLOSED');
    expect(await trade(world, open)).toMatchObject({ tradeState: 'CLOSED' });
    expect(await p.closePayment(open)).toBe('CLOSED');
    const paid = await paidOrder(world, p);
    expect(await p.closePayment(paid)).toBe('ALREADY_PAID');
    await expect(p.queryPayment('V3Tnothing')).resolves.toEqual({ state: 'NOT_FOUND', outTradeNo: 'V3Tnothing' });
  });

  it('does not close an order the buyer is paying: 202 USER_PAYING is no close, and the buyer can still pay', async () => {
    const p = provider(world);
    const outTradeNo = tradeNo();
    await p.createPayment({ outTradeNo, totalFee: 300, description: '茶', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    expect((await control(world, `/sandbox/payments/${outTradeNo}/state`, { tradeState: 'USERPAYING' })).status).toBe(200);
    await expect(p.closePayment(outTradeNo)).rejects.toMatchObject({ code: 'USER_PAYING', retryable: true });
    expect(await trade(world, outTradeNo)).toMatchObject({ tradeState: 'USERPAYING' });
    expect((await control(world, `/sandbox/payments/${outTradeNo}/complete`, {})).status).toBe(200);
    expect(await p.closePayment(outTradeNo)).toBe('ALREADY_PAID');
  });

  it('answers a refund of an order it does not know, or that is not paid, with 404 RESOURCE_NOT_EXISTS', async () => {
    const p = provider(world);
    await expect(p.refund({ outTradeNo: 'V3Tnobody', outRefundNo: 'V3TnobodyR1', totalFee: 100, refundFee: 100 })).rejects.toMatchObject({ code: 'RESOURCE_NOT_EXISTS', retryable: false });
    const unpaid = tradeNo();
    await p.createPayment({ outTradeNo: unpaid, totalFee: 300, description: '茶', payerOpenid: BUYER, clientIp: '127.0.0.1' });
    await expect(p.refund({ outTradeNo: unpaid, outRefundNo: `${unpaid}R1`, totalFee: 300, refundFee: 300 })).rejects.toMatchObject({ code: 'RESOURCE_NOT_EXISTS', retryable: false });
  });

  it('can answer FREQUENCY_LIMITED (429, try later) and, for refunds, USER_ACCOUNT_ABNORMAL (a final no)', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    await control(world, '/sandbox/faults', { api: 'queryOrder', mode: 'FREQUENCY_LIMITED' });
    await expect(p.queryPayment(outTradeNo)).rejects.toMatchObject({ code: 'FREQUENCY_LIMITED', retryable: true });
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'FREQUENCY_LIMITED' });
    await expect(p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 })).rejects.toMatchObject({ code: 'FREQUENCY_LIMITED', retryable: true });
    await control(world, '/sandbox/faults', { api: 'refund', mode: 'USER_ACCOUNT_ABNORMAL' });
    const refused = p.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 2400, refundFee: 100 });
    await expect(refused).rejects.toMatchObject({ code: 'USER_ACCOUNT_ABNORMAL', retryable: false });
    await expect(refused).rejects.not.toBeInstanceOf(ProviderOutcomeUnknown);
    expect((await refundOf(world, `${outTradeNo}R1`)).status).toBe(404);
    expect((await control(world, '/sandbox/faults', { api: 'queryOrder', mode: 'USER_ACCOUNT_ABNORMAL' })).status).toBe(400);
  });

  it.each([
    ['PROBE', 'SIGNATURE_PROBE'],
    ['STALE', 'STALE'],
    ['FOREIGN_KEY', 'BAD_SIGNATURE'],
    ['UNKNOWN_SERIAL', 'UNKNOWN_KEY'],
    ['RESERIALISED', 'BAD_SIGNATURE'],
    ['WRONG_MCHID', 'the resource is for another merchant'],
    ['WRONG_APPID', 'the resource is for another appid'],
  ])('the shop refuses a %s notify with a 4xx', async (forgery, why) => {
    const outTradeNo = await paidOrder(world, provider(world));
    world.received.length = 0;
    const reply = await control(world, `/sandbox/payments/${outTradeNo}/forge`, { forgery });
    expect(reply.body).toMatchObject({ status: 400, acknowledged: false });
    expect(world.received).toHaveLength(1);
    expect(world.received[0]?.reading).toMatchObject({ kind: 'refused' });
    expect((world.received[0]?.reading as { reason: string }).reason.startsWith(why)).toBe(true);
  });

  it('after a key rotation, what the new key signs is refused until the shop has it, then accepted', async () => {
    const p = provider(world);
    const outTradeNo = await paidOrder(world, p);
    const before = await getJson<{ current: string }>(world.cloud, '/sandbox/v3/keys');
    const rotated = await control<{ current: { serial: string } }>(world, '/sandbox/v3/rotate');
    expect(rotated.body.current.serial).not.toBe(before.current);
    world.received.length = 0;
    await control(world, `/sandbox/payments/${outTradeNo}/notify`, {});
    expect(world.received[0]?.reading).toMatchObject({ kind: 'refused' });
    expect((world.received[0]?.reading as { reason: string }).reason).toMatch(/^UNKNOWN_KEY/);
    await expect(p.queryPayment(outTradeNo)).rejects.toMatchObject({ code: 'ANSWER_UNVERIFIED' });
    // The merchant configures the new key (public-key mode: instead of the old one; certificate mode: beside it).
    await control(world, '/sandbox/v3/keys/install');
    world.shopKeys = await shopKeys(world.cloud);
    expect(world.shopKeys.serials()).toContain(rotated.body.current.serial);
    await eventually(async () => world.received.some((r) => r.status === 204));
    expect(world.received.filter((r) => r.status === 204)).toEqual([{ expected: 'payment', reading: { kind: 'payment', outTradeNo }, status: 204 }]);
    await expect(provider(world).queryPayment(outTradeNo)).resolves.toMatchObject({ state: 'PAID' });
  });
});

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
