// The service layer's one door: whatever comes back, pages get exactly one shape.
import { callOrders } from '../../../miniprogram/services/call';

function answering(result: unknown): void {
  (globalThis as { wx?: unknown }).wx = {
    cloud: { callFunction: () => Promise.resolve({ result, errMsg: 'cloud.callFunction:ok' }) },
  };
}

describe('callFunction', () => {
  it('passes a success through', async () => {
    answering({ ok: true, data: [{ productId: 'p' }] });
    await expect(callOrders<'products'>({ action: 'products' })).resolves.toEqual({ ok: true, data: [{ productId: 'p' }] });
  });

  it('keeps a known failure code and message', async () => {
    answering({ ok: false, code: 'FORBIDDEN', message: 'merchants only' });
    await expect(callOrders<'me'>({ action: 'me' })).resolves.toEqual({ ok: false, code: 'FORBIDDEN', message: 'merchants only' });
  });

  it.each([
    [undefined],
    ['a string'],
    [{ ok: 'yes' }],
    [{ ok: true }],
    [{ errorCode: -1 }],
  ])('turns an answer that is not a Result (%p) into INTERNAL', async (result) => {
    answering(result);
    const outcome = await callOrders<'me'>({ action: 'me' });
    expect(outcome).toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('turns an unknown failure code into INTERNAL', async () => {
    answering({ ok: false, code: 'TEAPOT', message: 'short and stout' });
    await expect(callOrders<'me'>({ action: 'me' })).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('turns a call that never answered into NETWORK', async () => {
    (globalThis as { wx?: unknown }).wx = {
      cloud: { callFunction: () => Promise.reject({ errMsg: 'cloud.callFunction:fail -404011 cloud function execution error' }) },
    };
    await expect(callOrders<'me'>({ action: 'me' })).resolves.toEqual({
      ok: false,
      code: 'NETWORK',
      message: 'cloud.callFunction:fail -404011 cloud function execution error',
    });
  });
});
