// An in-memory shop for the page tests that answers from the functions' own code: the events are validated by
// the functions' parsers, requests decided by their rules, answers rendered by their views (src/domain/**), so a
// page test sees what a function would send. What is left here (the bookkeeping a function's database writes do)
// is checked against the real functions through the local cloud by test/miniprogram/contract/fake-vs-real.test.ts.
import type { BillDayView, BillDifferenceView, DeliveryAddress, MeData, OrderStatus, OrderSummary, Product, Result } from '../../../typings/api';
import { decodeCursor, encodeCursor, fetchSize, pageOf } from '../../../src/domain/cursor';
import { lineLabel, priceLines, stockDestination } from '../../../src/domain/catalogue';
import type { OrderDoc, ProductDoc, RefundDoc, StockLine, TimelineRecord } from '../../../src/domain/documents';
import { AppError, forbidden, notFound, conflict } from '../../../src/domain/errors';
import { DEFAULT_PAGE, parseApplyRefundEvent, parseApproveRefundEvent, parseOrdersEvent, parsePayEvent } from '../../../src/domain/events';
import { assertPayable, decideCancel, newOrderDoc, sameItems, tooEarlyToCancel } from '../../../src/domain/order-rules';
import { decideAfterSale } from '../../../src/domain/aftersale';
import { AFTERSALE_DEFAULTS, type AfterSaleSettings } from '../../../src/domain/aftersale-settings';
import { decideRefundRequest, REFUND_NOTES, refundableFee, settleLedger } from '../../../src/domain/refund-rules';
import { EXPRESS_COMPANIES } from '../../../src/domain/shipping';
import { allows, FINISHED_REFUND_STATUSES, ORDER_MOVES, REFUND_MOVES, REFUND_START } from '../../../src/domain/states';
import { TIMELINE_NOTES, timelineEntry } from '../../../src/domain/timeline';
import { merchantRefundDetail, orderDetail, orderSummary, productView, refundView } from '../../../src/domain/views';
import { closeOpensAt } from '../../../src/domain/close-window';
import type { PaymentProviderName } from '../../../src/domain/settings';

/** A product as a page test sets it up: the buyer's view of it, plus the SKUs' counters when its stock is counted. */
export type FakeProduct = Pick<Product, 'productId' | 'name' | 'price' | 'description' | 'images' | 'specs'> & { active?: boolean; skus?: ProductDoc['skus'] };

/** An order as the functions store it, plus the names the page tests read it by. */
export type StoredOrder = OrderDoc & { orderId: string; buyer: string };
export type StoredRefund = RefundDoc & { refundId: string; buyerOpenid: string };

export type Injected = { ok: false; code: string; message: string } | 'network' | 'answer-lost';

const ok = <T>(data: T): Result<T> => ({ ok: true, data });

/** The temporary link the storage would hand out for a fileID (the fake keeps no files). */
export const fakeFileLink = (fileID: string): string => `https://storage.test/${encodeURIComponent(fileID)}?sign=fake`;

export class FakeBackend {
  products: FakeProduct[] = [
    { productId: 'tea', name: '乌龙茶', price: 3800, description: '一罐 250 克' },
    { productId: 'cup', name: '白瓷杯', price: 1250 },
  ];
  orders = new Map<string, StoredOrder>();
  refunds = new Map<string, StoredRefund>();
  merchants = new Set<string>(['merchant-1']);
  /** Refund requests are accepted this long after payment (the shop setting); huge by default. */
  refundWindowDays = 36500;
  /** The after-sale timers (WeChat's defaults) and where returns go. */
  afterSale: AfterSaleSettings = { ...AFTERSALE_DEFAULTS, returnAddress: { name: '小店售后', phone: '021-60000000', address: '上海市徐汇区漕溪北路 88 号' } };
  /**
   * Unpaid orders close this long after they are made (the shop setting). Huge by default: the shop's clock starts in
   * 2026-11 while pages count down against the real clock; a test that needs the deadline sets it.
   */
  unpaidTimeoutSeconds = 10 * 365 * 24 * 3600;
  /** Like WeChat Pay, which will not close a trade in its first minutes: cancelling a PENDING order is refused. */
  refuseEarlyCancel = false;
  /** The shop's payment provider: it decides how soon an unpaid order may be cancelled. */
  provider: PaymentProviderName = 'cloudpay';
  /** Like the local cloud's sandbox: an approved refund is paid out at once (its callback settles it). */
  autoSettleRefunds = true;
  /**
   * The functions' in-between states, for the pages to be tested in: a refund request reserves its amount on the
   * order before it writes the refund (`stopRequestsAfterReserving`: the next request, the order's detail or a withdraw
   * finishes it, as the functions do), and a settlement books the order before it moves the refund
   * (`stopSettlementsAfterBooking`: the next settlement of the refund only moves it).
   */
  stopRequestsAfterReserving = false;
  stopSettlementsAfterBooking = false;
  /** What WeChat Pay answers when a merchant asks about a refund (checkRefund), e.g. after resolving an abnormal one. */
  wechatRefundOutcome = new Map<string, 'SUCCEEDED' | 'FAILED' | 'ABNORMAL'>();
  templates: MeData['templates'] = { orderPaid: 'tpl-paid', refundRequested: 'tpl-refund-req', refundResult: 'tpl-refund-result' };
  /** The shop is under WeChat's shipping management (settings shipping.managed; `me` tells the pages). */
  shippingManaged = true;
  /** One-time subscribe-message quotas granted by users: openid → template id → count. */
  grants = new Map<string, Map<string, number>>();
  /** Calls that answered, in order: the audit trail a test can read like a server log. */
  served: Array<{ name: string; action?: string; openid: string }> = [];
  /** The bill function's results, as the 对账 page reads them (seeded by tests; the real comparison is server-side). */
  billDays: BillDayView[] = [];
  billDifferences: BillDifferenceView[] = [];
  private failures: Array<{ name: string; action?: string; answer: Injected }> = [];
  protected clock = Date.parse('2026-11-20T02:00:00.000Z');
  private seq = 0;

  /** The shop's clock: each reading is a minute later, so events sort and timelines read in order. */
  now(): string {
    return this.tick().toISOString();
  }

  protected tick(): Date {
    this.clock += 1000;
    return new Date(this.clock);
  }

  /**
   * The next call to `name` (and `action` for `orders`) fails: with this answer or a network error instead of
   * running, or ('answer-lost') it runs and then its answer is lost on the way back.
   */
  failNext(name: string, answer: Injected, action?: string): void {
    this.failures.push({ name, action, answer });
  }

  takeFailure(name: string, action?: string): Injected | undefined {
    const i = this.failures.findIndex((f) => f.name === name && (f.action === undefined || f.action === action));
    if (i < 0) return undefined;
    return this.failures.splice(i, 1)[0].answer;
  }

  grant(openid: string, templateId: string): void {
    const mine = this.grants.get(openid) ?? new Map<string, number>();
    mine.set(templateId, (mine.get(templateId) ?? 0) + 1);
    this.grants.set(openid, mine);
  }

  grantsOf(openid: string): Record<string, number> {
    return Object.fromEntries(this.grants.get(openid) ?? new Map());
  }

  /** Seeds an order directly, as if it had been bought earlier. */
  seedOrder(buyer: string, opts: { status?: OrderStatus; quantity?: number; productId?: string; address?: DeliveryAddress } = {}): StoredOrder {
    const order = this.createOrder(buyer, [{ productId: opts.productId ?? 'tea', quantity: opts.quantity ?? 1 }], undefined, opts.address);
    const status = opts.status ?? 'PENDING';
    if (status === 'SHIPPED' || status === 'COMPLETED') throw new Error(`seed a ${status} order with ShippingBackend (fake-shipping.ts)`);
    if (status === 'PAID' || status === 'REFUNDED') this.markPaid(order.orderId);
    if (status === 'CLOSED') this.close(order, 'system', TIMELINE_NOTES.closedUnpaid);
    if (status === 'REFUNDED') {
      const refund = this.seedRefundRequest(order.orderId, order.totalFee);
      this.claim(refund, 'merchant-1');
      this.settle(refund.refundId, 'SUCCEEDED');
    }
    return order;
  }

  seedRefundRequest(orderId: string, refundFee?: number, reason = '不想要了'): StoredRefund {
    const r = this.handle('applyRefund', { orderId, reason, ...(refundFee !== undefined ? { refundFee } : {}) }, this.orders.get(orderId)!.buyer, false);
    if (!r.ok) throw new Error(r.message);
    return this.refunds.get((r.data as { refundId: string }).refundId)!;
  }

  /** What WeChat Pay's confirmed callback does on the server (payNotify → markPaid). */
  markPaid(orderId: string): void {
    const order = this.orders.get(orderId);
    if (!order || !allows(ORDER_MOVES.pay, order.status)) return;
    const at = this.tick();
    Object.assign(order, { status: ORDER_MOVES.pay.to, paidAt: at, transactionId: `4200${orderId.slice(-20)}`, updatedAt: at });
    this.push(order, { at, event: 'paid', by: 'wechat' });
    this.settleStock(order);
  }

  /** What server/stock.ts settleStock does once an order left PENDING. */
  private settleStock(order: StoredOrder): void {
    const to = stockDestination(order);
    if (to === 'NONE') return;
    for (const l of order.stockLines ?? []) {
      const sku = this.products.find((p) => p.productId === l.productId)?.skus?.[l.skuId];
      if (!sku) continue;
      sku.held -= l.quantity;
      if (to === 'SOLD') sku.sold += l.quantity;
      else sku.stock += l.quantity;
    }
    order.stockState = to;
  }

  /** The clock the next event reads (ms); e.g. "now", for an order WeChat would still call too new to close. */
  setClock(ms: number): void {
    this.clock = ms;
  }

  /** What WeChat Pay's refund callback does on the server (refundNotify → settleRefund). */
  settle(refundId: string, outcome: 'SUCCEEDED' | 'FAILED' | 'ABNORMAL'): void {
    const refund = this.refunds.get(refundId);
    const move = outcome === 'SUCCEEDED' ? REFUND_MOVES.succeed : outcome === 'FAILED' ? REFUND_MOVES.fail : REFUND_MOVES.abnormal;
    if (!refund || !allows(move, refund.status)) return;
    const order = this.orders.get(refund.orderId)!;
    const at = this.tick();
    if (outcome === 'ABNORMAL') {
      // WeChat still counts it against the payment: the amount stays reserved, a new request is no longer blocked.
      Object.assign(refund, { status: move.to, updatedAt: at, lastError: REFUND_NOTES.abnormal });
      Object.assign(order, { ...(order.openRefundId === refundId ? { openRefundId: null, refunding: false } : {}), updatedAt: at });
      this.push(order, { ...timelineEntry(at, 'refund_abnormal', 'wechat', TIMELINE_NOTES.refundAbnormal(refund.refundFee)), refundId });
      return;
    }
    // First write: the booking on the order, once (the refund's token on the order decides, as bookRefundOutcome's condition does).
    if (!this.booked.has(refundId)) {
      this.booked.add(refundId);
      const ledger = settleLedger(order, refund, outcome === 'SUCCEEDED' ? 'SUCCEEDED' : 'RELEASED');
      const wasRefunded = order.status === 'REFUNDED';
      Object.assign(order, { ...ledger, ...(order.openRefundId === refundId ? { openRefundId: null, refunding: false } : {}), updatedAt: at });
      this.push(order, { ...timelineEntry(at, outcome === 'SUCCEEDED' ? 'refund_succeeded' : 'refund_failed', 'wechat', TIMELINE_NOTES.refundSettled(refund.refundFee)), refundId });
      if (ledger.status === 'REFUNDED' && !wasRefunded) this.push(order, timelineEntry(at, 'refunded', 'system'));
      if (this.stopSettlementsAfterBooking) return;
    }
    // Second write: the refund document's move.
    Object.assign(refund, { status: move.to, settledAt: at, updatedAt: at });
  }

  /** Refunds whose final outcome is booked on their order (the first of a settlement's two writes). */
  private booked = new Set<string>();

  /** Answers one function call as `openid`, in the contract's Result shape. */
  handle(name: string, event: Record<string, unknown>, openid: string, log = true): Result<unknown> {
    if (log) this.served.push({ name, action: typeof event.action === 'string' ? event.action : undefined, openid });
    try {
      return ok(this.run(name, event, openid));
    } catch (err) {
      if (err instanceof AppError) return err.toResult();
      throw err;
    }
  }

  /** One function's answer; an AppError it throws becomes the Result the function sends. */
  protected run(name: string, event: Record<string, unknown>, openid: string): unknown {
    switch (name) {
      case 'pay':
        return this.pay(openid, event);
      case 'applyRefund':
        return this.applyRefund(openid, event);
      case 'approveRefund':
        return this.approveRefund(openid, event);
      case 'orders':
        return this.ordersFn(openid, event);
      default:
        throw notFound(`no function ${name}`);
    }
  }

  protected settings() {
    return { refundWindowDays: this.refundWindowDays, afterSale: this.afterSale, provider: this.provider };
  }

  private productDocs(): ProductDoc[] {
    return this.products.map(({ productId, ...p }, sort) => ({ _id: productId, ...p, active: p.active ?? true, sort }));
  }

  private createOrder(buyer: string, lines: Array<{ productId: string; quantity: number; skuId?: string }>, idempotencyKey?: string, address?: DeliveryAddress): StoredOrder {
    const products = new Map(this.productDocs().map((p) => [p._id, p]));
    const { items, stockLines } = priceLines(products, lines);
    // What takeStock's conditional writes do, all lines or none.
    const sku = (l: StockLine) => this.products.find((p) => p.productId === l.productId)!.skus![l.skuId];
    const short = stockLines.find((l) => sku(l).stock < l.quantity);
    if (short) throw new AppError('OUT_OF_STOCK', `${lineLabel(items, short)}: only ${Math.max(0, sku(short).stock)} left, ${short.quantity} asked for`);
    for (const l of stockLines) Object.assign(sku(l), { stock: sku(l).stock - l.quantity, held: sku(l).held + l.quantity });
    const id = `O${String(++this.seq).padStart(4, '0')}`;
    const doc = newOrderDoc({ id, buyer, items, stockLines, now: this.tick(), unpaidTimeoutSeconds: this.unpaidTimeoutSeconds, payChannel: { provider: 'cloudpay', merchantId: '1900000109' }, ...(idempotencyKey ? { idempotencyKey } : {}), ...(address ? { address } : {}) });
    const order: StoredOrder = { ...doc, orderId: id, buyer };
    this.orders.set(id, order);
    return order;
  }

  protected push(order: StoredOrder, entry: TimelineRecord): void {
    order.timeline.push(entry);
  }

  private pay(openid: string, event: Record<string, unknown>) {
    const request = parsePayEvent(event);
    let order: StoredOrder | undefined;
    if ('orderId' in request) {
      order = this.orders.get(request.orderId);
      if (!order || order.buyer !== openid) throw notFound(`order ${request.orderId} not found`);
    } else {
      const key = request.idempotencyKey;
      order = key ? [...this.orders.values()].find((o) => o.buyer === openid && o.idempotencyKey === key) : undefined;
      if (order && !sameItems(order.items, request.items.map((i) => ({ ...i, name: '', unitPrice: 0 })))) throw conflict('this idempotencyKey was used for a different order');
      order ??= this.createOrder(openid, request.items, key, request.address);
    }
    assertPayable(order, new Date(this.clock));
    return {
      orderId: order.orderId,
      totalFee: order.totalFee,
      payment: { appId: 'wx0000000000000000', timeStamp: '1', nonceStr: 'n', package: `prepay_id=${order.orderId}`, signType: 'MD5', paySign: 's' },
    };
  }

  private applyRefund(openid: string, event: Record<string, unknown>) {
    const request = parseApplyRefundEvent(event);
    const order = this.orders.get(request.orderId);
    if (!order) throw notFound(`order ${request.orderId} not found`);
    if (order.buyer === openid) this.recordStoppedRequest(order);
    const at = this.tick();
    const decision = decideRefundRequest(order, { caller: openid, refundFee: request.refundFee, now: at, refundWindowDays: this.refundWindowDays });
    const lines = request.type ? decideAfterSale(order, this.refundsOf(order.orderId), refundableFee(order), { ...request, type: request.type }) : undefined;
    if (lines) decision.refundFee = lines.refundFee;
    // First write: the reservation on the order, carrying the request.
    Object.assign(order, {
      refundingFee: order.refundingFee + decision.refundFee,
      refundCount: order.refundCount + 1,
      openRefundId: decision.refundId,
      refunding: true,
      refundRequest: { refundId: decision.refundId, refundFee: decision.refundFee, reason: request.reason, requestedAt: at, recorded: false, ...(lines ? { afterSale: lines.facts } : {}) },
      updatedAt: at,
    });
    this.push(order, { ...timelineEntry(at, 'refund_requested', 'buyer', TIMELINE_NOTES.refundRequested(decision.refundFee, request.reason)), refundId: decision.refundId });
    // Second write: the refund document (unless this request stops in between).
    if (!this.stopRequestsAfterReserving) this.recordStoppedRequest(order);
    return { refundId: decision.refundId, status: REFUND_START.requested, refundFee: decision.refundFee };
  }

  /** The refund document of the order's open request, if its request stopped before writing it (refund-flow.ts recordRequestedRefund). */
  private recordStoppedRequest(order: StoredOrder): void {
    const request = order.refundRequest;
    if (!request || request.recorded === true || order.openRefundId !== request.refundId) return;
    if (!this.refunds.has(request.refundId)) {
      this.refunds.set(request.refundId, {
        _id: request.refundId,
        refundId: request.refundId,
        orderId: order.orderId,
        _openid: order._openid,
        buyerOpenid: order._openid,
        status: REFUND_START.requested,
        refundFee: request.refundFee,
        totalFee: order.totalFee,
        reason: request.reason,
        ...(request.afterSale ?? {}),
        createdAt: request.requestedAt,
        updatedAt: request.requestedAt,
        statusAt: request.requestedAt,
      });
    }
    order.refundRequest = { ...request, recorded: true };
  }

  private claim(refund: StoredRefund, merchant: string, move = REFUND_MOVES.approve): void {
    const at = this.tick();
    Object.assign(refund, { status: move.to, decidedBy: merchant, updatedAt: at, statusAt: at });
    this.push(this.orders.get(refund.orderId)!, { ...timelineEntry(at, move === REFUND_MOVES.approve ? 'refund_approved' : 'return_received', 'merchant'), refundId: refund.refundId });
  }

  private approveRefund(openid: string, event: Record<string, unknown>) {
    const request = parseApproveRefundEvent(event);
    if (!this.merchants.has(openid)) throw forbidden('only the shop’s merchants can decide refunds');
    if (request.action === 'reject') return this.closeRequested(request.refundId, REFUND_MOVES.reject, openid, 'merchant', request.rejectReason);
    if (request.action === 'refuseReturn') return this.closeRequested(request.refundId, REFUND_MOVES.refuseReturn, openid, 'merchant', request.rejectReason);
    const refund = this.refunds.get(request.refundId);
    if (!refund) throw notFound(`refund ${request.refundId} not found`);
    if (refund.status === 'PROCESSING' || refund.status === 'SUCCEEDED' || refund.status === 'ABNORMAL') return { refundId: refund.refundId, status: refund.status };
    if (request.action === 'approve' && refund.type === 'RETURN_AND_REFUND') return this.agreeReturn(refund, openid);
    const move = request.action === 'approve' ? REFUND_MOVES.approve : REFUND_MOVES.confirmReturn;
    if (!allows(move, refund.status)) throw conflict(`refund ${refund.refundId} is ${refund.status}: it can no longer be ${request.action === 'approve' ? 'approved' : 'confirmed'}`);
    this.claim(refund, openid, move);
    const answer = { refundId: refund.refundId, status: refund.status };
    if (this.autoSettleRefunds) this.settle(refund.refundId, 'SUCCEEDED');
    return answer;
  }

  private agreeReturn(refund: StoredRefund, merchant: string) {
    const move = REFUND_MOVES.agreeReturn;
    if (refund.status === move.to) return { refundId: refund.refundId, status: refund.status };
    if (!allows(move, refund.status)) throw conflict(`refund ${refund.refundId} is ${refund.status}: it can no longer be agreed to`);
    const address = this.afterSale.returnAddress;
    if (!address) throw conflict('设置里还没有退货地址（settings.afterSale.returnAddress）：填写后才能同意退货');
    const at = this.tick();
    Object.assign(refund, { status: move.to, decidedBy: merchant, returnAddress: address, updatedAt: at, statusAt: at });
    this.push(this.orders.get(refund.orderId)!, { ...timelineEntry(at, 'return_agreed', 'merchant', address.address), refundId: refund.refundId });
    return { refundId: refund.refundId, status: refund.status };
  }

  private submitReturn(openid: string, refundId: string, expressCompany: string, trackingNo: string) {
    const refund = this.refunds.get(refundId);
    if (!refund || refund.buyerOpenid !== openid) throw notFound(`refund ${refundId} not found`);
    const move = REFUND_MOVES.shipReturn;
    const same = refund.returnShipping?.expressCompany === expressCompany && refund.returnShipping.trackingNo === trackingNo;
    if (refund.status === move.to && same) return { refundId, status: refund.status };
    if (refund.status !== 'AWAITING_RETURN') throw conflict(`refund ${refundId} is ${refund.status}: a return can be sent only once the merchant agreed to it`);
    const at = this.tick();
    Object.assign(refund, { status: move.to, returnShipping: { expressCompany, trackingNo, shippedAt: at }, updatedAt: at, statusAt: at });
    this.push(this.orders.get(refund.orderId)!, { ...timelineEntry(at, 'return_shipped', 'buyer', `${EXPRESS_COMPANIES[expressCompany] ?? expressCompany} ${trackingNo}`), refundId });
    return { refundId, status: refund.status };
  }

  private closeRequested(refundId: string, move: typeof REFUND_MOVES.reject, openid: string, role: 'merchant' | 'buyer', rejectReason?: string) {
    const stopped = [...this.orders.values()].find((o) => o.refundRequest?.refundId === refundId && (role === 'merchant' || o.buyer === openid));
    if (stopped) this.recordStoppedRequest(stopped);
    const refund = this.refunds.get(refundId);
    if (!refund || (role === 'buyer' && refund.buyerOpenid !== openid)) throw notFound(`refund ${refundId} not found`);
    if (refund.status === move.to) return { refundId, status: refund.status };
    if (!allows(move, refund.status)) throw conflict(`refund ${refundId} is ${refund.status}: only a ${move.from.join(' or ')} refund can be ${move.to.toLowerCase()}`);
    const order = this.orders.get(refund.orderId)!;
    const at = this.tick();
    Object.assign(refund, { status: move.to, updatedAt: at, statusAt: at, decidedBy: openid, ...(rejectReason ? { rejectReason } : {}) });
    Object.assign(order, { refundingFee: settleLedger(order, refund, 'RELEASED').refundingFee, openRefundId: null, refunding: false, updatedAt: at });
    const event = move === REFUND_MOVES.refuseReturn ? 'return_refused' : move.to === 'REJECTED' ? 'refund_rejected' : 'refund_withdrawn';
    this.push(order, { ...timelineEntry(at, event, role, rejectReason), refundId });
    return { refundId, status: refund.status };
  }

  private close(order: StoredOrder, by: TimelineRecord['by'], note: string): void {
    const at = this.tick();
    Object.assign(order, { status: ORDER_MOVES.close.to, closedAt: at, updatedAt: at });
    this.push(order, { at, event: 'closed', by, note });
    this.settleStock(order);
  }

  protected page<T extends { _id: string; createdAt: Date }>(all: T[], cursorText: string | undefined, limit = DEFAULT_PAGE) {
    const cursor = cursorText ? decodeCursor(cursorText) : undefined;
    const candidates = all
      .filter((d) => !cursor || d.createdAt.getTime() <= cursor.t)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1))
      .slice(0, fetchSize(cursor, limit));
    const page = pageOf(candidates, cursor, limit);
    return { items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
  }

  protected refundsOf(orderId: string): StoredRefund[] {
    return [...this.refunds.values()].filter((r) => r.orderId === orderId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  protected ordersFn(openid: string, event: Record<string, unknown>): unknown {
    const request = parseOrdersEvent(event);
    const isMerchant = this.merchants.has(openid);
    const requireMerchant = () => {
      if (!isMerchant) throw forbidden('only the shop’s merchants can see the refund queue');
    };
    switch (request.action) {
      case 'list': {
        const filter = request.status;
        // repositories/orders.ts listOrders
        const listed = (o: StoredOrder) =>
          !filter || (filter === 'REFUNDING' ? o.refunding === true : filter === 'AFTERSALE' ? o.refunding === true || o.refundedFee > 0 : o.status === filter);
        const mine = [...this.orders.values()].filter((o) => o.buyer === openid && listed(o));
        const page = this.page(mine, request.cursor, request.limit);
        // orders-queries.ts withThumbnailLinks: each thumbnail as a link the page can load.
        const withLinks = (summary: OrderSummary): OrderSummary =>
          summary.lines ? { ...summary, lines: summary.lines.map((l) => (l.image ? { ...l, imageUrl: fakeFileLink(l.image) } : l)) } : summary;
        return { ...page, items: page.items.map((o) => withLinks(orderSummary(o, this.provider, this.refundWindowDays))) };
      }
      case 'get': {
        const o = this.orders.get(request.orderId);
        if (!o || (o.buyer !== openid && !isMerchant)) throw notFound(`order ${request.orderId} not found`);
        this.recordStoppedRequest(o);
        return orderDetail(o, this.refundsOf(o.orderId), { forMerchant: isMerchant, ...this.settings() });
      }
      case 'cancel': {
        const o = this.orders.get(request.orderId);
        if (decideCancel(o, openid, request.orderId) === 'DONE') return { orderId: request.orderId, status: 'CLOSED' as const };
        if (this.refuseEarlyCancel) throw tooEarlyToCancel(closeOpensAt(o!.createdAt, this.provider));
        this.close(o!, 'buyer', TIMELINE_NOTES.closedByBuyer);
        return { orderId: o!.orderId, status: o!.status };
      }
      case 'withdrawRefund':
        return this.closeRequested(request.refundId, REFUND_MOVES.withdraw, openid, 'buyer');
      case 'submitReturn':
        return this.submitReturn(openid, request.refundId, request.expressCompany, request.trackingNo);
      case 'products':
        // As the functions answer: a link for each photo (server/storage-files.ts withImageUrls).
        return this.productDocs().map(productView).map((p) => (p.images?.length ? { ...p, imageUrls: p.images.map(fakeFileLink) } : p));
      case 'me':
        return { openid, isMerchant, templates: { ...this.templates }, shippingManaged: this.shippingManaged };
      case 'refunds': {
        requireMerchant();
        const list = [...this.refunds.values()].filter((r) => !request.status || r.status === request.status || (request.status === 'FINISHED' && FINISHED_REFUND_STATUSES.includes(r.status)));
        const page = this.page(list, request.cursor, request.limit);
        return { ...page, items: page.items.map((r) => refundView(r, true, this.orders.get(r.orderId), this.afterSale)) };
      }
      case 'refund': {
        requireMerchant();
        const r = this.refunds.get(request.refundId);
        if (!r) throw notFound(`refund ${request.refundId} not found`);
        const order = this.orders.get(r.orderId)!;
        return merchantRefundDetail(r, order, this.refundsOf(order.orderId), this.refundWindowDays, this.afterSale);
      }
      case 'checkRefund': {
        requireMerchant();
        const r = this.refunds.get(request.refundId);
        if (!r) throw notFound(`refund ${request.refundId} not found`);
        const outcome = this.wechatRefundOutcome.get(r.refundId);
        if (outcome && outcome !== r.status) this.settle(r.refundId, outcome);
        return { refundId: r.refundId, status: r.status };
      }
      case 'bills':
        requireMerchant();
        return { days: [...this.billDays].sort((a, b) => b.date.localeCompare(a.date)) };
      case 'billDay':
        requireMerchant();
        return { date: request.date, runs: this.billDays.filter((d) => d.date === request.date), differences: this.billDifferences.filter((d) => d.date === request.date) };
      case 'explainBillDifference': {
        requireMerchant();
        const d = this.billDifferences.find((x) => x.id === request.differenceId);
        if (!d) throw notFound(`there is no bill difference ${request.differenceId}`);
        if (d.state !== 'OPEN') throw conflict(`difference ${d.id} was already explained: ${d.note ?? ''}`);
        Object.assign(d, { state: 'EXPLAINED', note: request.note, explainedAt: this.tick().toISOString() });
        return { ...d };
      }
      case 'confirmReceipt':
      case 'desk':
      case 'reprint':
        // Shipping's actions are answered by ShippingBackend (fake-shipping.ts).
        throw notFound(`orders.${request.action} needs the shipping fake (ShippingBackend)`);
    }
  }
}
