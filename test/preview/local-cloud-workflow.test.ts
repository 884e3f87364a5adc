// The local cloud's UI data and workflow: the request log (who, which function, how long, what came of it, which
// security rule), discovery, sandbox config, firing a timer by hand, document search, and the CLI's exec,
// --export-on-exit (also on Ctrl+C) and --import.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { readExportMeta } from '../../emulator/src/ui/workflow';
import { DEMO_PRODUCTS, DEMO_STOCKED_PRODUCTS } from '../../emulator/src/demo';

interface Logged {
  seq: number;
  kind: string;
  path: string;
  caller?: string;
  functionName?: string;
  action?: string;
  status: number;
  result: string;
  durationMs: number;
  rule?: string;
}

async function json<T>(cloud: LocalCloud, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${cloud.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
}

function callFunction(cloud: LocalCloud, name: string, data: unknown, openid?: string) {
  return fetch(`${cloud.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify({ data }),
  });
}

describe('the local cloud UI data', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ demo: true });
  });
  afterAll(() => cloud?.close());

  it('logs a client call with its caller, function, duration, result and the rule that allowed it, and the SDK calls it made', async () => {
    expect((await callFunction(cloud, 'orders', { action: 'products' }, 'demo-buyer')).status).toBe(200);
    const { body } = await json<{ requests: Logged[] }>(cloud, '/ui/requests?limit=50');
    const call = body.requests.find((r) => r.kind === 'gateway' && r.functionName === 'orders');
    expect(call).toMatchObject({ caller: 'demo-buyer', status: 200, result: 'ok', rule: 'invoke: "auth != null" → allowed' });
    expect(call?.durationMs).toBeGreaterThanOrEqual(0);
    const sdk = body.requests.filter((r) => r.kind === 'admin' && r.functionName === 'orders');
    expect(sdk.length).toBeGreaterThan(0);
    // The products' reads, and the links to their photos.
    expect(sdk.every((r) => /^(database|storage)\./.test(r.action ?? '') && r.caller?.startsWith('invocation '))).toBe(true);
    expect(sdk.map((r) => r.action)).toEqual(expect.arrayContaining(['database.getDocument', 'storage.batchGetDownloadUrl']));
  });

  it('logs refusals by the security rules as refused', async () => {
    expect((await callFunction(cloud, 'payNotify', {}, 'demo-buyer')).status).toBe(403);
    expect((await callFunction(cloud, 'orders', { action: 'products' })).status).toBe(401);
    const { body } = await json<{ requests: Logged[] }>(cloud, '/ui/requests?kind=gateway');
    expect(body.requests.find((r) => r.functionName === 'payNotify')).toMatchObject({ status: 403, rule: 'invoke: false → refused' });
    expect(body.requests.find((r) => r.caller === '(no openid)')).toMatchObject({ status: 401, rule: 'invoke: "auth != null" → refused' });
    expect(body.requests.every((r) => r.kind === 'gateway')).toBe(true);
  });

  it('gives only newer entries after a sequence number (live refresh), leaving out the UI’s own reads', async () => {
    const before = (await json<{ requests: Logged[] }>(cloud, '/ui/requests')).body.requests[0].seq;
    await fetch(`${cloud.url}/health`);
    // The UI's own polling stays out of the log.
    await fetch(`${cloud.url}/db`, { headers: { 'x-local-cloud-ui': '1' } });
    const newer = (await json<{ requests: Logged[] }>(cloud, `/ui/requests?after=${before}`)).body.requests;
    expect(newer.map((r) => r.path)).toEqual(['/health']);
  });

  it('searches documents by any value', async () => {
    const { body } = await json<{ total: number; matching: number; documents: { _id: string }[] }>(cloud, `/ui/documents/products?q=${encodeURIComponent('龙井')}`);
    expect(body.total).toBeGreaterThan(1);
    expect(body.matching).toBe(1);
    expect(body.documents[0]._id).toBeDefined();
    expect((await fetch(`${cloud.url}/ui/documents/no%20such`)).status).toBe(400);
  });

  it('says where everything is (GET /emulators) and which time scale is in effect (GET /sandbox/config)', async () => {
    const { body } = await json<{ port: number; services: Record<string, string>; functions: string[] }>(cloud, '/emulators');
    expect(body.port).toBe(cloud.port);
    expect(body.services).toMatchObject({ admin: `${cloud.url}/admin`, preview: `${cloud.url}/preview` });
    expect(body.functions).toContain('reconcile');
    const config = await json<{ timeScale: number; timers: { function: string }[] }>(cloud, '/sandbox/config');
    expect(config.body.timeScale).toBe(0.001);
    expect(config.body.timers.map((t) => t.function)).toContain('reconcile');
  });

  it('fires a timer function as its timer would, and refuses functions without one', async () => {
    const fired = await json<{ function: string; trigger: string; requestId: string }>(cloud, '/sandbox/timers/reconcile', { method: 'POST' });
    expect(fired.status).toBe(200);
    expect(fired.body.function).toBe('reconcile');
    expect(fired.body.requestId).toBeTruthy();
    const none = await json<{ code: string }>(cloud, '/sandbox/timers/orders', { method: 'POST' });
    expect(none).toEqual({ status: 404, body: expect.objectContaining({ code: 'NO_TIMER' }) });
  });

  it('serves the UI with every view', async () => {
    const html = await (await fetch(`${cloud.url}/`)).text();
    for (const view of ['Database', 'Orders &amp; refunds', 'data-tab="pay"', 'data-tab="shipping"', 'Receipt printer', 'Requests', 'Messages', 'deep link']) expect(html).toContain(view);
  });
});

describe('local-cloud CLI: exec, --export-on-exit, --import', () => {
  const cli = join(projectRoot, 'dist/local-cloud/cli.js');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-cloud-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exec runs the command against the cloud, exports on the way out and exits with its status', () => {
    const run = spawnSync(process.execPath, [cli, '--memory', '--demo', '--quiet', '--port', '0', '--export-on-exit', dir, 'exec', 'curl -sf "$LOCAL_CLOUD_URL/db/products?limit=1" > /dev/null && exit 7'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(7);
    expect(readExportMeta(dir).collections.products).toBe(DEMO_PRODUCTS.length + DEMO_STOCKED_PRODUCTS.length);
  });

  it('--import starts from the export, and a throwaway import leaves the export untouched', () => {
    spawnSync(process.execPath, [cli, '--memory', '--demo', '--quiet', '--port', '0', '--export-on-exit', dir, 'exec', 'true'], { timeout: 60_000 });
    const run = spawnSync(process.execPath, [cli, '--memory', '--quiet', '--port', '0', '--import', dir, 'exec', 'curl -sf "$LOCAL_CLOUD_URL/db/products?limit=1"'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).total).toBe(DEMO_PRODUCTS.length + DEMO_STOCKED_PRODUCTS.length);
    const missing = spawnSync(process.execPath, [cli, '--memory', '--quiet', '--port', '0', '--import', join(dir, 'nowhere'), 'exec', 'true'], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no local-cloud.sqlite');
  });

  it('Ctrl+C (SIGINT) exports before stopping', async () => {
    const child = spawn(process.execPath, [cli, '--memory', '--demo', '--quiet', '--port', '0', '--export-on-exit', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let printed = '';
    await new Promise<void>((ready) =>
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('functions  ')) ready();
      }),
    );
    child.kill('SIGINT');
    const status = await exited;
    expect(status).toBe(0);
    expect(existsSync(join(dir, 'local-cloud.sqlite'))).toBe(true);
    expect(readExportMeta(dir).collections.settings).toBe(1);
  });
});

describe('--time-scale and the shop’s own timers', () => {
  it('scales the unpaid timeout, notify grace and refund poll, never below a second, and leaves 0 alone', () => {
    const { scaleShopTimers } = require('../../emulator/src/ui/time-scale') as typeof import('../../emulator/src/ui/time-scale');
    expect(scaleShopTimers({ unpaidTimeoutSeconds: 1800, notifyGraceSeconds: 60, refundPollSeconds: 0 }, 0.01)).toEqual({
      unpaidTimeoutSeconds: 18,
      notifyGraceSeconds: 1,
      refundPollSeconds: 0,
    });
  });

  it('the CLI with --demo --time-scale writes the scaled timers into the shop settings', () => {
    const cli = join(projectRoot, 'dist/local-cloud/cli.js');
    const run = spawnSync(process.execPath, [cli, '--memory', '--demo', '--quiet', '--port', '0', '--time-scale', '0.01', 'exec', 'curl -sf "$LOCAL_CLOUD_URL/db/settings"'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const shop = (JSON.parse(run.stdout) as { documents: Record<string, unknown>[] }).documents.find((d) => d._id === 'shop');
    expect(shop).toMatchObject({ unpaidTimeoutSeconds: 18, notifyGraceSeconds: 1, refundPollSeconds: 1 });
  });

  it('at --time-scale 0.001 reconcile runs every second and closes an unpaid order within seconds', () => {
    const cli = join(projectRoot, 'dist/local-cloud/cli.js');
    const script = join(__dirname, 'support/wait-for-close.cjs');
    const run = spawnSync(process.execPath, [cli, '--memory', '--demo', '--quiet', '--port', '0', '--time-scale', '0.001', 'exec', `node "${script}"`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toMatch(/timers .*reconcile every 1000 ms/);
    expect(run.status).toBe(0);
    const closed = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { status: string; afterMs: number };
    expect(closed.status).toBe('CLOSED');
    expect(closed.afterMs).toBeLessThan(10_000);
  });
});
