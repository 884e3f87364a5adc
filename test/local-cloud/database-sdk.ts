// The slice of wx-server-sdk's database API the database contract tests use, typed (the SDK's own typings
// return `Promise | void | string` unions from callback-style overloads).
import type { LocalDatabase } from '../../emulator/src/database';
import type { LocalCloud, WxServerSdk } from '../helpers/local-cloud';
import { connectSdk } from '../helpers/local-cloud';

export type Row = Record<string, unknown>;
/** A command (`_.inc(1)`, `_.gt(1)` …) or a logic expression, handed back to the SDK as it built it. */
export interface Command {
  and(...conditions: unknown[]): Command;
  or(...conditions: unknown[]): Command;
}

export interface SdkDocument {
  get(): Promise<{ data: Row }>;
  update(options: { data: Row }): Promise<{ stats: { updated: number } }>;
  set(options: { data: Row }): Promise<{ _id: string; stats: { updated: number; created: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
  field(projection: Record<string, boolean>): SdkDocument;
}

export interface SdkQuery {
  where(query: Row | Command): SdkQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): SdkQuery;
  skip(n: number): SdkQuery;
  limit(n: number): SdkQuery;
  field(projection: Record<string, boolean>): SdkQuery;
  get(): Promise<{ data: Row[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: Row }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface SdkCollection extends SdkQuery {
  doc(id: string): SdkDocument;
  add(options: { data: Row | Row[] }): Promise<{ _id: string; _ids?: string[] }>;
  aggregate(): { match(q: Row): { end(): Promise<unknown> } };
}

export interface SdkTransaction {
  collection(name: string): SdkCollection;
  rollback(reason?: unknown): Promise<unknown>;
  commit(): Promise<unknown>;
}

type Fn = (...args: unknown[]) => Command;
export interface SdkDb {
  collection(name: string): SdkCollection;
  createCollection(name: string): Promise<unknown>;
  command: Record<'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'nin' | 'exists' | 'not' | 'and' | 'or' | 'nor' | 'geoNear', Fn> &
    Record<'inc' | 'mul' | 'remove' | 'push' | 'pull' | 'addToSet' | 'pop' | 'shift' | 'unshift' | 'set', Fn>;
  serverDate(options?: { offset: number }): Command;
  RegExp(options: { regexp: string; options?: string }): Command;
  Geo: { Point(lng: number, lat: number): Command };
  runTransaction<T>(run: (tx: SdkTransaction) => Promise<T>, retries?: number): Promise<T>;
  startTransaction(): Promise<SdkTransaction>;
}

export function sdkDatabase(cloud: LocalCloud): SdkDb {
  const sdk: WxServerSdk = connectSdk(cloud);
  return sdk.database() as unknown as SdkDb;
}

/** The engine behind the local cloud, for what only the server can tell (documents examined by a query). */
export function engineOf(cloud: LocalCloud): LocalDatabase {
  return cloud.db as LocalDatabase;
}

export interface SdkError {
  errCode?: number;
  errMsg?: string;
  message?: string;
}

export async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}
