// npm run deploy / doctor against a bare local cloud: the real CLI (a child process) and the real manager-node,
// through the local cloud's Tencent Cloud API. What was deployed is then used as a buyer and a merchant would.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callFunction, getJson, postJson, projectRoot, startTestCloud, uploadAs, type LocalCloud } from '../helpers/local-cloud';
import { controlPlaneInfo, tencentApi, type ControlPlaneInfo } from './tencent-api';
import { PRODUCT_FUNCTIONS } from '../../src/deploy/functions';

const CLI = join(projectRoot, 'dist/deploy/cli.js');
const BUYER = 'buyer-deploy';
const MERCHANT = 'demo-merchant';
const FUNCTIONS = [...PRODUCT_FUNCTIONS].sort();
const COLLECTIONS = Object.keys(JSON.parse(readFileSync(join(projectRoot, 'cloudbase/database-indexes.json'), 'utf8'))).filter((k) => !k.startsWith('//')).sort();

let cloud: LocalCloud;
let cp: ControlPlaneInfo;
let scratch: string;

interface Run {
  status: number;
  out: string;
}

let caFile = '';

/**
 * The CLI as a developer runs it. The first run finds the local CA and starts itself again trusting it; later runs
 * are started trusting it already (what that second start gets), which saves a Node start each.
 */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // TMPDIR: manager-node packs each function in <tmpdir>/<name>; keep that inside this test's folder.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch, ...env };
    delete childEnv.DEPLOY_LOCAL_CA;
    delete childEnv.NODE_EXTRA_CA_CERTS;
    if (caFile) Object.assign(childEnv, { NODE_EXTRA_CA_CERTS: caFile, DEPLOY_LOCAL_CA: caFile });
    const child = spawn(process.execPath, [CLI, ...args], { cwd: scratch, env: childEnv });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, out }));
  });
}
const deploy = (...args: string[]) => cli(['deploy', '--local-cloud', cloud.url, ...args]);
const doctor = (...args: string[]) => cli(['doctor', '--local-cloud', cloud.url, ...args]);

/** The status, with the output in the failure message when it is not the one expected. */
function expectStatus(run: Run, status: number): void {
  if (run.status !== status) throw new Error(`exit ${run.status}, expected ${status}:\n${run.out}`);
}

function shopFile(name: string, change: (shop: { settings: Record<string, unknown>; products: Array<Record<string, unknown>> }) => void): string {
  const shop = JSON.parse(readFileSync(join(projectRoot, 'cloudbase/shop.example.json'), 'utf8'));
  change(shop);
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(shop, null, 2));
  return path;
}

const directSettings = (provider: 'v2' | 'v3') => (shop: { settings: Record<string, unknown> }) => {
  Object.assign(shop.settings, { provider, appid: cloud.appid, payNotifyUrl: `${cp.httpAccess}/wechatpay/payNotify`, refundNotifyUrl: `${cp.httpAccess}/wechatpay/refundNotify` });
};

async function ok<T>(name: string, data: unknown, openid: string): Promise<T> {
  const reply = await callFunction<{ ok: boolean; data: T; code?: string; message?: string }>(cloud, name, data, openid);
  const result = reply.body.result;
  if (reply.status !== 200 || !result?.ok) throw new Error(`${name} ${JSON.stringify(data)}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return result.data;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = async (orderId: string) => (await ok<{ status: string }>('orders', { action: 'get', orderId }, BUYER)).status;

/** buy → pay → refund → approve, and buy → pay → ship, on the deployed functions. */
async function shopFlow(): Promise<void> {
  const paid = async () => {
    const { orderId } = await ok<{ orderId: string }>('pay', { items: [{ productId: 'oolong-tea', quantity: 1 }] }, BUYER);
    const done = await postJson(cloud, `/sandbox/payments/${orderId}/complete`);
    expect(done.status).toBe(200);
    await until(`${orderId} is PAID`, async () => (await status(orderId)) === 'PAID');
    return orderId;
  };
  const refunded = await paid();
  const { refundId } = await ok<{ refundId: string }>('applyRefund', { orderId: refunded, reason: '不想要了' }, BUYER);
  await ok('approveRefund', { refundId, action: 'approve' }, MERCHANT);
  await until(`${refunded} is REFUNDED`, async () => (await status(refunded)) === 'REFUNDED');
  const shipped = await paid();
  expect(await ok('ship', { orderId: shipped, logisticsType: 'SELF_PICKUP' }, MERCHANT)).toMatchObject({ status: 'SHIPPED' });
}

/** What another buyer's wx.cloud.getTempFileURL of `fileID` answers: 0 (a link) or -503002 (refused by the storage rule). */
async function readByAnotherBuyer(fileID: string): Promise<number> {
  const res = await fetch(`${cloud.url}/storage/client/temp-urls`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': 'buyer-nosy' }, body: JSON.stringify({ fileList: [fileID] }) });
  return ((await res.json()) as { fileList: Array<{ status: number }> }).fileList[0].status;
}
let photo = '';

async function functionEnv(name: string): Promise<Record<string, string>> {
  const fn = await tencentApi(cp, 'scf', 'GetFunction', { FunctionName: name });
  return Object.fromEntries(((fn.Environment as { Variables: Array<{ Key: string; Value: string }> }).Variables ?? []).map((v) => [v.Key, v.Value]));
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'deploy-test-'));
  cloud = await startTestCloud({ bare: true });
  cp = await controlPlaneInfo(cloud.url);
});
afterAll(async () => {
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Each step runs the CLI (a node process) and manager-node, which waits for each function to become Active.
jest.setTimeout(180_000);

describe('npm run deploy / doctor on a bare local cloud', () => {
  test('on a new environment the doctor fails naming what is missing, and a plan changes nothing', async () => {
    const checked = await doctor();
    expectStatus(checked, 1);
    expect(checked.out).toContain('✗ collection orders: missing');
    expect(checked.out).toContain('✗ index orders.buyer_created: missing');
    expect(checked.out).toContain('✗ function ship: missing');
    expect(checked.out).toContain('✗ timer reconcile.reconcileEveryFiveMinutes: missing');
    expect(checked.out).toContain('settings/shop: the settings document settings/shop is missing');
    expect(checked.out).toContain('no active product');
    expect(checked.out).toContain('✗ storage security rule: READONLY → cloudbase/storage-security-rules.json');
    // CloudBase's default storage permission lets every user read every file: a buyer's after-sale photo too.
    photo = await uploadAs(cloud, BUYER, 'aftersale/deploy-test.png');
    expect(await readByAnotherBuyer(photo)).toBe(0);

    const plan = await deploy();
    expectStatus(plan, 0);
    expect(plan.out).toMatch(/\+ create +function pay: Nodejs18\.15, 256 MB, timeout 10 s/);
    expect(plan.out).toMatch(/\+ create +index orders\.buyer_created: _openid asc, createdAt desc, _id desc/);
    expect(plan.out).toContain('nothing was changed');
    expect(cloud.db.collections()).toEqual([]);
    expect(cloud.runner.names()).toEqual([]);
    expect((await fetch(`${cloud.url}/http/wechatpay/payNotify`, { method: 'POST', body: '{}' })).status).toBe(404);
    // Only the environment's own key opens it.
    await expect(tencentApi(cp, 'tcb', 'ListTables', { EnvId: cp.envId }, 'not-the-key')).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    expect(await tencentApi(cp, 'tcb', 'ListTables', { EnvId: cp.envId })).toMatchObject({ Tables: [] });
  });

  test('apply, then a second plan says "no changes", the doctor passes, and the shop works (cloudPay)', async () => {
    const applied = await deploy('--yes');
    expectStatus(applied, 0);
    expect(applied.out).toMatch(/applied \d+ changes/);
    const checklist = applied.out.split('\n').filter((l) => /^ {2}\d\. /.test(l));
    expect(checklist.length).toBeGreaterThan(0);
    expect(checklist.length).toBeLessThanOrEqual(5);
    expect(checklist[0]).toContain('WeChat DevTools');

    expect((await deploy()).out).toContain('no changes');

    // What runs is what was uploaded, with the uploaded settings.
    expect(cloud.runner.names()).toEqual(FUNCTIONS);
    expect(cloud.runner.config('reconcile')).toMatchObject({ timeout: 60, triggers: [{ name: 'reconcileEveryFiveMinutes', type: 'timer', config: '0 */5 * * * * *' }] });
    expect(cloud.db.collections()).toEqual(COLLECTIONS);
    // The deployed storage rule: only the buyer who uploaded a photo reads it.
    expect(await readByAnotherBuyer(photo)).toBe(-503002);
    await shopFlow();

    // The deploy cannot grant cloud-call permissions: every message was refused with -604101 before reaching WeChat,
    // and the doctor, which has each function try each of its cloud calls, says so and what to do.
    expect(cloud.runner.config('ship')?.permissions?.openapi).toEqual([]);
    expect((await getJson<{ messages: unknown[] }>(cloud, '/sandbox/messages')).messages).toEqual([]);
    const refused = await doctor();
    expectStatus(refused, 1);
    expect(refused.out).toContain('✗ function ship: cloud call wxa.sec.order.uploadShippingInfo is refused (-604101: no permission)');
    expect(refused.out).toContain('✗ function reconcile: cloud call wxa.sec.order.getOrder is refused (-604101: no permission)');
    expect(refused.out).toContain('✗ function pay: cloud call subscribeMessage.send is refused (-604101: no permission)');
    expect(refused.out).toContain('→ upload the functions once from WeChat DevTools');
    const openapi = FUNCTIONS.flatMap((name) => JSON.parse(readFileSync(join(projectRoot, 'cloudfunctions', name, 'config.json'), 'utf8')).permissions.openapi as string[]);
    expect(refused.out).toContain(`${openapi.length} problems`);

    // A buyer cannot run the probe.
    const buyerProbe = await callFunction<{ ok: boolean; code?: string }>(cloud, 'ship', { $doctor: 'openapi', apis: ['wxa.sec.order.uploadShippingInfo'] }, BUYER);
    expect(buyerProbe.body.result).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    expect(checklist[0]).toContain(`curl -X POST ${cloud.url}/control-plane/devtools-upload`);
    const upload = await postJson<{ granted: Record<string, string[]> }>(cloud, '/control-plane/devtools-upload');
    expect(upload.body.granted.ship).toEqual(['wxa.sec.order.uploadShippingInfo', 'subscribeMessage.send']);
    expect(cloud.runner.config('ship')?.permissions?.openapi).toEqual(['wxa.sec.order.uploadShippingInfo', 'subscribeMessage.send']);
    const shipping = await getJson(cloud, '/sandbox/shipping');
    const checked = await doctor();
    expect(checked.out).toContain('all is well');
    expectStatus(checked, 0);
    // The probes reached WeChat and were refused there: no message, no shipping record changed.
    expect((await getJson<{ messages: unknown[] }>(cloud, '/sandbox/messages')).messages).toEqual([]);
    expect(await getJson(cloud, '/sandbox/shipping')).toEqual(shipping);
  });

  test('APIv2: env variables and HTTP paths are added, a secret set by hand survives, no secret is printed, and the shop works', async () => {
    const before = await functionEnv('pay');
    await tencentApi(cp, 'scf', 'UpdateFunctionConfiguration', { FunctionName: 'pay', Environment: { Variables: Object.entries({ ...before, HAND_SECRET: 'set-in-the-console' }).map(([Key, Value]) => ({ Key, Value })) } });

    const v2 = shopFile('shop-v2.json', directSettings('v2'));
    const applied = await deploy('--shop', v2, '--yes');
    expectStatus(applied, 0);
    expect(applied.out).toMatch(/HTTP access path \/wechatpay\/payNotify: done/);
    expect(applied.out).toMatch(/update function approveRefund: done/);
    for (const value of [cp.merchantEnv.WECHATPAY_V2_KEY, cp.merchantEnv.WECHATPAY_MERCHANT_SERIAL]) expect(applied.out).not.toContain(value);
    expect(await functionEnv('pay')).toMatchObject({ HAND_SECRET: 'set-in-the-console', WECHATPAY_V2_KEY: cp.merchantEnv.WECHATPAY_V2_KEY });
    expect(Object.keys(await functionEnv('approveRefund')).sort()).toEqual(['WECHATPAY_BASE_URL', 'WECHATPAY_CA_CERT', 'WECHATPAY_MERCHANT_CERT', 'WECHATPAY_MERCHANT_KEY', 'WECHATPAY_V2_KEY']);
    expect(await functionEnv('applyRefund')).toEqual({});

    expect((await deploy('--shop', v2)).out).toContain('no changes');
    expectStatus(await doctor('--shop', v2), 0);
    await shopFlow();
    // With the permissions of the DevTools upload, the messages now reach WeChat (refused there: nobody subscribed).
    expect((await getJson<{ messages: unknown[] }>(cloud, '/sandbox/messages')).messages.length).toBeGreaterThan(0);
  });

  test('APIv3: redeployed on the same environment, the shop works; the hand-set secret is still there', async () => {
    const v3 = shopFile('shop-v3.json', directSettings('v3'));
    const applied = await deploy('--shop', v3, '--yes');
    expectStatus(applied, 0);
    expect(await functionEnv('payNotify')).toMatchObject({ WECHATPAY_V3_KEY: cp.merchantEnv.WECHATPAY_V3_KEY, WECHATPAY_PUBLIC_KEY_ID: cp.merchantEnv.WECHATPAY_PUBLIC_KEY_ID });
    expect(await functionEnv('pay')).toMatchObject({ HAND_SECRET: 'set-in-the-console' });
    expect((await deploy('--shop', v3)).out).toContain('no changes');
    expectStatus(await doctor('--shop', v3), 0);
    await shopFlow();
  });

  test('the doctor finds a dropped index, a missing env variable and a wrong notify URL, and says what to do', async () => {
    const v3 = join(scratch, 'shop-v3.json');
    await tencentApi(cp, 'tcb', 'UpdateTable', { EnvId: cp.envId, TableName: 'orders', DropIndexes: [{ IndexName: 'buyer_created' }] });
    const env = await functionEnv('payNotify');
    delete env.WECHATPAY_V3_KEY;
    await tencentApi(cp, 'scf', 'UpdateFunctionConfiguration', { FunctionName: 'payNotify', Environment: { Variables: Object.entries(env).map(([Key, Value]) => ({ Key, Value })) } });
    const settings = JSON.parse(readFileSync(v3, 'utf8')).settings;
    const wrong = `${cp.httpAccess}/wechatpay/pay-notify`;
    await tencentApi(cp, 'tcb', 'RunCommands', {
      EnvId: cp.envId,
      MgoCommands: [{ TableName: 'settings', CommandType: 'UPDATE', Command: JSON.stringify({ update: 'settings', updates: [{ q: { _id: 'shop' }, u: { ...settings, payNotifyUrl: wrong }, upsert: true }] }) }],
    });

    const checked = await doctor('--shop', v3);
    expectStatus(checked, 1);
    expect(checked.out).toContain('✗ index orders.buyer_created: missing');
    expect(checked.out).toMatch(/✗ function payNotify: the APIv3 key \(decrypts notifies\): set WECHATPAY_V3_KEY/);
    expect(checked.out).toContain(`✗ settings/shop.payNotifyUrl is ${wrong}: it does not reach payNotify's HTTP access path /wechatpay/payNotify`);
    expect(checked.out).toContain('3 problems');
    expect(checked.out).not.toContain(cp.merchantEnv.WECHATPAY_MERCHANT_SERIAL);

    // The deploy repairs all three; the doctor is content again.
    expectStatus(await deploy('--shop', v3, '--yes'), 0);
    expectStatus(await doctor('--shop', v3), 0);
  });

  test('bad declarations are refused before anything is sent: a price in yuan, a missing secret', async () => {
    const before = JSON.stringify(cloud.db.list('products').documents);
    const yuan = shopFile('shop-yuan.json', (shop) => void (shop.products[0].price = 68.5));
    const refused = await deploy('--shop', yuan, '--yes');
    expectStatus(refused, 2);
    expect(refused.out).toMatch(/products\[0\]\.price must be a whole number of fen .*68\.5 looks like yuan/);
    expect(refused.out).toContain('nothing was sent');

    const printing = shopFile('shop-printer.json', (shop) => void (shop.settings.printer = { provider: 'feie', sn: '960000001' }));
    // Hidden from the source (an empty value counts as unset): nobody has the printer account.
    const hidden = await cli(['deploy', '--local-cloud', cloud.url, '--shop', printing, '--yes'], { FEIE_USER: '', FEIE_UKEY: '' });
    expectStatus(hidden, 1);
    expect(hidden.out).toMatch(/function reconcile: the Feie cloud printer account: set FEIE_USER \+ FEIE_UKEY/);
    expect(hidden.out).toContain('nothing was sent');
    expect(JSON.stringify(cloud.db.list('products').documents)).toBe(before);
  });
});
