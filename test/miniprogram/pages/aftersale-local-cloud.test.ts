/**
 * @jest-environment ./test/miniprogram/support/jsdom-with-node.js
 */
// The after-sale pages against the real functions on the local cloud (built bundles, real SDK, WeChat Pay's stand-in):
// a return from the merchant's queue to the money back, seen on the buyer's after-sale page and the merchant's
// detail page; a rejection the buyer may answer with a new request, and a withdrawal. Asserts what the pages show
// and what the database holds after each tap. Needs `npm run build`.
import { localPages, until } from '../support/local-pages';
import { support } from '../support/local-shop';
import { renderPage, type RenderedPage } from '../support/render';

jest.setTimeout(90_000);

const BUYER_PAGE = 'pages/aftersale/detail/index';
const QUEUE = 'pages/merchant/refund-queue/index';
const REVIEW = 'pages/merchant/refund-detail/index';

const local = localPages({ grants: 10 });
const { screen } = local;
const demo = require('../../../emulator/src/demo') as {
  DEMO_STOCKED_PRODUCTS: Array<Record<string, unknown>>;
  DEMO_SETTINGS: { afterSale: { returnAddress: { name: string; phone: string; address: string } } };
  putDocument(host: unknown, collection: string, doc: unknown): void;
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);

interface StoredRefund {
  status: string;
  rejectReason?: string;
  returnShipping?: { expressCompany: string; trackingNo: string };
}
const refundDoc = (refundId: string) => local.full.doc<StoredRefund>('refunds', refundId);

async function photo(buyer: string): Promise<string> {
  const form = new FormData();
  form.append('cloudPath', `buyer-uploads/${buyer}/cup-${Date.now()}.png`);
  form.append('file', new Blob([PNG]), 'photo');
  const res = await fetch(`${local.shop.cloud.url}/storage/client/upload`, { method: 'POST', body: form, headers: { 'x-wx-openid': buyer } });
  return ((await res.json()) as { fileID: string }).fileID;
}

async function open(route: string, query: Record<string, string>, ready: string): Promise<RenderedPage> {
  const page = await renderPage(route, query);
  await until(() => page.exists(ready), `${ready} on ${route}`);
  return page;
}

/** Waits for the page to show `text` under `selector`. */
async function shows(page: RenderedPage, selector: string, text: string): Promise<void> {
  await until(() => page.text(selector).includes(text), `"${text}" in ${selector}; the page shows ${page.text()}`);
}

beforeAll(() => {
  demo.putDocument(local.shop.cloud, 'products', demo.DEMO_STOCKED_PRODUCTS[0]); // 正山小种红茶, specs 100g/250g/500g
});

it('退货退款 end to end: the merchant agrees, the buyer sends the parcel back, the merchant confirms, the money goes back', async () => {
  const { full } = local;
  const orderId = await full.paidOrder([{ productId: 'black-tea', skuId: 'g100', quantity: 1 }, { productId: 'tea-cup', quantity: 2 }]);
  await full.ok('ship', { orderId, logisticsType: 'SELF_PICKUP' }, support.MERCHANT);
  const evidence = await photo(support.BUYER);
  const { refundId } = await full.ok<{ refundId: string }>('applyRefund', { orderId, type: 'RETURN_AND_REFUND', receipt: 'RECEIVED', reason: '质量问题', note: '杯口有裂纹', photos: [evidence], items: [{ productId: 'tea-cup', quantity: 2 }, { productId: 'black-tea', quantity: 1 }] });

  // The merchant's queue: 待处理 holds it, with its type and lines; 待买家退货 has nothing yet.
  local.actAs(support.MERCHANT);
  const queue = await open(QUEUE, {}, '.refund-row');
  expect(queue.texts('.tab')).toEqual(['待处理', '待买家退货', '待确认收货', '已完成', '退款异常']);
  expect(queue.text('.row-type')).toBe('退货退款 · 白瓷品茗杯 ×2，正山小种红茶 ×1');
  // A return has no timer while the merchant decides (WeChat's default); once agreed, the buyer's 7 days show.
  expect(queue.exists('.row-due')).toBe(false);
  await queue.tap('.tab', 1);
  await until(() => queue.exists('.empty'), 'the empty 待买家退货 tab');
  expect(queue.text('.empty')).toBe('没有等待买家寄回的退货');

  // The detail: lines with the spec bought, the reason, note and the photo (a temporary link, previewed on tap).
  const review = await open(REVIEW, { refundId }, '.amount');
  expect(review.text('.amount')).toBe('¥77.80');
  expect(review.text('.type')).toBe('退货退款 · 买家已收到货');
  expect(review.texts('.line-name')).toEqual(['白瓷品茗杯 ×2', '正山小种红茶 100g ×1']);
  expect(review.texts('.line-fee')).toEqual(['¥39.80', '¥38.00']);
  expect(review.text('.reason')).toBe('买家原因：质量问题');
  expect(review.text('.note')).toBe('补充说明：杯口有裂纹');
  expect(review.exists('.photo')).toBe(true);
  await review.tap('.photo');
  expect(screen.previews).toEqual([{ current: expect.stringContaining('http'), urls: [expect.stringContaining('http')] }]);
  expect(review.texts('.step')).toEqual(['提交申请', '商家处理', '寄回商品', '商家收货', '退款']);

  // Agreeing repeats the amount first; the message permission is asked inside that confirmation, then the decision.
  screen.order.length = 0;
  await review.tap('.approve');
  await shows(review, '.status', '待买家退货');
  expect(screen.dialogs.at(-1)).toEqual({ title: '同意退货', content: '买家会看到退货地址并寄回商品；确认收货后退还 ¥77.80。' });
  expect(screen.order).toEqual(['dialog:同意退货', `subscribe:${support.TEMPLATES.orderPaid},${support.TEMPLATES.refundRequested}`]);
  expect((await refundDoc(refundId))?.status).toBe('AWAITING_RETURN');
  expect(review.exists('.decision')).toBe(false);
  expect(review.text('.return-waiting')).toBe('等待买家寄回');
  await queue.lifecycle('onPullDownRefresh'); // still on 待买家退货
  await until(() => queue.exists('.row-due'), 'the agreed return under 待买家退货');
  expect(queue.text('.row-due')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 前：买家超时未寄回，申请将关闭$/);

  // The buyer's after-sale page: where it stands, the address to copy, the form with the picker and the scanner.
  local.actAs(support.BUYER);
  const mine = await open(BUYER_PAGE, { refundId }, '.status');
  expect(mine.text('.status')).toBe('待买家退货');
  expect(mine.texts('.step-done')).toEqual(['提交申请', '商家处理']);
  expect(mine.text('.step-current')).toBe('寄回商品');
  const address = demo.DEMO_SETTINGS.afterSale.returnAddress;
  expect(mine.text('.address-who')).toBe(`${address.name} ${address.phone}`);
  await mine.tap('.copy');
  expect(screen.clipboard).toBe(`${address.name} ${address.phone} ${address.address}`);
  expect(mine.text('.due')).toContain('买家超时未寄回，申请将关闭');

  await mine.tap('.send-return');
  expect(mine.text('.company-error')).toBe('请选择快递公司');
  expect(mine.text('.tracking-error')).toBe('请填写或扫描快递单号');
  await mine.pick('.company-picker', 1); // 中通快递
  screen.scans = '7312 3456 7890';
  await mine.tap('.scan');
  await until(() => mine.instance.data.form !== undefined && (mine.instance.data.form as { trackingNo: string }).trackingNo === '731234567890', 'the scanned number');
  screen.order.length = 0;
  await mine.tap('.send-return');
  await shows(mine, '.status', '待商家确认收货');
  expect(screen.dialogs.at(-1)).toEqual({ title: '提交退货物流', content: '中通快递 731234567890\n提交后不能修改，商家收到退货后退款 ¥77.80。' });
  expect(screen.order).toEqual(['dialog:提交退货物流', `subscribe:${support.TEMPLATES.refundResult}`]);
  expect(await refundDoc(refundId)).toMatchObject({ status: 'RETURN_SHIPPED', returnShipping: { expressCompany: 'ZTO', trackingNo: '731234567890' } });
  expect(mine.text('.return-company')).toBe('中通快递');
  expect(mine.exists('.return-form')).toBe(false);

  // Back on the merchant's page (onShow reads it again): the parcel is due; confirming refunds, and the page
  // follows WeChat Pay until the money is back.
  local.actAs(support.MERCHANT);
  await review.lifecycle('onShow');
  await shows(review, '.status', '待商家确认收货');
  expect(review.text('.return-tracking')).toBe('731234567890');
  expect(review.texts('.reject-option')).toEqual(['未收到退货，单号查不到物流', '退回的商品影响二次销售', '退回的不是本订单的商品', '退回的商品少件或缺配件', '其他原因']);
  await review.tap('.approve');
  expect(screen.dialogs.at(-1)).toEqual({ title: '确认收货并退款', content: '确认已收到退回的商品，将退还 ¥77.80 给买家，款项原路返回。' });
  await shows(review, '.status', '退款成功');
  expect(review.texts('.step-done')).toEqual(['提交申请', '商家处理', '寄回商品', '商家收货', '退款成功']);
  expect((await refundDoc(refundId))?.status).toBe('SUCCEEDED');
  expect(await full.doc<{ refundedFee: number }>('orders', orderId)).toMatchObject({ refundedFee: 7780 });

  // The buyer sees the result and the whole negotiation, newest first.
  local.actAs(support.BUYER);
  await mine.lifecycle('onPullDownRefresh');
  await shows(mine, '.status', '退款成功');
  expect(mine.texts('.event-label')).toEqual(['退款成功', '商家确认收到退货', '买家已寄回商品', '商家同意退货', '申请退款']);
  expect(mine.exists('.withdraw')).toBe(false);
});

it('a rejection with a reason from the list; the buyer asks again, then withdraws; both are under 已完成', async () => {
  const { full } = local;
  const orderId = await full.paidOrder([{ productId: 'tea-cup', quantity: 1 }]);
  const first = await full.ok<{ refundId: string }>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '不想要了' });

  local.actAs(support.MERCHANT);
  const review = await open(REVIEW, { refundId: first.refundId }, '.amount');
  await review.tap('.reject-option', 0);
  local.answerDialogs = false;
  await review.tap('.reject');
  expect(screen.dialogs.at(-1)).toEqual({ title: '拒绝申请', content: '拒绝买家 ¥19.90 的仅退款申请，买家会看到原因：商品已发货，请收到后再申请' });
  expect((await refundDoc(first.refundId))?.status).toBe('REQUESTED');
  local.answerDialogs = true;
  await review.tap('.reject');
  await shows(review, '.status', '商家已拒绝');
  expect(await refundDoc(first.refundId)).toMatchObject({ status: 'REJECTED', rejectReason: '商品已发货，请收到后再申请' });

  local.actAs(support.BUYER);
  const mine = await open(BUYER_PAGE, { refundId: first.refundId, orderId }, '.status');
  expect(mine.texts('.step')).toEqual(['提交申请', '商家已拒绝']);
  expect(mine.text('.step-ended')).toBe('商家已拒绝');
  expect(mine.text('.reject-reason')).toBe('商品已发货，请收到后再申请');
  expect(mine.texts('.event-label')).toEqual(['商家拒绝退款', '申请退款']);
  expect(mine.text('.apply-left')).toBe('本订单还可申请售后 4 次');
  await mine.tap('.apply-again');
  expect(screen.pages.at(-1)).toBe(`/pages/aftersale/apply/index?orderId=${orderId}`);

  const second = await full.ok<{ refundId: string }>('applyRefund', { orderId, type: 'REFUND_ONLY', reason: '拍错/多拍' });
  const again = await open(BUYER_PAGE, { refundId: second.refundId }, '.status');
  expect(again.exists('.apply-again')).toBe(false);
  await again.tap('.withdraw');
  await shows(again, '.status', '已撤回');
  expect((await refundDoc(second.refundId))?.status).toBe('CANCELLED');
  expect(again.texts('.step')).toEqual(['提交申请', '已撤回']);
  // The first page, back in view, no longer offers to ask again: the newest request is the withdrawn one.
  await mine.lifecycle('onPullDownRefresh');
  await until(() => !mine.exists('.apply-again'), 'the first request without 再次申请');

  // The order page leads to each request's after-sale page.
  const orderPage = await open('pages/order/order-detail/index', { orderId }, '.refund-entry');
  expect(orderPage.texts('.refund-open')).toEqual(['售后详情 ›', '售后详情 ›']);
  await orderPage.tap('.refund-entry', 0);
  const opened = new URL(`http://page${screen.pages.at(-1)}`);
  expect(opened.pathname).toBe('/pages/aftersale/detail/index');
  expect([first.refundId, second.refundId]).toContain(opened.searchParams.get('refundId'));
  expect(opened.searchParams.get('orderId')).toBe(orderId);

  local.actAs(support.MERCHANT);
  const queue = await open(QUEUE, {}, '.tab');
  await queue.tap('.tab', 3);
  await until(() => queue.text('.queue').includes(second.refundId.slice(0, 8)) || queue.texts('.refund-row').length >= 2, 'the 已完成 tab');
  const rows = queue.texts('.refund-row').filter((t) => t.includes(orderId));
  expect(rows).toHaveLength(2);
  expect(rows.join(' ')).toContain('商家已拒绝');
  expect(rows.join(' ')).toContain('已撤回');
});
