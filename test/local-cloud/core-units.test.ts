import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSecurityRules } from '../../emulator/src/security-rules';
import { parseMultipart, boundaryOf } from '../../emulator/src/http/multipart';
import { adminCallerOf, decodeAdminBody, CallCounter } from '../../emulator/src/admin';
import { AdminError } from '../../emulator/src/contracts';

describe('cloud-function security rules', () => {
  const shipped = parseSecurityRules(JSON.parse(readFileSync(join(__dirname, '../../cloudbase/function-security-rules.json'), 'utf8')));

  it.each([
    ['payNotify', 'deny'],
    ['refundNotify', 'deny'],
    ['reconcile', 'deny'],
    ['pay', 'signed-in'],
    ['orders', 'signed-in'],
  ])('the shipped rules give %s: %s', (fn, rule) => {
    expect(shipped.ruleFor(fn)).toBe(rule);
  });

  it('falls back to "*" for functions it does not name', () => {
    expect(parseSecurityRules({ '*': { invoke: true } }).ruleFor('anything')).toBe('allow');
  });

  it.each([
    [{ pay: { invoke: true } }, /"\*" entry is required/],
    [{ '*': {} }, /must be true, false/],
    [{ '*': { invoke: 'auth.openid == "x"' } }, /must be true, false/],
    [[], /JSON object/],
  ])('rejects rules CloudBase would reject: %j', (rules, message) => {
    expect(() => parseSecurityRules(rules)).toThrow(message);
  });
});

describe('admin request decoding', () => {
  it('knows the invoking function from the per-invocation admin URL', () => {
    expect(adminCallerOf('/admin', 'e')).toEqual({ env: 'e', functionName: undefined, invocationId: undefined });
    expect(adminCallerOf('/admin/payNotify/inv-1', 'e')).toEqual({ env: 'e', functionName: 'payNotify', invocationId: 'inv-1' });
    expect(adminCallerOf('/admin/../db', 'e')).toBeUndefined();
    expect(adminCallerOf('/functions/pay', 'e')).toBeUndefined();
  });

  it('reads multipart fields, keeping octet-stream fields binary', () => {
    const b = 'XyZ';
    const body = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="action"\r\n\r\nwx.openApi\r\n`),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="requestData"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from([0, 1, 2, 13, 10, 255]),
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    expect(boundaryOf(`multipart/form-data; boundary=${b}`)).toBe(b);
    const params = decodeAdminBody(`multipart/form-data; boundary=${b}`, body);
    expect(params.action).toBe('wx.openApi');
    expect(params.requestData).toEqual(Buffer.from([0, 1, 2, 13, 10, 255]));
    expect(parseMultipart(body, b)).toHaveLength(2);
  });

  it('answers a clear error for a body that is neither JSON nor multipart', () => {
    expect(() => decodeAdminBody('application/json', Buffer.from('{oops'))).toThrow(AdminError);
    expect(() => decodeAdminBody('application/json', Buffer.from('[1]'))).toThrow(/JSON object/);
  });

  it('counts calls per invocation by kind, once', () => {
    const counter = new CallCounter();
    counter.record('a', 'database.getDocument');
    counter.record('a', 'database.modifyDocument');
    counter.record('a', 'wx.wxPayApi');
    counter.record('b', 'wx.openApi');
    counter.record(undefined, 'database.getDocument');
    expect(counter.take('a')).toEqual({ database: 2, pay: 1, openapi: 0, functions: 0 });
    expect(counter.take('a')).toEqual({ database: 0, pay: 0, openapi: 0, functions: 0 });
    expect(counter.take('b').openapi).toBe(1);
  });
});
