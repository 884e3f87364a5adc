// The fake shop with shipping: the `ship` function, the merchant's desk, receipt (re-checked against what "WeChat"
// recorded) and the receipt printer. Like FakeBackend it answers from the functions' own code: events go through
// parseShipEvent / parseOrdersEvent, shipments are decided by decideShipment and uploadOutcome, the shipment lives on
// the order document as repositories/shipping.ts writes it, and answers are the real views (orderDetail with its
// shippingDetail, orderSummary on the desk, printingView). The bookkeeping below mirrors src/server/shipping-flow.ts,
// desk-queries.ts and printing.ts; test/miniprogram/contract/fake-vs-real.test.ts checks it against them.
import type { DeskData, DeskTab, OrderStatus, ShipData } from '../../../typings/api';
import { matchesDeskSearch, parseDeskSearch } from '../../../src/domain/desk-search';
import { decodeCursor, encodeCursor, fetchSize, pageOfOldest, type Cursor } from '../../../src/domain/cursor';
import type { PrintingRecord, ShippingRecord } from '../../../src/domain/documents';
import { AppError, conflict, forbidden, notFound } from '../../../src/domain/errors';
import { DEFAULT_PAGE, parseOrdersEvent } from '../../../src/domain/events';
import {
  decideShipment,
  MAX_UPLOAD_ATTEMPTS,
  parseShipEvent,
  shipmentNote,
  shipmentOf,
  shippingRecord,
  uploadOutcome,
  wechatConfirmedReceipt,
} from '../../../src/domain/shipping';
import { SHIPPING_DEFAULTS } from '../../../src/domain/shipping-settings';
import { printingView } from '../../../src/domain/shipping-views';
import { allows, isMoneyHeld, ORDER_MOVES } from '../../../src/domain/states';
import { timelineEntry } from '../../../src/domain/timeline';
import { orderSummary } from '../../../src/domain/views';
import { FakeBackend, type StoredOrder } from './fake-backend';

/** The address the seeded orders are sent to (what wx.chooseAddress answered at checkout). */
export const SEEDED_ADDRESS = { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' };

export class ShippingBackend extends FakeBackend {
  autoConfirmDays = SHIPPING_DEFAULTS.autoConfirmDays;
  /** The shop has a receipt printer (settings printer): paid orders print, merchants may reprint. */
  printer: { copies: number } | undefined = { copies: 1 };
  /** What WeChat's upload_shipping_info answers: undefined takes the shipment, an errCode refuses it (e.g. 10060002). */
  uploadErrCode: number | undefined = undefined;
  /** Transaction ids whose receipt the buyer confirmed in WeChat's window (what get_order then answers). */
  wechatReceipts = new Set<string>();
  /** Orders whose receipt the printer printed again, in order (the printer's own record). */
  reprints: string[] = [];

  confirmInWeChat(transactionId: string): void {
    this.wechatReceipts.add(transactionId);
  }

  /** Seeds a paid order with an address, shipped by the merchant by express. */
  seedShipped(buyer: string, shipping: Partial<ShippingRecord> = {}): StoredOrder {
    const order = this.seedOrder(buyer, { status: 'PAID', quantity: 2, address: { ...SEEDED_ADDRESS } });
    const r = this.handle('ship', { orderId: order.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }, [...this.merchants][0], false);
    if (!r.ok) throw new Error(r.message);
    Object.assign(order.shipping!, shipping);
    return order;
  }

  /** payNotify: the order is paid, then (with a printer) its receipt prints once (server/printing.ts printPaidOrder). */
  override markPaid(orderId: string): void {
    const wasPaid = this.orders.get(orderId)?.status !== 'PENDING';
    super.markPaid(orderId);
    const order = this.orders.get(orderId);
    if (!order || wasPaid || order.status !== 'PAID' || !this.printer) return;
    this.print(order, false);
  }

  protected override run(name: string, event: Record<string, unknown>, openid: string): unknown {
    return name === 'ship' ? this.ship(openid, event) : super.run(name, event, openid);
  }

  protected override ordersFn(openid: string, event: Record<string, unknown>): unknown {
    const request = parseOrdersEvent(event);
    switch (request.action) {
      case 'confirmReceipt':
        return this.confirmReceipt(openid, request.orderId);
      case 'desk':
        return this.desk(openid, request.tab, request.cursor, request.limit, request.orderId, request.query);
      case 'reprint':
        return this.reprint(openid, request.orderId);
      default:
        return super.ordersFn(openid, event);
    }
  }

  private requireMerchant(openid: string, what: string): void {
    if (!this.merchants.has(openid)) throw forbidden(`only the shop’s merchants can ${what}`);
  }

  /** functions/ship + shipping-flow.ts shipOrder. */
  private ship(openid: string, event: Record<string, unknown>): ShipData {
    const request = parseShipEvent(event);
    this.requireMerchant(openid, 'ship orders');
    const order = this.orders.get(request.orderId);
    if (!order) throw notFound(`order ${request.orderId} not found`);
    const shipment = shipmentOf(request);
    const decision = decideShipment(order, shipment);
    if (decision.kind === 'SAME') {
      if (order.shipping?.upload.state === 'PENDING') this.upload(order, this.tick());
      return { orderId: order.orderId, status: 'SHIPPED', corrected: false };
    }
    const correcting = decision.kind === 'CORRECT';
    const at = this.tick();
    const record = shippingRecord(shipment, order.shipping, correcting, { at, by: openid, autoConfirmDays: this.autoConfirmDays, managed: this.shippingManaged });
    // repositories/shipping.ts markShipped / markCorrected
    if (!correcting && (!allows(ORDER_MOVES.ship, order.status) || order.refunding)) throw conflict(`order ${order.orderId} changed while it was being shipped`);
    Object.assign(order, { ...(correcting ? {} : { status: ORDER_MOVES.ship.to }), shipping: record, updatedAt: at });
    this.push(order, timelineEntry(at, correcting ? 'shipping_corrected' : 'shipped', 'merchant', shipmentNote(shipment)));
    if (record.upload.state === 'PENDING') this.upload(order, at);
    return { orderId: order.orderId, status: 'SHIPPED', corrected: correcting };
  }

  /** shipping-flow.ts uploadShipping: WeChat is sent the current shipment; the outcome is recorded on it. */
  private upload(order: StoredOrder, at: Date): void {
    const shipping = order.shipping!;
    const outcome = uploadOutcome(this.uploadErrCode, shipping.corrections > 0);
    const attempts = shipping.upload.attempts + 1;
    const state = outcome === 'UPLOADED' ? 'UPLOADED' : outcome === 'REFUSED' || attempts >= MAX_UPLOAD_ATTEMPTS ? 'FAILED' : 'PENDING';
    shipping.upload = { state, attempts, ...(state === 'UPLOADED' ? { uploadedAt: at } : { lastError: `errCode ${this.uploadErrCode}` }) };
    order.updatedAt = at;
    if (state === 'UPLOADED') this.push(order, timelineEntry(at, 'shipping_uploaded', 'wechat'));
    if (state === 'FAILED') this.push(order, timelineEntry(at, 'shipping_upload_failed', 'wechat', 'enter it in the mini-program admin (发货信息管理)'));
  }

  /** shipping-flow.ts confirmReceipt: under WeChat's shipping management, WeChat (get_order) must have the receipt. */
  private confirmReceipt(openid: string, orderId: string): { orderId: string; status: OrderStatus } {
    const order = this.orders.get(orderId);
    if (!order || order._openid !== openid) throw notFound(`order ${orderId} not found`);
    if (order.status === 'COMPLETED') return { orderId, status: 'COMPLETED' };
    if (order.status !== 'SHIPPED') throw conflict(`order ${orderId} is ${order.status}: only a shipped order can be received`);
    if (this.shippingManaged) {
      if (!order.transactionId) throw conflict(`order ${orderId} has no WeChat Pay transaction to confirm`);
      const orderState = this.wechatReceipts.has(order.transactionId) ? 3 : 2;
      if (!wechatConfirmedReceipt(orderState)) throw conflict('WeChat has not recorded your confirmation: confirm receipt in WeChat’s window first');
    }
    const at = this.tick();
    Object.assign(order, { status: ORDER_MOVES.complete.to, completedAt: at, updatedAt: at });
    this.push(order, timelineEntry(at, 'received', 'buyer'));
    return { orderId, status: 'COMPLETED' };
  }

  /** desk-queries.ts merchantDesk: to ship oldest first; shipped and all newest first; one order by number; or a search. */
  private desk(openid: string, tab: DeskTab = 'TO_SHIP', cursorText?: string, limit = DEFAULT_PAGE, orderId?: string, query?: string): DeskData {
    this.requireMerchant(openid, 'use the order desk');
    const pendingRefunds = [...this.refunds.values()].filter((r) => r.status === 'REQUESTED').length;
    if (orderId) {
      const order = this.orders.get(orderId);
      return { items: order ? [orderSummary(order)] : [], pendingRefunds };
    }
    const all = [...this.orders.values()];
    if (query) {
      const search = parseDeskSearch(query);
      const page = this.page(all.filter((o) => matchesDeskSearch(o, search)), cursorText, limit);
      return { items: page.items.map((o) => orderSummary(o)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), pendingRefunds };
    }
    if (tab !== 'TO_SHIP') {
      const page = this.page(tab === 'SHIPPED' ? all.filter((o) => o.status === 'SHIPPED') : all, cursorText, limit);
      return { items: page.items.map((o) => orderSummary(o)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), pendingRefunds };
    }
    const cursor = cursorText ? decodeCursor(cursorText) : undefined;
    const page = oldestFirst(all.filter((o) => o.status === 'PAID' && !o.openRefundId), cursor, limit);
    return { items: page.items.map((o) => orderSummary(o)), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}), pendingRefunds };
  }

  /** desk-queries.ts reprint. */
  private reprint(openid: string, orderId: string) {
    this.requireMerchant(openid, 'use the order desk');
    if (!this.printer) throw conflict('the shop has no receipt printer configured (settings printer)');
    const order = this.orders.get(orderId);
    if (!order) throw notFound(`order ${orderId} not found`);
    if (!isMoneyHeld(order.status) && order.status !== 'REFUNDED') throw conflict(`order ${orderId} is ${order.status}: only paid orders have receipts`);
    const record = this.print(order, true);
    if (record.state !== 'PRINTED') throw new AppError('PROVIDER_ERROR', `the printer did not take the receipt: ${record.lastError ?? 'unknown error'}`);
    return { orderId, printing: printingView(record) };
  }

  /** printing.ts printReceipt, with a printer that always takes the job. */
  private print(order: StoredOrder, reprint: boolean): PrintingRecord {
    const at = this.tick();
    const attempts = (reprint ? 0 : order.printing?.attempts ?? 0) + 1;
    const record: PrintingRecord = { state: 'PRINTED', attempts, copies: this.printer!.copies, printedAt: at, jobId: `job-${order.orderId}-${this.reprints.length}` };
    if (reprint) this.reprints.push(order.orderId);
    Object.assign(order, { printing: record, updatedAt: at });
    return record;
  }
}

/** desk-queries.ts oldestPaid: the list cursor read the other way (createdAt >= t). */
function oldestFirst(paid: StoredOrder[], cursor: Cursor | undefined, limit: number): { items: StoredOrder[]; next?: Cursor } {
  const candidates = paid
    .filter((d) => !cursor || d.createdAt.getTime() >= cursor.t)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : 1))
    .slice(0, fetchSize(cursor, limit));
  return pageOfOldest(candidates, cursor, limit);
}
