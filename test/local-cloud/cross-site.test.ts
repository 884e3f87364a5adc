// A web page open in the developer's browser can send requests to 127.0.0.1. Reading the answers is blocked by the
// browser (no CORS), but a POST still arrives: without a guard, any page could change the sandbox's settings, arm
// faults, fire reconcile, rotate the APIv3 key (and so break `pay`) or call functions (issue 18). The requests below
// carry exactly the headers browsers add; the allowed ones are what the UI, the preview, DevTools' local mode, the
// SDK, tests and WeChat Pay's notifies send.
import { request } from 'node:http';
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ pay: 'v3' });
});
afterAll(() => cloud?.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: cloud.port, method, path, headers: { host: `127.0.0.1:${cloud.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const crossSite: Array<[string, Record<string, string>]> = [
  ['a form on another site (Origin + Sec-Fetch-Site)', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }],
  ['an older browser (Origin only)', { origin: 'https://evil.example', 'content-type': 'text/plain' }],
  ['Sec-Fetch-Site cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
  ['another local port (same-site)', { origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'same-site' }],
  ['a sandboxed frame (Origin null)', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
  ['its own Origin but a cross-site fetch marker', { origin: `http://127.0.0.1:0`, 'sec-fetch-site': 'cross-site' }],
];

describe('state-changing routes refuse requests a browser marks as cross-site, and change nothing', () => {
  it.each(crossSite)('POST /sandbox/config from %s', async (_, headers) => {
    const before = (await raw('GET', '/sandbox/config')).body;
    const answer = await raw('POST', '/sandbox/config', headers, JSON.stringify({ autoSettleRefunds: !before.autoSettleRefunds, timeScale: 1 }));
    expect([answer.status, answer.body.code]).toEqual([403, 'CROSS_SITE_REQUEST_REFUSED']);
    expect((await raw('GET', '/sandbox/config')).body).toEqual(before);
  });

  it.each(crossSite)('POST /sandbox/faults, /sandbox/v3/rotate, /sandbox/timers/reconcile and the gateway from %s', async (_, headers) => {
    const keysBefore = (await raw('GET', '/sandbox/v3/keys')).body.current;
    const answers = await Promise.all([
      raw('POST', '/sandbox/faults', headers, JSON.stringify({ api: 'refund', mode: 'SYSTEMERROR', count: 5 })),
      raw('POST', '/sandbox/v3/rotate', headers),
      raw('POST', '/sandbox/timers/reconcile', headers),
      raw('POST', '/sandbox/reset', headers),
      raw('DELETE', '/sandbox/faults', headers),
      raw('POST', '/functions/orders', headers, JSON.stringify({ data: { action: 'list' } })),
    ]);
    for (const answer of answers) expect([answer.status, answer.body.code]).toEqual([403, 'CROSS_SITE_REQUEST_REFUSED']);
    expect((await raw('GET', '/sandbox/faults')).body.faults).toEqual([]);
    expect((await raw('GET', '/sandbox/v3/keys')).body.current).toBe(keysBefore);
  });
});

describe('what the local cloud serves on purpose still passes', () => {
  afterEach(() => raw('DELETE', '/sandbox/faults'));

  it('the UI and the preview (same-origin fetch, with their Origin)', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const headers = { origin: `http://${host}:${cloud.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
      const armed = await raw('POST', '/sandbox/faults', headers, JSON.stringify({ api: 'refund', mode: 'SYSTEMERROR' }));
      expect(armed.status).toBe(200);
      expect(armed.body.faults).toEqual([expect.objectContaining({ api: 'refund', mode: 'SYSTEMERROR' })]);
      await raw('DELETE', '/sandbox/faults', headers);
    }
    const gateway = await raw('POST', '/functions/orders', { origin: `http://127.0.0.1:${cloud.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', 'x-wx-openid': 'buyer-x' }, JSON.stringify({ data: { action: 'list' } }));
    expect(gateway.body.code).not.toBe('CROSS_SITE_REQUEST_REFUSED');
    expect(gateway.status).toBe(200);
  });

  it('scripts, tests and the SDK (no browser headers; Node fetch sends only Sec-Fetch-Mode)', async () => {
    const answer = await fetch(`${cloud.url}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'refund', mode: 'SYSTEMERROR' }) });
    expect(answer.status).toBe(200);
  });

  it("WeChat DevTools' local mode (wx.request with the Referer WeChat documents for DevTools)", async () => {
    const referer = 'https://servicewechat.com/touristappid/devtools/page-frame.html';
    // Whatever Origin/Sec-Fetch-Site DevTools adds, its Referer is one no web page can send.
    const gateway = await raw('POST', '/functions/orders', { referer, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json', 'x-wx-openid': 'buyer-x' }, JSON.stringify({ data: { action: 'list' } }));
    expect(gateway.status).toBe(200);
    const subscriptions = await raw('POST', '/sandbox/subscriptions', { referer, 'content-type': 'application/json' }, JSON.stringify({ openid: 'buyer-x', templateIds: [] }));
    expect(subscriptions.body.code).not.toBe('CROSS_SITE_REQUEST_REFUSED');
    // A page elsewhere on servicewechat.com, or a look-alike, is not DevTools.
    const other = await raw('POST', '/functions/orders', { referer: 'https://servicewechat.com.evil.example/x/devtools/page-frame.html', 'sec-fetch-site': 'cross-site' }, '{}');
    expect(other.status).toBe(403);
  });

  it('HTTP access (/http/<function>), which WeChat Pay notifies and which is a public URL in the cloud', async () => {
    const answer = await raw('POST', '/http/payNotify', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, '{}');
    expect(answer.body.code).not.toBe('CROSS_SITE_REQUEST_REFUSED');
    expect(answer.status).not.toBe(403);
  });

  it('reads are not refused (a browser cannot read the answer cross-site anyway)', async () => {
    const answer = await raw('GET', '/sandbox/config', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(answer.status).toBe(200);
  });
});

describe('malformed percent-encoding', () => {
  it.each([
    ['a truncated escape', '/db/orders%E0%A4%A'],
    ['a sandbox route', '/sandbox/payments/%E0%A4%A/complete'],
    ['a lone %', '/functions/ord%'],
    ['an admin path', '/admin/orders%ZZ/inv'],
    ['an HTTP access path', '/http/pay%E0Notify'],
  ])('%s answers 400 INVALID_URL, not 500, and the request log shows it', async (_, path) => {
    const answer = await raw('POST', path, { 'content-type': 'application/json' }, '{}');
    expect(answer.status).toBe(400);
    const { requests } = (await raw('GET', '/ui/requests?limit=20')).body as { requests: Array<{ path: string; status: number }> };
    expect(requests).toContainEqual(expect.objectContaining({ path, status: 400 }));
  });
});
