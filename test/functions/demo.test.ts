// `npm start` seeds a demo shop: a developer can buy as demo-buyer and is told as demo-merchant, with no setup.
import type { MeData, PayData, Product, Result } from '../../typings/api';
import { DEMO_BUYER, DEMO_MERCHANT } from '../../emulator/src/demo';
import { callFunction, getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

jest.setTimeout(30_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ demo: true });
}, 60_000);
afterAll(() => cloud?.close());

async function data<T>(name: string, event: unknown, openid: string): Promise<T> {
  const reply = await callFunction<Result<T>>(cloud, name, event, openid);
  const result = reply.body.result;
  if (!result || !result.ok) throw new Error(`${name}: ${JSON.stringify(reply.body)}`);
  return result.data;
}

it('has products, a merchant, and subscriptions that let the first messages through', async () => {
  const products = await data<Product[]>('orders', { action: 'products' }, DEMO_BUYER);
  expect(products.map((p) => p.productId)).toContain('sample-pack');
  // Specs and counted stock: one SKU sold out, one product nearly so.
  const blackTea = products.find((p) => p.productId === 'black-tea');
  expect(blackTea?.skus.map((s) => [s.spec, s.stock])).toEqual([['100g', 30], ['250g', 2], ['500g', 0]]);
  expect(products.find((p) => p.productId === 'tea-tray')?.skus).toEqual([expect.objectContaining({ stock: 1 })]);
  expect((await data<MeData>('orders', { action: 'me' }, DEMO_MERCHANT)).isMerchant).toBe(true);
  expect((await data<MeData>('orders', { action: 'me' }, DEMO_BUYER)).isMerchant).toBe(false);

  const { orderId } = await data<PayData>('pay', { items: [{ productId: 'sample-pack', quantity: 1 }] }, DEMO_BUYER);
  expect((await postJson(cloud, `/sandbox/payments/${orderId}/complete`, {})).status).toBe(200);
  const { messages } = await getJson<{ messages: Array<{ touser: string; status: string; data: Record<string, string> }> }>(cloud, `/sandbox/messages?touser=${DEMO_MERCHANT}`);
  expect(messages).toEqual([expect.objectContaining({ status: 'SENT', data: expect.objectContaining({ character_string1: orderId, amount3: '0.01元' }) })]);
});

it('has a paid order waiting to ship, which the demo merchant can ship and WeChat’s shipping service takes', async () => {
  const { DEMO_ORDER_TO_SHIP } = await import('../../emulator/src/demo/paid-order');
  const desk = await data<{ items: Array<{ orderId: string; status: string }> }>('orders', { action: 'desk', tab: 'TO_SHIP' }, DEMO_MERCHANT);
  // Oldest first: the seeded order comes before anything paid since.
  expect(desk.items[0]).toEqual(expect.objectContaining({ orderId: DEMO_ORDER_TO_SHIP, status: 'PAID' }));
  const shipped = await data<{ status: string }>('ship', { orderId: DEMO_ORDER_TO_SHIP, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1400000000001' }, DEMO_MERCHANT);
  expect(shipped.status).toBe('SHIPPED');
  expect(await getJson(cloud, `/sandbox/shipping/${DEMO_ORDER_TO_SHIP}`)).toMatchObject({ orderState: 2 });
});
