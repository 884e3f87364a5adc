// The Feie printer: the product's FeiePrinter against the local cloud's Feie emulation (signature, account, printer,
// faults), and the ticket as it comes out on paper (GET /sandbox/printer).
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { FeiePrinter } from '../../src/providers/printer/feie';
import { feieForm, feieMarkupToText, feieReceipt, feieSignature, columns, LINE_WIDTH } from '../../src/providers/printer/feie/protocol';
import { PrinterError, type Receipt } from '../../src/providers/printer/printer';
import { FEIE_PATH, LOCAL_FEIE_UKEY, LOCAL_FEIE_USER, LOCAL_PRINTER_SN } from '../../emulator/src/printer';
import { receiptPrinter } from '../../src/providers/printer';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.close());
afterEach(async () => {
  await fetch(`${cloud.url}/sandbox/printer/reset`, { method: 'POST' });
});

const receipt: Receipt = {
  shopName: '本地演示小店',
  orderId: '20261129090000000AbCdEfGh',
  paidAt: new Date('2026-11-29T01:00:00Z'),
  items: [
    { name: '冻顶乌龙茶 250g', quantity: 2, amount: 13600 },
    { name: '白瓷品茗杯 <BR><CUT>', quantity: 1, amount: 1990 },
  ],
  totalFee: 15590,
  address: { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' },
  reprint: false,
};

const printer = (over: Partial<ConstructorParameters<typeof FeiePrinter>[0]> = {}) =>
  new FeiePrinter({ user: LOCAL_FEIE_USER, ukey: LOCAL_FEIE_UKEY, sn: LOCAL_PRINTER_SN, apiUrl: `${cloud.url}${FEIE_PATH}`, ...over });

async function paper(): Promise<{ receipts: Array<{ jobId: string; sn: string; copies: number; text: string }> }> {
  return (await fetch(`${cloud.url}/sandbox/printer`)).json() as Promise<{ receipts: Array<{ jobId: string; sn: string; copies: number; text: string }> }>;
}

describe('Feie printer', () => {
  it('prints a signed job; the ticket shows the order, lines, total and address', async () => {
    const job = await printer().print(receipt, 2);
    expect(job.jobId).toMatch(new RegExp(`^${LOCAL_PRINTER_SN}_`));
    const { receipts } = await paper();
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ jobId: job.jobId, sn: LOCAL_PRINTER_SN, copies: 2 });
    const text = receipts[0].text;
    expect(text).toContain('本地演示小店');
    expect(text).toContain('订单 20261129090000000AbCdEfGh');
    expect(text).toContain('支付 2026-11-29 09:00:00');
    expect(text).toMatch(/冻顶乌龙茶 250g ×2 +136\.00/);
    expect(text).toMatch(/合计 +¥155\.90/);
    expect(text).toContain('收货人 张三 13800138000');
    expect(text).toContain('地址 浙江省杭州市西湖区北山街 84 号');
    // A product name cannot inject printer commands.
    expect(text).toContain('白瓷品茗杯  BR  CUT');
    const plain = await (await fetch(`${cloud.url}/sandbox/printer?format=text`)).text();
    expect(plain).toContain('合计');
  });

  it('a ticket shows what was refunded, and holds the parcel while a refund request is open', async () => {
    await printer().print({ ...receipt, refundedFee: 3000, refundOpen: true }, 1);
    const text = (await paper()).receipts[0].text;
    expect(text).toMatch(/已退款 +-¥30\.00/);
    expect(text).toContain('退款申请处理中，暂缓发货');
    await printer().print(receipt, 1);
    expect((await paper()).receipts[0].text).not.toContain('已退款');
  });

  it('a reprint says so on paper', async () => {
    await printer().print({ ...receipt, reprint: true }, 1);
    expect((await paper()).receipts[0].text).toContain('补打 REPRINT');
  });

  it.each([
    ['a wrong UKEY', { ukey: 'not-the-key' }, 'FEIE_-4'],
    ['an unknown account', { user: 'someone' }, 'FEIE_-2'],
    ['a printer not on the account', { sn: '123456789' }, 'FEIE_1003'],
  ])('refuses %s and prints nothing', async (_n, over, code) => {
    await expect(printer(over).print(receipt, 1)).rejects.toMatchObject({ name: 'PrinterError', code });
    expect((await paper()).receipts).toHaveLength(0);
  });

  it('refuses a replayed (stale) signature', async () => {
    const body = feieForm({ user: LOCAL_FEIE_USER, ukey: LOCAL_FEIE_UKEY }, 'Open_printMsg', { sn: LOCAL_PRINTER_SN, content: 'hi', times: '1' }, new Date(Date.now() - 3600_000));
    const res = await fetch(`${cloud.url}${FEIE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(await res.json()).toMatchObject({ ret: -3, data: null });
  });

  it.each([
    ['REFUSE', 'FEIE_1002'],
    ['DOWN', 'BAD_ANSWER'],
  ])('a %s fault is a retryable PrinterError', async (mode, code) => {
    await fetch(`${cloud.url}/sandbox/printer/faults`, { method: 'POST', body: JSON.stringify({ mode, count: 1 }) });
    const err = await printer().print(receipt, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrinterError);
    expect(err).toMatchObject({ code, retryable: true });
    await expect(printer().print(receipt, 1)).resolves.toMatchObject({ jobId: expect.any(String) });
  });

  it('an unreachable service is a retryable PrinterError', async () => {
    await expect(printer({ apiUrl: 'http://127.0.0.1:9/Api/Open/' }).print(receipt, 1)).rejects.toMatchObject({ code: 'UNREACHABLE', retryable: true });
  });
});

describe('receipt layout and choice of printer', () => {
  it('signs as sha1(user + UKEY + stime), lower-case hex (vector computed with Python hashlib)', () => {
    expect(feieSignature('xxxxxx@xx.com', 'abcdefghijklmnop', '1480478592')).toBe('575f5429a74ff5ff6804218ad731ca0236b5b163');
    const form = new URLSearchParams(feieForm({ user: 'u', ukey: 'k' }, 'Open_printMsg', { sn: '1', content: 'x' }, new Date(1_480_478_592_500)));
    expect(form.get('stime')).toBe('1480478592');
    expect(form.get('apiname')).toBe('Open_printMsg');
  });

  it('keeps every line within 32 columns of 58 mm paper (CJK counts double)', () => {
    const lines = feieMarkupToText(feieReceipt({ ...receipt, address: undefined })).split('\n');
    for (const line of lines.filter((l) => l.includes('¥') || /\d+\.\d\d$/.test(l))) expect(columns(line)).toBeLessThanOrEqual(LINE_WIDTH);
  });

  it('no printer settings, or no account in the environment: no printer', () => {
    expect(receiptPrinter(undefined, {})).toBeUndefined();
    expect(receiptPrinter({ provider: 'feie', sn: LOCAL_PRINTER_SN, copies: 1 }, {})).toBeUndefined();
    expect(receiptPrinter({ provider: 'feie', sn: LOCAL_PRINTER_SN, copies: 1 }, { FEIE_USER: 'u', FEIE_UKEY: 'k' })?.vendor).toBe('feie');
  });
});
