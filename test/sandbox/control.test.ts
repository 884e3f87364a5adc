// The control API as the mini-program (local mode) and tests use it: paying by prepay id, cancelling, the buyer
// known from the calling invocation, settings and reset; and the provider state surviving a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUYER, cloudPay, control, eventually, orderData, newTradeNo, placeOrder, prepareReceiver, receivedEvents, refundData, scriptReceiver, startHarness, SUB_MCH_ID, type Harness } from './support';

describe('the buyer side', () => {
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

  it("pays with what wx.requestPayment gets: the payment's package (prepay_id=...)", async () => {
    const { outTradeNo, answer } = await placeOrder(h.sdk);
    const pkg = (answer.payment as { package: string }).package;
    const before = await control.get(h, `/sandbox/payments/by-prepay/${encodeURIComponent(pkg)}`);
    expect(before).toMatchObject({ outTradeNo, tradeState: 'NOTPAY' });
    const paid = await control.post(h, `/sandbox/payments/by-prepay/${encodeURIComponent(pkg)}/complete`, { openid: BUYER });
    expect(paid).toMatchObject({ status: 200, body: { errMsg: 'requestPayment:ok', payment: { outTradeNo, tradeState: 'SUCCESS' } } });
    expect((await control.post(h, `/sandbox/payments/by-prepay/${String(answer.prepayId)}/complete`)).body).toMatchObject({ code: 'ORDER_PAID' });
  });

  it('cancelling leaves the trade unpaid and payable', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    expect(await control.post(h, `/sandbox/payments/${outTradeNo}/cancel`)).toMatchObject({ status: 200, body: { errMsg: 'requestPayment:fail cancel', payment: { tradeState: 'NOTPAY' } } });
    expect(await cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'NOTPAY' });
    expect((await control.post(h, `/sandbox/payments/${outTradeNo}/complete`)).status).toBe(200);
  });

  it('shows a payment under way (USERPAYING) or refused by the bank (PAYERROR); the buyer can still pay', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    const query = () => cloudPay(h.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo, nonceStr: 'n' });
    expect((await control.post(h, `/sandbox/payments/${outTradeNo}/state`, { tradeState: 'USERPAYING' })).status).toBe(200);
    expect(await query()).toMatchObject({ tradeState: 'USERPAYING', tradeStateDesc: '用户支付中' });
    await control.post(h, `/sandbox/payments/${outTradeNo}/state`, { tradeState: 'PAYERROR' });
    expect(await query()).toMatchObject({ tradeState: 'PAYERROR' });
    expect((await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { drop: true })).status).toBe(200);
    expect(await query()).toMatchObject({ tradeState: 'SUCCESS' });
    expect(await control.post(h, `/sandbox/payments/${outTradeNo}/state`, { tradeState: 'PAYERROR' })).toMatchObject({ status: 409, body: { code: 'ORDER_PAID' } });
    expect((await control.post(h, `/sandbox/payments/${outTradeNo}/state`, { tradeState: 'SUCCESS' })).status).toBe(400);
  });

  it('refuses another buyer, an unknown trade, and a trade past its time_expire', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    expect(await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { openid: 'oSomeoneElse' })).toMatchObject({ status: 403, body: { code: 'WRONG_PAYER' } });
    expect((await control.post(h, '/sandbox/payments/nope/complete')).status).toBe(404);
    expect((await control.post(h, '/sandbox/payments/has%20space/complete')).status).toBe(400);
    const startedAgo = Date.now() - 10 * 60_000;
    const fmt = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
    const expired = await placeOrder(h.sdk, { timeStart: fmt(startedAgo), timeExpire: fmt(startedAgo + 5 * 60_000) });
    expect(await control.post(h, `/sandbox/payments/${expired.outTradeNo}/complete`)).toMatchObject({ status: 409, body: { code: 'ORDER_EXPIRED' } });
  });

  it('knows the buyer from the invocation that ordered (cloudPay fills it in), like WeChat', async () => {
    const outTradeNo = newTradeNo();
    const data = orderData(outTradeNo, { subOpenid: undefined });
    const outcome = await h.cloud.runner.invoke({ name: 'sandbox-merchant', event: { pay: 'unifiedOrder', data }, source: 'wx_client', openid: 'oFromContext' });
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, result: { resultCode: 'SUCCESS' } } });
    expect(await control.get(h, `/sandbox/payments/${outTradeNo}`)).toMatchObject({ subOpenid: 'oFromContext' });
    await control.post(h, `/sandbox/payments/${outTradeNo}/complete`);
    const [event] = await receivedEvents(h.sdk, `payment:${outTradeNo}`);
    expect(event.subOpenid).toBe('oFromContext');
  });

  it('asks who pays when nobody is known', async () => {
    const outTradeNo = newTradeNo();
    await cloudPay(h.sdk, 'unifiedOrder', orderData(outTradeNo, { subOpenid: undefined }));
    expect(await control.post(h, `/sandbox/payments/${outTradeNo}/complete`)).toMatchObject({ status: 400, body: { code: 'PAYER_UNKNOWN' } });
    expect((await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, { openid: BUYER, drop: true })).status).toBe(200);
  });

  it('switches auto-settle and the time factor, and forgets everything on reset', async () => {
    expect(await control.post(h, '/sandbox/config', { autoSettleRefunds: false, timeScale: 0.5 })).toMatchObject({ status: 200, body: { autoSettleRefunds: false, timeScale: 0.5 } });
    expect((await control.post(h, '/sandbox/config', { autoSettleRefunds: 'yes' })).status).toBe(400);
    const { outTradeNo } = await placeOrder(h.sdk);
    expect((await control.post(h, '/sandbox/reset')).status).toBe(200);
    // After a reset the sandbox follows the local cloud's own time scale again, and GET shows which one is in effect.
    expect(await control.get(h, '/sandbox/config')).toMatchObject({ autoSettleRefunds: true, timeScale: h.cloud.timeScale });
    expect((await fetch(`${h.cloud.url}/sandbox/payments/${outTradeNo}`)).status).toBe(404);
  });

  it('validates control bodies', async () => {
    const { outTradeNo } = await placeOrder(h.sdk);
    for (const body of [{ deliveries: 0 }, { deliveries: 21 }, { concurrent: 'yes' }, { delayMs: -1 }, { openid: 'bad id' }]) {
      expect((await control.post(h, `/sandbox/payments/${outTradeNo}/complete`, body)).status).toBe(400);
    }
    expect((await control.post(h, `/sandbox/refunds/${outTradeNo}R1/settle`, { status: 'DONE' })).status).toBe(400);
  });
});

describe('after a restart', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sandbox-restart-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps trades, refunds and settings, and delivers the callbacks that were still due', async () => {
    const first = await startHarness({ memory: false, dataDir });
    let paidNo = '';
    let pendingNo = '';
    try {
      await prepareReceiver(first.sdk);
      await control.post(first, '/sandbox/config', { autoSettleRefunds: false });
      ({ outTradeNo: paidNo } = await placeOrder(first.sdk));
      await control.post(first, `/sandbox/payments/${paidNo}/complete`, { drop: true });
      await cloudPay(first.sdk, 'refund', refundData(paidNo, `${paidNo}R1`, 1000));
      await control.post(first, `/sandbox/refunds/${paidNo}R1/settle`, { status: 'SUCCESS' });
      // A result the function refuses now: its next retry (15 s scaled) falls after the restart.
      await control.post(first, '/sandbox/config', { timeScale: 0.02 });
      pendingNo = newTradeNo();
      await cloudPay(first.sdk, 'unifiedOrder', orderData(pendingNo));
      await scriptReceiver(first.sdk, `payment:${pendingNo}`, 2, 'answer');
      await control.post(first, `/sandbox/payments/${pendingNo}/complete`);
      expect(await control.get(first, `/sandbox/payments/${pendingNo}`)).toMatchObject({ notifications: [{ status: 'PENDING', attempts: 1 }] });
    } finally {
      await first.cloud.close();
    }

    // Let the retry fall due while the local cloud is down: it must run once the restarted cloud listens.
    await new Promise((r) => setTimeout(r, 350));
    const again = await startHarness({ memory: false, dataDir });
    try {
      expect(await cloudPay(again.sdk, 'queryOrder', { subMchId: SUB_MCH_ID, outTradeNo: paidNo, nonceStr: 'n' })).toMatchObject({ tradeState: 'REFUND' });
      expect(await cloudPay(again.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outRefundNo: `${paidNo}R1`, nonceStr: 'n' })).toMatchObject({ refundStatusList: ['SUCCESS'] });
      expect(await control.get(again, '/sandbox/config')).toMatchObject({ autoSettleRefunds: false });
      // The same out_refund_no still refunds only once.
      expect(await cloudPay(again.sdk, 'refund', refundData(paidNo, `${paidNo}R1`, 1000))).toMatchObject({ resultCode: 'SUCCESS' });
      expect(await cloudPay(again.sdk, 'queryRefund', { subMchId: SUB_MCH_ID, outTradeNo: paidNo, nonceStr: 'n' })).toMatchObject({ totalRefundCount: 1 });
      const view = await eventually(
        () => control.get<{ notifications: Array<{ status: string; attempts: number; deliveries: Array<{ outcome: string }> }> }>(again, `/sandbox/payments/${pendingNo}`),
        (p) => p.notifications[0].status === 'ACKNOWLEDGED',
      );
      expect(view.notifications[0].attempts).toBe(2);
      expect(view.notifications[0].deliveries.map((d) => d.outcome)).toEqual(['REJECTED', 'ACKNOWLEDGED']);
    } finally {
      await again.cloud.close();
    }
  });
});
