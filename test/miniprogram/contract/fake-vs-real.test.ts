/**
 * @jest-environment node
 */
// The page tests' backend (support/fake-backend.ts) must answer what the real functions answer. One scenario — a
// buyer's and a merchant's whole day, with mistakes — runs against the fake and against the built functions in the
// local cloud; every answer is compared after ids and instants are replaced by placeholders. A fake that drifts
// (a field the functions do not send, an event they do not write, another error code) fails here.
// Needs the built functions and local cloud (`npm run build`; `npm test` builds first).
import type { Result } from '../../../typings/api';
import { ShippingBackend } from '../support/fake-shipping';

// Loaded at run time, not imported: the server-side modules' wx-server-sdk types cannot share a program with
// miniprogram-api-typings (see test/miniprogram/tsconfig.json).
interface ShopUnderTest {
  cloud: { url: string };
  call<T = unknown>(name: string, data: unknown, openid?: string): Promise<Result<T>>;
  complete(orderId: string): Promise<{ status: number }>;
  close(): Promise<void>;
}
const support = require('../../functions/support') as {
  openShop(options?: { grants?: number; autoSettleRefunds?: boolean }): Promise<ShopUnderTest>;
  settleAtProvider(shop: ShopUnderTest, refundId: string, body?: Record<string, unknown>): Promise<{ status: number }>;
  BUYER: string;
  OTHER_BUYER: string;
  MERCHANT: string;
  MERCHANT_2: string;
  TEMPLATES: { orderPaid: string; refundRequested: string; refundResult: string; orderShipped: string };
};
const { postJson } = require('../../helpers/local-cloud') as {
  postJson(cloud: { url: string }, path: string, body: unknown): Promise<{ status: number }>;
};
const { DEMO_PRODUCTS } = require('../../../emulator/src/demo') as {
  DEMO_PRODUCTS: Array<{ _id: string; name: string; price: number; description?: string }>;
};

jest.setTimeout(60_000);

/** What a scenario needs of a backend: the functions' gateway, and what WeChat Pay does on its own. */
interface Backend {
  call(name: string, data: Record<string, unknown>, openid: string): Promise<Result<unknown>>;
  /** The buyer pays in WeChat and the payment callback arrives. */
  paid(orderId: string): Promise<void>;
  /** WeChat Pay finishes a refund (SUCCESS, or CHANGE: abnormal) and its callback arrives. */
  refundSettled(refundId: string, status: 'SUCCESS' | 'CHANGE'): Promise<void>;
  /** The buyer confirms receipt in WeChat's own window (weappOrderConfirm); get_order then says so. */
  receiptConfirmedInWeChat(orderId: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeBackend(): Backend {
  const fake = new ShippingBackend();
  // The shop test/functions/support.ts opens: the demo products and a very expensive one.
  fake.products = [...DEMO_PRODUCTS, { _id: 'gold-teapot', name: '金茶壶', price: 60_000_000 }].map(
    (p) => ({ productId: p._id, name: p.name, price: p.price, ...(p.description ? { description: p.description } : {}) }),
  );
  fake.merchants = new Set([support.MERCHANT, support.MERCHANT_2]);
  fake.refundWindowDays = 7;
  fake.unpaidTimeoutSeconds = 30 * 60;
  fake.templates = { ...support.TEMPLATES };
  // The demo settings: under WeChat's shipping management, with a receipt printer (one copy).
  fake.shippingManaged = true;
  fake.printer = { copies: 1 };
  fake.autoSettleRefunds = false;
  fake.setClock(Date.now());
  return {
    call: async (name, data, openid) => JSON.parse(JSON.stringify(fake.handle(name, data, openid))) as Result<unknown>,
    paid: async (orderId) => fake.markPaid(orderId),
    refundSettled: async (refundId, status) => fake.settle(refundId, status === 'SUCCESS' ? 'SUCCEEDED' : 'ABNORMAL'),
    receiptConfirmedInWeChat: async (orderId) => fake.confirmInWeChat(fake.orders.get(orderId)!.transactionId!),
  };
}

function realBackend(shop: ShopUnderTest): Backend {
  return {
    call: (name, data, openid) => shop.call(name, data, openid),
    paid: async (orderId) => {
      expect((await shop.complete(orderId)).status).toBe(200);
    },
    refundSettled: async (refundId, status) => {
      expect((await support.settleAtProvider(shop, refundId, { status })).status).toBe(200);
    },
    receiptConfirmedInWeChat: async (orderId) => {
      expect((await postJson(shop.cloud, `/sandbox/shipping/${orderId}/confirm`, {})).status).toBe(200);
    },
  };
}

/** Every answer of the scenario, with the ids it created replaced by their order of appearance. */
async function scenario(b: Backend): Promise<Array<[string, unknown]>> {
  const { BUYER, OTHER_BUYER, MERCHANT } = support;
  const answers: Array<[string, unknown]> = [];
  const ids: string[] = [];
  const step = async (label: string, name: string, data: Record<string, unknown>, openid = BUYER): Promise<Record<string, unknown>> => {
    const result = await b.call(name, data, openid);
    answers.push([label, result]);
    const value = result.ok ? (result.data as Record<string, unknown>) : {};
    if (name === 'pay' && typeof value.orderId === 'string' && !ids.includes(value.orderId)) ids.push(value.orderId);
    return value;
  };

  await step('products', 'orders', { action: 'products' });
  await step('me (buyer)', 'orders', { action: 'me' });
  await step('me (merchant)', 'orders', { action: 'me' }, MERCHANT);
  const { orderId } = (await step('pay', 'pay', { items: [{ productId: DEMO_PRODUCTS[0]._id, quantity: 2 }], idempotencyKey: 'contract-key-1' })) as { orderId: string };
  await step('pay again with the key', 'pay', { items: [{ productId: DEMO_PRODUCTS[0]._id, quantity: 2 }], idempotencyKey: 'contract-key-1' });
  await step('the key with other items', 'pay', { items: [{ productId: DEMO_PRODUCTS[1]._id, quantity: 1 }], idempotencyKey: 'contract-key-1' });
  await step('pay: unknown product', 'pay', { items: [{ productId: 'no-such-thing', quantity: 1 }] });
  await step('pay: bad quantity', 'pay', { items: [{ productId: DEMO_PRODUCTS[0]._id, quantity: 0 }] });
  await step('detail, unpaid', 'orders', { action: 'get', orderId });
  await step('refund before paying', 'applyRefund', { orderId, reason: '不想要了' });
  await b.paid(orderId);
  await step('detail, paid', 'orders', { action: 'get', orderId });
  await step('list', 'orders', { action: 'list' });
  await step('list, PAID tab', 'orders', { action: 'list', status: 'PAID' });
  await step('someone else reads it', 'orders', { action: 'get', orderId }, OTHER_BUYER);
  await step('refund: control character', 'applyRefund', { orderId, reason: '不想要了\u0007' });
  await step('refund: reason too long', 'applyRefund', { orderId, reason: '长'.repeat(81) });
  await step('refund: misspelt field', 'applyRefund', { orderId, reason: '不想要了', refundfee: 1 });
  await step('refund: more than paid', 'applyRefund', { orderId, reason: '不想要了', refundFee: 13601 });
  await step('refund requested', 'applyRefund', { orderId, reason: '不想要了：包装破损', refundFee: 5000 });
  await step('a second open refund', 'applyRefund', { orderId, reason: '再退', refundFee: 100 });
  await step('list, REFUNDING tab', 'orders', { action: 'list', status: 'REFUNDING' });
  await step('the queue, as the buyer', 'orders', { action: 'refunds' });
  await step('the queue', 'orders', { action: 'refunds', status: 'REQUESTED' }, MERCHANT);
  await step('the request', 'orders', { action: 'refund', refundId: `${orderId}R1` }, MERCHANT);
  await step('reject without a reason', 'approveRefund', { refundId: `${orderId}R1`, action: 'reject' }, MERCHANT);
  await step('approve, as the buyer', 'approveRefund', { refundId: `${orderId}R1`, action: 'approve' });
  await step('reject', 'approveRefund', { refundId: `${orderId}R1`, action: 'reject', rejectReason: '商品不支持无理由退货' }, MERCHANT);
  await step('approve a rejected one', 'approveRefund', { refundId: `${orderId}R1`, action: 'approve' }, MERCHANT);
  await step('second request', 'applyRefund', { orderId, reason: '质量问题', refundFee: 1000 });
  await step('withdrawn', 'orders', { action: 'withdrawRefund', refundId: `${orderId}R2` });
  await step('withdrawn again', 'orders', { action: 'withdrawRefund', refundId: `${orderId}R2` });
  await step('third request', 'applyRefund', { orderId, reason: '质量问题', refundFee: 2000 });
  await step('approved', 'approveRefund', { refundId: `${orderId}R3`, action: 'approve' }, MERCHANT);
  await step('approved again', 'approveRefund', { refundId: `${orderId}R3`, action: 'approve' }, MERCHANT);
  await b.refundSettled(`${orderId}R3`, 'SUCCESS');
  await step('detail after a refund', 'orders', { action: 'get', orderId });
  await step('the rest', 'applyRefund', { orderId, reason: '全部退了' });
  await step('the rest approved', 'approveRefund', { refundId: `${orderId}R4`, action: 'approve' }, MERCHANT);
  await b.refundSettled(`${orderId}R4`, 'CHANGE');
  await step('abnormal, as the merchant sees it', 'orders', { action: 'refund', refundId: `${orderId}R4` }, MERCHANT);
  await step('abnormal, as the buyer sees it', 'orders', { action: 'get', orderId });
  await step('the abnormal tab', 'orders', { action: 'refunds', status: 'ABNORMAL' }, MERCHANT);
  await step('nothing left to ask', 'applyRefund', { orderId, reason: '还要退' });

  const second = (await step('another order', 'pay', { items: [{ productId: DEMO_PRODUCTS[2]._id, quantity: 1 }] })) as { orderId: string };
  await sleep(400); // past WeChat's first 5 minutes, which the local cloud runs at 1/1000 speed
  await step('cancelled', 'orders', { action: 'cancel', orderId: second.orderId });
  await step('cancelled again', 'orders', { action: 'cancel', orderId: second.orderId });
  await step('pay a cancelled order', 'pay', { orderId: second.orderId });
  await step('detail, cancelled', 'orders', { action: 'get', orderId: second.orderId });
  // Shipping: the address at checkout, the desk, the shipment (WeChat takes it), receipt through WeChat, a refund after.
  const address = { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号', postalCode: '310000', errMsg: 'chooseAddress:ok' };
  await step('pay: address without a phone', 'pay', { items: [{ productId: DEMO_PRODUCTS[0]._id, quantity: 1 }], address: { ...address, telNumber: '' } });
  const third = (await step('pay with an address', 'pay', { items: [{ productId: DEMO_PRODUCTS[0]._id, quantity: 1 }], address })) as { orderId: string };
  await step('ship before paying', 'ship', { orderId: third.orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
  await b.paid(third.orderId);
  await step('the desk', 'orders', { action: 'desk' }, MERCHANT);
  await step('the desk, as the buyer', 'orders', { action: 'desk' });
  await step('ship, as the buyer', 'ship', { orderId: third.orderId, logisticsType: 'SELF_PICKUP' });
  await step('ship: express without a number', 'ship', { orderId: third.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF' }, MERCHANT);
  await step('shipped', 'ship', { orderId: third.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF 1234 5678 90' }, MERCHANT);
  await step('shipped again', 'ship', { orderId: third.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }, MERCHANT);
  await step('the desk, shipped tab', 'orders', { action: 'desk', tab: 'SHIPPED' }, MERCHANT);
  await step('shipped, as the merchant sees it', 'orders', { action: 'get', orderId: third.orderId }, MERCHANT);
  await step('reprint', 'orders', { action: 'reprint', orderId: third.orderId }, MERCHANT);
  await step('receipt before WeChat has it', 'orders', { action: 'confirmReceipt', orderId: third.orderId, via: 'wechat' });
  await b.receiptConfirmedInWeChat(third.orderId);
  await step('receipt, as someone else', 'orders', { action: 'confirmReceipt', orderId: third.orderId }, OTHER_BUYER);
  await step('received', 'orders', { action: 'confirmReceipt', orderId: third.orderId, via: 'wechat' });
  await step('received again', 'orders', { action: 'confirmReceipt', orderId: third.orderId, via: 'wechat' });
  await step('correct after receipt', 'ship', { orderId: third.orderId, logisticsType: 'SELF_PICKUP' }, MERCHANT);
  await step('detail, completed', 'orders', { action: 'get', orderId: third.orderId });
  await step('list, COMPLETED tab', 'orders', { action: 'list', status: 'COMPLETED' });
  await step('refund after receipt', 'applyRefund', { orderId: third.orderId, reason: '质量问题', refundFee: 100 });
  await step('a forged cursor', 'orders', { action: 'list', cursor: Buffer.from('{"t":9e15,"id":"x","n":1}').toString('base64url') });
  await step('an unknown action', 'orders', { action: 'explode' });

  return normalise(answers, ids) as Array<[string, unknown]>;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Ids become ORDER1, ORDER2 (refunds ORDER1R1 …), instants `<time>`, and what only the provider decides `<…>`. */
function normalise(value: unknown, ids: readonly string[], key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'transactionId') return '<transaction>';
    if (key === 'nextCursor') return '<cursor>';
    if (ISO.test(value)) return '<time>';
    return ids.reduce((text, id, i) => text.split(id).join(`ORDER${i + 1}`), value);
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, ids));
  if (value && typeof value === 'object') {
    if (key === 'payment') return Object.keys(value).sort();
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(entries.map(([k, v]) => [k, normalise(v, ids, k)]));
  }
  return value;
}

let shop: ShopUnderTest | undefined;
afterAll(() => shop?.close());

it('the fake answers the scenario exactly as the functions do', async () => {
  shop = await support.openShop({ autoSettleRefunds: false, grants: 0 });
  const real = await scenario(realBackend(shop));
  const fake = await scenario(fakeBackend());
  expect(fake.map(([label]) => label)).toEqual(real.map(([label]) => label));
  for (let i = 0; i < real.length; i++) expect([fake[i][0], fake[i][1]]).toEqual([real[i][0], real[i][1]]);
});
