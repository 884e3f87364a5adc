// An in-memory shop that answers the cloud functions' contract (typings/api.d.ts) the way the real functions do,
// so page tests can assert what the backend ended up holding, not which functions were called.
import type {
  ErrorCode,
  Fail,
  MeData,
  OrderDetail,
  OrderListFilter,
  OrderStatus,
  OrderSummary,
  Page,
  Product,
  RefundStatus,
  RefundView,
  Result,
  TimelineEntry,
} from '../../../typings/api';

export interface StoredOrder {
  orderId: string;
  buyer: string;
  status: OrderStatus;
  items: Array<{ productId: string; name: string; unitPrice: number; quantity: number }>;
  totalFee: number;
  refundedFee: number;
  refundingFee: number;
  createdAt: string;
  paidAt?: string;
  transactionId?: string;
  idempotencyKey?: string;
  timeline: TimelineEntry[];
}

interface StoredRefund extends RefundView {
  buyerOpenid: string;
}

export type Injected = Fail | 'network' | 'answer-lost';

function fail(code: ErrorCode, message: string): Fail {
  return { ok: false, code, message };
}

function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

const OPEN: RefundStatus[] = ['REQUESTED', 'PROCESSING'];

export class FakeBackend {
  products: Product[] = [
    { productId: 'tea', name: '乌龙茶', price: 3800, description: '一罐 250 克' },
    { productId: 'cup', name: '白瓷杯', price: 1250 },
  ];
  orders = new Map<string, StoredOrder>();
  refunds = new Map<string, StoredRefund>();
  merchants = new Set<string>(['merchant-1']);
  /** Refund requests are accepted this long after payment (the shop setting); huge by default. */
  refundWindowDays = 36500;
  /** Like WeChat Pay, which will not close a trade in its first minutes: cancelling a PENDING order is refused. */
  refuseEarlyCancel = false;
  templates: MeData['templates'] = { orderPaid: 'tpl-paid', refundRequested: 'tpl-refund-req', refundResult: 'tpl-refund-result' };
  /** One-time subscribe-message quotas granted by users: openid → template id → count. */
  grants = new Map<string, Map<string, number>>();
  /** Calls that answered, in order: the audit trail a test can read like a server log. */
  served: Array<{ name: string; action?: string; openid: string }> = [];
  private failures: Array<{ name: string; action?: string; answer: Injected }> = [];
  private clock = Date.parse('2026-11-20T02:00:00.000Z');
  private seq = 0;

  now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
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
  seedOrder(buyer: string, opts: { status?: OrderStatus; quantity?: number; productId?: string } = {}): StoredOrder {
    const product = this.products.find((p) => p.productId === (opts.productId ?? 'tea'))!;
    const quantity = opts.quantity ?? 1;
    const at = this.now();
    const order: StoredOrder = {
      orderId: `O${String(++this.seq).padStart(4, '0')}`,
      buyer,
      status: 'PENDING',
      items: [{ productId: product.productId, name: product.name, unitPrice: product.price, quantity }],
      totalFee: product.price * quantity,
      refundedFee: 0,
      refundingFee: 0,
      createdAt: at,
      timeline: [{ at, event: 'created', by: 'buyer' }],
    };
    this.orders.set(order.orderId, order);
    const status = opts.status ?? 'PENDING';
    if (status === 'PAID' || status === 'REFUNDED') this.markPaid(order.orderId);
    if (status === 'CLOSED') this.transition(order, 'CLOSED', 'closed', 'system');
    if (status === 'REFUNDED') {
      order.refundedFee = order.totalFee;
      this.transition(order, 'REFUNDED', 'refund_succeeded', 'wechat');
    }
    return order;
  }

  seedRefundRequest(orderId: string, refundFee?: number, reason = '不想要了'): StoredRefund {
    const r = this.applyRefund(this.orders.get(orderId)!.buyer, { orderId, refundFee, reason });
    if (!r.ok) throw new Error(r.message);
    return this.refunds.get(r.data.refundId)!;
  }

  /** What WeChat Pay's confirmed callback does on the server. */
  markPaid(orderId: string): void {
    const order = this.orders.get(orderId);
    if (!order || order.status !== 'PENDING') return;
    order.paidAt = this.now();
    order.transactionId = `4200${orderId}`;
    this.transition(order, 'PAID', 'paid', 'wechat');
  }

  protected transition(order: StoredOrder, to: OrderStatus, event: string, by: string, note?: string): void {
    order.status = to;
    order.timeline.push({ at: this.now(), event, by, ...(note ? { note } : {}) });
  }

  handle(name: string, event: Record<string, unknown>, openid: string): Result<unknown> {
    this.served.push({ name, action: typeof event.action === 'string' ? event.action : undefined, openid });
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
        return fail('NOT_FOUND', `no function ${name}`);
    }
  }

  protected summary(o: StoredOrder): OrderSummary {
    const more = o.items.length > 1 ? ` 等${o.items.length}件` : '';
    return {
      orderId: o.orderId,
      status: o.status,
      totalFee: o.totalFee,
      refundedFee: o.refundedFee,
      refundingFee: o.refundingFee,
      title: `${o.items[0].name} ×${o.items[0].quantity}${more}`,
      itemCount: o.items.reduce((n, i) => n + i.quantity, 0),
      createdAt: o.createdAt,
      hasOpenRefund: [...this.refunds.values()].some((r) => r.orderId === o.orderId && OPEN.includes(r.status)),
    };
  }

  detail(o: StoredOrder, forMerchant = false): OrderDetail {
    const refunds = [...this.refunds.values()]
      .filter((r) => r.orderId === o.orderId)
      .map((r) => this.refundView(r, forMerchant));
    return {
      ...this.summary(o),
      items: o.items.map((i) => ({ ...i })),
      paidAt: o.paidAt,
      transactionId: o.transactionId,
      timeline: o.timeline.map((t) => ({ ...t })),
      refunds,
      refundableFee: o.status === 'PAID' ? o.totalFee - o.refundedFee - o.refundingFee : 0,
      payDeadline: o.status === 'PENDING' ? new Date(Date.parse(o.createdAt) + 30 * 60_000).toISOString() : undefined,
      refundDeadline: this.refundDeadline(o),
    };
  }

  private refundDeadline(o: StoredOrder): string | undefined {
    return o.status === 'PAID' && o.paidAt ? new Date(Date.parse(o.paidAt) + this.refundWindowDays * 86_400_000).toISOString() : undefined;
  }

  private refundView(r: StoredRefund, forMerchant: boolean): RefundView {
    const { buyerOpenid, lastError, ...view } = r;
    return forMerchant ? { ...view, buyerOpenid, ...(lastError ? { lastError } : {}) } : { ...view };
  }

  private pay(openid: string, event: Record<string, unknown>): Result<unknown> {
    let order: StoredOrder | undefined;
    if (typeof event.orderId === 'string') {
      order = this.orders.get(event.orderId);
      if (!order || order.buyer !== openid) return fail('NOT_FOUND', 'order not found');
      if (order.status !== 'PENDING') return fail('CONFLICT', `order is ${order.status}`);
    } else {
      const items = event.items as Array<{ productId: string; quantity: number }> | undefined;
      if (!Array.isArray(items) || items.length === 0) return fail('INVALID_ARGUMENT', 'items required');
      const key = typeof event.idempotencyKey === 'string' ? event.idempotencyKey : undefined;
      order = key ? [...this.orders.values()].find((o) => o.buyer === openid && o.idempotencyKey === key) : undefined;
      if (!order) {
        const priced = [];
        for (const item of items) {
          const product = this.products.find((p) => p.productId === item.productId);
          if (!product) return fail('INVALID_ARGUMENT', `unknown product ${item.productId}`);
          if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > 99) {
            return fail('INVALID_ARGUMENT', 'quantity must be 1..99');
          }
          priced.push({ productId: product.productId, name: product.name, unitPrice: product.price, quantity: item.quantity });
        }
        const at = this.now();
        order = {
          orderId: `O${String(++this.seq).padStart(4, '0')}`,
          buyer: openid,
          status: 'PENDING',
          items: priced,
          totalFee: priced.reduce((n, i) => n + i.unitPrice * i.quantity, 0),
          refundedFee: 0,
          refundingFee: 0,
          createdAt: at,
          idempotencyKey: key,
          timeline: [{ at, event: 'created', by: 'buyer' }],
        };
        this.orders.set(order.orderId, order);
      }
    }
    return ok({
      orderId: order.orderId,
      totalFee: order.totalFee,
      payment: { timeStamp: '1', nonceStr: 'n', package: `prepay_id=${order.orderId}`, signType: 'MD5', paySign: 's' },
    });
  }

  private applyRefund(openid: string, event: Record<string, unknown>): Result<{ refundId: string; status: 'REQUESTED'; refundFee: number }> {
    const order = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
    if (!order || order.buyer !== openid) return fail('NOT_FOUND', 'order not found');
    if (typeof event.reason !== 'string' || event.reason.trim() === '') return fail('INVALID_ARGUMENT', 'reason required');
    if (order.status !== 'PAID') return fail('CONFLICT', `order is ${order.status}`);
    if (Date.parse(this.now()) > Date.parse(this.refundDeadline(order)!)) return fail('CONFLICT', 'the refund window has closed');
    if ([...this.refunds.values()].some((r) => r.orderId === order.orderId && OPEN.includes(r.status))) {
      return fail('CONFLICT', 'a refund is already open');
    }
    const refundable = order.totalFee - order.refundedFee - order.refundingFee;
    const fee = event.refundFee === undefined ? refundable : event.refundFee;
    if (typeof fee !== 'number' || !Number.isSafeInteger(fee) || fee < 1) return fail('INVALID_ARGUMENT', 'bad refundFee');
    if (fee > refundable) return fail('REFUND_EXCEEDS_PAID', 'more than refundable');
    const n = [...this.refunds.values()].filter((r) => r.orderId === order.orderId).length + 1;
    const at = this.now();
    const refund: StoredRefund = {
      refundId: `${order.orderId}R${n}`,
      orderId: order.orderId,
      status: 'REQUESTED',
      refundFee: fee,
      reason: event.reason,
      buyerOpenid: openid,
      createdAt: at,
      updatedAt: at,
    };
    this.refunds.set(refund.refundId, refund);
    order.refundingFee += fee;
    order.timeline.push({ at, event: 'refund_requested', by: 'buyer' });
    return ok({ refundId: refund.refundId, status: 'REQUESTED', refundFee: fee });
  }

  private approveRefund(openid: string, event: Record<string, unknown>): Result<unknown> {
    if (!this.merchants.has(openid)) return fail('FORBIDDEN', 'merchants only');
    const refund = typeof event.refundId === 'string' ? this.refunds.get(event.refundId) : undefined;
    if (!refund) return fail('NOT_FOUND', 'refund not found');
    if (refund.status !== 'REQUESTED') return fail('CONFLICT', `refund is ${refund.status}`);
    const order = this.orders.get(refund.orderId)!;
    const at = this.now();
    if (event.action === 'reject') {
      if (typeof event.rejectReason !== 'string' || event.rejectReason.trim() === '') {
        return fail('INVALID_ARGUMENT', 'rejectReason required');
      }
      refund.status = 'REJECTED';
      refund.rejectReason = event.rejectReason;
      order.refundingFee -= refund.refundFee;
      order.timeline.push({ at, event: 'refund_rejected', by: 'merchant', note: event.rejectReason });
    } else if (event.action === 'approve') {
      // The fake provider settles at once; the real one answers later through refundNotify.
      refund.status = 'SUCCEEDED';
      order.refundingFee -= refund.refundFee;
      order.refundedFee += refund.refundFee;
      order.timeline.push({ at, event: 'refund_approved', by: 'merchant' });
      order.timeline.push({ at, event: 'refund_succeeded', by: 'wechat' });
      if (order.refundedFee === order.totalFee) order.status = 'REFUNDED';
    } else {
      return fail('INVALID_ARGUMENT', 'action must be approve or reject');
    }
    refund.updatedAt = at;
    return ok({ refundId: refund.refundId, status: refund.status });
  }

  private page<T>(all: T[], cursor: unknown, limit: unknown): Page<T> {
    const size = typeof limit === 'number' ? limit : 10;
    const start = typeof cursor === 'string' ? Number(cursor) : 0;
    const items = all.slice(start, start + size);
    return start + size < all.length ? { items, nextCursor: String(start + size) } : { items };
  }

  private ordersFn(openid: string, event: Record<string, unknown>): Result<unknown> {
    const isMerchant = this.merchants.has(openid);
    switch (event.action) {
      case 'list': {
        const filter = event.status as OrderListFilter | undefined;
        const mine = [...this.orders.values()]
          .filter((o) => o.buyer === openid)
          .map((o) => this.summary(o))
          .filter((o) => {
            if (!filter) return true;
            if (filter === 'REFUNDING') return o.hasOpenRefund;
            return o.status === filter;
          })
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return ok(this.page(mine, event.cursor, event.limit));
      }
      case 'get': {
        const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
        if (!o || (o.buyer !== openid && !isMerchant)) return fail('NOT_FOUND', 'order not found');
        return ok(this.detail(o));
      }
      case 'cancel': {
        const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
        if (!o || o.buyer !== openid) return fail('NOT_FOUND', 'order not found');
        if (o.status !== 'PENDING') return fail('CONFLICT', `order is ${o.status}`);
        if (this.refuseEarlyCancel) return fail('CONFLICT', 'WeChat Pay does not let an order be cancelled in its first 5 minutes');
        this.transition(o, 'CLOSED', 'cancelled', 'buyer');
        return ok({ orderId: o.orderId, status: o.status });
      }
      case 'withdrawRefund': {
        const r = typeof event.refundId === 'string' ? this.refunds.get(event.refundId) : undefined;
        if (!r || r.buyerOpenid !== openid) return fail('NOT_FOUND', 'refund not found');
        if (r.status !== 'REQUESTED') return fail('CONFLICT', `refund is ${r.status}`);
        r.status = 'CANCELLED';
        r.updatedAt = this.now();
        const o = this.orders.get(r.orderId)!;
        o.refundingFee -= r.refundFee;
        o.timeline.push({ at: r.updatedAt, event: 'refund_withdrawn', by: 'buyer' });
        return ok({ refundId: r.refundId, status: r.status });
      }
      case 'products':
        return ok(this.products.map((p) => ({ ...p })));
      case 'me':
        return ok({ openid, isMerchant, templates: { ...this.templates } });
      case 'refunds': {
        if (!isMerchant) return fail('FORBIDDEN', 'merchants only');
        const list = [...this.refunds.values()]
          .filter((r) => !event.status || r.status === event.status)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .map((r) => this.refundView(r, true));
        return ok(this.page(list, event.cursor, event.limit));
      }
      case 'refund': {
        if (!isMerchant) return fail('FORBIDDEN', 'merchants only');
        const r = typeof event.refundId === 'string' ? this.refunds.get(event.refundId) : undefined;
        if (!r) return fail('NOT_FOUND', 'refund not found');
        return ok({ refund: this.refundView(r, true), order: this.detail(this.orders.get(r.orderId)!, true) });
      }
      default:
        return fail('INVALID_ARGUMENT', `unknown action ${String(event.action)}`);
    }
  }
}
