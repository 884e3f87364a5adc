// Every APIv2 forgery the sandbox can send, through HTTP access to the shop's real payNotify and refundNotify (the
// demo shop on APIv2): none of them moves an order or a refund. Those that fail the protocol's checks (signature,
// key, merchant, XML) are not acknowledged; those made with the merchant's own key (as if the key had leaked) pass
// the checks, and then the functions' re-query of WeChat Pay is what keeps the books right — their answer is the
// functions' choice, their effect must be nothing.
import { PAYMENT_FORGERIES, REFUND_FORGERIES } from '../../emulator/src/sandbox/v2/notify';
import { DEMO_BUYER, DEMO_MERCHANT } from '../../emulator/src/demo';
import { callFunction, getJson, postJson, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

jest.setTimeout(120_000);

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ pay: 'v2', demo: true, autoSettleRefunds: false });
});
afterAll(() => cloud.close());

async function ok<T>(name: string, data: unknown, openid: string): Promise<T> {
  const reply = await callFunction<{ ok: boolean; data: T; code?: string }>(cloud, name, data, openid);
  if (!reply.body.result?.ok) throw new Error(`${name}: ${JSON.stringify(reply.body)}`);
  return reply.body.result.data;
}

const orderStatus = async (orderId: string) => (await getJson<{ documents: Array<{ _id: string; status: string }> }>(cloud, '/db/orders?limit=1000')).documents.find((d) => d._id === orderId)?.status;
const refundStatus = async (refundId: string) => (await getJson<{ documents: Array<{ _id: string; status: string }> }>(cloud, '/db/refunds?limit=1000')).documents.find((d) => d._id === refundId)?.status;

type Forged = { status: number; acknowledged: boolean };

/** Signed (or encrypted) with the merchant's real key: authentic as far as the protocol can tell. */
const WITH_THE_KEY = new Set(['SIGNED', 'SIGNED_WRONG_AMOUNT']);

it('the demo shop takes money through APIv2', async () => {
  expect(await getJson(cloud, '/db/settings')).toMatchObject({ documents: [expect.objectContaining({ provider: 'v2', payNotifyUrl: `${cloud.url}/http/payNotify` })] });
});

describe('payment forgeries', () => {
  let orderId: string;
  beforeAll(async () => {
    ({ orderId } = await ok<{ orderId: string }>('pay', { items: [{ productId: 'tea-cup', quantity: 1 }] }, DEMO_BUYER));
  });

  it.each(PAYMENT_FORGERIES.map((f) => [f]))('%s for an unpaid order: the order stays PENDING', async (forgery) => {
    const sent = await postJson<Forged>(cloud, `/sandbox/payments/${orderId}/forge`, { forgery });
    expect(sent.status).toBe(200);
    if (!WITH_THE_KEY.has(forgery)) expect(sent.body.acknowledged).toBe(false);
    expect(await orderStatus(orderId)).toBe('PENDING');
  });

  it('the genuine notify then pays the order, once; later forgeries change nothing', async () => {
    const paid = await postJson<{ notification: { status: string } }>(cloud, `/sandbox/payments/${orderId}/complete`, {});
    expect(paid.body.notification.status).toBe('ACKNOWLEDGED');
    expect(await orderStatus(orderId)).toBe('PAID');
    for (const forgery of ['SIGNED_WRONG_AMOUNT', 'WRONG_MCH_ID', 'RESULT_FAIL', 'BAD_SIGNATURE'] as const) {
      await postJson(cloud, `/sandbox/payments/${orderId}/forge`, { forgery });
      expect(await orderStatus(orderId)).toBe('PAID');
    }
    const messages = await getJson<{ messages: unknown[] }>(cloud, `/sandbox/messages?touser=${DEMO_MERCHANT}&templateId=LOCAL_TMPL_ORDER_PAID`);
    expect(messages.messages).toHaveLength(1);
  });
});

describe('refund forgeries', () => {
  let refundId: string;
  beforeAll(async () => {
    const { orderId } = await ok<{ orderId: string }>('pay', { items: [{ productId: 'tea-cup', quantity: 1 }] }, DEMO_BUYER);
    await postJson(cloud, `/sandbox/payments/${orderId}/complete`, {});
    ({ refundId } = await ok<{ refundId: string }>('applyRefund', { orderId, reason: '不想要了' }, DEMO_BUYER));
    await ok('approveRefund', { refundId, action: 'approve' }, DEMO_MERCHANT);
    expect(await refundStatus(refundId)).toBe('PROCESSING');
  });

  it.each(REFUND_FORGERIES.map((f) => [f]))('%s while WeChat is still refunding: the refund stays PROCESSING', async (forgery) => {
    const sent = await postJson<Forged>(cloud, `/sandbox/refunds/${refundId}/forge`, { forgery });
    expect(sent.status).toBe(200);
    // (a refund's TAMPERED_AMOUNT is a req_info properly encrypted with the key, so it is among them)
    if (!WITH_THE_KEY.has(forgery) && forgery !== 'TAMPERED_AMOUNT') expect(sent.body.acknowledged).toBe(false);
    expect(await refundStatus(refundId)).toBe('PROCESSING');
  });

  it('the genuine notify then settles the refund', async () => {
    const settled = await postJson<{ notifications: Array<{ status: string }> }>(cloud, `/sandbox/refunds/${refundId}/settle`, { status: 'SUCCESS' });
    expect(settled.body.notifications[0].status).toBe('ACKNOWLEDGED');
    expect(await refundStatus(refundId)).toBe('SUCCEEDED');
  });
});
