import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { sdkDatabase } from './database-sdk';
import { parseArgs, startFailure } from '../../emulator/src/cli';

describe('the local cloud server', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(() => cloud.close());

  it('answers /health once ready, naming the built functions, bound to 127.0.0.1', async () => {
    expect(cloud.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await getJson<{ status: string; functions: string[] }>(cloud, '/health');
    expect(health.status).toBe('ok');
    expect(health.functions).toEqual(expect.arrayContaining(['pay', 'payNotify', 'orders']));
  });

  it('lists what the SDK wrote, through the read-only inspection API', async () => {
    const db = sdkDatabase(cloud);
    await db.createCollection('inspected'); // collections must exist, as in the cloud
    await db.collection('inspected').add({ data: { n: 1, at: new Date('2026-01-02T03:04:05Z') } });
    await db.collection('inspected').add({ data: { n: 2 } });
    const listed = await getJson<{ total: number; documents: Array<{ n: number; at?: string }> }>(cloud, '/db/inspected?limit=1');
    expect(listed.total).toBe(2);
    expect(listed.documents).toHaveLength(1);
    expect(listed.documents[0]).toMatchObject({ n: 1, at: '2026-01-02T03:04:05.000Z' });
    expect((await getJson<{ collections: string[] }>(cloud, '/db')).collections).toContain('inspected');
  });

  it('serves a status page that names the environment', async () => {
    const res = await fetch(`${cloud.url}/`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(`env <code>${cloud.env}</code>`);
    expect(html).not.toContain('__ENV__');
  });

  it('refuses oversized bodies with 413 and unknown paths with 404, and says so', async () => {
    const big = await fetch(`${cloud.url}/functions/orders`, { method: 'POST', body: Buffer.alloc(7 * 1024 * 1024, 32) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: string }).code).toBe('BODY_TOO_LARGE');
    const missing = await fetch(`${cloud.url}/nothing-here`);
    expect(missing.status).toBe(404);
    const wrongMethod = await fetch(`${cloud.url}/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
  });

  it('answers an admin action it does not support with a clear error, not a wrong answer', async () => {
    const res = await fetch(`${cloud.url}/admin?env=${cloud.env}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'storage.batchCopyFile' }),
    });
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('INVALID_PARAM');
    expect(body.message).toContain('storage.batchCopyFile');
  });

  it('rejects a client that asks for a function the security rules keep server-side', async () => {
    const res = await fetch(`${cloud.url}/functions/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'someone' },
      body: JSON.stringify({ data: {} }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('EXCEED_AUTHORITY');
  });
});

describe('a file-backed local cloud', () => {
  it('keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-'));
    const first = await startTestCloud({ memory: false, dataDir });
    try {
      const db = sdkDatabase(first);
      await db.createCollection('kept');
      await db.collection('kept').doc('k1').set({ data: { value: 'still here' } });
    } finally {
      await first.close();
    }
    const second = await startTestCloud({ memory: false, dataDir });
    try {
      const { data } = await sdkDatabase(second).collection('kept').doc('k1').get();
      expect(data).toMatchObject({ _id: 'k1', value: 'still here' });
    } finally {
      await second.close();
    }
  });
});

describe('command line', () => {
  it('says what to do when the port is taken', async () => {
    const first = await startTestCloud();
    try {
      const failure = await startTestCloud({ port: first.port }).then(
        (second) => second.close().then(() => 'started twice'),
        (err: unknown) => startFailure(err),
      );
      expect(failure).toBe(`port ${first.port} on 127.0.0.1 is already in use (another local cloud?): stop it, or start with --port N or PORT=N (--pay-port N for WeChat Pay's HTTPS port)`);
    } finally {
      await first.close();
    }
  });

  it('reads --port, PORT, --data, --memory, --demo and --time-scale', () => {
    expect(parseArgs([], { PORT: '4100' })).toMatchObject({ port: 4100, timers: true });
    expect(parseArgs(['--no-timers'], {})).toMatchObject({ timers: false });
    expect(parseArgs(['--port', '0', '--memory', '--demo', '--time-scale', '0.5'], {})).toMatchObject({ port: 0, memory: true, demo: true, timeScale: 0.5 });
    expect(parseArgs(['--data', '/tmp/x'], {})).toMatchObject({ port: 3000, dataDir: '/tmp/x' });
    expect(parseArgs(['--instances', '3'], {})).toMatchObject({ maxInstancesPerFunction: 3 });
  });
});
