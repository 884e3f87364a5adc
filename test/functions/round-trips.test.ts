// What one order lifecycle costs in requests to the cloud, call by call (issue 21: new work must not add round trips
// beyond what its own guarantee needs; docs/functions.md "Budgets, measured" says what each request is for). Counted
// by the local cloud per invocation, on warm instances, with the demo shop's receipt printer. A change that adds a
// request makes this fail: either it is needed (raise the budget and say why in the doc) or it is not.
import { CUP, MERCHANT, openShop, type Shop } from './support';
import { counters, putStockedProducts } from './stock-support';

interface Calls {
  database: number;
  pay: number;
  openapi: number;
}

let shop: Shop;

beforeAll(async () => {
  shop = await openShop({ autoSettleRefunds: false, grants: 10 });
  putStockedProducts(shop);
});
afterAll(() => shop?.close());

async function gatewayCalls(name: string, data: unknown, openid?: string): Promise<{ data: Record<string, unknown>; calls: Calls }> {
  const res = await fetch(`${shop.cloud.url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify({ data }),
  });
  const body = (await res.json()) as { result: { ok: boolean; data: Record<string, unknown>; message?: string } };
  if (!body.result.ok) throw new Error(`${name}: ${body.result.message}`);
  return { data: body.result.data, calls: JSON.parse(res.headers.get('x-local-cloud-calls') ?? '{}') as Calls };
}

/** A callback delivered as the pay sandbox delivers it (the sandbox's own delivery dropped, so it is counted here). */
async function callbackCalls(name: 'payNotify' | 'refundNotify', event: Record<string, string>): Promise<Calls> {
  const outcome = await shop.cloud.runner.invoke({ name, event, source: 'wx_pay' });
  if (!outcome.ok) throw new Error(`${name}: ${outcome.message}`);
  expect(outcome.result).toEqual({ errcode: 0, errmsg: 'OK' });
  return outcome.calls;
}

/** One lifecycle of `items`; answers the requests of each call (the second lifecycle is measured: instances warm). */
async function lifecycle(items: Array<{ productId: string; quantity: number; skuId?: string }>): Promise<{ orderId: string; calls: Record<string, Calls> }> {
  const pay = await gatewayCalls('pay', { items }, 'buyer-alice');
  const orderId = pay.data.orderId as string;
  await shop.complete(orderId, { drop: true });
  const payNotify = await callbackCalls('payNotify', { outTradeNo: orderId });
  const apply = await gatewayCalls('applyRefund', { orderId, reason: 'round trips', refundFee: 10 }, 'buyer-alice');
  const refundId = apply.data.refundId as string;
  const approve = await gatewayCalls('approveRefund', { refundId, action: 'approve' }, MERCHANT);
  await shop.cloud.runner.invoke({ name: 'reconcile', event: {}, source: 'wx_trigger' }); // nothing due; keeps it warm
  const settled = await fetch(`${shop.cloud.url}/sandbox/refunds/${refundId}/settle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'SUCCESS', drop: true }) });
  expect(settled.status).toBe(200);
  const refundNotify = await callbackCalls('refundNotify', { outRefundNo: refundId });
  return { orderId, calls: { pay: pay.calls, payNotify, applyRefund: apply.calls, approveRefund: approve.calls, refundNotify } };
}

test('a lifecycle of an order that holds no stock stays within its requests, call by call', async () => {
  await lifecycle([{ productId: CUP._id, quantity: 1 }]);
  const { orderId, calls } = await lifecycle([{ productId: CUP._id, quantity: 1 }]);
  const database = Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, c.database]));
  expect(database).toEqual({
    pay: 2, // read the product, insert the order
    payNotify: 5, // PENDING → PAID (owing message and receipt), read it back (stock? receipt), message record, message sent, receipt record
    applyRefund: 6, // read the order, reserve on it, insert the refund (owing the message), clear the order's mark, message record, message sent
    approveRefund: 3, // read the refund, claim PROCESSING, the order's timeline
    refundNotify: 5, // read the refund, book the order, settle the refund (owing the message), message record, message sent
  });
  expect(Object.values(calls).reduce((n, c) => n + c.pay, 0)).toBe(4); // create, query, refund, query
  // One message per recipient: the shop's two merchants are told of the payment and of the request, the buyer of the result.
  expect(Object.values(calls).reduce((n, c) => n + c.openapi, 0)).toBe(2 + 2 + 1);
  const order = await shop.doc<{ status: string; refundedFee: number; printing?: { state: string } }>('orders', orderId);
  expect(order).toMatchObject({ status: 'PAID', refundedFee: 10, printing: { state: 'PRINTED' } });
});

test('an order that holds stock still sells it when paid, in one transaction on top', async () => {
  const before = await counters(shop, 'clay-cup', 'default');
  const pay = await gatewayCalls('pay', { items: [{ productId: 'clay-cup', quantity: 1 }] }, 'buyer-alice');
  const orderId = pay.data.orderId as string;
  await shop.complete(orderId, { drop: true });
  const payNotify = await callbackCalls('payNotify', { outTradeNo: orderId });
  // The five of an order without stock, and the transaction: start, read the order, move the counters, mark it, commit.
  expect(payNotify.database).toBe(5 + 5);
  expect(await counters(shop, 'clay-cup', 'default')).toEqual({ stock: before.stock - 1, held: before.held, sold: before.sold + 1 });
});
