// The fake shop with shipping: the `ship` function, the desk, receipt (re-checked against what "WeChat" recorded)
// and reprints, answering as src/server/shipping-flow.ts does. Kept beside FakeBackend so the base stays small.
import type { DeliveryAddress, ErrorCode, Fail, OrderDetail, OrderSummary, Result, ShippingView } from '../../../typings/api';
import { FakeBackend, type StoredOrder } from './fake-backend';

const COMPANIES: Record<string, string> = { SF: '顺丰速运', ZTO: '中通快递', YTO: '圆通速递', STO: '申通快递', YD: '韵达速递', JTSD: '极兔速递', JD: '京东物流', EMS: 'EMS', YZPY: '邮政快递包裹', DBL: '德邦快递' };
const HELD = ['PAID', 'SHIPPED', 'COMPLETED'];

const fail = (code: ErrorCode, message: string): Fail => ({ ok: false, code, message });
const ok = <T>(data: T): Result<T> => ({ ok: true, data });

export class ShippingBackend extends FakeBackend {
  shippingManaged = true;
  addresses = new Map<string, DeliveryAddress>();
  shipments = new Map<string, ShippingView & { corrections: number }>();
  completedAt = new Map<string, string>();
  /** Transaction ids whose receipt the buyer confirmed in WeChat's window. */
  wechatReceipts = new Set<string>();
  reprints: string[] = [];
  pendingRefunds = 0;

  confirmInWeChat(transactionId: string): void {
    this.wechatReceipts.add(transactionId);
  }

  /** Seeds a shipped order, as if the merchant had shipped it earlier. */
  seedShipped(buyer: string, shipping: Partial<ShippingView> = {}): StoredOrder {
    const order = this.seedOrder(buyer, { status: 'PAID', quantity: 2 });
    this.addresses.set(order.orderId, { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' });
    const r = this.handle('ship', { orderId: order.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }, [...this.merchants][0]);
    if (!r.ok) throw new Error(r.message);
    Object.assign(this.shipments.get(order.orderId)!, shipping);
    return order;
  }

  override handle(name: string, event: Record<string, unknown>, openid: string): Result<unknown> {
    if (name === 'ship') {
      this.served.push({ name, openid });
      return this.ship(openid, event);
    }
    if (name === 'orders' && event.action === 'get' && this.merchants.has(openid)) {
      // Merchants see the merchant's view (printing, WeChat's upload errors), as from the real function.
      const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
      this.served.push({ name, action: 'get', openid });
      return o ? ok(this.detail(o, true)) : fail('NOT_FOUND', 'order not found');
    }
    if (name === 'orders' && ['desk', 'confirmReceipt', 'reprint', 'me'].includes(String(event.action))) {
      this.served.push({ name, action: String(event.action), openid });
      return this.shippingAction(openid, event);
    }
    const result = super.handle(name, event, openid);
    if (name === 'pay' && result.ok && event.address && typeof event.address === 'object') {
      this.addresses.set((result.data as { orderId: string }).orderId, event.address as DeliveryAddress);
    }
    return result;
  }

  override detail(o: StoredOrder, forMerchant = false): OrderDetail {
    const base = super.detail(o, forMerchant);
    const shipping = this.shipments.get(o.orderId);
    const address = this.addresses.get(o.orderId);
    const completedAt = this.completedAt.get(o.orderId);
    return {
      ...base,
      refundableFee: HELD.includes(o.status) ? o.totalFee - o.refundedFee - o.refundingFee : 0,
      ...(address ? { address: { ...address } } : {}),
      ...(shipping ? { shipping: (({ corrections: _c, ...view }) => ({ ...view, correctable: o.status === 'SHIPPED' && shipping.corrections === 0 }))(shipping) } : {}),
      ...(completedAt ? { completedAt } : {}),
      ...(forMerchant && o.paidAt ? { printing: { state: 'PRINTED' as const, copies: 1, printedAt: o.paidAt } } : {}),
    };
  }

  private ship(openid: string, event: Record<string, unknown>): Result<unknown> {
    if (!this.merchants.has(openid)) return fail('FORBIDDEN', 'only the shop’s merchants can ship orders');
    const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
    if (!o) return fail('NOT_FOUND', 'order not found');
    const type = event.logisticsType;
    if (type !== 'EXPRESS' && type !== 'LOCAL_DELIVERY' && type !== 'VIRTUAL' && type !== 'SELF_PICKUP') return fail('INVALID_ARGUMENT', 'logisticsType');
    if (type === 'EXPRESS' && (typeof event.expressCompany !== 'string' || !COMPANIES[event.expressCompany])) return fail('INVALID_ARGUMENT', 'expressCompany');
    if (type === 'EXPRESS' && (typeof event.trackingNo !== 'string' || !/^[0-9A-Za-z-]{5,40}$/.test(event.trackingNo))) return fail('INVALID_ARGUMENT', 'trackingNo');
    const previous = this.shipments.get(o.orderId);
    if (o.status === 'SHIPPED' && previous && previous.corrections >= 1) return fail('CONFLICT', 'one correction only');
    if (o.status !== 'PAID' && o.status !== 'SHIPPED') return fail('CONFLICT', `order is ${o.status}`);
    const at = this.now();
    const corrected = o.status === 'SHIPPED';
    this.shipments.set(o.orderId, {
      logisticsType: type,
      ...(type === 'EXPRESS' ? { expressCompany: event.expressCompany as string, expressCompanyName: COMPANIES[event.expressCompany as string] } : {}),
      ...(typeof event.trackingNo === 'string' ? { trackingNo: event.trackingNo } : {}),
      shippedAt: previous?.shippedAt ?? at,
      correctable: !corrected,
      upload: 'UPLOADED',
      autoConfirmAt: new Date(Date.parse(at) + 10 * 86_400_000).toISOString(),
      corrections: corrected ? 1 : 0,
    });
    if (!corrected) this.transition(o, 'SHIPPED', 'shipped', 'merchant');
    else o.timeline.push({ at, event: 'shipping_corrected', by: 'merchant' });
    return ok({ orderId: o.orderId, status: 'SHIPPED', corrected });
  }

  private shippingAction(openid: string, event: Record<string, unknown>): Result<unknown> {
    const isMerchant = this.merchants.has(openid);
    switch (event.action) {
      case 'me':
        return ok({ openid, isMerchant, templates: { ...this.templates }, shippingManaged: this.shippingManaged });
      case 'desk': {
        if (!isMerchant) return fail('FORBIDDEN', 'merchants only');
        const all = [...this.orders.values()];
        let rows: StoredOrder[];
        if (typeof event.orderId === 'string') rows = all.filter((o) => o.orderId === event.orderId);
        else if (event.tab === 'SHIPPED') rows = all.filter((o) => o.status === 'SHIPPED').reverse();
        else if (event.tab === 'ALL') rows = [...all].reverse();
        else rows = all.filter((o) => o.status === 'PAID');
        const page = this.pageOfRows(rows.map((o) => this.summary(o)), event.cursor, event.limit);
        return ok({ ...page, pendingRefunds: [...this.refunds.values()].filter((r) => r.status === 'REQUESTED').length });
      }
      case 'confirmReceipt': {
        const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
        if (!o || o.buyer !== openid) return fail('NOT_FOUND', 'order not found');
        if (o.status === 'COMPLETED') return ok({ orderId: o.orderId, status: o.status });
        if (o.status !== 'SHIPPED') return fail('CONFLICT', `order is ${o.status}`);
        if (this.shippingManaged && !this.wechatReceipts.has(o.transactionId ?? '')) return fail('CONFLICT', 'WeChat has not recorded the confirmation');
        this.completedAt.set(o.orderId, this.now());
        this.transition(o, 'COMPLETED', 'received', this.shippingManaged ? 'wechat' : 'buyer');
        return ok({ orderId: o.orderId, status: o.status });
      }
      case 'reprint': {
        if (!isMerchant) return fail('FORBIDDEN', 'merchants only');
        const o = typeof event.orderId === 'string' ? this.orders.get(event.orderId) : undefined;
        if (!o) return fail('NOT_FOUND', 'order not found');
        this.reprints.push(o.orderId);
        return ok({ orderId: o.orderId, printing: { state: 'PRINTED', copies: 1, printedAt: this.now() } });
      }
      default:
        return fail('INVALID_ARGUMENT', 'unknown action');
    }
  }

  private pageOfRows(all: OrderSummary[], cursor: unknown, limit: unknown): { items: OrderSummary[]; nextCursor?: string } {
    const size = typeof limit === 'number' ? limit : 10;
    const start = typeof cursor === 'string' ? Number(cursor) : 0;
    const items = all.slice(start, start + size);
    return start + size < all.length ? { items, nextCursor: String(start + size) } : { items };
  }
}
