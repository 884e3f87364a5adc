// The merchant's order desk (orders {action:'desk'}) and reprint (orders {action:'reprint'}). Each tab is one query
// served by an index (cloudbase/database-indexes.json); the badge is one count.
import type { DeskData, DeskTab, PrintingView } from '../../typings/api';
import { decodeCursor, encodeCursor, fetchSize, pageOf, pageOfOldest, type Cursor } from '../domain/cursor';
import { AppError, conflict, forbidden, notFound } from '../domain/errors';
import { deskSearchPatterns, parseDeskSearch, type DeskSearch } from '../domain/desk-search';
import { DEFAULT_PAGE } from '../domain/events';
import { isMerchant, type Settings } from '../domain/settings';
import { printingView } from '../domain/shipping-views';
import { isMoneyHeld } from '../domain/states';
import { ORDER_LIST_FIELDS, orderSummary, type OrderListDoc } from '../domain/views';
import { printReceipt } from './printing';
import { findOrder } from './repositories/orders';
import { asOrder } from './repositories/decode';
import { COLLECTIONS, type Store } from './store';

export interface DeskContext {
  store: Store;
  settings: Settings;
  openid: string;
  now: Date;
}

function requireMerchant(ctx: DeskContext): void {
  if (!isMerchant(ctx.settings, ctx.openid)) throw forbidden('only the shop’s merchants can use the order desk');
}

export interface DeskRequest {
  tab?: DeskTab;
  cursor?: string;
  limit?: number;
  /** One order by its full number, whatever its tab. */
  orderId?: string;
  /** A search over every tab (domain/desk-search.ts): the end of an order number or the receiver's name. */
  query?: string;
}

export async function merchantDesk(ctx: DeskContext, request: DeskRequest = {}): Promise<DeskData> {
  requireMerchant(ctx);
  const { tab = 'TO_SHIP', limit = DEFAULT_PAGE, orderId, query } = request;
  const pendingRefunds = (await ctx.store.collection(COLLECTIONS.refunds).where({ status: 'REQUESTED' }).count()).total;
  if (orderId) {
    const order = await findOrder(ctx.store, orderId);
    return { items: order ? [orderSummary(order)] : [], pendingRefunds };
  }
  const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
  const page = query
    ? await searched(ctx.store, parseDeskSearch(query), cursor, limit)
    : tab === 'TO_SHIP'
      ? await oldestPaid(ctx.store, cursor, limit)
      : await newest(ctx.store, tab === 'SHIPPED' ? 'SHIPPED' : undefined, cursor, limit);
  return { items: page.items.map((doc) => orderSummary(doc)), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}), pendingRefunds };
}

const projection = () => Object.fromEntries(ORDER_LIST_FIELDS.map((f) => [f, true]));

async function newest(store: Store, status: 'SHIPPED' | undefined, cursor: Cursor | undefined, limit: number): Promise<{ items: OrderListDoc[]; next?: Cursor }> {
  const where: Record<string, unknown> = status ? { status } : {};
  if (cursor) where.createdAt = store.command.lte(new Date(cursor.t));
  const { data } = await store.collection(COLLECTIONS.orders).where(where).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(fetchSize(cursor, limit)).field(projection()).get();
  return pageOf(data.map(asOrder), cursor, limit);
}

/**
 * Orders whose number ends with the tail or whose receiver's name contains the text, newest first. A regular
 * expression cannot use an index, so this reads the orders by the desk_created index and filters them in the
 * database: fine for a shop's desk (one merchant searching now and then), not for a hot path. A failed query is
 * rethrown without the database's message, which may quote the pattern and with it a person's name.
 */
async function searched(store: Store, search: DeskSearch, cursor: Cursor | undefined, limit: number): Promise<{ items: OrderListDoc[]; next?: Cursor }> {
  const patterns = deskSearchPatterns(search);
  const _ = store.command;
  const match = _.or(...[...(patterns.idTail ? [{ _id: patterns.idTail }] : []), { 'address.userName': patterns.name }]);
  const where = cursor ? _.and(match, { createdAt: _.lte(new Date(cursor.t)) }) : match;
  try {
    const { data } = await store.collection(COLLECTIONS.orders).where(where).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(fetchSize(cursor, limit)).field(projection()).get();
    return pageOf(data.map(asOrder), cursor, limit);
  } catch (err) {
    throw new Error(`desk search failed: ${errorCode(err)}`);
  }
}

function errorCode(err: unknown): string {
  const code = err && typeof err === 'object' ? (err as { code?: unknown; errCode?: unknown }).code ?? (err as { errCode?: unknown }).errCode : undefined;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : 'unknown error';
}

/**
 * Paid orders waiting to ship, oldest first: the same cursor, read the other way (createdAt >= t). One with an open
 * refund request is not shippable (ship refuses it) until the merchant decides the request, so it is not listed.
 */
async function oldestPaid(store: Store, cursor: Cursor | undefined, limit: number): Promise<{ items: OrderListDoc[]; next?: Cursor }> {
  const where: Record<string, unknown> = { status: 'PAID', refunding: store.command.neq(true) };
  if (cursor) where.createdAt = store.command.gte(new Date(cursor.t));
  const { data } = await store.collection(COLLECTIONS.orders).where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(fetchSize(cursor, limit)).field(projection()).get();
  return pageOfOldest(data.map(asOrder), cursor, limit);
}

/** The merchant prints an order's receipt again (the ticket says 补打). */
export async function reprint(ctx: DeskContext, orderId: string): Promise<{ orderId: string; printing: PrintingView }> {
  requireMerchant(ctx);
  if (!ctx.settings.printer) throw conflict('the shop has no receipt printer configured (settings printer)');
  const order = await findOrder(ctx.store, orderId);
  if (!order) throw notFound(`order ${orderId} not found`);
  if (!isMoneyHeld(order.status) && order.status !== 'REFUNDED') throw conflict(`order ${orderId} is ${order.status}: only paid orders have receipts`);
  const record = await printReceipt(ctx, order, { reprint: true });
  if (!record) throw conflict('the shop has no receipt printer configured');
  if (record.state !== 'PRINTED') throw new AppError('PROVIDER_ERROR', `the printer did not take the receipt: ${record.lastError ?? 'unknown error'}`);
  return { orderId, printing: printingView(record) };
}
