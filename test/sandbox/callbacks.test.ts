// WeChat Pay's results delivered to functions: the documented event fields, retries on WeChat's schedule until the
// function answers {errcode: 0}, duplicates (also concurrent), lost and delayed callbacks.
import { BUYER, cloudPay, control, eventually, placeOrder, prepareReceiver, receivedEvents, receivedSources, refundData, scriptReceiver, startHarness, SUB_MCH_ID, type Harness } from './support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await prepareReceiver(h.sdk);
});
afterAll(async () => {
  await h?.cloud.close();
});
afterEach(async () => {
  await control.post(h, '/sandbox/reset');
});

interface NotificationView {
  status: string;
  attempts: number;
  deliveries: Array<{ attempt: number; copy: number; outcome: string; detail: string }>;
}
interface PaymentView {
  tradeState: string;
  notifications: NotificationView[];
}

const payment = (no: string) => control.get<PaymentView>(h, `/sandbox/payments/${no}`);
const settled = (no: string) => eventually(() => payment(no), (p) => p.notifications.length > 0 && p.notifications.every((n) => n.status !== 'PENDING'));

describe('the payment result', () => {
  it('reaches the function named at unifiedOrder with the documented fields, from WeChat Pay', async () => {
    const { outTradeNo } = await placeOrder(h.sdk, { attach: 'order-attach' });
    const done = await control.post<{ errMsg: string; notification: NotificationView }>(h, `/sandbox/payments/${outTradeNo}/complete`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ errMsg: 'requestPayment:ok', notification: { status: 'ACKNOWLEDGED', attempts: 1 } });

    const [event] = await receivedEvents(h.sdk, `payment:${outTradeNo}`);
    expect(event).toMatchObject({
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      subMchId: SUB_MCH_ID,
      subOpenid: BUYER,
      isSubscribe: 'N',
      tradeType: 'JSAPI',
      bankType: 'OTHERS',
      totalFee: 2400,
      cashFee: 2400,
      feeType: 'CNY',
      outTradeNo,
      attach: 'order-attach',
      transactionId: expect.stringMatching(/^4200\d{24}$/),
      timeEnd: expect.stringMatching(/^\d{14}$/),
    });
    for (const field of ['appid', 'mchId', 'nonceStr', 'openid']) expect(typeof event[field]).toBe('string');
    const query = await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect(event.transactionId).toBe(query.transactionId);
    expect(await receivedSources(h.sdk, `payment:${outTradeNo}`)).toEqual(['wx_pay']);
  });

  it.each([
    ['a wrong answer', 'answer', 'REJECTED'],
    ['a throw', 'throw', 'FAILED'],
  ] as const)('is delivered again after %s, on the schedule, until acknowledged', async (_name, failWith, outcome) => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await scriptReceiver(h.sdk, `payment:${outTradeNo}`, 3, failWith);
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`);
    const view = await settled(outTradeNo);
    expect(view.notifications[0]).toMatchObject({ status: 'ACKNOWLEDGED', attempts: 3 });
    expect(view.notifications[0].deliveries.map((d) => d.outcome)).toEqual([outcome, outcome, 'ACKNOWLEDGED']);
    expect(await receivedEvents(h.sdk, `payment:${outTradeNo}`)).toHaveLength(3);
  });

  it('counts a function running past its timeout as a failed delivery', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await scriptReceiver(h.sdk, `payment:${outTradeNo}`, 2, 'hang');
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`);
    const view = await settled(outTradeNo);
    expect(view.notifications[0].deliveries.map((d) => d.outcome)).toEqual(['TIMEOUT', 'ACKNOWLEDGED']);
  });

  it('gives up after the last retry of the schedule (16 attempts)', async () => {
    await control.post(h, '/sandbox/config', { timeScale: 0.000002 });
    const { outTradeNo } = await placeOrder(h.sdk);
    await scriptReceiver(h.sdk, `payment:${outTradeNo}`, 1000, 'answer');
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`);
    const view = await eventually(() => payment(outTradeNo), (p) => p.notifications[0].status !== 'PENDING', 15_000);
    expect(view.notifications[0]).toMatchObject({ status: 'GAVE_UP', attempts: 16 });
    expect(await receivedEvents(h.sdk, `payment:${outTradeNo}`)).toHaveLength(16);
  });

  it.each([false, true])('is delivered N times when asked for duplicates (concurrent: %s)', async (concurrent) => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { deliveries: 3, concurrent });
    const view = await settled(outTradeNo);
    expect(view.notifications[0].deliveries).toHaveLength(3);
    const events = await receivedEvents(h.sdk, `payment:${outTradeNo}`);
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.transactionId)).size).toBe(1);
  });

  it('can be lost: the trade is paid, but no function hears of it', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    const done = await control.post<{ notification: NotificationView }>(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true });
    expect(done.body.notification).toMatchObject({ status: 'DROPPED', attempts: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await receivedEvents(h.sdk, `payment:${outTradeNo}`)).toHaveLength(0);
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'SUCCESS' });
  });

  it('can be delayed: the trade is paid at once, the result arrives later', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { delayMs: 1500 });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'SUCCESS' });
    expect(await receivedEvents(h.sdk, `payment:${outTradeNo}`)).toHaveLength(0);
    await eventually(() => receivedEvents(h.sdk, `payment:${outTradeNo}`), (events) => events.length === 1);
  });

  it('can be sent again later for a paid trade (a late duplicate)', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`);
    const again = await control.post(h, `/sandbox/payments/${outTradeNo}/notify`, { deliveries: 2, concurrent: true });
    expect(again.status).toBe(200);
    expect(await receivedEvents(h.sdk, `payment:${outTradeNo}`)).toHaveLength(3);
  });
});

describe('the refund result', () => {
  async function paidOrder(): Promise<string> {
    const { outTradeNo } = await placeOrder(h.sdk);
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true });
    return outTradeNo;
  }

  it('reaches the refund function with the documented fields once WeChat settles it', async () => {
    const no = await paidOrder();
    const answer = await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 800));
    const [event] = await eventually(() => receivedEvents(h.sdk, `refund:${no}R1`), (events) => events.length === 1);
    expect(event).toMatchObject({
      returnCode: 'SUCCESS',
      subMchId: SUB_MCH_ID,
      outTradeNo: no,
      outRefundNo: `${no}R1`,
      refundId: answer.refundId,
      transactionId: answer.transactionId,
      totalFee: 2400,
      refundFee: 800,
      settlementRefundFee: 800,
      refundStatus: 'SUCCESS',
      successTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      refundRecvAccout: expect.any(String),
      refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
      refundRequestSource: 'API',
    });
  });

  it('says REFUNDCLOSE (no success time) when WeChat closes the refund', async () => {
    await control.post(h, '/sandbox/config', { autoSettleRefunds: false });
    const no = await paidOrder();
    await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 800));
    expect(await receivedEvents(h.sdk, `refund:${no}R1`)).toHaveLength(0);
    const settle = await control.post<{ refundStatus: string; notifications: NotificationView[] }>(h, `/sandbox/refunds/${no}R1/settle`, { status: 'REFUNDCLOSE' });
    expect(settle.body).toMatchObject({ refundStatus: 'REFUNDCLOSE', notifications: [{ status: 'ACKNOWLEDGED' }] });
    const [event] = await receivedEvents(h.sdk, `refund:${no}R1`);
    expect(event).toMatchObject({ refundStatus: 'REFUNDCLOSE', settlementRefundFee: 0 });
    expect(event.successTime).toBeUndefined();
  });

  it('is retried like the payment result, and duplicated on request', async () => {
    await control.post(h, '/sandbox/config', { autoSettleRefunds: false });
    const no = await paidOrder();
    await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 800));
    await scriptReceiver(h.sdk, `refund:${no}R1`, 3, 'throw');
    await control.post(h, `/sandbox/refunds/${no}R1/settle`, { status: 'SUCCESS', deliveries: 2, concurrent: true });
    const view = await eventually(
      () => control.get<{ notifications: NotificationView[] }>(h, `/sandbox/refunds/${no}R1`),
      (r) => r.notifications[0]?.status === 'ACKNOWLEDGED',
    );
    // Two copies in the first attempt (both refused), then one per retry until the third delivery is acknowledged.
    expect(view.notifications[0].deliveries.map((d) => `${d.attempt}.${d.copy}:${d.outcome}`).sort()).toEqual(['1.1:FAILED', '1.2:FAILED', '2.1:ACKNOWLEDGED']);
  });

  it('is not sent for a refund that named no function', async () => {
    const no = await paidOrder();
    await cloudPay(h.sdk, 'refund', refundData(no, `${no}R1`, 800, { functionName: undefined }));
    const view = await control.get<{ refundStatus: string; notifications: unknown[] }>(h, `/sandbox/refunds/${no}R1`);
    expect(view).toMatchObject({ refundStatus: 'SUCCESS', notifications: [] });
  });
});
