// The `database.*` actions of the CloudBase admin API, with the parameters exactly as wx-server-sdk sends them
// (docs/local-cloud-protocol.md) and the answers it expects. Every action runs synchronously inside one SQLite
// transaction, so each is atomic: a filtered update under contention changes a document once.
import type Database from 'better-sqlite3';
import type { AdminJson, AdminParams, DatabaseEngine } from '../contracts';
import { AdminError } from '../contracts';
import { checked, newId, toPlainJson, validateDocument } from './documents';
import { fromStorage, parseEjson, toEjson, toStorage } from './ejson';
import { DbErrorCode, collectionNotExist, duplicateKey, invalidParam, requestFailed, unsupported } from './errors';
import { compileQuery, resolveServerDates, type Predicate } from './matcher';
import { compareDocs, compileProjection, parseOrder, type Projector, type SortKey } from './shape';
import { indexHint } from './scan-filter';
import { Store, type GarbledDocument, type QueryPlan } from './store';
import type { IndexDeclaration } from './index-declarations';
import { TransactionManager, docKey, type Transaction } from './transactions';
import { compileReplacement, compileUpdate, type Updater } from './updater';
import { isDoc, setField, type Doc, type Value } from './values';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/**
 * The most documents a query may make SQLite read when no index narrows it (a scan), and the most documents one
 * request may parse and check in JavaScript: past these a request would hold the single-threaded server (every
 * other request waits) for more than ~100 ms, so it is refused with the index to declare instead.
 */
export const MAX_SCANNED = 50_000;
export const MAX_EXAMINED = 20_000;

export interface QueryStats {
  collection: string;
  /** Documents read from SQLite and checked by the matcher (MongoDB's totalDocsExamined). */
  examined: number;
  returned: number;
  /** SQLite's EXPLAIN QUERY PLAN of the candidate query. */
  sql: string;
}

/** The engine, plus what tests and tools may ask beyond the DatabaseEngine contract. */
export interface LocalDatabase extends DatabaseEngine {
  /** How a query would be served: SQLite's plan lines (e.g. "SEARCH … USING INDEX …"). */
  explain(collection: string, query?: Record<string, unknown>, order?: Record<string, 1 | -1>): string[];
  /** The last getDocument/calculateDocument, for proving that a query did not scan its collection. */
  lastQuery(): QueryStats | undefined;
  indexes(collection: string): string[];
  /** The collection's indexes as declared (the control plane's DescribeTable). */
  indexDeclarations(collection: string): IndexDeclaration[];
  /**
   * Creates the collection if missing and makes its indexes exactly `list` (the control plane's CreateTable and
   * UpdateTable): an index left out is dropped, and a query it served becomes an unindexed one.
   */
  declareIndexes(collection: string, list: IndexDeclaration[]): void;
  /** Open transactions (those not committed, aborted or expired). */
  openTransactions(): number;
  /** Stored documents that cannot be read: queries skip them (docs/local-cloud-database.md#storage). */
  garbled(): GarbledDocument[];
}

/** A matching document, with the stored text it was read from. */
interface Found {
  id: string;
  doc: Doc;
  text: string;
}

interface ParsedTarget {
  collection: string;
  predicate: Predicate;
  query: Value | undefined;
  /** The `_id` of a DOC query. */
  docId?: string;
}

export class Engine implements LocalDatabase {
  private readonly txns: TransactionManager;
  private readonly now: () => number;
  private readonly maxScanned: number;
  private readonly maxExamined: number;
  private last: { collection: string; examined: number; returned: number; plan: QueryPlan } | undefined;

  constructor(
    private readonly store: Store,
    options: { transactionTimeoutMs: number; now: () => number; maxScanned?: number; maxExamined?: number },
  ) {
    this.now = options.now;
    this.maxScanned = options.maxScanned ?? MAX_SCANNED;
    this.maxExamined = options.maxExamined ?? MAX_EXAMINED;
    this.txns = new TransactionManager(options.transactionTimeoutMs, options.now);
  }

  execute(action: string, params: AdminParams): AdminJson {
    this.txns.sweep();
    switch (action) {
      case 'database.insertDocument':
        return this.insert(params);
      case 'database.getDocument':
        return this.get(params);
      case 'database.calculateDocument':
        return this.count(params);
      case 'database.modifyDocument':
        return this.modify(params, false);
      case 'database.modifyAndReturnDoc':
        return this.modify(params, true);
      case 'database.removeDocument':
        return this.remove(params);
      case 'database.startTransaction':
        return { transactionId: this.txns.start().id };
      case 'database.commitTransaction':
        return this.commit(params);
      case 'database.abortTransaction':
        this.txns.end(this.txns.get(params.transactionId), 'aborted');
        return {};
      case 'database.addCollection':
        return this.addCollection(params);
      case 'database.aggregateDocuments':
        throw unsupported('aggregate()');
      case 'database.getInTransaction':
      case 'database.updateDocInTransaction':
      case 'database.deleteDocInTransaction':
        throw unsupported(`${action} (an older SDK's transaction protocol; wx-server-sdk 4 sends transactionId with the ordinary actions)`);
      default:
        throw invalidParam(`unknown database action ${action}`);
    }
  }

  // ---- parameters --------------------------------------------------------------------------------------------

  private collectionOf(params: AdminParams): string {
    const name = params.collectionName;
    if (typeof name !== 'string' || name === '') throw invalidParam('collectionName is required');
    if (!this.store.hasCollection(name)) throw collectionNotExist(name);
    return name;
  }

  private transactionOf(params: AdminParams): Transaction | undefined {
    const id = params.transactionId;
    if (id === undefined || id === null || id === '') return undefined;
    return this.txns.get(id);
  }

  private target(params: AdminParams): ParsedTarget {
    const collection = this.collectionOf(params);
    const queryType = params.queryType ?? 'WHERE';
    if (queryType !== 'WHERE' && queryType !== 'DOC') throw invalidParam(`queryType must be DOC or WHERE, got ${String(queryType)}`);
    const query = params.query === undefined || params.query === '' ? undefined : resolveServerDates(parseEjson(params.query, 'query'), this.now());
    if (queryType === 'DOC') {
      const id = isDoc(query) ? query._id : undefined;
      if (id === undefined) throw invalidParam('a DOC query needs an _id');
      if (typeof id !== 'string') throw invalidParam(`the local cloud supports string _id values only, got ${JSON.stringify(id)}`);
      return { collection, predicate: compileQuery(query), query, docId: id };
    }
    return { collection, predicate: compileQuery(query), query };
  }

  private limitOf(params: AdminParams): number {
    const limit = params.limit;
    if (limit === undefined || limit === null || limit === 0) return DEFAULT_LIMIT;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw invalidParam('limit must be a non-negative integer');
    return Math.min(limit, MAX_LIMIT); // the cloud answers at most 1000 documents per query
  }

  private offsetOf(params: AdminParams): number {
    const offset = params.offset;
    if (offset === undefined || offset === null) return 0;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw invalidParam('offset must be a non-negative integer');
    return offset;
  }

  private static optionalEjson(v: unknown, what: string): Value | undefined {
    return v === undefined || v === null || v === '' ? undefined : parseEjson(v, what);
  }

  // ---- reading -----------------------------------------------------------------------------------------------

  private readDoc(collection: string, id: string, txn: Transaction | undefined): Doc | undefined {
    if (txn) {
      const buffered = txn.writes.get(docKey(collection, id));
      if (buffered) return buffered.doc ?? undefined;
      const text = this.txns.snapshotText(txn, docKey(collection, id), this.store.getText(collection, id));
      return text === undefined ? undefined : fromStorage(text);
    }
    const text = this.store.getText(collection, id);
    return text === undefined ? undefined : fromStorage(text);
  }

  /** Matching documents in result order; stops early when SQL already returns them in order. */
  /** `record: false` is the inspection listing (status page, tests): not recorded as the last query, never refused. */
  private find(t: ParsedTarget, order: SortKey[], offset: number, limit: number | undefined, record = true): Found[] {
    const plan = this.store.plan(t.collection, t.query, order);
    let examined = 0;
    let out: Found[] = [];
    const stopAt = limit === undefined ? Infinity : offset + limit;
    const streaming = plan.ordered || order.length === 0;
    // Without an index SQLite reads the whole collection (an index walk in the requested order stops at the limit).
    if (record && !plan.indexed) {
      const size = this.store.count(t.collection);
      if (size > this.maxScanned) {
        throw this.tooBig(t, order, `would read all ${size} documents of ${t.collection} (no index serves it; the local cloud scans at most ${this.maxScanned})`);
      }
    }
    for (const row of this.store.candidates(plan)) {
      if (++examined > this.maxExamined && record) throw this.tooBig(t, order, `checks more than ${this.maxExamined} documents of ${t.collection}`);
      let doc: Doc;
      try {
        doc = fromStorage(row.text);
      } catch (e) {
        // Skipped and reported rather than failing the collection: the rest is still served.
        this.store.noteGarbled({ collection: t.collection, id: row.id, reason: e instanceof SyntaxError ? 'not valid JSON' : 'not a readable document', foundAt: new Date(this.now()).toISOString(), quarantined: false });
        continue;
      }
      if (!t.predicate(doc)) continue;
      out.push({ id: row.id, doc, text: row.text });
      if (streaming && out.length >= stopAt) break;
    }
    if (!streaming) {
      const cmp = compareDocs(order);
      out.sort((a, b) => cmp(a.doc, b.doc)); // stable: ties keep insertion order
    }
    out = out.slice(offset, limit === undefined ? undefined : offset + limit);
    if (record) this.last = { collection: t.collection, examined, returned: out.length, plan };
    return out;
  }

  private tooBig(t: ParsedTarget, order: SortKey[], what: string): AdminError {
    const hint = indexHint(t.query, order);
    return requestFailed(
      `this query ${what}: ${hint ? `declare an index on ${hint} for ${t.collection} in cloudbase/database-indexes.json (and in the CloudBase console)` : 'add conditions an index can serve'}, or narrow the query (docs/local-cloud-database.md)`,
    );
  }

  private get(params: AdminParams): AdminJson {
    const t = this.target(params);
    const txn = this.transactionOf(params);
    const project: Projector = compileProjection(Engine.optionalEjson(params.projection, 'projection'));
    const offset = this.offsetOf(params);
    const limit = this.limitOf(params);
    let docs: Doc[];
    if (t.docId !== undefined) {
      const doc = this.readDoc(t.collection, t.docId, txn);
      docs = doc && t.predicate(doc) ? [doc] : [];
    } else {
      if (txn) throw invalidParam('inside a transaction only doc(id) operations and add() are supported, not where() queries');
      const order = parseOrder(Engine.optionalEjson(params.order, 'order'));
      docs = this.find(t, order, offset, limit).map((r) => r.doc);
    }
    return { data: { list: docs.map((d) => toEjson(project(d))), limit, offset } };
  }

  private count(params: AdminParams): AdminJson {
    const t = this.target(params);
    if (this.transactionOf(params)) throw invalidParam('count() is not supported inside a transaction');
    // Counting a whole collection needs no document read.
    if (t.query === undefined || (isDoc(t.query) && Object.keys(t.query).length === 0)) {
      this.last = undefined;
      return { data: { total: this.store.count(t.collection) } };
    }
    return { data: { total: this.find(t, [], 0, undefined).length } };
  }

  // ---- writing -----------------------------------------------------------------------------------------------

  /**
   * Runs writes outside any transaction in one SQLite transaction, then tells open transactions about them.
   * Writers pass the stored text they replace when they have it (undefined: the document did not exist).
   */
  private atomically<T>(fn: (write: (collection: string, id: string, doc: Doc | null, before?: { text: string | undefined }) => void) => T): T {
    const written: Array<{ key: string; before: string | undefined }> = [];
    const result = this.store.inSqliteTransaction(() =>
      fn((collection, id, doc, known) => {
        const before = known ? known.text : this.store.getText(collection, id);
        written.push({ key: docKey(collection, id), before });
        this.store.put(collection, id, doc, before !== undefined);
      }),
    );
    this.txns.committed(written);
    return result;
  }

  private insert(params: AdminParams): AdminJson {
    const collection = this.collectionOf(params);
    const txn = this.transactionOf(params);
    if (!Array.isArray(params.data) || params.data.length === 0) throw invalidParam('data must be a non-empty list of documents');
    const now = this.now();
    const docs = params.data.map((text, i) => {
      const doc = resolveServerDates(parseEjson(text, `data[${i}]`), now);
      if (!isDoc(doc)) throw invalidParam('a document must be an object');
      const id = doc._id ?? newId();
      if (typeof id !== 'string' || id === '') throw invalidParam(`the local cloud supports non-empty string _id values only, got ${JSON.stringify(id)}`);
      // _id first, as the database stores it.
      const stored: Doc & { _id: string } = { _id: id };
      for (const k of Object.keys(doc)) if (k !== '_id') setField(stored, k, doc[k]);
      validateDocument(stored);
      return stored;
    });
    const seen = new Set<string>();
    for (const d of docs) {
      if (seen.has(d._id)) throw duplicateKey(collection, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
      seen.add(d._id);
    }
    if (txn) {
      for (const d of docs) {
        const key = docKey(collection, d._id);
        if (this.readDoc(collection, d._id, txn)) throw duplicateKey(collection, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
        this.txns.claim(txn, key);
        txn.writes.set(key, { collection, id: d._id, doc: d });
      }
    } else {
      this.atomically((write) => {
        for (const d of docs) {
          if (this.store.getText(collection, d._id) !== undefined) throw duplicateKey(collection, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
          write(collection, d._id, d, { text: undefined });
        }
      });
    }
    return { data: { insertedIds: docs.map((d) => d._id) } };
  }

  private modify(params: AdminParams, returnDoc: boolean): AdminJson {
    const t = this.target(params);
    const txn = this.transactionOf(params);
    const data = Engine.optionalEjson(params.data, 'data');
    if (data === undefined) throw invalidParam('data is required');
    const resolved = resolveServerDates(data, this.now());
    const replace = params.merge === false;
    const upsert = params.upsert === true;
    const update: Updater = replace ? compileReplacement(resolved) : compileUpdate(resolved);
    const multi = params.multi !== false && !returnDoc;

    if (t.docId !== undefined) return this.modifyOne(t, t.docId, update, upsert, txn, returnDoc);
    if (txn) throw invalidParam('inside a transaction only doc(id) operations and add() are supported, not where() updates');
    if (upsert) throw unsupported('upsert with a where() query');
    if (replace) throw invalidParam('replacing documents needs doc(id).set()');
    return this.atomically((write) => {
      const matches = this.find(t, [], 0, multi ? undefined : 1);
      let updated = 0;
      let last: Doc | undefined;
      for (const { id, doc, text } of matches) {
        const next = checked(update(doc));
        last = next;
        if (toStorage(next) === text) continue;
        write(t.collection, id, next, { text });
        updated++;
      }
      if (returnDoc) return { data: { updated, doc: last ? toEjson(last) : null } };
      return { data: { updated } };
    });
  }

  private modifyOne(t: ParsedTarget, id: string, update: Updater, upsert: boolean, txn: Transaction | undefined, returnDoc: boolean): AdminJson {
    // `next` is what to write (null: nothing), `after` the document as it then is.
    type Outcome = { next: Doc | null; after: Doc | undefined; updated: number; upserted: boolean };
    const apply = (current: Doc | undefined): Outcome => {
      if (current && t.predicate(current)) {
        const next = checked(update(current));
        const changed = toStorage(next) !== toStorage(current);
        return { next: changed ? next : null, after: next, updated: changed ? 1 : 0, upserted: false };
      }
      if (!upsert || current) return { next: null, after: current, updated: 0, upserted: false };
      const created = checked(update({ _id: id }));
      return { next: created, after: created, updated: 0, upserted: true };
    };
    let result: Outcome;
    if (txn) {
      const key = docKey(t.collection, id);
      const current = this.readDoc(t.collection, id, txn);
      // A matched document is claimed even when unchanged, as MongoDB locks what an update touches.
      if (current || upsert) this.txns.claim(txn, key);
      result = apply(current);
      if (result.next) txn.writes.set(key, { collection: t.collection, id, doc: result.next });
    } else {
      result = this.atomically((write) => {
        const text = this.store.getText(t.collection, id);
        const r = apply(text === undefined ? undefined : fromStorage(text));
        if (r.next) write(t.collection, id, r.next, { text });
        return r;
      });
    }
    const data: Record<string, unknown> = { updated: result.updated };
    if (result.upserted) data.upsert_id = id;
    if (returnDoc) data.doc = result.after ? toEjson(result.after) : null;
    return { data };
  }

  private remove(params: AdminParams): AdminJson {
    const t = this.target(params);
    const txn = this.transactionOf(params);
    if (t.docId !== undefined) {
      const id = t.docId;
      if (txn) {
        const current = this.readDoc(t.collection, id, txn);
        if (!current || !t.predicate(current)) return { data: { deleted: 0 } };
        const key = docKey(t.collection, id);
        this.txns.claim(txn, key);
        txn.writes.set(key, { collection: t.collection, id, doc: null });
        return { data: { deleted: 1 } };
      }
      return this.atomically((write) => {
        const text = this.store.getText(t.collection, id);
        if (text === undefined || !t.predicate(fromStorage(text))) return { data: { deleted: 0 } };
        write(t.collection, id, null, { text });
        return { data: { deleted: 1 } };
      });
    }
    if (txn) throw invalidParam('inside a transaction only doc(id) operations and add() are supported, not where() removes');
    const multi = params.multi !== false;
    return this.atomically((write) => {
      const matches = this.find(t, [], 0, multi ? undefined : 1);
      for (const { id, text } of matches) write(t.collection, id, null, { text });
      return { data: { deleted: matches.length } };
    });
  }

  // ---- transactions and collections --------------------------------------------------------------------------

  private commit(params: AdminParams): AdminJson {
    const txn = this.txns.get(params.transactionId);
    const writes = [...txn.writes.entries()];
    try {
      const written: Array<{ key: string; before: string | undefined }> = [];
      this.store.inSqliteTransaction(() => {
        for (const [key, w] of writes) {
          this.txns.checkUnchanged(txn, key);
          if (!this.store.hasCollection(w.collection)) throw collectionNotExist(w.collection);
          written.push({ key, before: this.store.getText(w.collection, w.id) });
          this.store.put(w.collection, w.id, w.doc);
        }
      });
      this.txns.end(txn, 'committed');
      this.txns.committed(written);
    } catch (e) {
      this.txns.end(txn, `aborted at commit: ${(e as Error).message}`);
      throw e;
    }
    return {};
  }

  private addCollection(params: AdminParams): AdminJson {
    const name = params.collectionName;
    if (typeof name !== 'string' || name === '') throw invalidParam('collectionName is required');
    let created: boolean;
    try {
      created = this.store.createCollection(name);
    } catch (e) {
      throw invalidParam((e as Error).message);
    }
    if (!created) throw new AdminError(DbErrorCode.collectionExists, `collection ${name} already exists`);
    return {};
  }

  // ---- inspection --------------------------------------------------------------------------------------------

  list(collection: string, options: { limit?: number; offset?: number } = {}): { total: number; documents: unknown[] } {
    if (!this.store.hasCollection(collection)) return { total: 0, documents: [] };
    const t: ParsedTarget = { collection, predicate: () => true, query: undefined };
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT));
    const rows = this.find(t, [], offset, limit, false);
    return { total: this.store.count(collection), documents: rows.map((r) => toPlainJson(r.doc)) };
  }

  collections(): string[] {
    return this.store.collections();
  }

  indexDeclarations(collection: string): IndexDeclaration[] {
    return this.store.indexDeclarations(collection);
  }

  declareIndexes(collection: string, list: IndexDeclaration[]): void {
    this.store.inSqliteTransaction(() => {
      this.store.createCollection(collection);
      this.store.syncIndexes(collection, list);
    });
  }

  garbled(): GarbledDocument[] {
    return this.store.garbledDocuments();
  }

  sqlite(): Database.Database {
    return this.store.sqlite;
  }

  close(): void {
    if (this.store.sqlite.open) this.store.sqlite.close();
  }

  explain(collection: string, query?: Record<string, unknown>, order?: Record<string, 1 | -1>): string[] {
    const q = query === undefined ? undefined : parseEjson(JSON.stringify(query), 'query');
    return this.store.explain(this.store.plan(collection, q, parseOrder(order as Value | undefined)));
  }

  lastQuery(): QueryStats | undefined {
    if (!this.last) return undefined;
    const { plan, ...counts } = this.last;
    return { ...counts, sql: this.store.explain(plan).join('; ') };
  }

  indexes(collection: string): string[] {
    return this.store.indexNames(collection);
  }

  openTransactions(): number {
    return this.txns.openCount();
  }
}
