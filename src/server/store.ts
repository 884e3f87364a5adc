// The part of the CloudBase database API we use, typed. wx-server-sdk declares it with `any` everywhere; this is
// the one place that trusts the SDK's shapes, so the rest of the code never sees an `any`.
export type Query = Record<string, unknown>;
/** A command (`_.inc(1)`, `_.lt(x)`…) is opaque to us: we build it and hand it back to the SDK. */
export type Command = { readonly __command: unique symbol };

export interface DocumentRef {
  get(): Promise<{ data: unknown }>;
  update(options: { data: Query }): Promise<{ stats: { updated: number } }>;
  set(options: { data: Query }): Promise<unknown>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface QueryRef {
  where(query: Query | Command): QueryRef;
  orderBy(field: string, direction: 'asc' | 'desc'): QueryRef;
  limit(n: number): QueryRef;
  skip(n: number): QueryRef;
  field(projection: Record<string, boolean>): QueryRef;
  get(): Promise<{ data: unknown[] }>;
  update(options: { data: Query }): Promise<{ stats: { updated: number } }>;
  count(): Promise<{ total: number }>;
}

export interface CollectionRef extends QueryRef {
  doc(id: string): DocumentRef;
  add(options: { data: Query }): Promise<{ _id?: string; id?: string }>;
}

export interface Commands {
  eq(v: unknown): Command;
  neq(v: unknown): Command;
  lt(v: unknown): Command;
  lte(v: unknown): Command;
  gt(v: unknown): Command;
  gte(v: unknown): Command;
  in(v: unknown[]): Command;
  nin(v: unknown[]): Command;
  exists(v: boolean): Command;
  inc(n: number): Command;
  push(v: unknown): Command;
  /** Removes every element equal to the value (or matching the condition) from an array. */
  pull(v: unknown): Command;
  remove(): Command;
  /** Replaces a whole sub-object (a plain object in update() is merged field by field instead). */
  set(v: unknown): Command;
  or(...conditions: Array<Query | Command>): Command;
  and(...conditions: Array<Query | Command>): Command;
}

export interface TransactionScope {
  collection(name: string): CollectionRef;
}

export interface Store {
  collection(name: string): CollectionRef;
  readonly command: Commands;
  runTransaction<T>(run: (tx: TransactionScope) => Promise<T>, retries?: number): Promise<T>;
}

export const COLLECTIONS = {
  orders: 'orders',
  refunds: 'refunds',
  products: 'products',
  settings: 'settings',
  messages: 'messages',
  anomalies: 'anomalies',
  billRuns: 'bill_runs',
  idempotency: 'idempotency',
  stockLog: 'stock_log',
} as const;

function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { errMsg?: unknown; message?: unknown; code?: unknown };
    return `${String(e.code ?? '')} ${typeof e.errMsg === 'string' ? e.errMsg : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  }
  return String(err);
}

/**
 * Another transaction wrote a document this one writes: the database's own conflict, and nothing else. The server
 * answers code DATABASE_TRANSACTION_CONFLICT; wx-server-sdk replaces the code with a number (-501001) and keeps only
 * the message (`document.update:fail -501001 resource system error. <message>`), which CloudBase words `[ResourceUnavailable.TransactionConflict] …` and @cloudbase/database (and the
 * local cloud) `database transaction conflict…`. Any other error that mentions a "conflict" (an update whose paths
 * conflict, a business CONFLICT) is a refused request: retrying it cannot help.
 */
const WRITE_CONFLICT = /\[ResourceUnavailable\.TransactionConflict\]|\bdatabase transaction conflict\b/;

export function isWriteConflict(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; errMsg?: unknown; message?: unknown };
  if (e.code === 'DATABASE_TRANSACTION_CONFLICT') return true;
  return [e.errMsg, e.message].some((text) => typeof text === 'string' && WRITE_CONFLICT.test(text));
}

/** An insert hit an existing `_id`. */
export function isDuplicateId(err: unknown): boolean {
  return /duplicate|E11000|already exists/i.test(errorText(err));
}

/**
 * db.runTransaction retries on a conflict only when it sees the raw error code, which wx-server-sdk wraps away;
 * so we retry here. The callback must be safe to run again (it only reads and writes through `tx`).
 */
export async function inTransaction<T>(store: Store, run: (tx: TransactionScope) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.runTransaction(run, 0);
    } catch (err) {
      if (attempt >= attempts || !isWriteConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
