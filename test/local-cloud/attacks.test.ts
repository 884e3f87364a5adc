// The local cloud under attack: what a hostile request to /admin (or any route) must not do. /admin reads and
// writes everything and the local cloud checks no credentials, so these requests come as any local process or web
// page could send them: raw HTTP, no SDK. Each case failed before its fix (issue 10 §3).
import { request } from 'node:http';
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
  await admin({ action: 'database.addCollection', collectionName: 'targets' });
  await admin({ action: 'database.insertDocument', collectionName: 'targets', data: [JSON.stringify({ _id: 't1', name: 'tea', list: [1, 2], nested: { city: 'Hangzhou' } })] });
});
afterAll(() => cloud?.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** One raw HTTP request; `host` overrides the Host header (fetch does not let a script choose it). */
function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: string; host?: string } = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: cloud.port, method, path, headers: { host: options.host ?? `127.0.0.1:${cloud.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An admin request as wx-server-sdk sends it: JSON, no Origin. */
const admin = (params: Record<string, unknown>, headers: Record<string, string> = {}) =>
  raw('POST', `/admin?env=${cloud.env}`, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(params) });

const query = (q: unknown, extra: Record<string, unknown> = {}) =>
  admin({ action: 'database.getDocument', collectionName: 'targets', queryType: 'WHERE', query: JSON.stringify(q), ...extra });
const update = (data: unknown) =>
  admin({ action: 'database.modifyDocument', collectionName: 'targets', queryType: 'DOC', query: JSON.stringify({ _id: 't1' }), data: JSON.stringify(data), merge: true, multi: false, upsert: false });
const stored = async () => {
  const listed = await raw('GET', '/db/targets');
  return (listed.body.documents as Array<Record<string, unknown>>).find((d) => d._id === 't1');
};

describe('the database', () => {
  afterEach(() => {
    // Should a case ever pollute the prototype again, the cases after it must not inherit the damage.
    delete (Object.prototype as Record<string, unknown>).$date;
  });

  it('a projection through __proto__ does not pollute Object.prototype, and later reads still work', async () => {
    const answer = await query({ _id: 't1' }, { projection: JSON.stringify({ '__proto__.$date': 1 }) });
    expect(answer.status).toBe(200);
    expect(({} as Record<string, unknown>).$date).toBeUndefined();
    const after = await query({ _id: 't1' });
    const list = (after.body.data as { list: string[] }).list.map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(list[0]).toEqual(expect.objectContaining({ name: 'tea', nested: { city: 'Hangzhou' } }));
  });

  it.each([
    ['just past the limit', 'list.1500100'],
    ['far past it', 'list.200000000'],
  ])('$set of an array index %s is refused as MongoDB refuses large pads, and changes nothing', async (_, path) => {
    const answer = await update({ $set: { [path]: 1 } });
    expect(answer.body).toEqual(expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/can't backfill more than 1500000 elements/) }));
    expect(answer.ms).toBeLessThan(2000);
    expect((await stored())?.list).toEqual([1, 2]);
  });

  it('pads within the limit are fine, but one update cannot add up many of them', async () => {
    await admin({ action: 'database.insertDocument', collectionName: 'targets', data: [JSON.stringify({ _id: 'pads', a: [], b: [] })] });
    const padded = await admin({ action: 'database.modifyDocument', collectionName: 'targets', queryType: 'DOC', query: JSON.stringify({ _id: 'pads' }), data: JSON.stringify({ $set: { 'a.3': 'x' } }), merge: true, multi: false });
    expect(padded.body.data).toEqual({ updated: 1 });
    const both = await admin({
      action: 'database.modifyDocument',
      collectionName: 'targets',
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'pads' }),
      data: JSON.stringify({ $set: { 'a.1000000': 1, 'b.1000000': 1 } }),
      merge: true,
      multi: false,
    });
    expect(both.body.code).toBe('DATABASE_REQUEST_FAILED');
  });

  it('an update naming 20 000 fields is checked for conflicts in milliseconds, not seconds', async () => {
    const fields = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}.v`, i]));
    const answer = await update({ $set: fields });
    expect(answer.body.data).toEqual({ updated: 1 });
    expect(answer.ms).toBeLessThan(5000); // ~0.5 s of parsing and storing; the pairwise check took 20+ s
    const conflicting = await update({ $set: { ...fields, f7: 'whole' } });
    expect(conflicting.body).toEqual(expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/conflict at 'f7'/) }));
  });

  it('a catastrophic $regex answers at once, with the right result', async () => {
    await admin({ action: 'database.insertDocument', collectionName: 'targets', data: [JSON.stringify({ _id: 'redos', name: `${'a'.repeat(30)}!` })] });
    const answer = await query({ name: { $regex: '^(a+)+$' } });
    expect(answer.ms).toBeLessThan(1000);
    expect((answer.body.data as { list: unknown[] }).list).toEqual([]);
    const matching = await query({ name: { $regex: '^(a+)+!$' } });
    expect((matching.body.data as { list: unknown[] }).list).toHaveLength(1);
  });

  it('a sort on more than 32 keys is refused as MongoDB refuses it', async () => {
    const order = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 1]));
    const answer = await query({}, { order: JSON.stringify(order) });
    expect(answer.body).toEqual(expect.objectContaining({ code: 'INVALID_PARAM', message: expect.stringMatching(/at most 32 keys/) }));
    expect((await query({}, { order: JSON.stringify({ name: 1, _id: -1 }) })).body.data).toEqual(expect.objectContaining({ list: expect.any(Array) }));
  });

  it.each([
    ['a backreference', '(a)\\1', /invalid regular expression.*no lookaround, no backreferences/],
    ['a lookahead', '(?=a)a', /invalid regular expression.*no lookaround, no backreferences/],
    ['a pattern that compiles to too many states', '[a-z]{1000}[a-z]{1000}[a-z]{1000}', /too complex/],
    ['a pattern of 20 000 characters', 'a'.repeat(20_000), /longer than 16384 characters/],
  ])('a $regex with %s is refused with a clear error', async (_, pattern, message) => {
    const answer = await query({ name: { $regex: pattern } });
    expect(answer.body).toEqual(expect.objectContaining({ code: 'INVALID_PARAM', message: expect.stringMatching(message) }));
  });
});

describe('browsers and DNS rebinding', () => {
  const insert = JSON.stringify({ action: 'database.insertDocument', collectionName: 'targets', data: [JSON.stringify({ _id: 'csrf' })] });

  it.each([
    ['any Origin', { 'content-type': 'application/json', origin: 'https://evil.example' }, 403, 'BROWSER_REQUEST_REFUSED'],
    ['even its own Origin', { 'content-type': 'application/json', origin: 'http://127.0.0.1' }, 403, 'BROWSER_REQUEST_REFUSED'],
    ['a browser fetch marker', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, 403, 'BROWSER_REQUEST_REFUSED'],
    ['text/plain (a no-preflight fetch)', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form (urlencoded)', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['no content type', {}, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('/admin refuses a request with %s and changes nothing', async (_, headers, status, code) => {
    const answer = await raw('POST', `/admin?env=${cloud.env}`, { headers, body: insert });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    expect((await raw('GET', '/db/targets')).body.documents).not.toContainEqual(expect.objectContaining({ _id: 'csrf' }));
  });

  it('what wx-server-sdk sends is still served (application/json and multipart/form-data, no Origin)', async () => {
    expect((await query({ _id: 't1' })).body.data).toEqual(expect.objectContaining({ list: [expect.any(String)] }));
    const boundary = 'sdkboundary';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="action"', '', 'database.getDocument', `--${boundary}`, 'Content-Disposition: form-data; name="collectionName"', '', 'targets', `--${boundary}--`, ''].join('\r\n');
    const multipart = await raw('POST', `/admin?env=${cloud.env}`, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    expect(multipart.status).toBe(200);
    expect(multipart.body.data).toEqual(expect.objectContaining({ list: expect.any(Array) }));
  });

  it.each([
    ['GET', '/health'],
    ['GET', '/db/targets'],
    ['GET', '/'],
    ['POST', '/admin'],
    ['POST', '/functions/orders'],
    ['GET', '/sandbox/payments'],
  ])('%s %s answers only to 127.0.0.1 or localhost at its own port', async (method, path) => {
    const body = method === 'POST' ? insert : undefined;
    const headers = method === 'POST' ? { 'content-type': 'application/json' } : undefined;
    for (const host of ['evil.example', `evil.example:${cloud.port}`, `127.0.0.1:${cloud.port + 1}`, '127.0.0.1', `localhost.evil.example:${cloud.port}`]) {
      const answer = await raw(method, path, { host, headers, body });
      expect([host, answer.status, answer.body.code]).toEqual([host, 403, 'HOST_NOT_ALLOWED']);
    }
    const local = await raw(method, path, { host: `localhost:${cloud.port}`, headers, body });
    expect(local.status).not.toBe(403);
  });
});

describe('inspection and events', () => {
  it('GET /db/<collection that does not exist> answers 404', async () => {
    const answer = await raw('GET', '/db/no_such_collection');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('COLLECTION_NOT_FOUND');
  });

  it('a deeply nested event answers a clear 400, not a 500 from inside the runner', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const answer = await raw('POST', '/functions/orders', { headers: { 'content-type': 'application/json', 'x-wx-openid': 'buyer-deep' }, body: `{"data":${deep}}` });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expect.objectContaining({ code: 'INVALID_PARAM', errMsg: expect.stringMatching(/nests deeper than 256 levels/) }));
    const viaAdmin = await admin({ action: 'functions.invokeFunction', function_name: 'orders', request_data: deep });
    expect(viaAdmin.body).toEqual(expect.objectContaining({ code: 'INVALID_PARAM', message: expect.stringMatching(/nests deeper than 256 levels/) }));
  });
});
