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

describe('answers of an unexpected shape', () => {
  it('a list whose items are not orders becomes INTERNAL instead of breaking the page', async () => {
    const { fetchOrders } = await import('../../../miniprogram/services/order');
    answering({ ok: true, data: { items: [{ orderId: 'o1', totalFee: '12.00' }] } });
    await expect(fetchOrders({})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
    answering({ ok: true, data: { items: 'none' } });
    await expect(fetchOrders({})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('a well-formed page passes', async () => {
    const { fetchOrders } = await import('../../../miniprogram/services/order');
    const order = { orderId: 'o1', status: 'PAID', totalFee: 100, refundedFee: 0, refundingFee: 0, title: 't', itemCount: 1, createdAt: '2026-01-01T00:00:00.000Z', hasOpenRefund: false };
    answering({ ok: true, data: { items: [order], nextCursor: 'c' } });
    await expect(fetchOrders({})).resolves.toEqual({ ok: true, data: { items: [order], nextCursor: 'c' } });
  });
});
