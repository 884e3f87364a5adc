// The built functions leave what they never run in deferred/ files (scripts/lean-functions.mjs): starting a
// function loads none of them, and each one still works when something reaches it. (The function suites, which
// use the database and openapi, load bson.js and json-bigint.js the way a deployed function does.)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './runner-helpers';

const functionsRoot = join(projectRoot, 'cloudfunctions');
const built = readdirSync(functionsRoot).filter((name) => existsSync(join(functionsRoot, name, 'index.js')));

/** Runs `script` in a fresh Node with a CloudBase-like environment pointing at a closed port; answers its stdout. */
function node(script: string): string {
  return execFileSync(process.execPath, ['-e', script], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      TENCENTCLOUD_RUNENV: 'SCF',
      TENCENTCLOUD_REGION: 'ap-shanghai',
      TENCENTCLOUD_SECRETID: 'test',
      TENCENTCLOUD_SECRETKEY: 'test',
      SCF_NAMESPACE: 'test-env',
      TCB_ENV: 'test-env',
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: 'http://127.0.0.1:9/admin' }),
    },
  });
}

test('the product functions are built', () => {
  expect(built.sort()).toEqual(['applyRefund', 'approveRefund', 'bill', 'orders', 'pay', 'payNotify', 'products', 'reconcile', 'refundNotify', 'ship', 'wxPush']);
});

test.each(built)('%s starts without loading its deferred files or Node\'s fetch client', (name) => {
  const bundle = join(functionsRoot, name, 'index.js');
  const out = node(`
    const m = require(${JSON.stringify(bundle)});
    if (typeof m.main !== 'function') throw new Error('no main');
    const deferred = Object.keys(require.cache).filter((f) => f.includes('deferred'));
    const undici = process.moduleLoadList.filter((x) => x.includes('undici'));
    process.stdout.write(JSON.stringify({ deferred, undici }));`);
  expect(JSON.parse(out)).toEqual({ deferred: [], undici: [] });
});

// What a function's first request needs is loaded then, and nothing else: a database read (the notify functions,
// reconcile and bill read their settings first) needs EJSON (bson.js); an event refused at the edge needs nothing.
// The SDK's protobuf messages (cloudPay and openapi calls) and APIv2's XML parser wait for their first call.
test.each(built)('%s answers its first event loading no deferred file but bson', (name) => {
  const bundle = join(functionsRoot, name, 'index.js');
  const out = node(`
    const m = require(${JSON.stringify(bundle)});
    const done = () => {
      const deferred = Object.keys(require.cache).filter((f) => f.includes('deferred')).map((f) => require('path').basename(f));
      process.stdout.write(JSON.stringify(deferred));
      process.exit(0);
    };
    Promise.resolve().then(() => m.main({}, { request_id: 'lean-test' })).then(done, done);`);
  expect((JSON.parse(out) as string[]).filter((f) => f !== 'bson.js')).toEqual([]);
});

test('the SDK\'s protobuf messages load from their deferred file and encode as the SDK\'s own do', () => {
  const file = join(functionsRoot, 'pay', 'deferred', 'wx-server-sdk+protobuf.js');
  const out = node(`
    const moved = require(${JSON.stringify(file)});
    const bytes = moved.CommApiData.encode({ apiType: moved.CommApiData.ApiType.SVRKIT_API, appid: 'a' }).finish();
    const back = moved.CommApiData.decode(bytes);
    process.stdout.write(JSON.stringify({ names: Object.keys(moved).length, hex: Buffer.from(bytes).toString('hex'), back: { apiType: back.apiType, appid: back.appid } }));`);
  const answer = JSON.parse(out) as { names: number; hex: string; back: unknown };
  expect(answer.names).toBeGreaterThan(10);
  // CommApiData { apiType: SVRKIT_API (2), appid: 'a' } in protobuf's wire format: field 1 varint 2, field 6 "a".
  expect(answer.hex).toBe('0802320161');
  expect(answer.back).toEqual({ apiType: 2, appid: 'a' });
});

test('each deferred file loads on its own and gives the real module', () => {
  const dir = join(functionsRoot, 'pay', 'deferred');
  const out = node(`
    const dir = ${JSON.stringify(dir)};
    const shapes = {};
    for (const f of require('fs').readdirSync(dir)) { const m = require(require('path').join(dir, f)); shapes[f] = typeof m; }
    const mime = require(require('path').join(dir, 'mime-db.js'));
    const axios = require(require('path').join(dir, 'axios.js'));
    process.stdout.write(JSON.stringify({ shapes, png: mime['image/png'].extensions, axiosGet: typeof axios.get }));`);
  const answer = JSON.parse(out) as { shapes: Record<string, string>; png: string[]; axiosGet: string };
  expect(Object.keys(answer.shapes)).toEqual(expect.arrayContaining(['mime-db.js', 'axios.js', 'jsonwebtoken.js', 'cloudbase+ai.js', 'bson.js', 'fast-xml-parser.js', 'wx-server-sdk+protobuf.js']));
  expect(answer.png).toEqual(['png']);
  expect(answer.axiosGet).toBe('function');
});

// bson is kept as EJSON alone (scripts/lean-functions.mjs `subset`): it must write and read what the whole package
// does, and the build must refuse an SDK module that uses anything else of bson.
test('the deferred bson file is EJSON alone and encodes as bson\'s own EJSON does', () => {
  const file = join(functionsRoot, 'payNotify', 'deferred', 'bson.js');
  const out = node(`
    const kept = require(${JSON.stringify(file)});
    const whole = require('bson');
    const value = { at: new Date(Date.UTC(2026, 11, 6, 1, 2, 3)), fee: 1990, big: whole.Long.fromString('9007199254740993'), id: new whole.ObjectId('0123456789abcdef01234567'), re: /a+/i, nested: [{ n: null }] };
    const opts = { relaxed: false };
    const a = kept.EJSON.stringify(value, opts), b = whole.EJSON.stringify(value, opts);
    const back = kept.EJSON.parse(b, opts);
    process.stdout.write(JSON.stringify({ keys: Object.keys(kept), same: a === b, date: back.at instanceof Date && back.at.getTime() === value.at.getTime(), long: String(back.big) }));`);
  expect(JSON.parse(out)).toEqual({ keys: ['EJSON'], same: true, date: true, long: '9007199254740993' });
});

test.each([
  ['uses another export', 'const bson_1 = require("bson");\nconst x = bson_1.EJSON.parse(s);\nbson_1.serialize(x);', /uses bson_1\.serialize/],
  ['passes the module on', 'const bson_1 = require("bson");\nhandle(bson_1);', /uses bson_1 itself/],
  ['destructures it', 'const { serialize } = require("bson");', /other than as/],
  ['imports it as an ES module', 'import { EJSON } from "bson";', /does not read/],
])('a module that requires bson and %s fails the build', (_, source, reason) => {
  const out = node(`
    import(${JSON.stringify(join(projectRoot, 'scripts/lean-functions.mjs'))}).then(({ DEFERRED, checkSubsetUse }) => {
      const entry = DEFERRED.find((d) => d.name === 'bson');
      try { checkSubsetUse(entry, 'sdk-module.js', ${JSON.stringify(source)}); process.stdout.write('accepted'); }
      catch (e) { process.stdout.write(e.message); }
    });`);
  expect(out).toMatch(reason);
  expect(out).toMatch(/only EJSON of bson is kept/);
});

test('the SDK modules that require bson use its EJSON only', () => {
  const out = node(`
    import(${JSON.stringify(join(projectRoot, 'scripts/lean-functions.mjs'))}).then(({ DEFERRED, checkSubsetUse }) => {
      const entry = DEFERRED.find((d) => d.name === 'bson');
      const file = require.resolve('@cloudbase/database/dist/commonjs/query.js');
      checkSubsetUse(entry, file);
      process.stdout.write('accepted');
    });`);
  expect(out).toBe('accepted');
});
