// WeChat's shipping-info service for the local cloud: answers `wxa.sec.order.uploadShippingInfo` and
// `wxa.sec.order.getOrder` through `wx.openApi` (via the outbox, which checks the function's openapi permission),
// keeps each order's shipping state beside the WeChat Pay sandbox's trades, and shows it under /sandbox/shipping.
// The rules are in rules.ts; see docs/local-cloud-sandbox.md.
import type { Database } from 'better-sqlite3';
import type { HttpReply, LocalCloudHost } from '../contracts';
import { parseJsonBody } from '../http/router';
import type { Outbox } from '../outbox';
import { PROVIDER } from '../sandbox/model';
import { SandboxStore } from '../sandbox/store';
import { MessagePusher, newPushSecrets, type PushMode } from './push';
import { ALREADY_SHIPPED, applyUpload, NO_SUCH_ORDER, orderView, type PaidTrade, type ShippingState, type WxAnswer } from './rules';

export const UPLOAD_API = 'wxa.sec.order.uploadShippingInfo';
export const GET_ORDER_API = 'wxa.sec.order.getOrder';

export interface ShippingService {
  state(outTradeNo: string): ShippingState | undefined;
  /** The buyer confirms receipt in WeChat's component (wx.openBusinessView weappOrderConfirm). */
  confirm(outTradeNo: string): WxAnswer;
  /** WeChat's message push of the order-management events (push.ts), and the variables wxPush needs to read them. */
  readonly pusher: MessagePusher;
  reset(): void;
}

export interface ShippingOptions {
  /** How the message push is sent: safe (encrypted, the default, as WeChat recommends) or plain. */
  pushMode?: PushMode;
  appid: string;
}

const OUT_TRADE_NO = /^[0-9A-Za-z_-]{1,32}$/;

export function installShipping(host: LocalCloudHost, outbox: Pick<Outbox, 'registerOpenApi'>, options: ShippingOptions): ShippingService {
  const sqlite = host.db.sqlite();
  const store = new ShippingStore(sqlite);
  const trades = new SandboxStore(sqlite);
  const faults: Array<{ errcode: number; remaining: number }> = [];
  const pusher = new MessagePusher({ ...newPushSecrets(), mode: options.pushMode ?? 'safe', appid: options.appid, url: () => `${host.url}/http/wxPush` }, host.log);

  const findTrade = (key: { transactionId?: string; outTradeNo?: string }): PaidTrade | undefined => {
    const trade = key.transactionId ? trades.tradeByTransactionId(key.transactionId) : key.outTradeNo ? trades.trade(key.outTradeNo) : undefined;
    if (!trade || trade.state !== 'SUCCESS' || !trade.transactionId) return undefined;
    return {
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId,
      // cloudPay pays a sub-merchant through the service provider: either id names the payment's merchant.
      mchids: [trade.subMchId, PROVIDER.mchId],
      payerOpenid: trade.subOpenid,
      totalFee: trade.totalFee,
      description: trade.body,
      paidAt: trade.paidAt ?? trade.createdAt,
      createdAt: trade.createdAt,
    };
  };

  outbox.registerOpenApi(UPLOAD_API, (body, caller) => {
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining--;
      host.log('shipping.upload', { status: 'FAULT', errcode: fault.errcode, sender: caller.functionName });
      return { errcode: fault.errcode, errmsg: fault.errcode === -1 ? 'system error' : 'fault injected by the local cloud' };
    }
    const result = applyUpload(body, findTrade, (no) => store.get(no), Date.now());
    if (!result.ok) {
      host.log('shipping.upload', { status: 'REFUSED', errcode: result.answer.errcode, sender: caller.functionName });
      return result.answer;
    }
    store.put(result.next);
    host.log('shipping.upload', { status: 'ACCEPTED', outTradeNo: result.next.outTradeNo, modifications: result.next.modifications, sender: caller.functionName });
    return { errcode: 0, errmsg: 'ok' };
  });

  /** get_order names the payment by transaction_id, or by merchant_id + merchant_trade_no. */
  const tradeOfGetOrder = (body: Record<string, unknown>): PaidTrade | undefined => {
    if (typeof body.transaction_id === 'string' && body.transaction_id) return findTrade({ transactionId: body.transaction_id });
    if (typeof body.merchant_trade_no !== 'string' || typeof body.merchant_id !== 'string') return undefined;
    const trade = findTrade({ outTradeNo: body.merchant_trade_no });
    return trade && trade.mchids.includes(body.merchant_id) ? trade : undefined;
  };

  outbox.registerOpenApi(GET_ORDER_API, (body) => {
    const trade = tradeOfGetOrder(body);
    if (!trade) return { errcode: NO_SUCH_ORDER, errmsg: '支付单不存在' };
    return { errcode: 0, errmsg: 'ok', order: orderView(trade, store.get(trade.outTradeNo)) };
  });

  const confirm = (outTradeNo: string): WxAnswer => {
    const state = store.get(outTradeNo);
    if (!state) return { errcode: NO_SUCH_ORDER, errmsg: 'the order has no shipping information: nothing to confirm' };
    if (state.orderState !== 2) return { errcode: ALREADY_SHIPPED, errmsg: `the order is in state ${state.orderState}, not 待收货` };
    const confirmedAt = Date.now();
    store.put({ ...state, orderState: 3, confirmedAt });
    host.log('shipping.confirmed', { outTradeNo });
    // WeChat tells the mini-program at once (trade_manage_order_settlement, confirm_receive_method 2: by the buyer).
    const trade = findTrade({ outTradeNo });
    if (trade) {
      void pusher.push('trade_manage_order_settlement', outTradeNo, {
        ...pushIds(trade),
        shipped_time: Math.floor((state.uploads[0]?.at ?? confirmedAt) / 1000),
        confirm_receive_method: 2,
        confirm_receive_time: Math.floor(confirmedAt / 1000),
      });
    }
    return { errcode: 0, errmsg: 'ok' };
  };

  const pushIds = (trade: PaidTrade) => ({ transaction_id: trade.transactionId, merchant_id: trade.mchids[0], sub_merchant_id: '', merchant_trade_no: trade.outTradeNo, pay_time: Math.floor(trade.paidAt / 1000) });

  // WeChat reminds a shop of an order unshipped for 48 hours; here it is sent when asked (nobody waits two days).
  host.registerRoute('POST', /^\/sandbox\/shipping\/([^/]+)\/remind$/, async (req) => {
    const no = req.params[0];
    if (!OUT_TRADE_NO.test(no)) return invalid('not an out_trade_no');
    const trade = findTrade({ outTradeNo: no });
    if (!trade) return { status: 404, body: { code: 'NOT_FOUND', message: `no paid order ${no}` } };
    if (store.get(no)) return { status: 409, body: { code: 'ALREADY_SHIPPED', message: `order ${no} has shipping information: WeChat sends no reminder` } };
    return ok(await pusher.push('trade_manage_remind_shipping', no, { ...pushIds(trade), msg: '你有订单超过48小时未发货，请尽快发货' }));
  });
  host.registerRoute('GET', /^\/sandbox\/shipping\/pushes$/, () => ok({ pushes: pusher.history() }));
  host.registerRoute('POST', /^\/sandbox\/shipping\/pushes\/drop$/, (req) => {
    const parsed = parseJsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const count = ((parsed.value ?? {}) as { count?: unknown }).count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100) return invalid('"count" must be 1..100');
    pusher.dropNext(count);
    return ok({ dropping: count });
  });

  host.registerRoute('GET', /^\/sandbox\/shipping$/, () => ok({ orders: store.list(100) }));
  host.registerRoute('GET', /^\/sandbox\/shipping\/([^/]+)$/, (req) => {
    const no = req.params[0];
    if (!OUT_TRADE_NO.test(no)) return invalid('not an out_trade_no');
    const state = store.get(no);
    return state ? ok(state) : { status: 404, body: { code: 'NOT_FOUND', message: `no shipping information for ${no}` } };
  });
  host.registerRoute('POST', /^\/sandbox\/shipping\/([^/]+)\/confirm$/, (req) => {
    const no = req.params[0];
    if (!OUT_TRADE_NO.test(no)) return invalid('not an out_trade_no');
    const answer = confirm(no);
    if (answer.errcode !== 0) return { status: 409, body: { code: 'NOT_CONFIRMABLE', message: answer.errmsg } };
    // What the mini-program's App.onShow sees in referrerInfo.extraData when WeChat's component closes.
    return ok({ referrerInfo: { appId: 'wx1183b055aeec94d1', extraData: { status: 'success', req_extradata: { merchant_trade_no: no } } } });
  });
  // WeChat's 确认收货 window names the payment by transaction_id (what the preview's wx.openBusinessView has).
  host.registerRoute('POST', /^\/sandbox\/shipping\/by-transaction\/([^/]+)\/confirm$/, (req) => {
    const trade = findTrade({ transactionId: req.params[0] });
    if (!trade) return { status: 404, body: { code: 'NOT_FOUND', message: `no payment with transaction_id ${req.params[0]}` } };
    const answer = confirm(trade.outTradeNo);
    if (answer.errcode !== 0) return { status: 409, body: { code: 'NOT_CONFIRMABLE', message: answer.errmsg } };
    return ok({ referrerInfo: { appId: 'wx1183b055aeec94d1', extraData: { status: 'success', req_extradata: { merchant_trade_no: trade.outTradeNo } } } });
  });
  host.registerRoute('POST', /^\/sandbox\/shipping\/faults$/, (req) => {
    const parsed = parseJsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const b = (parsed.value ?? {}) as { errcode?: unknown; count?: unknown };
    const count = b.count ?? 1;
    if (typeof b.errcode !== 'number' || !Number.isInteger(b.errcode) || b.errcode === 0) return invalid('"errcode" must be the non-zero errcode the next uploads answer (e.g. -1)');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100) return invalid('"count" must be 1..100');
    faults.push({ errcode: b.errcode, remaining: count });
    return ok({ armed: { errcode: b.errcode, count } });
  });

  return {
    state: (no) => store.get(no),
    confirm,
    pusher,
    reset: () => {
      faults.length = 0;
      pusher.reset();
      store.reset();
    },
  };
}

class ShippingStore {
  constructor(private readonly db: Database) {
    db.exec('CREATE TABLE IF NOT EXISTS shipping_orders (out_trade_no TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  }

  get(outTradeNo: string): ShippingState | undefined {
    const row = this.db.prepare('SELECT doc FROM shipping_orders WHERE out_trade_no = ?').get(outTradeNo) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as ShippingState) : undefined;
  }

  put(state: ShippingState): void {
    this.db.prepare('INSERT INTO shipping_orders (out_trade_no, doc) VALUES (?, ?) ON CONFLICT(out_trade_no) DO UPDATE SET doc = excluded.doc').run(state.outTradeNo, JSON.stringify(state));
  }

  list(limit: number): ShippingState[] {
    return (this.db.prepare('SELECT doc FROM shipping_orders ORDER BY rowid DESC LIMIT ?').all(limit) as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as ShippingState);
  }

  reset(): void {
    this.db.exec('DELETE FROM shipping_orders');
  }
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function invalid(message: string): HttpReply {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message } };
}
