// The UI's WeChat Pay tab shows the trade bills the local WeChat Pay would hand out (issue 20): today's bill is not
// made until published, then its text is shown (as text), with the faults armed for the day.
import { startTestCloud, postJson, type LocalCloud } from '../helpers/local-cloud';
import { closeUi, openUi, showTab } from '../helpers/ui-dom';

jest.setTimeout(30_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.close());

it("shows each account's bill of the last days, made or not, with its faults", async () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  expect((await postJson(cloud, `/sandbox/bills/${today}/publish`, {})).status).toBe(200);
  expect((await postJson(cloud, `/sandbox/bills/${today}/faults`, { mode: 'EXTRA_TRADE' })).status).toBe(200);
  const dom = await openUi(cloud.url);
  try {
    const bills = await showTab(dom, 'pay', '#bills td');
    const text = bills.closest('section')?.textContent ?? '';
    expect(text).toContain(today);
    expect(text).toContain('EXTRA_TRADE');
    // The published day's cloudPay bill, in WeChat's format, with the payment WeChat has and the shop does not.
    expect(text).toContain('交易时间,公众账号ID,商户号');
    expect(text).toContain('`GHOST');
    // Earlier days: made, and empty (no trades then).
    expect(text).toContain('none');
  } finally {
    await closeUi(dom);
  }
});

it("shows each order's WeChat Pay channel on the Orders tab (legacy for orders made before channels were kept)", async () => {
  const admin = (params: Record<string, unknown>) =>
    fetch(`${cloud.url}/admin?env=${cloud.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }).then((r) => r.json());
  await admin({ action: 'database.addCollection', collectionName: 'orders' });
  for (const doc of [
    { _id: 'CHANNEL-V3', status: 'PAID', totalFee: 100, refundedFee: 0, timeline: [], payChannel: { provider: 'v3', merchantId: '1900000109' } },
    { _id: 'CHANNEL-OLD', status: 'PAID', totalFee: 100, refundedFee: 0, timeline: [] },
  ]) await admin({ action: 'database.insertDocument', collectionName: 'orders', data: [JSON.stringify(doc)] });
  const dom = await openUi(cloud.url);
  try {
    const cell = await showTab(dom, 'orders', '#orders td');
    const text = cell.closest('table')?.textContent ?? '';
    expect(text).toContain('v3 · 1900000109');
    expect(text).toContain('legacy');
  } finally {
    await closeUi(dom);
  }
});
