import { createServer, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateMaterial, type MerchantMaterial } from '../../emulator/src/pki';
import { createHttpsClient } from '../../src/providers/https-client';
import { ProviderError, ProviderOutcomeUnknown } from '../../src/providers/payment-provider';
import { readWeChatPayEnv, requireWeChatPayEnv } from '../../src/server/wechatpay-env';

let trusted: MerchantMaterial;
let stranger: MerchantMaterial;
beforeAll(() => {
  trusted = generateMaterial('1900000109');
  stranger = generateMaterial('1900000109');
});

/** A server that counts the requests that reached it. */
async function serve(options: ServerOptions, answer: (body: string) => { status: number; body: string } | 'hang' = () => ({ status: 200, body: '<xml/>' })) {
  const seen: string[] = [];
  const server: Server = createServer(options, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(body);
      const a = answer(body);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'text/xml' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/pay/orderquery`;
  return { url, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('https client', () => {
  it('talks to a server whose certificate chains to the extra CA', async () => {
    const server = await serve({ cert: trusted.server.cert, key: trusted.server.key }, (body) => ({ status: 200, body: `echo ${body}` }));
    try {
      const answer = await createHttpsClient({ extraCa: [trusted.ca.cert] }).send({ method: 'POST', url: server.url, body: '<xml/>', label: 'test' });
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe('echo <xml/>');
    } finally {
      await server.close();
    }
  });

  it.each([
    ['signed by another CA', () => [stranger.ca.cert]],
    ['trusted by nobody (Node roots only)', () => []],
  ])('refuses a server certificate %s: nothing is sent, and the error says nothing happened', async (_what, ca) => {
    const server = await serve({ cert: trusted.server.cert, key: trusted.server.key });
    try {
      const error = await createHttpsClient({ extraCa: ca() }).send({ method: 'POST', url: server.url, body: '<xml>refund</xml>', label: 'v2 refund' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).not.toBeInstanceOf(ProviderOutcomeUnknown);
      expect(error).toMatchObject({ code: 'NOT_SENT', retryable: true, message: expect.stringContaining('not trusted') });
      expect(server.seen).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('presents the merchant certificate when asked; a server requiring one gets nothing without it', async () => {
    const server = await serve({ cert: trusted.server.cert, key: trusted.server.key, ca: trusted.ca.cert, requestCert: true, rejectUnauthorized: true });
    try {
      const call = { method: 'POST' as const, url: server.url.replace('/pay/orderquery', '/secapi/pay/refund'), body: '<xml/>', label: 'v2 refund' };
      await expect(createHttpsClient({ extraCa: [trusted.ca.cert] }).send(call)).rejects.toBeInstanceOf(ProviderError);
      expect(server.seen).toEqual([]);
      const answer = await createHttpsClient({ extraCa: [trusted.ca.cert], clientCert: { cert: trusted.merchant.cert, key: trusted.merchant.key } }).send(call);
      expect(answer.status).toBe(200);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('takes a request that got through but was never answered as an unknown outcome', async () => {
    const server = await serve({ cert: trusted.server.cert, key: trusted.server.key }, () => 'hang');
    try {
      const error = await createHttpsClient({ extraCa: [trusted.ca.cert], timeoutMs: 300 }).send({ method: 'POST', url: server.url, body: '<xml/>', label: 'v2 refund' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderOutcomeUnknown);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('stops reading an answer larger than its limit, and never uses plain http', async () => {
    const server = await serve({ cert: trusted.server.cert, key: trusted.server.key }, () => ({ status: 200, body: 'x'.repeat(5000) }));
    try {
      await expect(createHttpsClient({ extraCa: [trusted.ca.cert], maxAnswerBytes: 1000 }).send({ method: 'POST', url: server.url, label: 't' })).rejects.toBeInstanceOf(ProviderError);
      await expect(createHttpsClient().send({ method: 'POST', url: server.url.replace('https:', 'http:'), label: 't' })).rejects.toMatchObject({ code: 'NOT_HTTPS' });
    } finally {
      await server.close();
    }
  });
});

describe('WeChat Pay environment variables', () => {
  const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

  it('names every missing or malformed variable, never a value', () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const env = { WECHATPAY_BASE_URL: 'http://api.mch.weixin.qq.com', WECHATPAY_MERCHANT_CERT: 'not a certificate!' };
    expect(() => requireWeChatPayEnv(['v2Key'], env)).toThrow(/WECHATPAY_BASE_URL must be an https URL.*WECHATPAY_MERCHANT_CERT is neither PEM nor bare base64.*WECHATPAY_V2_KEY is not set/);
    expect(() => requireWeChatPayEnv(['v2Key'], { WECHATPAY_V2_KEY: 'short-secret-value' })).toThrow(/WECHATPAY_V2_KEY must be the 32-character APIv2 key/);
    try {
      requireWeChatPayEnv(['v2Key'], { WECHATPAY_V2_KEY: 'short-secret-value' });
    } catch (err) {
      expect(String(err)).not.toContain('short-secret-value');
    }
    expect(logged.mock.calls.map((c) => String(c[0]))).toEqual(expect.arrayContaining([expect.stringContaining('"event":"wechatpay.config_invalid"')]));
    expect(logged.mock.calls.join('\n')).not.toContain('short-secret-value');
    logged.mockRestore();
  });

  it('accepts PEM, bare base64 (for the 4 KB limit) and "\\n" typed in a console, and derives the merchant serial', () => {
    const { value, problems } = readWeChatPayEnv({
      WECHATPAY_V2_KEY: trusted.v2Key,
      WECHATPAY_MERCHANT_CERT: bare(trusted.merchant.cert),
      WECHATPAY_MERCHANT_KEY: trusted.merchant.key.replace(/\n/g, '\\n'),
      WECHATPAY_CA_CERT: trusted.ca.cert,
      WECHATPAY_BASE_URL: 'https://127.0.0.1:8443/',
    });
    expect(problems).toEqual([]);
    expect(value).toMatchObject({ v2Key: trusted.v2Key, merchantSerial: trusted.merchant.serial, baseUrl: 'https://127.0.0.1:8443', extraCa: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(bare(value.merchantCert ?? '')).toBe(bare(trusted.merchant.cert));
    expect(bare(readWeChatPayEnv({ WECHATPAY_MERCHANT_KEY: bare(trusted.merchant.key) }).value.merchantKey ?? '')).toBe(bare(trusted.merchant.key));
  });

  it('says when the merchant key is not the certificate\'s key', () => {
    const { problems } = readWeChatPayEnv({ WECHATPAY_MERCHANT_CERT: trusted.merchant.cert, WECHATPAY_MERCHANT_KEY: stranger.merchant.key });
    expect(problems).toEqual(['WECHATPAY_MERCHANT_KEY is not the private key of WECHATPAY_MERCHANT_CERT']);
  });

  it('defaults to WeChat Pay\'s host and Node\'s roots', () => {
    expect(readWeChatPayEnv({}).value).toEqual({ baseUrl: 'https://api.mch.weixin.qq.com', extraCa: [] });
  });
});
