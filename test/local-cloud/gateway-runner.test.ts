// Functions through the whole local cloud: the mini-program's gateway, and cloud.callFunction between functions
// (the real wx-server-sdk inside the built bundles talking to the admin API).
import { callFunction, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { requireBuilt } from './runner-helpers';

jest.setTimeout(60_000);

interface Whoami {
  wxContext: Record<string, unknown>;
  stable: boolean;
  instanceId: string;
  requestId: string;
  event: Record<string, unknown>;
}

interface CallerResult {
  me: Record<string, unknown>;
  callee?: Whoami;
  error?: { errCode: unknown; code: unknown; errMsg: string };
}

let cloud: LocalCloud;

beforeAll(async () => {
  requireBuilt(['dist/local-cloud/worker.js', 'dist/test-functions/runner-whoami/index.js', 'dist/test-functions/runner-caller/index.js']);
  cloud = await startTestCloud({ env: 'gateway-env', appid: 'wxgateway0000001' });
});

afterAll(() => cloud?.close());

describe('the gateway', () => {
  it('answers 50 concurrent calls from 50 users, each invocation seeing only its own caller', async () => {
    const openids = Array.from({ length: 50 }, (_, i) => `oGateway-${i}`);
    const replies = await Promise.all(
      openids.map((openid, i) => callFunction<Whoami>(cloud, 'runner-whoami', { holdMs: 10 + (i % 5) * 20, n: i }, openid)),
    );
    expect(replies.map((r) => r.status)).toEqual(openids.map(() => 200));
    expect(replies.map((r) => r.body.result?.wxContext.OPENID)).toEqual(openids);
    expect(replies.map((r) => r.body.result?.event.n)).toEqual(openids.map((_, i) => i));
    expect(replies.every((r) => r.body.result?.stable === true)).toBe(true);
    const first = replies[0].body.result;
    expect(first?.wxContext).toMatchObject({ APPID: 'wxgateway0000001', ENV: 'gateway-env', SOURCE: 'wx_client' });
  });

  it('reports a function that throws, and one that runs past its timeout, as wx.cloud.callFunction fails', async () => {
    const thrown = await callFunction(cloud, 'runner-fails', { mode: 'throw', message: 'out of stock' }, 'oBuyer');
    expect(thrown.status).toBe(500);
    expect(thrown.body).toMatchObject({ errCode: -504002, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(thrown.body.errMsg).toContain('TypeError: out of stock');

    const slow = await callFunction(cloud, 'runner-slow', { sleepMs: 4_000 }, 'oBuyer');
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({ code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED' });
    expect(slow.body.errMsg).toContain('Invoking task timed out after 1 seconds');
  });
});

describe('cloud.callFunction between functions', () => {
  it('runs the callee for the same user, with SOURCE wx_function, and returns its result', async () => {
    const reply = await callFunction<CallerResult>(cloud, 'runner-caller', { target: 'runner-whoami', data: { orderId: 'A7' } }, 'oBuyer-42');
    expect(reply.status).toBe(200);
    const result = reply.body.result;
    expect(result?.me).toMatchObject({ OPENID: 'oBuyer-42', SOURCE: 'wx_client' });
    expect(result?.callee?.wxContext).toMatchObject({ OPENID: 'oBuyer-42', SOURCE: 'wx_function', ENV: 'gateway-env' });
    // A function-to-function event carries no userInfo: that is added to calls from the mini-program only.
    expect(result?.callee?.event).toEqual({ orderId: 'A7' });
    expect(reply.calls?.functions).toBe(1);
  });

  it('keeps callers apart when many functions call others at once', async () => {
    const openids = Array.from({ length: 12 }, (_, i) => `oChain-${i}`);
    const replies = await Promise.all(openids.map((openid) => callFunction<CallerResult>(cloud, 'runner-caller', {}, openid)));
    expect(replies.map((r) => r.body.result?.callee?.wxContext.OPENID)).toEqual(openids);
  });

  it('throws in the caller what the callee failed with, as the SDK reports it', async () => {
    const thrown = await callFunction<CallerResult>(cloud, 'runner-caller', { target: 'runner-fails', data: { mode: 'throw', message: 'refund refused' } }, 'oBuyer');
    // wx-server-sdk 4.0.2 throws the server's {code, message} as errCode -1, keeping `code`; errMsg has the message.
    expect(thrown.body.result?.error).toEqual({
      errCode: -1,
      code: 'FUNCTIONS_EXECUTE_FAIL',
      errMsg: 'callFunction:fail TypeError: refund refused',
    });

    const slow = await callFunction<CallerResult>(cloud, 'runner-caller', { target: 'runner-slow', data: { sleepMs: 4_000 } }, 'oBuyer');
    expect(slow.body.result?.error).toMatchObject({ code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', errMsg: 'callFunction:fail Invoking task timed out after 1 seconds' });

    const missing = await callFunction<CallerResult>(cloud, 'runner-caller', { target: 'runner-no-such-function' }, 'oBuyer');
    expect(missing.body.result?.error).toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    expect(missing.body.result?.error?.errMsg).toContain('runner-no-such-function');
  });
});
