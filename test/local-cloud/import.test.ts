// `--import` takes a SQLite file someone else may have made and puts it where the developer's data is (issue 18):
// it must refuse what the local cloud never writes (a trigger would run SQL on the developer's data, views and
// foreign tables), ask before replacing a database (and keep it), and never POST the export's pending notifies
// to the ports the export names, signed with the importer's keys.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { postJson, projectRoot, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { exportData, prepareImport, type ImportPrompt } from '../../emulator/src/ui/workflow';
import { rederiveNotifyUrl } from '../../emulator/src/ui/import-check';
import { newNo, v2Call } from '../sandbox/v2-support';

jest.setTimeout(60_000);

const pkiDir = join(projectRoot, 'dist');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lc-import-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const noTerminal: ImportPrompt = { isTTY: false, ask: () => Promise.reject(new Error('must not ask without a terminal')) };
const answering = (yes: boolean): ImportPrompt & { asked: string[] } => {
  const asked: string[] = [];
  return { isTTY: true, asked, ask: (q) => (asked.push(q), Promise.resolve(yes)) };
};

async function admin(cloud: LocalCloud, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${cloud.url}/admin?env=${cloud.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as Record<string, unknown>;
}

/** A local cloud's data folder with `notes` holding the given ids; answers the folder. */
async function dataFolder(name: string, ids: string[]): Promise<string> {
  const dir = join(root, name);
  const cloud = await startTestCloud({ dataDir: dir, memory: false, pkiDir });
  await admin(cloud, { action: 'database.addCollection', collectionName: 'notes' });
  for (const id of ids) await admin(cloud, { action: 'database.insertDocument', collectionName: 'notes', data: [JSON.stringify({ _id: id })] });
  await cloud.close();
  return dir;
}

/** An export (as --export-on-exit writes it) of a cloud whose `notes` hold the given ids. */
async function anExport(name: string, ids: string[]): Promise<string> {
  const dir = join(root, name);
  const cloud = await startTestCloud({ pkiDir });
  await admin(cloud, { action: 'database.addCollection', collectionName: 'notes' });
  for (const id of ids) await admin(cloud, { action: 'database.insertDocument', collectionName: 'notes', data: [JSON.stringify({ _id: id })] });
  exportData(cloud, dir);
  await cloud.close();
  return dir;
}

function notesIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM tcb_c_notes ORDER BY seq').all() as Array<{ id: string }>).map((r) => r.id);
  } finally {
    db.close();
  }
}

function tamper(exportDir: string, sql: string): void {
  const db = new Database(join(exportDir, 'local-cloud.sqlite'));
  db.exec(sql);
  db.close();
}

describe('what an export may hold', () => {
  it.each([
    ['a trigger', 'CREATE TRIGGER wipe AFTER INSERT ON tcb_c_notes BEGIN DELETE FROM tcb_c_notes; END', /trigger "wipe"/],
    ['a view', 'CREATE VIEW everything AS SELECT * FROM tcb_c_notes', /view "everything"/],
    ['a table of another schema', 'CREATE TABLE stolen (x TEXT)', /table "stolen", which is not one of the local cloud's/],
    ['a table that computes', "CREATE TABLE tcb_c_evil (seq INTEGER PRIMARY KEY, id TEXT, doc TEXT, x TEXT GENERATED ALWAYS AS (upper(doc)))", /table "tcb_c_evil" computes values/],
    ['an index on an expression', 'CREATE INDEX sandbox_odd ON sandbox_trades (upper(doc))', /index "sandbox_odd" is not a plain column index/],
  ])('%s: refused, and the developer’s database is untouched', async (_, sql, reason) => {
    const mine = await dataFolder('mine', ['kept-1', 'kept-2']);
    const exported = await anExport('export', ['theirs']);
    tamper(exported, sql);
    await expect(prepareImport({ importDir: exported, dataDir: mine, yes: true, port: 0 }, mine, noTerminal)).rejects.toThrow(reason);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['kept-1', 'kept-2']);
    expect(readdirSync(mine).filter((f) => f.includes('.import-'))).toEqual([]);
    expect(existsSync(join(mine, 'backups'))).toBe(false);
  });

  it('a plain export passes; the database’s own indexes are rebuilt from the declarations', async () => {
    const exported = await anExport('export', ['theirs']);
    const target = join(root, 'fresh');
    const prepared = await prepareImport({ importDir: exported, dataDir: target, port: 0 }, target, noTerminal);
    const cloud = await startTestCloud({ ...prepared.options, pkiDir });
    try {
      const listed = (await (await fetch(`${cloud.url}/db/notes`)).json()) as { documents: Array<{ _id: string }> };
      expect(listed.documents.map((d) => d._id)).toEqual(['theirs']);
      const orders = (cloud.db as unknown as { indexes(c: string): string[] }).indexes('orders');
      expect(orders.length).toBeGreaterThan(0);
    } finally {
      await cloud.close();
    }
  });
});

describe('replacing a database', () => {
  it('without a terminal and without --yes it refuses and changes nothing', async () => {
    const mine = await dataFolder('mine', ['kept']);
    const exported = await anExport('export', ['theirs']);
    await expect(prepareImport({ importDir: exported, dataDir: mine, port: 0 }, mine, noTerminal)).rejects.toThrow(/pass --yes to replace it/);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['kept']);
  });

  it('asks on a terminal; "no" changes nothing, "yes" replaces it and keeps the old one in backups/', async () => {
    const mine = await dataFolder('mine', ['kept']);
    const exported = await anExport('export', ['theirs']);
    const no = answering(false);
    await expect(prepareImport({ importDir: exported, dataDir: mine, port: 0 }, mine, no)).rejects.toThrow(/cancelled: nothing was changed/);
    expect(no.asked[0]).toMatch(/Replace the database in .*mine/);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['kept']);

    const yes = answering(true);
    await prepareImport({ importDir: exported, dataDir: mine, port: 0 }, mine, yes);
    expect(yes.asked).toHaveLength(1);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['theirs']);
    const [backup] = readdirSync(join(mine, 'backups'));
    expect(notesIn(join(mine, 'backups', backup, 'local-cloud.sqlite'))).toEqual(['kept']);
  });

  it('the CLI: no terminal and no --yes exits 1 and says so; with --yes it starts from the export', async () => {
    const mine = await dataFolder('mine', ['kept']);
    const exported = await anExport('export', ['theirs']);
    const cli = join(projectRoot, 'dist/local-cloud/cli.js');
    const args = ['--data', mine, '--quiet', '--port', '0', '--no-timers', '--import', exported];
    const refused = spawnSync(process.execPath, [cli, ...args, 'exec', 'true'], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--import would replace the database in .*pass --yes/);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['kept']);
    const run = spawnSync(process.execPath, [cli, ...args, '--yes', 'exec', 'curl -sf "$LOCAL_CLOUD_URL/db/notes"'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { documents: Array<{ _id: string }> }).documents.map((d) => d._id)).toEqual(['theirs']);
    expect(readdirSync(join(mine, 'backups'))).toHaveLength(1);
  });

  it('--yes replaces without asking, and still keeps the old one', async () => {
    const mine = await dataFolder('mine', ['kept']);
    const exported = await anExport('export', ['theirs']);
    await prepareImport({ importDir: exported, dataDir: mine, yes: true, port: 0 }, mine, noTerminal);
    expect(notesIn(join(mine, 'local-cloud.sqlite'))).toEqual(['theirs']);
    const [backup] = readdirSync(join(mine, 'backups'));
    expect(notesIn(join(mine, 'backups', backup, 'local-cloud.sqlite'))).toEqual(['kept']);
  });
});

describe('pending notifies in an export', () => {
  let receiver: Server;
  let hits = 0;
  let receiverUrl = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits += 1;
      req.resume();
      res.writeHead(500);
      res.end('not yet');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('are not POSTed to the port the export names; a target that was a local cloud’s HTTP access is re-derived', async () => {
    // A real export with a payment notify still pending (its receiver failed the first attempt).
    const source = await startTestCloud({ pay: 'v2', pkiDir, timeScale: 1 });
    const no = newNo('IMP');
    const placed = await v2Call(source, '/pay/unifiedorder', { body: 'tea', out_trade_no: no, total_fee: 100, spbill_create_ip: '127.0.0.1', notify_url: receiverUrl, trade_type: 'JSAPI', openid: 'oBuyer_import' });
    expect(placed.fields.result_code).toBe('SUCCESS');
    expect((await postJson(source, `/sandbox/payments/${no}/complete`, {})).status).toBe(200);
    const exported = join(root, 'export');
    exportData(source, exported);
    await source.close();
    expect(hits).toBe(1);
    // Due at once when the importer starts.
    tamper(exported, "UPDATE sandbox_notifications SET next_at = 0 WHERE status = 'PENDING'");
    const pending = new Database(join(exported, 'local-cloud.sqlite'), { readonly: true });
    expect(pending.prepare("SELECT count(*) AS n FROM sandbox_notifications WHERE status = 'PENDING'").get()).toEqual({ n: 1 });
    pending.close();

    const target = join(root, 'imported');
    const prepared = await prepareImport({ importDir: exported, dataDir: target, port: 0, pay: 'v2' }, target, noTerminal);
    const cloud = await startTestCloud({ ...prepared.options, pkiDir, timeScale: 1 });
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(hits).toBe(1); // nothing more reached the export's port
      const trade = (await (await fetch(`${cloud.url}/sandbox/payments/${no}`)).json()) as { notifyUrl?: string; notifications: Array<{ status: string; deliveries: Array<{ detail: string }> }> };
      expect(trade.notifyUrl).toBeUndefined();
      expect(trade.notifications[0].status).toBe('GAVE_UP');
      expect(trade.notifications[0].deliveries.at(-1)?.detail).toMatch(/not sent after --import/);
    } finally {
      await cloud.close();
    }
  });

  it('the shop’s settings: its notify URLs are re-derived onto the importing port, or removed', async () => {
    const source = await startTestCloud({ pkiDir });
    await admin(source, { action: 'database.addCollection', collectionName: 'settings' });
    await admin(source, {
      action: 'database.insertDocument',
      collectionName: 'settings',
      data: [JSON.stringify({ _id: 'shop', provider: 'v2', payNotifyUrl: 'http://127.0.0.1:1234/steal', refundNotifyUrl: 'http://127.0.0.1:3000/http/refundNotify' })],
    });
    const exported = join(root, 'export');
    exportData(source, exported);
    await source.close();
    const target = join(root, 'imported');
    await prepareImport({ importDir: exported, dataDir: target, port: 4100 }, target, noTerminal);
    const db = new Database(join(target, 'local-cloud.sqlite'), { readonly: true });
    const shop = JSON.parse((db.prepare("SELECT doc FROM tcb_c_settings WHERE id = 'shop'").get() as { doc: string }).doc) as Record<string, unknown>;
    db.close();
    expect(shop.payNotifyUrl).toBeUndefined();
    expect(shop.refundNotifyUrl).toBe('http://127.0.0.1:4100/http/refundNotify');
    expect(shop.provider).toBe('v2');
  });

  it('re-derives only a local cloud’s own HTTP access paths, onto the importing port', () => {
    expect(rederiveNotifyUrl('http://127.0.0.1:3000/http/payNotify', 4100)).toBe('http://127.0.0.1:4100/http/payNotify');
    expect(rederiveNotifyUrl('http://localhost:3999/http/refundNotify/v3', 4100)).toBe('http://127.0.0.1:4100/http/refundNotify/v3');
    expect(rederiveNotifyUrl('http://127.0.0.1:22/steal', 4100)).toBeUndefined();
    expect(rederiveNotifyUrl('http://127.0.0.1:3000/http/payNotify', 0)).toBeUndefined(); // port not known yet
    expect(rederiveNotifyUrl('http://user:pw@127.0.0.1:3000/http/payNotify', 4100)).toBeUndefined();
    expect(rederiveNotifyUrl('http://10.0.0.1:3000/http/payNotify', 4100)).toBeUndefined();
  });
});
