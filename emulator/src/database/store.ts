// Durable storage in SQLite: one table per collection (insertion sequence, _id, document as storage JSON), the
// declared indexes as expression indexes on tcb_key(doc, 'path'), and a query planner that pushes to SQL the
// conditions and orderings an index can serve. SQL only narrows the candidates: every candidate is still checked
// by the exact matcher, so pushing down never changes an answer, only how many documents are read.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { fromStorage, fromStorageValue, toStorage } from './ejson';
import { jsonPath, scanFilter } from './scan-filter';
import { duplicateKey } from './errors';
import { checkDocumentSize } from './documents';
import { COLLECTION_NAME, type IndexDeclaration, type IndexDeclarations } from './index-declarations';
import type { SortKey } from './shape';
import { AFTER_DATES, FIRST_DATE, encodeKey, isKeyable, keyAt, makeKeyFunction, type SqlKey } from './sort-key';
import { RegexValue, isDoc, type Doc, type Value } from './values';

export interface StoredDoc {
  seq: number;
  id: string;
  text: string;
}

/** A stored document that cannot be read: skipped by every query, reported (log, UI), its text kept for recovery. */
export interface GarbledDocument {
  collection: string;
  id: string;
  reason: string;
  foundAt: string;
  /** True when it was moved out of its collection into `tcb_garbled` at open (its text is kept there). */
  quarantined: boolean;
}

export interface QueryPlan {
  sql: string;
  params: Array<SqlKey | string | number>;
  /** True when SQL returns candidates already in the requested order. */
  ordered: boolean;
  /** True when SQLite uses an index (the `_id` one included) to narrow or order the candidates; false for a table scan. */
  indexed: boolean;
}

interface IndexInfo {
  name: string;
  sqlName: string;
  paths: Array<{ path: string; segments: string[]; dir: 1 | -1 }>;
  unique: boolean;
}

/** Bump when sort-key.ts encodes values differently: indexes built with the old encoding are rebuilt. */
const KEY_ENCODING = 2;

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const tableOf = (collection: string): string => quoteIdent(`tcb_c_${collection}`);
const keyExpr = (path: string): string => (path === '_id' ? 'id' : `tcb_key(doc, ${quoteText(path)})`);

function isPushable(v: Value): v is string | number | boolean | Date {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v instanceof Date;
}

export class Store {
  private readonly indexes = new Map<string, IndexInfo[]>();
  private readonly multikey = new Set<string>();
  /** Top-level fields that have held an array in some document of the collection (`collection\0field`), ever. */
  private readonly arrayFields = new Set<string>();
  private readonly existing = new Set<string>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly plans = new Map<string, string[]>();
  private readonly garbled = new Map<string, GarbledDocument>();

  constructor(
    readonly sqlite: Database.Database,
    declarations: IndexDeclarations,
    /** False plans queries as before scan-filter.ts and the index check below, to measure what they save (bench). */
    private readonly textFilter = true,
    /** Told of each garbled document once, when it is found. */
    private readonly onGarbled: (doc: GarbledDocument) => void = () => undefined,
  ) {
    sqlite.function('tcb_key', { deterministic: true }, makeKeyFunction());
    // The same key from the value's own JSON (`doc -> path`, extracted by SQLite): for sorting candidates without
    // parsing whole documents in JavaScript.
    sqlite.function('tcb_key_json', { deterministic: true }, (json: unknown) => (typeof json === 'string' ? encodeKey(fromStorageValue(JSON.parse(json))) : null));
    sqlite.exec(`
      CREATE TABLE IF NOT EXISTS tcb_collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tcb_multikey (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path));
      CREATE TABLE IF NOT EXISTS tcb_array_fields (collection TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (collection, field));
      CREATE TABLE IF NOT EXISTS tcb_array_fields_known (collection TEXT PRIMARY KEY);
    `);
    for (const row of sqlite.prepare('SELECT collection, field FROM tcb_array_fields').all() as Array<{ collection: string; field: string }>) {
      this.arrayFields.add(`${row.collection}\u0000${row.field}`);
    }
    for (const row of sqlite.prepare('SELECT name FROM tcb_collections').all() as Array<{ name: string }>) this.existing.add(row.name);
    // Before anything parses documents (the array-field scan, index builds, queries): one unreadable document would
    // otherwise stop the local cloud from starting, or make its whole collection answer errors.
    this.quarantineGarbled();
    for (const row of sqlite.prepare('SELECT collection, path FROM tcb_multikey').all() as Array<{ collection: string; path: string }>) {
      this.multikey.add(`${row.collection}\u0000${row.path}`);
    }
    sqlite.transaction(() => {
      // Files written before fields holding arrays were tracked: learn them once.
      const known = new Set((sqlite.prepare('SELECT collection FROM tcb_array_fields_known').all() as Array<{ collection: string }>).map((r) => r.collection));
      for (const collection of this.existing) {
        if (known.has(collection)) continue;
        for (const row of sqlite.prepare(`SELECT doc FROM ${tableOf(collection)}`).all() as Array<{ doc: string }>) this.markArrayFields(collection, fromStorage(row.doc));
        sqlite.prepare('INSERT OR IGNORE INTO tcb_array_fields_known (collection) VALUES (?)').run(collection);
      }
      for (const [collection, list] of Object.entries(declarations)) {
        this.createCollection(collection);
        this.syncIndexes(collection, list);
      }
    })();
  }

  /**
   * Moves documents whose stored text is not a JSON object (a damaged file, a hostile import) out of their
   * collections into tcb_garbled. SQLite checks the text (json_valid, in C), so this costs little even on a large file.
   */
  private quarantineGarbled(): void {
    this.sqlite.exec('CREATE TABLE IF NOT EXISTS tcb_garbled (collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT, reason TEXT NOT NULL, found_at INTEGER NOT NULL)');
    this.sqlite.transaction(() => {
      for (const collection of this.existing) {
        const rows = this.sqlite
          .prepare(`SELECT seq, id, doc FROM ${tableOf(collection)} WHERE typeof(doc) != 'text' OR NOT json_valid(doc) OR json_type(doc) != 'object'`)
          .all() as Array<{ seq: number; id: string; doc: unknown }>;
        for (const row of rows) {
          const reason = typeof row.doc !== 'string' ? 'stored value is not text' : row.doc.trim().startsWith('{') ? 'not valid JSON' : 'not a JSON object';
          const foundAt = Date.now();
          this.sqlite.prepare('INSERT INTO tcb_garbled (collection, id, doc, reason, found_at) VALUES (?, ?, ?, ?, ?)').run(collection, String(row.id), typeof row.doc === 'string' ? row.doc : null, reason, foundAt);
          this.sqlite.prepare(`DELETE FROM ${tableOf(collection)} WHERE seq = ?`).run(row.seq);
        }
      }
    })();
    const kept = this.sqlite.prepare('SELECT collection, id, reason, found_at FROM tcb_garbled ORDER BY rowid').all() as Array<{ collection: string; id: string; reason: string; found_at: number }>;
    for (const row of kept) this.noteGarbled({ collection: row.collection, id: row.id, reason: row.reason, foundAt: new Date(row.found_at).toISOString(), quarantined: true });
  }

  /** Records (once) a document that could not be read; queries skip it. */
  noteGarbled(doc: GarbledDocument): void {
    const key = `${doc.collection}\u0000${doc.id}`;
    if (this.garbled.has(key)) return;
    this.garbled.set(key, doc);
    this.onGarbled(doc);
  }

  garbledDocuments(): GarbledDocument[] {
    return [...this.garbled.values()];
  }

  /** Runs `work` in one SQLite transaction (nested: a savepoint). One wrapper for every call: making one builds four functions. */
  inSqliteTransaction<T>(work: () => T): T {
    this.transactionWrapper ??= this.sqlite.transaction((fn: () => unknown) => fn());
    return this.transactionWrapper(work) as T;
  }

  private transactionWrapper: ((fn: () => unknown) => unknown) | undefined;

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // ---- collections and indexes -------------------------------------------------------------------------------

  hasCollection(name: string): boolean {
    return this.existing.has(name);
  }

  collections(): string[] {
    return [...this.existing].sort();
  }

  /** Creates the collection if missing; answers whether it was created. */
  createCollection(name: string): boolean {
    if (!COLLECTION_NAME.test(name)) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    if (this.existing.has(name)) return false;
    this.sqlite.exec(`CREATE TABLE IF NOT EXISTS ${tableOf(name)} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)`);
    this.sqlite.prepare('INSERT OR IGNORE INTO tcb_collections (name, created_at) VALUES (?, ?)').run(name, Date.now());
    this.sqlite.prepare('INSERT OR IGNORE INTO tcb_array_fields_known (collection) VALUES (?)').run(name);
    this.existing.add(name);
    return true;
  }

  syncIndexes(collection: string, list: IndexDeclaration[]): void {
    const wanted = list.map((decl): IndexInfo => {
      const paths = Object.entries(decl.keys).map(([path, dir]) => ({ path, segments: path.split('.'), dir }));
      // The definition (and the key encoding) is part of the SQL name, so a change replaces the old index.
      const hash = createHash('sha256').update(JSON.stringify([KEY_ENCODING, decl.keys, Boolean(decl.unique)])).digest('hex').slice(0, 8);
      return { name: decl.name, sqlName: `tcb_i_${collection}_${decl.name}_${hash}`, paths, unique: Boolean(decl.unique) };
    });
    const present = this.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'tcb_i_%'")
      .all(`tcb_c_${collection}`) as Array<{ name: string }>;
    for (const { name } of present) {
      if (!wanted.some((w) => w.sqlName === name)) this.sqlite.exec(`DROP INDEX ${quoteIdent(name)}`);
    }
    let created = false;
    for (const idx of wanted) {
      if (present.some((p) => p.name === idx.sqlName)) continue;
      const columns = idx.paths.map((p) => `${keyExpr(p.path)}${p.dir === -1 ? ' DESC' : ''}`).join(', ');
      this.sqlite.exec(`CREATE INDEX ${quoteIdent(idx.sqlName)} ON ${tableOf(collection)} (${columns})`);
      created = true;
    }
    this.indexes.set(collection, wanted);
    if (!created) return;
    // Documents written before this index existed may hold arrays on its paths (later writes are tracked as they come).
    const rows = this.sqlite.prepare(`SELECT doc FROM ${tableOf(collection)}`).all() as Array<{ doc: string }>;
    for (const row of rows) this.markMultikey(collection, fromStorage(row.doc));
  }

  indexDeclarations(collection: string): IndexDeclaration[] {
    return (this.indexes.get(collection) ?? []).map((i) => ({ name: i.name, keys: Object.fromEntries(i.paths.map((p) => [p.path, p.dir])), unique: i.unique }));
  }

  indexNames(collection: string): string[] {
    return (this.indexes.get(collection) ?? []).map((i) => i.name);
  }

  private indexedPaths(collection: string): Set<string> {
    const out = new Set<string>();
    for (const idx of this.indexes.get(collection) ?? []) for (const p of idx.paths) out.add(p.path);
    return out;
  }

  private markMultikey(collection: string, doc: Doc): void {
    for (const idx of this.indexes.get(collection) ?? []) {
      for (const p of idx.paths) {
        const key = `${collection}\u0000${p.path}`;
        if (!this.multikey.has(key) && !isKeyable(doc, p.segments)) {
          this.stmt('INSERT OR IGNORE INTO tcb_multikey (collection, path) VALUES (?, ?)').run(collection, p.path);
          this.multikey.add(key);
        }
      }
    }
  }

  private markArrayFields(collection: string, doc: Doc): void {
    for (const field of Object.keys(doc)) {
      const key = `${collection}\u0000${field}`;
      if (Array.isArray(doc[field]) && !this.arrayFields.has(key)) {
        this.stmt('INSERT OR IGNORE INTO tcb_array_fields (collection, field) VALUES (?, ?)').run(collection, field);
        this.arrayFields.add(key);
      }
    }
  }

  // ---- documents ---------------------------------------------------------------------------------------------

  getText(collection: string, id: string): string | undefined {
    const row = this.stmt(`SELECT doc FROM ${tableOf(collection)} WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row?.doc;
  }

  /** Refuses a write that would give two documents the same key in a unique index (missing counts as null). */
  checkUnique(collection: string, doc: Doc): void {
    for (const idx of this.indexes.get(collection) ?? []) {
      if (!idx.unique) continue;
      const keys = idx.paths.map((p) => keyAt(doc, p.segments));
      const where = idx.paths.map((p) => `${keyExpr(p.path)} IS ?`).join(' AND ');
      const clash = this.stmt(`SELECT id FROM ${tableOf(collection)} WHERE ${where} AND id != ? LIMIT 1`).get(...keys, String(doc._id)) as
        | { id: string }
        | undefined;
      if (clash) {
        const shown = idx.paths.map((p, i) => `${p.path}: ${JSON.stringify(keys[i] instanceof Buffer ? '…' : keys[i])}`).join(', ');
        throw duplicateKey(collection, idx.name, `{ ${shown} }`);
      }
    }
  }

  /**
   * Writes a document (insert or replace by _id), or deletes it when `doc` is null. `exists` says whether the
   * caller already knows the document is there; unknown costs one more statement.
   */
  put(collection: string, id: string, doc: Doc | null, exists?: boolean): void {
    if (doc === null) {
      this.stmt(`DELETE FROM ${tableOf(collection)} WHERE id = ?`).run(id);
      return;
    }
    const text = toStorage(doc);
    checkDocumentSize(text, `${collection}/${id}`);
    this.checkUnique(collection, doc);
    this.markMultikey(collection, doc);
    this.markArrayFields(collection, doc);
    const updated = exists === false ? 0 : this.stmt(`UPDATE ${tableOf(collection)} SET doc = ? WHERE id = ?`).run(text, id).changes;
    if (updated === 0) this.stmt(`INSERT INTO ${tableOf(collection)} (id, doc) VALUES (?, ?)`).run(id, text);
  }

  count(collection: string): number {
    return (this.stmt(`SELECT count(*) AS n FROM ${tableOf(collection)}`).get() as { n: number }).n;
  }

  // ---- queries -----------------------------------------------------------------------------------------------

  /**
   * SQL for the candidates of a query: conditions on `_id` and on indexed, never-multikey paths of the top-level
   * conjunction (kept only when SQLite then uses an index), what SQLite can check on the stored text of each
   * candidate (scan-filter.ts), and the ordering when every order key is such a path (from an index, or by sorting
   * the candidates on their extracted values). JavaScript then parses as few documents as possible.
   */
  plan(collection: string, query: Value | undefined, order: SortKey[]): QueryPlan {
    const indexedPaths = this.indexedPaths(collection);
    const pushable = (path: string): boolean => path === '_id' || (indexedPaths.has(path) && !this.multikey.has(`${collection}\u0000${path}`));
    const where: string[] = [];
    const params: SqlKey[] = [];
    const visit = (q: Value | undefined): void => {
      if (!isDoc(q)) return;
      for (const key of Object.keys(q)) {
        const arg = q[key];
        if (key === '$and' && Array.isArray(arg)) arg.forEach(visit);
        else if (!key.startsWith('$') && pushable(key)) pushCondition(keyExpr(key), key === '_id', arg, where, params);
      }
    };
    visit(query);
    const text = this.textFilter ? scanFilter(query, (field) => this.arrayFields.has(`${collection}\u0000${field}`)) : undefined;
    const select = (indexWhere: string[], orderBy: string): { sql: string; params: Array<SqlKey | string | number> } => {
      const all = text ? [...indexWhere, text.sql] : indexWhere;
      let sql = `SELECT seq, id, doc AS text FROM ${tableOf(collection)}`;
      if (all.length > 0) sql += ` WHERE ${all.join(' AND ')}`;
      return { sql: sql + orderBy, params: [...(indexWhere.length > 0 ? params : []), ...(text ? text.params : [])] };
    };
    const wantsOrder = order.length > 0 && order.every((k) => pushable(k.path));
    const sqlOrder = ` ORDER BY ${order.map((k) => `${keyExpr(k.path)}${k.dir === -1 ? ' DESC' : ''}`).join(', ')}`;
    // Candidates in insertion order, so that sorting them in JavaScript keeps ties as inserted.
    const bySeq = order.length > 0 || where.length === 0 ? ' ORDER BY seq' : '';
    let chosen = select(where, wantsOrder ? sqlOrder : bySeq);
    let ordered = wantsOrder;
    let detail = this.planDetail(chosen.sql, chosen.params);
    // Index conditions are only worth it when SQLite serves them from an index: otherwise it would compute tcb_key
    // (parsing the document) for every row. An ordering it cannot take from an index still pays: SQLite sorts only the
    // candidates the text filter let through, and the answer streams, so JavaScript parses just the page.
    if (this.textFilter && where.length > 0 && !usesIndex(detail)) {
      chosen = select([], wantsOrder ? sqlOrder : ' ORDER BY seq');
      detail = this.planDetail(chosen.sql, chosen.params);
    }
    const plainPaths = order.map((k) => jsonPath(k.segments));
    // A top-level field no document of the collection has ever held an array in has one value per document, as a
    // never-multikey indexed path does, so SQLite can sort on it too. Then only the page is parsed, not every candidate.
    const singleValued = (k: SortKey): boolean =>
      pushable(k.path) || (k.segments.length === 1 && !this.arrayFields.has(`${collection}\u0000${k.path}`));
    const sortsUnindexed = this.textFilter && text !== undefined && !wantsOrder && order.length > 0 && order.every(singleValued);
    if (
      this.textFilter &&
      (sortsUnindexed || (wantsOrder && detail.some((l) => l.includes('TEMP B-TREE')))) &&
      plainPaths.every((p) => p !== undefined)
    ) {
      // Sorting candidates rather than walking an index: the key from SQLite's extraction of the one value, and ties
      // in insertion order, as the JavaScript sort keeps them.
      const byValue = ` ORDER BY ${order.map((k, i) => `tcb_key_json(doc -> ${quoteText(plainPaths[i] as string)})${k.dir === -1 ? ' DESC' : ''}`).join(', ')}, seq`;
      chosen = { sql: chosen.sql.slice(0, chosen.sql.lastIndexOf(' ORDER BY ')) + byValue, params: chosen.params };
      detail = this.planDetail(chosen.sql, chosen.params);
      ordered = true;
    }
    return { sql: chosen.sql, params: chosen.params, ordered, indexed: usesIndex(detail) };
  }

  /** SQLite's plan for a statement (cached: it depends on the statement, not on the values bound). */
  private planDetail(sql: string, params: Array<SqlKey | string | number>): string[] {
    let detail = this.plans.get(sql);
    if (!detail) {
      detail = (this.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
      this.plans.set(sql, detail);
    }
    return detail;
  }

  candidates(plan: QueryPlan): IterableIterator<StoredDoc> {
    return this.stmt(plan.sql).iterate(...plan.params) as IterableIterator<StoredDoc>;
  }

  explain(plan: QueryPlan): string[] {
    const rows = this.sqlite.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(...plan.params) as Array<{ detail: string }>;
    return rows.map((r) => r.detail);
  }
}

/** True when SQLite narrows or orders the candidates with an index (the `_id` one included), not a table scan. */
function usesIndex(detail: string[]): boolean {
  return detail.some((line) => /^SEARCH\b|\bUSING (?:COVERING )?INDEX\b/.test(line));
}

function pushCondition(expr: string, isId: boolean, arg: Value, where: string[], params: SqlKey[]): void {
  const isOperators = isDoc(arg) && Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith('$'));
  if (!isOperators) {
    pushEquality(expr, isId, arg, where, params);
    return;
  }
  for (const op of Object.keys(arg)) {
    const v = arg[op];
    if (op === '$eq') pushEquality(expr, isId, v, where, params);
    else if (op === '$in' && Array.isArray(v) && v.length > 0 && v.every((x) => isPushable(x) && !(isId && typeof x !== 'string'))) {
      where.push(`${expr} IN (${v.map(() => '?').join(', ')})`);
      params.push(...v.map((x) => encodeKey(x)));
    } else if ((op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') && !isId) pushRange(expr, op, v, where, params);
  }
}

function pushEquality(expr: string, isId: boolean, v: Value, where: string[], params: SqlKey[]): void {
  if (v instanceof RegexValue) return;
  if (isId) {
    // _id is always a string: another type matches nothing.
    if (typeof v === 'string') {
      where.push(`${expr} = ?`);
      params.push(v);
    } else if (isPushable(v) || v === null) where.push('0');
    return;
  }
  if (v === null) where.push(`${expr} IS NULL`);
  else if (isPushable(v)) {
    where.push(`${expr} = ?`);
    params.push(encodeKey(v));
  }
}

/** A range holds within one type only; the bounds keep SQL inside that type's band of keys. */
function pushRange(expr: string, op: string, v: Value, where: string[], params: SqlKey[]): void {
  let low: SqlKey;
  let high: SqlKey;
  if (typeof v === 'number' && Number.isFinite(v)) [low, high] = [-Infinity, ''];
  else if (typeof v === 'string') [low, high] = ['', Buffer.alloc(0)];
  else if (v instanceof Date) [low, high] = [FIRST_DATE, AFTER_DATES];
  else return;
  const sqlOp = op === '$gt' ? '>' : op === '$gte' ? '>=' : op === '$lt' ? '<' : '<=';
  where.push(`${expr} ${sqlOp} ?`);
  params.push(encodeKey(v));
  if (op === '$gt' || op === '$gte') {
    where.push(`${expr} < ?`);
    params.push(high);
  } else {
    where.push(`${expr} >= ?`);
    params.push(low);
  }
}
