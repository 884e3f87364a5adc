/**
 * @jest-environment ./test/miniprogram/support/jsdom-with-node.js
 */
// The steps the shop takes by itself, as the after-sale pages show them, against the real functions: with every
// timer run out, reconcile agrees to a return and closes it when nothing is sent back, and refunds a request the
// merchant left unanswered. Each is shown as 系统's step, and the progress bar says where the request stopped.
import { localPages, until } from '../support/local-pages';
import { support } from '../support/local-shop';
import { renderPage, type RenderedPage } from '../support/render';

jest.setTimeout(90_000);

const demo = require('../../../emulator/src/demo') as { DEMO_SETTINGS: { afterSale: Record<string, unknown> } };
const local = localPages({
  grants: 10,
  settings: { afterSale: { ...demo.DEMO_SETTINGS.afterSale, merchantResponseHours: 0, autoApproveReturns: true, returnShipDays: 0, returnReceiveDays: 0 } },
});

async function open(route: string, query: Record<string, string>, ready: string): Promise<RenderedPage> {
  const page = await renderPage(route, query);
  await until(() => page.exists(ready), `${ready} on ${route}`);
  return page;
}
const status = (refundId: string) => local.full.doc<{ status: string }>('refunds', refundId).then((r) => r?.status);

it('a return never sent back: agreed and closed by the shop; the buyer sees where it stopped and who acted', async () => {
  const { full } = local;
  const orderId = await full.paidOrder([{ productId: 'tea-cup', quantity: 1 }]);
  await full.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, support.MERCHANT);
  const { refundId } = await full.ok<{ refundId: string }>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', reason: '不想要了' });
  await full.reconcile();
  expect(await status(refundId)).toBe('CANCELLED');

  local.actAs(support.BUYER);
  const page = await open('pages/aftersale/detail/index', { refundId }, '.status');
  // Closed by the timer, not withdrawn: the header says what happened.
  expect(page.text('.status')).toBe('超时未寄回，已关闭');
  expect(page.texts('.step')).toEqual(['提交申请', '商家处理', '超时未寄回，已关闭']);
  expect(page.text('.step-ended')).toBe('超时未寄回，已关闭');
  expect(page.texts('.event-label')).toEqual(['退货申请关闭', '商家同意退货', '申请退款']);
  expect(page.texts('.event').slice(0, 2).map((t) => t.includes('系统'))).toEqual([true, true]);
  // Nothing is due any more: no parcel form, nothing to withdraw, and a closed return is not a rejection to answer.
  expect(page.exists('.return-form')).toBe(false);
  expect(page.exists('.withdraw')).toBe(false);
  expect(page.exists('.apply-again')).toBe(false);
});

it('a request the merchant left unanswered is refunded by the shop; the merchant sees it under 已完成 with 系统 as who decided', async () => {
  const { full } = local;
  const orderId = await full.paidOrder([{ productId: 'tea-cup', quantity: 1 }]);
  const { refundId } = await full.ok<{ refundId: string }>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '拍错/多拍' });
  await full.reconcile();
  const end = Date.now() + 10_000;
  while ((await status(refundId)) !== 'SUCCEEDED' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  expect(await status(refundId)).toBe('SUCCEEDED');

  local.actAs(support.MERCHANT);
  const review = await open('pages/merchant/refund-detail/index', { refundId }, '.status');
  expect(review.text('.status')).toBe('退款成功');
  expect(review.exists('.decision')).toBe(false);
  expect(review.texts('.event-label')).toEqual(['退款成功', '商家超时未处理，已自动同意退款', '申请退款']);
  expect(review.texts('.event')[1]).toContain('系统 ·');

  const queue = await open('pages/merchant/refund-queue/index', {}, '.tab');
  await queue.tap('.tab', 3);
  await until(() => queue.text('.queue').includes(orderId), 'the request under 已完成');
  expect(queue.texts('.refund-row').find((t) => t.includes(orderId))).toContain('退款成功');
});
