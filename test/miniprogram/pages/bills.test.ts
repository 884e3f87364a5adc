import { FakeBackend } from '../support/fake-backend';
import { installFakeWx, type FakeWx } from '../support/fake-wx';
import { renderPage } from '../support/render';

const BILLS = 'pages/merchant/bills/index';
let backend: FakeBackend;
let fake: FakeWx;

const day = (date: string, over: Record<string, unknown> = {}) => ({ date, channel: 'cloudpay', state: 'DONE' as const, payments: 2, refunds: 1, paidFee: 10780, refundFee: 800, fee: 65, differences: 0, ...over });

beforeEach(() => {
  backend = new FakeBackend();
  fake = installFakeWx(backend, { openid: 'merchant-1' });
  backend.billDays = [day('2026-12-04'), day('2026-12-05', { differences: 1 }), day('2026-12-03', { state: 'WAITING', payments: 0, paidFee: 0, lastError: 'WeChat Pay is still making the bill' })];
  backend.billDifferences = [
    { id: 'bill:MONEY_WITHOUT_ORDER:GHOST1', date: '2026-12-05', channel: 'cloudpay', kind: 'MONEY_WITHOUT_ORDER', orderId: 'GHOST1', detail: 'WeChat Pay took ¥9.90 for order number GHOST1; the shop has no such order', action: 'Refund it in the WeChat Pay merchant platform', state: 'OPEN' },
  ];
});

describe('the merchant’s 对账 page', () => {
  it('lists each day newest first with its totals, and says which days differ or wait for WeChat', async () => {
    const page = await renderPage(BILLS);
    expect(page.texts('.day-date')).toEqual(['2026-12-05', '2026-12-04', '2026-12-03']);
    expect(page.texts('.day-state')).toEqual(['1 处不符', '已对账', '账单未生成']);
    expect(page.texts('.day-summary')[1]).toBe('收款 2 笔 ¥107.80 · 退款 1 笔 ¥8.00 · 手续费 ¥0.65');
    expect(page.texts('.day-channel')[0]).toBe('云支付');
  });

  it('opens a day with its differences and what to do, and marks one explained with a note', async () => {
    const page = await renderPage(BILLS);
    await page.tap('.bill-day');
    expect(page.text('.difference-kind')).toBe('微信收款但店内无此订单');
    expect(page.text('.difference-action')).toBe('处理：Refund it in the WeChat Pay merchant platform');
    expect(page.text('.difference-state')).toBe('待核实');

    fake.user.types = '  ';
    await page.tap('.explain-btn');
    expect(fake.screen.toasts.at(-1)).toBe('请写明原因');
    expect(backend.billDifferences[0].state).toBe('OPEN');

    fake.user.types = '测试订单，已在商户平台退款';
    await page.tap('.explain-btn');
    expect(page.text('.difference-state')).toBe('已核实');
    expect(page.text('.difference-note')).toBe('说明：测试订单，已在商户平台退款');
    expect(page.exists('.explain-btn')).toBe(false);
    expect(backend.billDifferences[0]).toMatchObject({ state: 'EXPLAINED', note: '测试订单，已在商户平台退款' });
  });

  it('is closed to buyers, without asking for the bills', async () => {
    fake.user.openid = 'buyer-1';
    const page = await renderPage(BILLS);
    expect(page.text('.error-message')).toBe('仅商家可以查看对账');
    expect(backend.served.map((s) => s.action)).toEqual(['me']);
  });
});
