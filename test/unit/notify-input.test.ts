import { NOTIFY_BODY_LIMIT, notifyInput } from '../../src/server/notify-input';

const http = (extra: Record<string, unknown>) => ({ path: '/payNotify', httpMethod: 'POST', headers: { 'Content-Type': 'text/xml' }, queryStringParameters: {}, body: '<xml/>', isBase64Encoded: false, ...extra });

describe('notifyInput', () => {
  it('passes a cloudPay event through as an event', () => {
    expect(notifyInput({ outTradeNo: 'O1' })).toEqual({ ok: true, incoming: { transport: 'event', event: { outTradeNo: 'O1' } } });
  });

  it('turns an HTTP access request into its method, path, lower-case headers and the bytes that were sent', () => {
    expect(notifyInput(http({}))).toEqual({ ok: true, incoming: { transport: 'http', method: 'POST', path: '/payNotify', headers: { 'content-type': 'text/xml' }, body: Buffer.from('<xml/>') } });
  });

  it('decodes a base64 body to its exact bytes', () => {
    const bytes = Buffer.from([0xe4, 0xb8, 0xad, 0x00, 0xff]);
    const input = notifyInput(http({ body: bytes.toString('base64'), isBase64Encoded: true }));
    expect(input.ok && input.incoming.transport === 'http' && input.incoming.body.equals(bytes)).toBe(true);
  });

  it.each([
    ['not an object', 'payNotify', false],
    ['an array', [], false],
    ['a body that is not text', http({ body: 42 }), true],
    ['an oversized body', http({ body: 'x'.repeat(NOTIFY_BODY_LIMIT + 1) }), true],
  ])('refuses %s', (_what, event, isHttp) => {
    expect(notifyInput(event)).toEqual({ ok: false, http: isHttp, reason: expect.any(String) });
  });
});
