// The local cloud UI as the tap-through asked: times in China time (as the phone shows them), each refund with
// the steps it went through, and wide tables that scroll inside their box instead of running off the page.
import { callFunction } from '../helpers/local-cloud';
import { browserAvailable } from './phone';
import { previewSession } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

interface Doc {
  _id: string;
  status: string;
  _openid: string;
  createdAt: string;
  totalFee: number;
}

run('the local cloud UI', () => {
  const session = previewSession({ demo: true });

  it('shows a refund’s steps and every time in China time, with tables kept inside the page', async () => {
    const paid = (session.cloud.db.list('orders', { limit: 100 }).documents as unknown as Doc[]).find((o) => o.status === 'PAID');
    expect(paid).toBeDefined();
    const applied = await callFunction<{ ok: boolean; data: { refundId: string } }>(session.cloud, 'applyRefund', { orderId: paid!._id, refundFee: 100, reason: '不想要了' }, paid!._openid);
    expect(applied.body.result?.ok).toBe(true);
    const refund = (session.cloud.db.list('refunds', { limit: 10 }).documents as unknown as Array<{ _id: string; createdAt: string }>)[0];
    const chinaTime = new Date(Date.parse(refund.createdAt) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

    const page = await session.browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${session.cloud.url}/`);
    await page.locator('#tabs button', { hasText: 'Orders' }).click();
    const row = page.locator('#refunds tr', { hasText: refund._id });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('requested');
    expect(text).toContain(chinaTime);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    const fits = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth <= d.documentElement.clientWidth;
    });
    expect(fits).toBe(true);

    // Approved and paid out by WeChat Pay: the column follows the refund to the end.
    const approved = await callFunction<{ ok: boolean }>(session.cloud, 'approveRefund', { refundId: refund._id, action: 'approve' }, 'demo-merchant');
    expect(approved.body.result?.ok).toBe(true);
    const until = Date.now() + 10_000;
    while ((session.cloud.db.list('refunds', { limit: 10 }).documents as unknown as Array<{ _id: string; status: string }>).find((r) => r._id === refund._id)?.status !== 'SUCCEEDED') {
      if (Date.now() > until) throw new Error('the refund did not settle');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.reload();
    await page.locator('#tabs button', { hasText: 'Orders' }).click();
    const settled = page.locator('#refunds tr', { hasText: refund._id });
    await settled.locator('.timeline li', { hasText: 'succeeded' }).waitFor();
    expect(await settled.locator('.timeline li').allInnerTexts()).toEqual([
      expect.stringContaining('succeeded'),
      expect.stringContaining('sent to WeChat Pay'),
      expect.stringContaining('requested'),
    ]);
    await page.close();
  });
});
