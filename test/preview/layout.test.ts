// How the preview draws at the sizes people use: a window barely wider than a phone (390 px) keeps the phone frame
// at its 375 px and the order list's tabs on one line; WeChat's sheets read like WeChat's (the subscribe dialog
// names messages by title, the scanner's ✕ beside its title, not under it). Measured in a real Chromium.
import type { Locator } from 'playwright-core';
import { Phone, browserAvailable } from './phone';
import { previewSession } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not drawn');
  return b;
}

function overlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

run('the preview’s layout', () => {
  const session = previewSession({ demo: true });

  it('at a 390 px window the phone stays 375 px wide and the order list’s six tabs stay on one line, scrolling sideways', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    await phone.page.setViewportSize({ width: 390, height: 844 });
    expect((await box(phone.page.locator('#phone'))).width).toBe(375);

    await phone.tap('.my-orders', '我的订单');
    await phone.waitForTitle('我的订单');
    const tabs = phone.screen.locator('.tab');
    expect(await tabs.allInnerTexts()).toEqual(['全部', '待付款', '待发货', '待收货', '已完成', '售后']);
    const boxes = await Promise.all((await tabs.all()).map(box));
    const first = boxes[0];
    for (const b of boxes) {
      // One row, one line each: the same top and the height of a single-line tab.
      expect(Math.abs(b.y - first.y)).toBeLessThan(1);
      expect(Math.abs(b.height - first.height)).toBeLessThan(1);
    }
    expect(first.height).toBeLessThan(60);
    await phone.close();
  });

  it('the subscribe dialog names each message by its template’s title, never by a raw id', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-merchant');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.waitForTitle('退款审核');
    await phone.tap('.subscribe-btn');
    const dialog = phone.page.locator('.wx-subscribe');
    await dialog.waitFor();
    expect(await dialog.locator('.wx-subscribe-item').allInnerTexts()).toEqual(['✓ 新订单支付成功通知（商家）', '✓ 退款申请提醒（商家）']);
    await phone.answerSubscription(true);
    // Once on, the button is no longer the page's primary one.
    await phone.see('.subscribe-btn.on', '已开启提醒');
    await phone.close();
  });

  it('the scanner sheet’s ✕ sits beside its title, not under it', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-merchant');
    await phone.tap('.desk-entry', '订单发货');
    await phone.waitForTitle('订单发货');
    await phone.tap('.desk-row', 'DEMO-TO-SHIP-1');
    await phone.tap('.scan', '扫码');
    const sheet = phone.page.locator('.wx-scan');
    await sheet.waitFor();
    const close = await box(sheet.locator('.wx-sheet-close'));
    const title = await box(sheet.locator('.wx-sheet-title'));
    expect(overlap(close, title)).toBe(false);
    expect(Math.abs(close.y + close.height / 2 - (title.y + title.height / 2))).toBeLessThan(4);
    await sheet.locator('.wx-sheet-close').click();
    await phone.close();
  });
});
