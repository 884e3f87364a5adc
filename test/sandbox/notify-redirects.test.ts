// The sandbox delivers notifies (and forged ones) to 127.0.0.1 and localhost only. A notify_url on this machine
// that answers a redirect must not carry the delivery anywhere else: a followed redirect would POST the signed
// notify past the host check, to any address the answer names (issue 18). WeChat Pay reads an answer that is not
// its acknowledgement as a failed delivery; so does the sandbox.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { eventually } from './support';
import { newNo, v2Call } from './v2-support';

jest.setTimeout(30_000);

let cloud: LocalCloud;
const servers: Server[] = [];
let targetHits = 0;
let targetUrl = '';
let redirectUrl = '';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  cloud = await startTestCloud({ pay: 'v2' });
  // Where a redirect would lead (in an attack: another machine; here: a server that counts what reaches it).
  targetUrl = await listen((req, res) => {
    targetHits += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>');
  });
  redirectUrl = await listen((req, res) => {
    req.resume();
    res.writeHead(307, { location: `${targetUrl}/stolen` });
    res.end();
  });
});
afterAll(async () => {
  await cloud.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});
beforeEach(() => {
  targetHits = 0;
});

async function placeOrder(): Promise<string> {
  const no = newNo('RDR');
  const reply = await v2Call(cloud, '/pay/unifiedorder', { body: 'tea', out_trade_no: no, total_fee: 100, spbill_create_ip: '127.0.0.1', notify_url: `${redirectUrl}/notify`, trade_type: 'JSAPI', openid: 'oBuyer_redirect' });
  expect(reply.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
  return no;
}

it('a payment notify answered with a redirect is a failed delivery, and the redirect is not followed', async () => {
  const no = await placeOrder();
  expect((await postJson(cloud, `/sandbox/payments/${no}/complete`, {})).status).toBe(200);
  const deliveries = await eventually(
    async () => (await getJson<{ notifications: Array<{ deliveries: Array<{ outcome: string; detail: string }> }> }>(cloud, `/sandbox/payments/${no}`)).notifications.flatMap((n) => n.deliveries),
    (list) => list.length > 0,
  );
  expect(deliveries[0]).toMatchObject({ outcome: 'REJECTED', detail: expect.stringMatching(/^HTTP 307/) });
  expect(targetHits).toBe(0);
});

it('a forged notify (/forge) answered with a redirect reports the redirect and does not follow it', async () => {
  const no = await placeOrder();
  const forged = await postJson<{ status: number; acknowledged: boolean }>(cloud, `/sandbox/payments/${no}/forge`, { forgery: 'SIGNED' });
  expect(forged.status).toBe(200);
  expect(forged.body).toMatchObject({ status: 307, acknowledged: false });
  expect(targetHits).toBe(0);
});
