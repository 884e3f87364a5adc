// Screenshots of every page state, taken the way a person gets there: a local cloud with demo data, the preview
// in Chromium, taps and typing. Writes docs/screens/NN-<state>.png (the phone only, 2x) and docs/screens/README.md.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { callFunction, startTestCloud, projectRoot, uploadAs, type LocalCloud } from '../../test/helpers/local-cloud';
import { Phone, launchBrowser } from '../../test/preview/phone';

interface Shot {
  file: string;
  caption: string;
}

/** The address picker comes at a page's first purchase only. */
async function useAddressIfAsked(phone: Phone): Promise<void> {
  const sheet = phone.page.locator('.wx-address, .wx-cashier').first();
  await sheet.waitFor();
  if (await phone.page.locator('.wx-address').isVisible()) await phone.useAddress();
}

/** A plain square PNG of one colour: a product photo the merchant uploads (the demo's own are in emulator/demo-images). */
function solidPng(rgb: [number, number, number], size = 96): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: size }, () => Buffer.from(rgb)))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The merchant gives two demo products a photo, as the product page would: uploaded, then saved with the product.
 * Only products the demo left without one (a demo with its own photos keeps them).
 */
async function photographDemoProducts(cloud: LocalCloud): Promise<void> {
  const shown = await callFunction<{ ok: boolean; data?: Array<{ productId: string; images?: string[] }> }>(cloud, 'orders', { action: 'products' }, 'demo-buyer');
  const withPhotos = new Set((shown.body.result?.data ?? []).filter((p) => p.images?.length).map((p) => p.productId));
  const products: Array<{ productId: string; name: string; price: number; description?: string; colour: [number, number, number] }> = [
    { productId: 'oolong-tea', name: '冻顶乌龙茶 250g', price: 6800, description: '台湾冻顶，中度烘焙', colour: [122, 84, 48] },
    { productId: 'tea-cup', name: '白瓷品茗杯', price: 1990, colour: [214, 222, 230] },
  ];
  for (const p of products.filter((candidate) => !withPhotos.has(candidate.productId))) {
    const fileID = await uploadAs(cloud, 'demo-merchant', `product-photos/demo-merchant/${p.productId}.png`, solidPng(p.colour));
    const { colour: _colour, ...product } = p;
    const saved = await callFunction<{ ok: boolean; message?: string }>(cloud, 'products', { action: 'save', product: { ...product, active: true, stock: 50, images: [fileID] } }, 'demo-merchant');
    if (!saved.body.result?.ok) throw new Error(`saving ${p.productId} failed: ${saved.body.result?.message ?? saved.status}`);
  }
}

export async function main(args: string[]): Promise<void> {
  const outDir = join(projectRoot, args[0] ?? 'docs/screens');
  mkdirSync(outDir, { recursive: true });
  for (const old of readdirSync(outDir).filter((f) => f.endsWith('.png'))) rmSync(join(outDir, old));
  const cloud = await startTestCloud({ demo: true });
  await photographDemoProducts(cloud);
  const browser = await launchBrowser();
  const shots: Shot[] = [];
  let n = 0;
  const snap = async (phone: Phone, name: string, caption: string) => {
    n += 1;
    const file = `${String(n).padStart(2, '0')}-${name}.png`;
    // Let toasts and freshly drawn rows settle the way an eye would see them.
    await phone.page.waitForTimeout(150);
    await phone.page.locator('#phone').screenshot({ path: join(outDir, file) });
    shots.push({ file, caption });
    console.log(file);
  };
  try {
    const phone = await Phone.open(browser, cloud.url, 'demo-buyer', 2);
    await phone.see('.product-name', '冻顶乌龙茶');
    await snap(phone, 'shop', 'Shop, as the demo buyer');
    await phone.tap('.product .plus');
    await phone.tap('.product .plus');
    await snap(phone, 'shop-two-selected', 'Two tins chosen: the total and 购买 light up');
    await phone.tap('.buy', '购买');
    await phone.page.locator('.wx-address').waitFor();
    await snap(phone, 'address-picker', 'The first purchase asks where the goods go (wx.chooseAddress)');
    await phone.useAddress();
    await phone.page.locator('.wx-cashier').waitFor();
    await snap(phone, 'cashier', "The cashier (wx.requestPayment), drawn like WeChat's; the sandbox holds the trade");
    await phone.payInCashier();
    await phone.waitForTitle('订单详情');
    await phone.see('.status', '已付款');
    await snap(phone, 'order-detail-paid', 'Paid: the order detail with its timeline');

    await phone.tap('.refund', '申请退款');
    await phone.waitForTitle('申请退款');
    await snap(phone, 'refund-apply-form', 'Refund request: amount (all by default), reasons, note');
    await phone.type('.amount-input', '999');
    await phone.tap('.submit', '提交申请');
    await phone.page.waitForTimeout(300);
    const subscribe = phone.page.locator('.wx-subscribe');
    if (await subscribe.isVisible()) await phone.answerSubscription(false);
    await snap(phone, 'refund-apply-errors', 'What the form says when the amount is too high and no reason is chosen');
    await phone.tap('.all-amount', '全部');
    await phone.tap('.reason', '不想要了');
    await phone.type('.note-input', '买错了规格');
    await snap(phone, 'refund-apply-filled', 'Filled in');
    await phone.tap('.submit', '提交申请');
    await phone.page.locator('.wx-modal').waitFor();
    await snap(phone, 'refund-apply-confirm', 'Money first: the amount is confirmed before anything else is asked');
    await phone.confirmModal();
    await phone.page.locator('.wx-subscribe').waitFor();
    await snap(phone, 'subscribe-dialog', 'Then, from that confirmation: may the shop send the refund result?');
    await phone.answerSubscription(true);
    await phone.see('.submitted-title', '退款申请已提交');
    await snap(phone, 'refund-submitted', 'Request sent');
    await phone.tap('.view-order', '查看订单');
    await phone.see('.status', /退款中|已付款/);
    await snap(phone, 'order-detail-refunding', 'The order while the merchant decides');

    // A second order left unpaid, for the list's tabs.
    await phone.holdAs('demo-buyer');
    await phone.tap('.product .plus');
    await phone.tap('.buy', '购买');
    await useAddressIfAsked(phone);
    await phone.page.locator('.wx-cashier .wx-sheet-close').click();
    await phone.see('.status', '待付款');
    await snap(phone, 'order-detail-pending', 'Left unpaid: pay or cancel, and when it closes by itself');
    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.page.locator('.order-card').nth(1).waitFor();
    await snap(phone, 'order-list', 'My orders like a shop’s: tabs that scroll, thumbnails, 共 N 件, 复制, the time left to pay');

    await phone.holdAs('demo-merchant');
    await phone.see('.merchant-entry', '退款审核');
    await snap(phone, 'shop-as-merchant', 'The same shop in the merchant’s hands: a way to the refund queue');
    await phone.tap('.merchant-entry', '退款审核');
    await phone.see('.refund-row', '买错了规格');
    await snap(phone, 'refund-queue', 'Refund queue');
    await phone.tap('.refund-row', '买错了规格');
    await phone.see('.amount', '¥');
    await snap(phone, 'refund-review', 'Reviewing one request');
    await phone.tap('.approve', '同意退款');
    await phone.page.locator('.wx-modal').waitFor();
    await snap(phone, 'approve-confirm', 'Approving is confirmed first (the amount), then message permission is asked');
    await phone.confirmModal();
    await phone.answerSubscription(false);
    await phone.see('.status', '退款成功');
    // The 已同意退款 toast would hide the result; it goes after two seconds.
    await phone.page.locator('#wx-toast .wx-toast-title').waitFor({ state: 'hidden' });
    await snap(phone, 'refund-review-approved', 'Approved: the page followed the refund until WeChat Pay’s result');
    await phone.back();
    await phone.waitForTitle('退款审核');
    await phone.see('[class*="empty"]', '没有待处理的退款申请');
    await snap(phone, 'refund-queue-after-decision', 'Back in the queue: it reloads, the request decided is gone');
    await phone.tap('.subscribe-btn');
    await phone.page.locator('.wx-subscribe').waitFor();
    await snap(phone, 'subscribe-dialog-merchant', 'WeChat’s dialog names each message by its template’s title');
    await phone.answerSubscription(true);
    await phone.see('.subscribe-btn.on', '已开启提醒');
    await snap(phone, 'refund-queue-reminders-on', 'Reminders on: the button steps back from primary');

    await phone.holdAs('demo-buyer');
    await phone.tap('.my-orders', '我的订单');
    await phone.see('.order-card .status', '已退款');
    await snap(phone, 'order-list-after-refund', 'My orders: one refunded, one still to pay');
    await phone.tap('.order-card', '已退款');
    await phone.see('.status', '已退款');
    await snap(phone, 'order-detail-after-refund', 'The buyer’s order after the refund');
    await phone.page.goto(`${cloud.url}/preview?as=demo-buyer&page=pages/merchant/refund-queue/index`);
    await phone.see('[class*="error-message"]', '仅商家');
    await snap(phone, 'refund-queue-as-buyer', 'A buyer opening the merchant’s page: told why, no retry that cannot help');
    await phone.close();

    // A third order, paid, for the merchant to ship and the buyer to receive.
    const shipper = await Phone.open(browser, cloud.url, 'demo-buyer', 2);
    await shipper.tap('.product .plus');
    await shipper.tap('.buy', '购买');
    await useAddressIfAsked(shipper);
    await shipper.payInCashier();
    await shipper.see('.status', '已付款');
    const orderNo = (await shipper.text('.order-no')).replace(/^订单号\s*/, '');
    await shipper.holdAs('demo-merchant');
    await shipper.tap('.desk-entry', '订单发货');
    await shipper.see('.desk-row', orderNo);
    await snap(shipper, 'merchant-desk', 'The merchant’s desk: orders to ship, in transit, done; search');
    await shipper.type('.search-input', orderNo.slice(-5));
    await shipper.tap('.search-btn', '查找');
    await shipper.see('.search-note', orderNo.slice(-5));
    await snap(shipper, 'desk-search-tail', 'Search by the last characters a buyer reads out (every tab, on the server), ✕ to clear');
    await shipper.type('.search-input', '陈小明');
    await shipper.tap('.search-btn', '查找');
    await shipper.see('.search-note', '陈小明');
    await snap(shipper, 'desk-search-name', 'Search by the receiver’s name');
    await shipper.tap('.search-clear');
    await shipper.see('.tab.active', '待发货');
    await shipper.tap('.desk-row', orderNo);
    await shipper.see('.address-who', '陈小明');
    await snap(shipper, 'ship-form', 'Shipping one order: what was bought, where it goes, how it leaves');
    await shipper.tap('.company-picker');
    await shipper.page.locator('.wx-options').waitFor();
    await snap(shipper, 'ship-company-picker', 'The express company, from a picker');
    await shipper.pick('顺丰速运');
    await shipper.tap('.scan', '扫码');
    await shipper.page.locator('.wx-scan').waitFor();
    await snap(shipper, 'ship-scan', 'The tracking number from the label (wx.scanCode; the preview has no camera)');
    await shipper.scan();
    await shipper.tap('.submit', '确认发货');
    await shipper.confirmModal();
    await shipper.see('.status', '已发货');
    await snap(shipper, 'ship-done', 'Shipped: uploaded to WeChat’s shipping info, one correction left');
    await shipper.holdAs('demo-buyer');
    await shipper.tap('.my-orders', '我的订单');
    await shipper.tap('.tab', '待收货');
    await shipper.see('.order-card .status', '待收货');
    await snap(shipper, 'order-list-to-receive', 'To receive: the carrier and tracking number with 复制, 查看物流, 确认收货');
    await shipper.tap('.order-card', '待收货');
    await shipper.see('.status', '已发货');
    await snap(shipper, 'order-detail-shipped', 'The buyer sees the parcel on its way');
    await shipper.tap('.confirm-receipt', '确认收货');
    await shipper.page.locator('.wx-receipt').waitFor();
    await snap(shipper, 'receipt-confirm', 'Confirming receipt in WeChat’s own window (wx.openBusinessView)');
    await shipper.confirmReceipt();
    await shipper.see('.status', '已完成');
    await snap(shipper, 'order-detail-completed', 'Received: the order is complete');

    // After-sales on the received order: 退货退款, agreed, sent back with a scanned number, confirmed, refunded.
    await shipper.holdAs('demo-buyer');
    await shipper.tap('.my-orders', '我的订单');
    await shipper.screen.locator('.order-card', { hasText: orderNo }).locator('.after-sale').click();
    await shipper.waitForTitle('申请售后');
    await shipper.tap('.type-return', '退货退款');
    await shipper.tap('.reason', '质量问题');
    await shipper.type('.note-input', '杯口有裂纹');
    // Two evidence photos from the phone's album (the preview's file dialog), uploaded to the buyer's folder.
    const album = shipper.page.waitForEvent('filechooser');
    await shipper.tap('.add-photo');
    await (await album).setFiles([
      { name: 'crack.png', mimeType: 'image/png', buffer: solidPng([196, 160, 120]) },
      { name: 'box.png', mimeType: 'image/png', buffer: solidPng([120, 150, 190]) },
    ]);
    await shipper.page.locator('.wxpage:not([hidden]) .photo-image').nth(1).waitFor();
    await snap(shipper, 'aftersale-apply-return', 'After-sale request: 退货退款 of a received order, the lines, a reason from the received list, photos');
    await shipper.tap('.submit', '提交申请');
    await shipper.confirmModal();
    await shipper.answerSubscription(true);
    await shipper.tap('.view-aftersale', '查看售后进度');
    await shipper.waitForTitle('售后详情');
    await snap(shipper, 'aftersale-detail-requested', 'The buyer’s after-sale page: progress by type, what happens if the merchant stays silent');
    await shipper.holdAs('demo-merchant');
    await shipper.tap('.merchant-entry', '退款审核');
    await shipper.see('.refund-row', '退货退款');
    await snap(shipper, 'aftersale-queue', 'The merchant’s after-sale queue: 待处理 / 待买家退货 / 待确认收货 / 已完成 / 退款异常');
    await shipper.tap('.refund-row', '退货退款');
    await shipper.see('.type', '退货退款');
    await snap(shipper, 'aftersale-review', 'A return request for the merchant: lines with their spec, reason, note, photos; reject reasons from a list');
    await shipper.tap('.approve', '同意退货');
    await shipper.page.locator('.wx-modal').waitFor();
    await snap(shipper, 'aftersale-agree-confirm', 'Agreeing repeats the amount first; message permission is asked after it');
    await shipper.confirmModal();
    await shipper.answerSubscription(false);
    await shipper.see('.status', '待买家退货');
    await shipper.holdAs('demo-buyer');
    await shipper.tap('.my-orders', '我的订单');
    await shipper.tap('.order-card', orderNo);
    await shipper.tap('.refund-entry', '待买家退货');
    await shipper.see('.address-who', '售后');
    await shipper.tap('.company-picker');
    await shipper.pick('中通快递');
    await shipper.tap('.scan', '扫码');
    await shipper.scan('73123456789012');
    await snap(shipper, 'aftersale-detail-return-form', 'Return agreed: the address to copy, the company from the picker, the number from the scanner');
    await shipper.tap('.send-return', '提交退货物流');
    await shipper.confirmModal();
    await shipper.answerSubscription(true);
    await shipper.see('.status', '待商家确认收货');
    await shipper.holdAs('demo-merchant');
    await shipper.tap('.merchant-entry', '退款审核');
    await shipper.tap('.tab', '待确认收货');
    await shipper.tap('.refund-row', '退货退款');
    await shipper.see('.return-tracking', '73123456789012');
    await snap(shipper, 'aftersale-review-parcel', 'The parcel on its way back: confirm it and refund, or refuse it with a reason');
    await shipper.tap('.approve', '确认收货并退款');
    await shipper.confirmModal();
    await shipper.answerSubscription(false);
    await shipper.see('.status', '退款成功');
    await snap(shipper, 'aftersale-review-refunded', 'Confirmed: the page followed WeChat Pay until the refund succeeded');
    await shipper.holdAs('demo-buyer');
    await shipper.tap('.my-orders', '我的订单');
    await shipper.tap('.order-card', orderNo);
    await shipper.tap('.refund-entry', '退款成功');
    await shipper.see('.status', '退款成功');
    await snap(shipper, 'aftersale-detail-refunded', 'The buyer’s after-sale page at the end: every step of the negotiation');
    await shipper.close();

    // The merchant's catalogue: from the desk to the product list, the editor, the stock page, 售罄 and 下架.
    const keeper = await Phone.open(browser, cloud.url, 'demo-merchant', 2);
    await keeper.tap('.desk-entry', '订单发货');
    await keeper.tap('.products-entry', '商品');
    await keeper.see('.product-name', '正山小种红茶');
    await snap(keeper, 'catalogue', 'The merchant’s catalogue: thumbnails, each specification’s stock, 待付款 and sales; 下架 / 上架');
    await keeper.screen.locator('.admin-product', { hasText: '正山小种红茶' }).locator('.edit-btn').click();
    await keeper.waitForTitle('编辑商品');
    await keeper.see('.sku-edit-label', '500g');
    await snap(keeper, 'product-edit', 'Editing a product: photos, up to three specs, a row per combination with its price in yuan and stock');
    await keeper.back();
    await keeper.screen.locator('.admin-product', { hasText: '竹制茶盘' }).locator('.adjust-btn').click();
    await keeper.waitForTitle('调整库存');
    await keeper.tap('.mode', '盘点');
    await keeper.type('.quantity-input', '0');
    await keeper.type('.reason-input', '样品损坏');
    await snap(keeper, 'stock-adjust', 'Adjusting stock: 入库, 出库 or 盘点 with a reason; stock held by unpaid orders is never touched');
    await keeper.tap('.submit-btn', '确定');
    await keeper.see('.product-name', '竹制茶盘');
    await keeper.screen.locator('.admin-product', { hasText: '白瓷品茗杯' }).locator('.shelf-btn').click();
    await keeper.confirmModal();
    await keeper.see('.product-state', '下架');
    await keeper.see('.product-state', '售罄');
    await snap(keeper, 'catalogue-states', 'Sold out (售罄) and off the shelf (下架): buyers cannot order either');
    await keeper.close();

    // A window barely wider than a phone: the frame keeps its size and the tabs their line.
    const narrow = await Phone.open(browser, cloud.url, 'demo-buyer', 2);
    await narrow.page.setViewportSize({ width: 390, height: 844 });
    await narrow.tap('.my-orders', '我的订单');
    await narrow.page.locator('.order-card').first().waitFor();
    n += 1;
    const narrowFile = `${String(n).padStart(2, '0')}-preview-390px.png`;
    await narrow.page.waitForTimeout(150);
    await narrow.page.screenshot({ path: join(outDir, narrowFile) });
    shots.push({ file: narrowFile, caption: 'The preview in a 390 px window: the phone stays 375 px, the tabs on one line' });
    console.log(narrowFile);
    await narrow.close();

    const ui = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await ui.goto(`${cloud.url}/`);
    const views: [string, string, string][] = [
      ['overview', 'local-cloud-ui-overview', 'Local cloud UI: collections, instances, where things are, timers (fire now)'],
      ['database', 'local-cloud-ui-database', 'Local cloud UI: documents of a collection, searchable'],
      ['orders', 'local-cloud-ui-orders', 'Local cloud UI: orders and refunds with their timelines'],
      ['pay', 'local-cloud-ui-pay', 'Local cloud UI: WeChat Pay trades per protocol, with the notifies sent'],
      ['shipping', 'local-cloud-ui-shipping', 'Local cloud UI: shipping info uploaded to WeChat and the receipts printed'],
      ['requests', 'local-cloud-ui-requests', 'Local cloud UI: every request with caller, function, duration, result and security rule'],
      ['messages', 'local-cloud-ui-messages', 'Local cloud UI: subscribe messages, each deep link opening the preview as its recipient'],
    ];
    for (const [tab, name, caption] of views) {
      await ui.locator(`#tabs button[data-tab="${tab}"]`).click();
      await ui.waitForTimeout(700);
      n += 1;
      const file = `${String(n).padStart(2, '0')}-${name}.png`;
      await ui.screenshot({ path: join(outDir, file) });
      shots.push({ file, caption });
      console.log(file);
    }
    await ui.close();
  } finally {
    await browser.close();
    await cloud.close();
  }
  const readme = [
    '# Screens',
    '',
    'Written by `npm run screens`: the project’s own pages in the browser preview (`/preview`, see',
    '[docs/preview.md](../preview.md)), driven by taps and typing against a local cloud with demo data.',
    '',
    ...shots.map((s) => `### ${s.caption}\n![${s.caption}](${s.file})\n`),
  ].join('\n');
  writeFileSync(join(outDir, 'README.md'), readme);
}
