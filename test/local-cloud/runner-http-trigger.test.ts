// HTTP access to a function: the request as the function sees it, and its answer as the HTTP client sees it.
import { join } from 'node:path';
import type { HttpReply, HttpRequest } from '../../emulator/src/contracts';
import { createRunner, type LocalFunctionRunner } from '../../emulator/src/runner';
import { HTTP_TRIGGER_ROUTE, httpTriggerHandler } from '../../emulator/src/runner/http-trigger';
import { projectRoot, requireBuilt } from './runner-helpers';

jest.setTimeout(30_000);

let runner: LocalFunctionRunner;

beforeAll(() => {
  requireBuilt(['dist/local-cloud/worker.js', 'dist/test-functions/runner-http/index.js']);
  runner = createRunner({
    roots: [join(projectRoot, 'dist/test-functions')],
    workerScript: join(projectRoot, 'dist/local-cloud/worker.js'),
    env: 'test-env',
    appid: 'wxtest',
    adminUrl: (name, id) => `http://127.0.0.1:9/admin/${name}/${id}`,
    takeCallCounts: () => ({ database: 0, pay: 0, openapi: 0, functions: 0 }),
    log: () => undefined,
  });
});

afterAll(() => runner.close());

const handler = () => httpTriggerHandler(runner, { env: 'test-env', appid: 'wxtest', isExposed: (name) => name.startsWith('runner-') });

async function request(method: string, url: string, body = '', headers: Record<string, string> = {}): Promise<HttpReply> {
  const parsed = new URL(url, 'http://127.0.0.1');
  const match = HTTP_TRIGGER_ROUTE.exec(parsed.pathname);
  if (!match) throw new Error(`${parsed.pathname} does not match the HTTP trigger route`);
  const req: HttpRequest = {
    method,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers,
    body: Buffer.from(body, headers['content-type'] === 'application/octet-stream' ? 'base64' : 'utf8'),
    params: match.slice(1).map((p) => p ?? ''),
  };
  return handler()(req);
}

const json = (reply: HttpReply) => JSON.parse((reply.body as Buffer).toString('utf8')) as Record<string, unknown>;

it('hands the function the request: method, path, query, headers and a text body as text', async () => {
  const xml = '<xml><return_code>SUCCESS</return_code></xml>';
  const reply = await request('POST', '/http/runner-http/pay/notify?attempt=2', xml, { 'content-type': 'text/xml' });
  expect(reply.status).toBe(200);
  expect(reply.headers?.['content-type']).toMatch(/^application\/json/);
  expect(json(reply)).toEqual({
    method: 'POST',
    path: '/runner-http/pay/notify',
    query: { attempt: '2' },
    contentType: 'text/xml',
    isBase64Encoded: false,
    bodyBytes: [...Buffer.from(xml)],
  });
});

it('passes a binary body intact, base64-encoded', async () => {
  const bytes = Buffer.from([0, 200, 255, 10]);
  const reply = await request('PUT', '/http/runner-http', bytes.toString('base64'), { 'content-type': 'application/octet-stream' });
  expect(json(reply)).toMatchObject({ isBase64Encoded: true, bodyBytes: [0, 200, 255, 10] });
});

it('answers with the integration response the function returns', async () => {
  const xml = await request('POST', '/http/runner-http?mode=xml');
  expect(xml.status).toBe(200);
  expect(xml.headers?.['content-type']).toBe('application/xml');
  expect((xml.body as Buffer).toString()).toBe('<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>');

  const failed = await request('POST', '/http/runner-http?mode=status');
  expect(failed.status).toBe(500);
  expect(json(failed)).toEqual({ code: 'FAIL', message: 'try again' });

  const binary = await request('GET', '/http/runner-http?mode=binary');
  expect([...(binary.body as Buffer)]).toEqual([0, 1, 2, 255]);
});

it('reaches only functions given HTTP access, and reports failures with an HTTP status', async () => {
  const hidden = httpTriggerHandler(runner, { env: 'test-env', appid: 'wxtest', isExposed: () => false });
  const reply = await hidden({ method: 'POST', path: '/http/runner-http', query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0), params: ['runner-http', ''] });
  expect(reply.status).toBe(404);

  const thrown = await request('POST', '/http/runner-http?mode=throw');
  expect(thrown.status).toBe(502);
  expect(thrown.body).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: 'Error: notify handler failed' });
  const missing = await request('POST', '/http/runner-nothing');
  expect(missing.status).toBe(404);
});
