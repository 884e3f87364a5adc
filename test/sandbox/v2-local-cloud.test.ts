// The local cloud around APIv2: its keys and certificates (made once, kept with the data), the WECHATPAY_*
// variables every function gets, HTTP access to functions at /http/<name>, and the --pay option.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { parseArgs } from '../../emulator/src/cli';
import { generateMaterial } from '../../emulator/src/pki';
import { bareBase64 } from '../../emulator/src/sandbox/function-env';
import { callFunction, getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { eventually } from './support';
import { newNo, NotifyReceiver, v2Call } from './v2-support';

jest.setTimeout(60_000);

describe('merchant material', () => {
  it('is made once and kept with the data, readable by its owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-cloud-pki-'));
    try {
      const first = await startTestCloud({ memory: false, dataDir: dir });
      const material = first.sandbox.material;
      await first.close();
      const file = join(dir, 'pki.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = await startTestCloud({ memory: false, dataDir: dir });
      expect(second.sandbox.material.v2Key).toBe(material.v2Key);
      expect(second.sandbox.material.merchant.serial).toBe(material.merchant.serial);
      await second.close();
      expect(JSON.parse(readFileSync(file, 'utf8')).ca.cert).toBe(material.ca.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds certificates that parse, chain to the CA and carry the keys they claim', () => {
    const m = generateMaterial('1900000109');
    const ca = new X509Certificate(m.ca.cert);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const server = new X509Certificate(m.server.cert);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    const merchant = new X509Certificate(m.merchant.cert);
    expect(merchant.checkIssued(ca)).toBe(true);
    expect(merchant.serialNumber.toUpperCase()).toBe(m.merchant.serial);
    expect(merchant.publicKey.equals(createPublicKey(m.merchant.key))).toBe(true);
    const platform = new X509Certificate(m.platform.cert);
    expect(platform.serialNumber.toUpperCase()).toBe(m.platform.serial);
    expect(m.wechatpay.publicKeyId).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(m.v2Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(m.v3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateMaterial('1900000109').v2Key).not.toBe(m.v2Key);
  });
});

describe('APIv2 notifies across a restart', () => {
  it('resumes a pending notify to notify_url, in APIv2, after the local cloud starts again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-cloud-v2-'));
    const receiver = await new NotifyReceiver().start();
    try {
      receiver.reset(1000); // never acknowledges while the first cloud runs
      const first = await startTestCloud({ memory: false, dataDir: dir, timeScale: 0.01 });
      const no = newNo('V2RS');
      const order = { body: 'tea', out_trade_no: no, total_fee: 100, spbill_create_ip: '127.0.0.1', notify_url: receiver.url, trade_type: 'JSAPI', openid: 'oBuyer_restart' };
      expect((await v2Call(first, '/pay/unifiedorder', order)).fields.result_code).toBe('SUCCESS');
      await postJson(first, `/sandbox/payments/${no}/complete`, {});
      await first.close();
      const seen = receiver.received.length;
      expect(seen).toBeGreaterThanOrEqual(1);
      receiver.reset(1);
      const second = await startTestCloud({ memory: false, dataDir: dir, timeScale: 0.01 });
      try {
        const view = await eventually(
          () => getJson<{ notifications: Array<{ status: string; protocol: string; attempts: number }> }>(second, `/sandbox/payments/${no}`),
          (v) => v.notifications[0]?.status === 'ACKNOWLEDGED',
        );
        expect(view.notifications[0]).toMatchObject({ protocol: 'v2', attempts: seen + 1 });
        expect(receiver.received[0].body).toContain(`<out_trade_no><![CDATA[${no}]]></out_trade_no>`);
      } finally {
        await second.close();
      }
    } finally {
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('with a running local cloud', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ pay: 'v2', httpAccess: ['runner-http', 'runner-env'] });
  });
  afterAll(() => cloud.close());

  it('gives every function the WECHATPAY_* variables, pointing at the local HTTPS endpoint and trusting its CA', async () => {
    const reply = await callFunction<{ env: Record<string, string> }>(cloud, 'runner-env', {}, 'oEnvReader');
    expect(reply.status).toBe(200);
    const env = reply.body.result?.env ?? {};
    const m = cloud.sandbox.material;
    expect(env).toMatchObject({
      WECHATPAY_BASE_URL: cloud.sandbox.https.url,
      WECHATPAY_CA_CERT: m.ca.cert,
      WECHATPAY_V2_KEY: m.v2Key,
      WECHATPAY_V3_KEY: m.v3Key,
      WECHATPAY_MERCHANT_SERIAL: m.merchant.serial,
      WECHATPAY_MERCHANT_KEY: bareBase64(m.merchant.key),
      WECHATPAY_MERCHANT_CERT: bareBase64(m.merchant.cert),
    });
    expect(env.WECHATPAY_BASE_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // The bare base64 forms are the same keys.
    expect(new X509Certificate(Buffer.from(env.WECHATPAY_MERCHANT_CERT, 'base64')).serialNumber.toUpperCase()).toBe(m.merchant.serial);
  });

  it('serves HTTP access to exposed functions at /http/<name>[/...], with any method', async () => {
    const res = await fetch(`${cloud.url}/http/runner-http/notify/v2?x=1`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<xml><a>1</a></xml>' });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { method: string; path: string; query: Record<string, string>; bodyBytes: number[] };
    expect(echoed).toMatchObject({ method: 'POST', path: '/runner-http/notify/v2', query: { x: '1' } });
    expect(Buffer.from(echoed.bodyBytes).toString('utf8')).toBe('<xml><a>1</a></xml>');
    const xml = await fetch(`${cloud.url}/http/runner-http?mode=xml`, { method: 'GET' });
    expect(await xml.text()).toContain('SUCCESS');
  });

  it('answers 404 for a function without HTTP access', async () => {
    const res = await fetch(`${cloud.url}/http/orders`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
  });

  it('names the provider and the HTTPS endpoint in GET /sandbox/merchant', async () => {
    expect(await getJson(cloud, '/sandbox/merchant')).toMatchObject({ provider: 'v2', baseUrl: cloud.sandbox.https.url });
  });
});

describe('npm start -- --pay', () => {
  it('takes --pay and --pay-port, the WeChat Pay port defaulting to the one after --port', () => {
    expect(parseArgs(['--pay', 'v2'], {})).toMatchObject({ pay: 'v2', port: 3000, payPort: 3001 });
    expect(parseArgs(['--port', '0'], {})).toMatchObject({ payPort: 0 });
    // A shop switched from cloudPay to APIv3: new orders through the last, the others still configured.
    expect(parseArgs(['--pay', 'cloudpay,v3'], {})).toMatchObject({ pay: 'v3', formerPay: ['cloudpay'] });
    expect(parseArgs(['--pay-port', '4443'], {})).toMatchObject({ payPort: 4443 });
  });
});
