// WeChat's shipping-info service in the local cloud, through the real SDK (`cloud.openapi.wxa.sec.order.*`, protobuf
// in and out): what upload_shipping_info accepts and refuses, the one modification, and what get_order reports.
import { control, placeOrder, startHarness, BUYER, SUB_MCH_ID, type Harness } from '../sandbox/support';
import type { WxServerSdk } from '../helpers/local-cloud';

type OrderApi = Record<string, (data: Record<string, unknown>) => Promise<Record<string, unknown>>>;
const orderApi = (sdk: WxServerSdk) => (sdk.openapi as unknown as { wxa: { sec: { order: OrderApi } } }).wxa.sec.order;
const upload = (h: Harness, body: Record<string, unknown>) => orderApi(h.sdk).uploadShippingInfo(body);
const getOrder = (h: Harness, body: Record<string, unknown>) => orderApi(h.sdk).getOrder(body);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.cloud.close());

async function paidTrade(): Promise<{ outTradeNo: string; transactionId: string }> {
  const { outTradeNo } = await placeOrder(h.sdk);
  const done = await control.post<{ transactionId?: string; trade?: { transactionId: string } }>(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true });
  expect(done.status).toBe(200);
  const trade = await control.get<{ transactionId: string }>(h, `/sandbox/payments/${outTradeNo}`);
  return { outTradeNo, transactionId: trade.transactionId };
}

let clock = Date.parse('2026-11-29T00:00:00Z');
function body(key: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  clock += 1000;
  return {
    order_key: key,
    logistics_type: 1,
    delivery_mode: 1,
    shipping_list: [{ tracking_no: '731234567890', express_company: 'ZTO', item_desc: '乌龙茶 ×2' }],
    upload_time: new Date(clock).toISOString(),
    payer: { openid: BUYER },
    ...over,
  };
}

describe('uploadShippingInfo', () => {
  it('takes a shipment keyed by transaction id, once, and allows one modification', async () => {
    const { outTradeNo, transactionId } = await paidTrade();
    const key = { order_number_type: 2, transaction_id: transactionId };
    await expect(upload(h, body(key))).resolves.toMatchObject({ errCode: 0 });
    const shipped = await control.get<Record<string, unknown>>(h, `/sandbox/shipping/${outTradeNo}`);
    expect(shipped).toMatchObject({ outTradeNo, transactionId, orderState: 2, logisticsType: 1, modifications: 0, shippingList: [{ tracking_no: '731234567890', express_company: 'ZTO' }] });

    await expect(upload(h, body(key, { shipping_list: [{ tracking_no: '731234567891', express_company: 'ZTO', item_desc: '乌龙茶 ×2' }] }))).resolves.toMatchObject({ errCode: 0 });
    expect(await control.get(h, `/sandbox/shipping/${outTradeNo}`)).toMatchObject({ modifications: 1, shippingList: [{ tracking_no: '731234567891' }] });

    await expect(upload(h, body(key))).rejects.toMatchObject({ errCode: 10060002 });
    expect(await control.get(h, `/sandbox/shipping/${outTradeNo}`)).toMatchObject({ modifications: 1, shippingList: [{ tracking_no: '731234567891' }] });
  });

  it('takes mchid + out_trade_no, and the SF contact rule', async () => {
    const { outTradeNo } = await paidTrade();
    const key = { order_number_type: 1, mchid: SUB_MCH_ID, out_trade_no: outTradeNo };
    const sf = { tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '乌龙茶 ×2' };
    await expect(upload(h, body(key, { shipping_list: [sf] }))).rejects.toMatchObject({ errCode: 47001, errMsg: expect.stringContaining('SF Express needs the masked') });
    await expect(upload(h, body(key, { shipping_list: [{ ...sf, contact: { receiver_contact: '13800138000' } }] }))).rejects.toMatchObject({ errCode: 47001 });
    await expect(upload(h, body(key, { shipping_list: [{ ...sf, contact: { receiver_contact: '138****8000' } }] }))).resolves.toMatchObject({ errCode: 0 });
  });

  it.each([
    ['an unknown trade', (k: Record<string, unknown>) => body({ ...k, transaction_id: '4200000000000000000000000000' }), 10060001],
    ['a missing order_key', () => body({}, { order_key: undefined }), 47001],
    ['logistics type 5', (k: Record<string, unknown>) => body(k, { logistics_type: 5 }), 47001],
    ['an express package without a company', (k: Record<string, unknown>) => body(k, { shipping_list: [{ tracking_no: '731234567890', item_desc: 'x' }] }), 47001],
    ['a company not on the delivery list', (k: Record<string, unknown>) => body(k, { shipping_list: [{ tracking_no: '731234567890', express_company: 'ACME', item_desc: 'x' }] }), 47001],
    ['16 packages', (k: Record<string, unknown>) => body(k, { delivery_mode: 2, is_all_delivered: true, shipping_list: Array.from({ length: 16 }, (_, i) => ({ tracking_no: `73123456789${i}`, express_company: 'ZTO', item_desc: 'x' })) }), 47001],
    ['two packages in unified delivery', (k: Record<string, unknown>) => body(k, { shipping_list: [{ tracking_no: '731234567890', express_company: 'ZTO', item_desc: 'x' }, { tracking_no: '731234567891', express_company: 'ZTO', item_desc: 'y' }] }), 47001],
    ['split delivery of a pick-up', (k: Record<string, unknown>) => body(k, { logistics_type: 4, delivery_mode: 2, is_all_delivered: true }), 47001],
    ['an item_desc of 121 characters', (k: Record<string, unknown>) => body(k, { shipping_list: [{ tracking_no: '731234567890', express_company: 'ZTO', item_desc: '茶'.repeat(121) }] }), 47001],
    ['someone else as payer', (k: Record<string, unknown>) => body(k, { payer: { openid: 'oSomeoneElse' } }), 47001],
    ['a bad upload_time', (k: Record<string, unknown>) => body(k, { upload_time: 'yesterday' }), 47001],
  ])('refuses %s, and records nothing', async (_name, make, errCode) => {
    const { outTradeNo, transactionId } = await paidTrade();
    await expect(upload(h, make({ order_number_type: 2, transaction_id: transactionId }))).rejects.toMatchObject({ errCode });
    expect((await fetch(`${h.cloud.url}/sandbox/shipping/${outTradeNo}`)).status).toBe(404);
  });

  it('accepts split delivery of up to 15 packages', async () => {
    const { transactionId } = await paidTrade();
    const packages = Array.from({ length: 15 }, (_, i) => ({ tracking_no: `7312345678${String(i).padStart(2, '0')}`, express_company: 'ZTO', item_desc: `箱 ${i + 1}` }));
    await expect(upload(h, body({ order_number_type: 2, transaction_id: transactionId }, { delivery_mode: 2, is_all_delivered: true, shipping_list: packages }))).resolves.toMatchObject({ errCode: 0 });
  });

  it('refuses an unpaid trade as unknown (10060001)', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await expect(upload(h, body({ order_number_type: 1, mchid: SUB_MCH_ID, out_trade_no: outTradeNo }))).rejects.toMatchObject({ errCode: 10060001 });
  });

  it('answers an armed fault, then works again', async () => {
    const { transactionId } = await paidTrade();
    expect((await control.post(h, '/sandbox/shipping/faults', { errcode: -1, count: 1 })).status).toBe(200);
    await expect(upload(h, body({ order_number_type: 2, transaction_id: transactionId }))).rejects.toMatchObject({ errCode: -1 });
    await expect(upload(h, body({ order_number_type: 2, transaction_id: transactionId }))).resolves.toMatchObject({ errCode: 0 });
  });
});

describe('getOrder and the buyer’s confirmation', () => {
  it('reports 待发货, then 已发货, then 确认收货 once the buyer confirms in WeChat’s component', async () => {
    const { outTradeNo, transactionId } = await paidTrade();
    expect(await getOrder(h, { transaction_id: transactionId })).toMatchObject({ order: { orderState: 1, merchantTradeNo: outTradeNo } });
    expect((await control.post(h, `/sandbox/shipping/${outTradeNo}/confirm`)).status).toBe(409);
    await upload(h, body({ order_number_type: 2, transaction_id: transactionId }, { logistics_type: 4, shipping_list: [{ item_desc: '到店自提' }] }));
    expect(await getOrder(h, { merchant_id: SUB_MCH_ID, merchant_trade_no: outTradeNo })).toMatchObject({ order: { orderState: 2 } });
    const confirmed = await control.post<Record<string, unknown>>(h, `/sandbox/shipping/${outTradeNo}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ referrerInfo: { appId: 'wx1183b055aeec94d1', extraData: { status: 'success' } } });
    expect(await getOrder(h, { transaction_id: transactionId })).toMatchObject({ order: { orderState: 3 } });
    // Confirmed: no more changes.
    await expect(upload(h, body({ order_number_type: 2, transaction_id: transactionId }))).rejects.toMatchObject({ errCode: 10060002 });
  });

  it('knows no unknown order', async () => {
    await expect(getOrder(h, { transaction_id: '4200000000000000000000000001' })).rejects.toMatchObject({ errCode: 10060001 });
  });
});
