// The `orders` actions that shipping adds: the buyer's receipt confirmation, the merchant's desk and reprint.
// Same rules as events.ts: unknown fields are refused.
import type { DeskTab, OrdersEvent } from '../../typings/api';
import { parseDeskSearch } from './desk-search';
import { invalid } from './errors';
import { OUT_TRADE_NO } from './ids';

export const DESK_TABS: readonly DeskTab[] = ['TO_SHIP', 'SHIPPED', 'ALL'];
export const SHIPPING_ORDER_ACTIONS = ['confirmReceipt', 'desk', 'reprint'] as const;
const DESK_PAGE_MAX = 50;

function fields(event: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  const f = event as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!allowed.includes(key) && key !== 'userInfo') throw invalid(`${what}: unknown field "${key.slice(0, 40)}" (expected ${allowed.join(', ')})`);
  }
  return f;
}

function orderId(value: unknown): string {
  if (typeof value !== 'string' || !OUT_TRADE_NO.test(value)) throw invalid('orderId must be an order id (1-32 of 0-9 A-Z a-z _ -)');
  return value;
}

export function isShippingOrderAction(action: unknown): action is (typeof SHIPPING_ORDER_ACTIONS)[number] {
  return typeof action === 'string' && (SHIPPING_ORDER_ACTIONS as readonly string[]).includes(action);
}

export function parseShippingOrdersEvent(event: unknown, action: (typeof SHIPPING_ORDER_ACTIONS)[number]): OrdersEvent {
  switch (action) {
    case 'confirmReceipt': {
      const f = fields(event, 'orders.confirmReceipt', ['action', 'orderId', 'via']);
      if (f.via !== undefined && f.via !== 'wechat') throw invalid('via, when given, must be "wechat" (confirmed in WeChat’s own window)');
      return { action, orderId: orderId(f.orderId), ...(f.via === 'wechat' ? { via: 'wechat' as const } : {}) };
    }
    case 'reprint':
      return { action, orderId: orderId(fields(event, 'orders.reprint', ['action', 'orderId']).orderId) };
    case 'desk': {
      const f = fields(event, 'orders.desk', ['action', 'tab', 'orderId', 'query', 'cursor', 'limit']);
      if (f.orderId !== undefined && f.query !== undefined) throw invalid('give orderId (one order) or query (a search), not both');
      if (f.tab !== undefined && !DESK_TABS.includes(f.tab as DeskTab)) throw invalid(`tab must be one of ${DESK_TABS.join(', ')}`);
      if (f.cursor !== undefined && (typeof f.cursor !== 'string' || f.cursor.length === 0 || f.cursor.length > 200)) throw invalid('cursor must be the nextCursor of a previous page');
      if (f.limit !== undefined && (typeof f.limit !== 'number' || !Number.isInteger(f.limit) || f.limit < 1 || f.limit > DESK_PAGE_MAX)) throw invalid(`limit must be a whole number in 1..${DESK_PAGE_MAX}`);
      return {
        action,
        ...(f.tab !== undefined ? { tab: f.tab as DeskTab } : {}),
        ...(f.orderId !== undefined ? { orderId: orderId(f.orderId) } : {}),
        ...(f.query !== undefined ? { query: parseDeskSearch(f.query).name } : {}),
        ...(f.cursor !== undefined ? { cursor: f.cursor as string } : {}),
        ...(f.limit !== undefined ? { limit: f.limit as number } : {}),
      };
    }
  }
}
