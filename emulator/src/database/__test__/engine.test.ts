import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { AdminError, type AdminJson } from '../../contracts';
import { openDatabase, type IndexDeclarations, type LocalDatabase } from '..';

// Parameters are built exactly as @cloudbase/database builds them (bson canonical EJSON strings).
const e = (v: unknown): string => EJSON.stringify(v as never, { relaxed: false });
type Row = Record<string, unknown>;

const INDEXES: IndexDeclarations = {
  orders: [
    { name: 'buyer_created', keys: { _openid: 1, createdAt: -1 } },
    { name: 'buyer_status_created', keys: { _openid: 1, status: 1, createdAt: -1 } },
    { name: 'status_created', keys: { status: 1, createdAt: 1 } },
  ],
  refunds: [{ name: 'order', keys: { orderId: 1 }, unique: true }],
  products: [],
};

let clock = Date.parse('2026-11-22T08:00:00Z');
const open = (indexes: IndexDeclarations = INDEXES): LocalDatabase => openDatabase({ memory: true, indexes, now: () => clock, transactionTimeoutMs: 30_000 });

const data = (r: AdminJson): Row => r.data as Row;
function insert(db: LocalDatabase, collection: string, docs: Row[], transactionId?: string): string[] {
  return data(db.execute('database.insertDocument', { collectionName: collection, data: docs.map(e), transactionId })).insertedIds as string[];
}
interface Find {
  query?: Row;
  order?: Row;
  offset?: number;
  limit?: number;
  projection?: Row;
}
function find(db: LocalDatabase, collection: string, f: Find = {}): Row[] {
  const r = db.execute('database.getDocument', {
    collectionName: collection,
    queryType: 'WHERE',
    query: f.query && e(f.query),
    order: f.order && e(f.order),
    offset: f.offset,
    limit: f.limit ?? 100,
    projection: f.projection && e(f.projection),
  });
  return (data(r).list as string[]).map((s) => EJSON.parse(s) as Row);
}
function getDoc(db: LocalDatabase, collection: string, id: string, transactionId?: string): Row | undefined {
  const r = db.execute('database.getDocument', { collectionName: collection, queryType: 'DOC', query: e({ _id: id }), multi: false, transactionId });
  return (data(r).list as string[]).map((s) => EJSON.parse(s) as Row)[0];
}
function updateWhere(db: LocalDatabase, collection: string, query: Row, update: Row, multi = true): number {
  const r = db.execute('database.modifyDocument', { collectionName: collection, queryType: 'WHERE', multi, merge: true, upsert: false, query: e(query), data: e(update) });
  return data(r).updated as number;
}
function updateDoc(db: LocalDatabase, collection: string, id: string, update: Row, transactionId?: string): number {
  const r = db.execute('database.modifyDocument', { collectionName: collection, queryType: 'DOC', multi: false, merge: true, upsert: false, query: e({ _id: id }), data: e(update), transactionId });
  return data(r).updated as number;
}
function setDoc(db: LocalDatabase, collection: string, id: string, doc: Row, transactionId?: string): Row {
  return data(db.execute('database.modifyDocument', { collectionName: collection, queryType: 'DOC', multi: false, merge: false, upsert: true, query: e({ _id: id }), data: e(doc), transactionId }));
}
function errorOf(fn: () => unknown): AdminError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AdminError) return err;
    throw err;
  }
  throw new Error('expected an AdminError');
}

describe('documents', () => {
  it('stores and returns every type as the SDK sent it, with a generated 32-hex _id first', () => {
    const db = open();
    const at = new Date('2026-01-02T03:04:05.678Z');
    const [id] = insert(db, 'orders', [{ _openid: 'u1', totalFee: 1999, ratio: 0.5, createdAt: at, paid: false, memo: null, items: [{ sku: 'p1', qty: 2 }], addr: { city: '深圳' } }]);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const doc = getDoc(db, 'orders', id);
    expect(doc).toEqual({ _id: id, _openid: 'u1', totalFee: 1999, ratio: 0.5, createdAt: at, paid: false, memo: null, items: [{ sku: 'p1', qty: 2 }], addr: { city: '深圳' } });
    expect(Object.keys(doc as Row)[0]).toBe('_id');
  });

  it('refuses a duplicate _id and inserts nothing of that batch', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 1 }]);
    const err = errorOf(() => insert(db, 'orders', [{ _id: 'o2' }, { _id: 'o1', n: 2 }]));
    expect(err.code).toBe('DATABASE_REQUEST_FAILED');
    expect(err.message).toMatch(/duplicate key.*o1/);
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 1 });
    expect(getDoc(db, 'orders', 'o2')).toBeUndefined();
  });

  it('answers an empty list for a missing _id (the SDK turns that into its not-found error)', () => {
    expect(getDoc(open(), 'orders', 'nope')).toBeUndefined();
  });

  it('refuses collections that were never created, and creates them on request', () => {
    const db = open();
    const err = errorOf(() => insert(db, 'carts', [{ a: 1 }]));
    expect(err.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(err.message).toMatch(/database-indexes\.json/);
    expect(errorOf(() => find(db, 'carts')).code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    db.execute('database.addCollection', { collectionName: 'carts' });
    insert(db, 'carts', [{ _id: 'c1' }]);
    expect(find(db, 'carts')).toEqual([{ _id: 'c1' }]);
    expect(errorOf(() => db.execute('database.addCollection', { collectionName: 'carts' })).code).toBe('DATABASE_COLLECTION_ALREADY_EXIST');
    expect(db.collections()).toEqual(['carts', 'orders', 'products', 'refunds']);
  });

  it.each([
    ['a number _id', { _id: 5 }, /string _id/],
    ['a $ field name', { a: { $set: 1 } }, /cannot start with \$/],
    ['a dotted field name', { 'a.b': 1 }, /cannot contain a dot/],
  ])('refuses %s', (_what, doc, message) => {
    expect(errorOf(() => insert(open(), 'orders', [doc])).message).toMatch(message);
  });

  it('writes serverDate() as the server clock plus its offset, in inserts and updates', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', createdAt: { $tcb_server_date: { offset: 0 } } }]);
    updateDoc(db, 'orders', 'o1', { $set: { expireAt: { $tcb_server_date: { offset: 15 * 60_000 } } } });
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', createdAt: new Date(clock), expireAt: new Date(clock + 15 * 60_000) });
    expect(find(db, 'orders', { query: { expireAt: { $gt: { $tcb_server_date: { offset: 0 } } } } })).toHaveLength(1);
  });
});

describe('inspection', () => {
  it('lists documents as plain JSON with the collection total, without counting as a query', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', at: new Date(0), n: 1 }, { _id: 'o2' }, { _id: 'o3' }]);
    find(db, 'orders', { query: { n: 1 } });
    const before = db.lastQuery();
    expect(db.list('orders', { limit: 2, offset: 0 })).toEqual({ total: 3, documents: [{ _id: 'o1', at: '1970-01-01T00:00:00.000Z', n: 1 }, { _id: 'o2' }] });
    expect(db.list('nope')).toEqual({ total: 0, documents: [] });
    expect(db.lastQuery()).toEqual(before);
  });
});

describe('hostile input', () => {
  it.each([
    ['a collection name made of SQL', 'orders"; DROP TABLE tcb_collections; --'],
    ['a collection name with a quote', "o'rders"],
  ])('treats %s as a missing collection', (_what, name) => {
    const db = open();
    expect(errorOf(() => insert(db, name, [{ a: 1 }])).code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(errorOf(() => db.execute('database.addCollection', { collectionName: name })).code).toBe('INVALID_PARAM');
    expect(db.collections()).toEqual(['orders', 'products', 'refunds']);
  });

  it('keeps __proto__ an ordinary field name in documents and queries', () => {
    const db = open();
    db.execute('database.insertDocument', { collectionName: 'orders', data: ['{"_id":"p","__proto__":{"polluted":true}}'] });
    expect(({} as Row).polluted).toBeUndefined();
    const r = db.execute('database.getDocument', { collectionName: 'orders', queryType: 'WHERE', query: '{"__proto__.polluted":true}', limit: 10 });
    expect(data(r).list).toEqual(['{"_id":"p","__proto__":{"polluted":true}}']);
  });

  it.each([
    ['a query that is not EJSON', { query: '{nope' }, /query is not valid EJSON/],
    ['a non-numeric limit', { limit: '10' }, /limit must be/],
    ['a negative offset', { offset: -1 }, /offset must be/],
    ['an order with a bad direction', { order: '{"a":"up"}' }, /order direction of a/],
    ['an unknown action', { action: 'database.dropDatabase' }, /unknown database action/],
  ])('refuses %s', (_what, params, message) => {
    const db = open();
    const { action, ...rest } = { action: 'database.getDocument', ...params };
    expect(errorOf(() => db.execute(action, { collectionName: 'orders', queryType: 'WHERE', ...rest })).message).toMatch(message);
  });

  it('refuses documents nested deeper than the database allows', () => {
    let deep: Row = { leaf: 1 };
    for (let i = 0; i < 120; i++) deep = { d: deep };
    expect(errorOf(() => insert(open(), 'orders', [deep])).message).toMatch(/nesting/);
  });
});

describe('queries', () => {
  const seed = (db: LocalDatabase): void => {
    insert(db, 'products', [
      { _id: 'p1', name: 'tea', price: 300, stock: 5, tags: ['hot'] },
      { _id: 'p2', name: 'cake', price: 1200, stock: 0, tags: ['sweet', 'hot'] },
      { _id: 'p3', name: 'water', price: 100, stock: 9 },
      { _id: 'p4', name: 'coffee', price: 300, stock: 2 },
    ]);
  };

  it('orders by several keys, then skips and limits', () => {
    const db = open();
    seed(db);
    const ids = (f: Find): unknown[] => find(db, 'products', f).map((d) => d._id);
    expect(ids({ order: { price: -1, name: 1 } })).toEqual(['p2', 'p4', 'p1', 'p3']);
    expect(ids({ order: { price: -1, name: 1 }, offset: 1, limit: 2 })).toEqual(['p4', 'p1']);
    expect(ids({ query: { tags: 'hot' }, order: { stock: 1 } })).toEqual(['p2', 'p1']);
  });

  it('answers 100 documents without a limit and at most 1000 with one', () => {
    const db = open();
    insert(db, 'products', Array.from({ length: 1100 }, (_, i) => ({ i })));
    const r = (limit: number | undefined): number =>
      (data(db.execute('database.getDocument', { collectionName: 'products', queryType: 'WHERE', limit })).list as unknown[]).length;
    expect(r(undefined)).toBe(100);
    expect(r(5000)).toBe(1000);
    expect(r(7)).toBe(7);
    expect(errorOf(() => r(-1)).code).toBe('INVALID_PARAM');
  });

  it('projects fields in or out', () => {
    const db = open();
    seed(db);
    expect(find(db, 'products', { query: { _id: 'p1' }, projection: { name: 1 } })).toEqual([{ _id: 'p1', name: 'tea' }]);
    expect(find(db, 'products', { query: { _id: 'p1' }, projection: { name: 1, _id: 0 } })).toEqual([{ name: 'tea' }]);
    expect(find(db, 'products', { query: { _id: 'p1' }, projection: { tags: 0, stock: 0 } })).toEqual([{ _id: 'p1', name: 'tea', price: 300 }]);
    expect(find(db, 'products', { query: { _id: 'p1' }, projection: { _id: 1 } })).toEqual([{ _id: 'p1' }]);
    expect(find(db, 'products', { query: { _id: 'p1' }, projection: { _id: 0, tags: 0, stock: 0, price: 0 } })).toEqual([{ name: 'tea' }]);
    expect(errorOf(() => find(db, 'products', { projection: { name: 1, price: 0 } })).message).toMatch(/both include and exclude/);
  });

  it('counts', () => {
    const db = open();
    seed(db);
    const count = (query: Row): unknown => data(db.execute('database.calculateDocument', { collectionName: 'products', queryType: 'WHERE', query: e(query) })).total;
    expect(count({ price: { $gte: 300 } })).toBe(3);
    expect(count({})).toBe(4);
  });

  it('refuses an unknown operator instead of answering something', () => {
    const db = open();
    seed(db);
    const err = errorOf(() => find(db, 'products', { query: { price: { $between: [1, 2] } } }));
    expect(err.code).toBe('DATABASE_INVALID_OPERRATOR');
    expect(errorOf(() => db.execute('database.aggregateDocuments', { collectionName: 'products' })).message).toMatch(/aggregate\(\) is not supported/);
  });
});

describe('updates and removes', () => {
  it('updates what matches and counts only documents that changed', () => {
    const db = open();
    insert(db, 'orders', [
      { _id: 'o1', status: 'PENDING', n: 0 },
      { _id: 'o2', status: 'PENDING', n: 0 },
      { _id: 'o3', status: 'PAID', n: 0 },
    ]);
    expect(updateWhere(db, 'orders', { status: 'PENDING' }, { $inc: { n: 1 } })).toBe(2);
    expect(updateWhere(db, 'orders', { status: 'PAID' }, { $set: { status: 'PAID' } })).toBe(0);
    expect(updateWhere(db, 'orders', { status: 'PENDING' }, { $set: { flag: true } }, false)).toBe(1);
    expect(updateDoc(db, 'orders', 'missing', { $set: { a: 1 } })).toBe(0);
    expect(find(db, 'orders', { order: { _id: 1 } }).map((d) => [d.n, d.flag])).toEqual([[1, true], [1, undefined], [0, undefined]]);
  });

  it('answers the updated document for updateAndReturn', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 1, s: 'A' }, { _id: 'o2', n: 1, s: 'A' }]);
    const r = data(db.execute('database.modifyAndReturnDoc', { collectionName: 'orders', queryType: 'WHERE', query: e({ s: 'A' }), data: e({ $inc: { n: 5 } }) }));
    expect(r.updated).toBe(1);
    expect(EJSON.parse(r.doc as string)).toEqual({ _id: 'o1', n: 6, s: 'A' });
    expect(getDoc(db, 'orders', 'o2')).toEqual({ _id: 'o2', n: 1, s: 'A' });
  });

  it('makes a conditional transition happen once', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', status: 'PENDING' }]);
    const transition = (): number => updateWhere(db, 'orders', { _id: 'o1', status: 'PENDING' }, { $set: { status: 'PAID' } });
    expect([transition(), transition()]).toEqual([1, 0]);
  });

  it('replaces with set(), creating the document when missing', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', a: 1, b: 2 }]);
    expect(setDoc(db, 'orders', 'o1', { c: 3 })).toEqual({ updated: 1 });
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', c: 3 });
    expect(setDoc(db, 'orders', 'o9', { z: 1 })).toEqual({ updated: 0, upsert_id: 'o9' });
    expect(getDoc(db, 'orders', 'o9')).toEqual({ _id: 'o9', z: 1 });
  });

  it('removes and counts', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', s: 'A' }, { _id: 'o2', s: 'A' }, { _id: 'o3', s: 'B' }]);
    const remove = (params: Row): unknown => data(db.execute('database.removeDocument', { collectionName: 'orders', ...params })).deleted;
    expect(remove({ queryType: 'DOC', query: e({ _id: 'o3' }), multi: false })).toBe(1);
    expect(remove({ queryType: 'DOC', query: e({ _id: 'o3' }), multi: false })).toBe(0);
    expect(remove({ queryType: 'WHERE', query: e({ s: 'A' }), multi: true })).toBe(2);
    expect(find(db, 'orders')).toEqual([]);
  });

  it('leaves every document untouched when a multi-document update fails', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 1 }, { _id: 'o2', n: 'x' }]);
    expect(errorOf(() => updateWhere(db, 'orders', {}, { $inc: { n: 1 } })).message).toMatch(/cannot apply \$inc/);
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 1 });
  });

  it('enforces unique indexes', () => {
    const db = open();
    insert(db, 'refunds', [{ _id: 'r1', orderId: 'o1' }]);
    expect(errorOf(() => insert(db, 'refunds', [{ _id: 'r2', orderId: 'o1' }])).message).toMatch(/duplicate key.*index: order/);
    insert(db, 'refunds', [{ _id: 'r3', orderId: 'o2' }]);
    expect(errorOf(() => updateDoc(db, 'refunds', 'r3', { $set: { orderId: 'o1' } })).message).toMatch(/duplicate key/);
  });
});

describe('declared indexes', () => {
  const seedOrders = (db: LocalDatabase, buyers: number, perBuyer: number): void => {
    const docs: Row[] = [];
    const statuses = ['PENDING', 'PAID', 'CLOSED', 'REFUNDED'];
    for (let b = 0; b < buyers; b++) {
      for (let i = 0; i < perBuyer; i++) {
        docs.push({ _openid: `buyer${b}`, status: statuses[i % 4], createdAt: new Date(Date.UTC(2026, 0, 1) + (b * perBuyer + i) * 60_000), totalFee: i + 1 });
      }
    }
    for (let i = 0; i < docs.length; i += 500) insert(db, 'orders', docs.slice(i, i + 500));
  };

  it.each<[string, Row, Row]>([
    ['a buyer’s orders, newest first', { _openid: 'buyer3' }, { createdAt: -1 }],
    ['a buyer’s orders in one status, newest first', { _openid: 'buyer3', status: 'PAID' }, { createdAt: -1 }],
    ['a page after a cursor', { _openid: 'buyer3', createdAt: { $lt: new Date(Date.UTC(2026, 0, 2)) } }, { createdAt: -1 }],
    ['orders in a status, oldest first (reconcile)', { status: 'PENDING', createdAt: { $lt: new Date(Date.UTC(2026, 0, 3)) } }, { createdAt: 1 }],
  ])('serve %s from an index, reading only the page', (_what, query, order) => {
    const db = open();
    seedOrders(db, 40, 50);
    const plan = db.explain('orders', query as Record<string, unknown>, order as Record<string, 1 | -1>).join('\n');
    expect(plan).toMatch(/USING INDEX tcb_i_orders_/);
    expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
    const page = find(db, 'orders', { query, order, limit: 10 });
    expect(page).toHaveLength(10);
    expect(db.lastQuery()?.examined).toBe(10); // of 2000 documents
  });

  it('answers random queries exactly as without indexes', () => {
    // A seeded generator: the same cases on every run.
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const values: unknown[] = [null, 0, 2, 2.5, -1, 'a', 'b', 'PAID', 'PENDING', '', true, false, new Date(0), new Date(1000), new Date(-1000), { x: 1 }, { x: 1, y: 2 }, { y: 0 }];
    const pick = (): unknown => values[rnd(values.length)];
    const fields = ['_openid', 'status', 'createdAt'];
    const docs: Row[] = Array.from({ length: 120 }, (_, i) => {
      const doc: Row = { _id: `d${String(i).padStart(3, '0')}` };
      for (const f of fields) if (rnd(6) !== 0) doc[f] = pick();
      return doc;
    });
    const indexed = open();
    const plain = open({ orders: [] });
    insert(indexed, 'orders', docs);
    insert(plain, 'orders', docs);
    const condition = (): unknown => {
      switch (rnd(7)) {
        case 0:
          return pick();
        case 1:
          return { $in: [pick(), pick()] };
        case 2:
          return { $gt: pick() };
        case 3:
          return { $lte: pick() };
        case 4:
          return { $gte: pick(), $lt: pick() };
        case 5:
          return { $ne: pick() };
        default:
          return { $exists: rnd(2) === 0 };
      }
    };
    expect(indexed.explain('orders', { _openid: 'a' }, { createdAt: -1 }).join()).toMatch(/USING INDEX/);
    for (let n = 0; n < 300; n++) {
      const query: Row = {};
      for (const f of fields) if (rnd(2) === 0) query[f] = condition();
      const order: Row = {};
      for (const f of [...fields, '_id']) if (rnd(3) === 0) order[f] = rnd(2) === 0 ? 1 : -1;
      const limit = 1 + rnd(40);
      const offset = rnd(5);
      const run = (db: LocalDatabase): Row[] => find(db, 'orders', { query, order: Object.keys(order).length ? order : undefined, limit: 1000 });
      const all = run(plain);
      expect(new Set(run(indexed).map((d) => d._id))).toEqual(new Set(all.map((d) => d._id)));
      if (Object.keys(order).length > 0) {
        // A page must hold the same sort keys; ties may be broken differently.
        const keys = (rows: Row[]): string[] => rows.map((d) => e(Object.keys(order).map((k) => d[k] ?? null)));
        const page = (db: LocalDatabase): Row[] => find(db, 'orders', { query, order, offset, limit });
        expect(keys(page(indexed))).toEqual(keys(page(plain)));
      }
    }
  });

  it('stops pushing a path down once a document holds NaN there, and still answers in order', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'a', _openid: 'u', createdAt: 1 }, { _id: 'b', _openid: 'u', createdAt: null }, { _id: 'c', _openid: 'u', createdAt: 0 }]);
    expect(db.explain('orders', { _openid: 'u' }, { createdAt: 1 }).join()).not.toMatch(/TEMP B-TREE/);
    insert(db, 'orders', [{ _id: 'n', _openid: 'u', createdAt: NaN }]);
    expect(db.explain('orders', { _openid: 'u' }, { createdAt: 1 }).join()).toMatch(/TEMP B-TREE/);
    expect(find(db, 'orders', { query: { _openid: 'u' }, order: { createdAt: 1 } }).map((d) => d._id)).toEqual(['b', 'n', 'c', 'a']);
  });

  it('scans a collection when no index serves the query', () => {
    const db = open();
    seedOrders(db, 10, 10);
    expect(db.explain('orders', { totalFee: 3 }).join('\n')).toMatch(/SCAN/);
    expect(find(db, 'orders', { query: { totalFee: 3 } })).toHaveLength(10);
    // SQLite reads all 100 but parses only those whose stored text can match (scan-filter.ts).
    expect(db.lastQuery()?.examined).toBe(10);
  });

  it('answers exactly as without indexes, whatever types the fields hold', () => {
    // Arrays only in `status`: that path becomes multikey (never pushed to SQL); the others are pushed.
    const scalars = [null, 0, 1, 1.5, -3, 'a', 'B', '', true, false, new Date(0), new Date(5000), { x: 1 }];
    const withArrays = [...scalars, ['PAID'], ['a', 1], 'PAID'];
    const docs: Row[] = [];
    for (let i = 0; i < 150; i++) {
      const doc: Row = { _id: `d${String(i).padStart(3, '0')}` };
      if (i % 7 !== 0) doc._openid = scalars[i % scalars.length];
      if (i % 5 !== 0) doc.status = withArrays[(i * 3) % withArrays.length];
      if (i % 3 !== 0) doc.createdAt = scalars[(i * 7) % scalars.length];
      docs.push(doc);
    }
    const indexed = open();
    const plain = open({ orders: [] });
    insert(indexed, 'orders', docs);
    insert(plain, 'orders', docs);
    expect(indexed.explain('orders', { _openid: 1 }, { createdAt: -1 }).join()).toMatch(/USING INDEX/);
    const queries: Array<[Row, Row | undefined]> = [
      [{ _openid: 1 }, { createdAt: -1 }],
      [{ _openid: 'a' }, { createdAt: 1 }],
      [{ _openid: null }, { createdAt: -1 }],
      [{ _openid: true }, undefined],
      [{ status: 'PAID' }, { createdAt: 1 }],
      [{ _openid: { $in: [0, 'B', true] } }, { createdAt: -1 }],
      [{ createdAt: { $gt: 0 } }, undefined],
      [{ createdAt: { $lte: 1 } }, { createdAt: -1 }],
      [{ createdAt: { $gte: new Date(1) } }, { _openid: 1 }],
      [{ createdAt: { $lt: new Date(6000) } }, { _openid: -1 }],
      [{ _openid: { $lt: 'b' } }, { status: -1, createdAt: 1 }],
      [{ _openid: { $gte: '' }, status: { $exists: true } }, { createdAt: -1 }],
      [{}, { _openid: 1, createdAt: -1 }],
    ];
    for (const [query, order] of queries) {
      const run = (db: LocalDatabase): Row[] => find(db, 'orders', { query, order, limit: 1000 });
      const expected = run(plain);
      expect(expected.length).toBeGreaterThan(0);
      // Ties may come in another order from an index: compare the sets, and the sequence of sort keys.
      expect(new Set(run(indexed).map((d) => d._id))).toEqual(new Set(expected.map((d) => d._id)));
      if (order) {
        const sortKeys = (rows: Row[]): string[] => rows.map((d) => JSON.stringify(Object.keys(order).map((k) => d[k] ?? null)));
        expect(sortKeys(run(indexed))).toEqual(sortKeys(expected));
      }
    }
  });
});

describe('durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-cloud-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data, collections and indexes across close and reopen', () => {
    const file = join(dir, 'nested', 'cloud.sqlite');
    const first = openDatabase({ file, indexes: INDEXES });
    insert(first, 'orders', [{ _id: 'o1', _openid: 'u1', createdAt: new Date(42), totalFee: 1 }]);
    first.execute('database.addCollection', { collectionName: 'extra' });
    first.close();

    const second = openDatabase({ file, indexes: INDEXES });
    expect(getDoc(second, 'orders', 'o1')).toEqual({ _id: 'o1', _openid: 'u1', createdAt: new Date(42), totalFee: 1 });
    expect(second.collections()).toContain('extra');
    expect(second.explain('orders', { _openid: 'u1' }, { createdAt: -1 }).join()).toMatch(/USING INDEX/);
    second.close();

    // A changed declaration replaces the old index.
    const third = openDatabase({ file, indexes: { orders: [{ name: 'by_fee', keys: { totalFee: 1 } }] } });
    expect(third.indexes('orders')).toEqual(['by_fee']);
    expect(third.explain('orders', { _openid: 'u1' }).join()).toMatch(/SCAN/);
    expect(third.explain('orders', { totalFee: 1 }).join()).toMatch(/USING INDEX tcb_i_orders_by_fee/);
    third.close();
  });

  it('finds arrays already stored under a path when an index on it is added later', () => {
    const file = join(dir, 'late-index.sqlite');
    const first = openDatabase({ file, indexes: { products: [] } });
    insert(first, 'products', [{ _id: 'p1', tags: ['hot', 'new'] }, { _id: 'p2', tags: 'hot' }]);
    first.close();
    const second = openDatabase({ file, indexes: { products: [{ name: 'tags', keys: { tags: 1 } }] } });
    expect(find(second, 'products', { query: { tags: 'hot' }, order: { _id: 1 } }).map((d) => d._id)).toEqual(['p1', 'p2']);
    second.close();
  });
});

describe('transactions', () => {
  const start = (db: LocalDatabase): string => db.execute('database.startTransaction', {}).transactionId as string;
  const commit = (db: LocalDatabase, id: string): AdminJson => db.execute('database.commitTransaction', { transactionId: id });

  it('read a snapshot plus their own writes, and apply all writes at commit', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 1 }, { _id: 'o2', n: 1 }]);
    const t = start(db);
    expect(getDoc(db, 'orders', 'o1', t)).toEqual({ _id: 'o1', n: 1 });
    updateDoc(db, 'orders', 'o2', { $set: { n: 5 } }); // outside the transaction
    expect(getDoc(db, 'orders', 'o2', t)).toEqual({ _id: 'o2', n: 1 }); // snapshot
    updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, t);
    insert(db, 'refunds', [{ _id: 'r1', orderId: 'o1' }], t);
    expect(getDoc(db, 'orders', 'o1', t)).toEqual({ _id: 'o1', n: 2 }); // own write
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 1 }); // not visible outside yet
    expect(getDoc(db, 'refunds', 'r1')).toBeUndefined();
    commit(db, t);
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 2 });
    expect(getDoc(db, 'refunds', 'r1')).toEqual({ _id: 'r1', orderId: 'o1' });
    expect(db.openTransactions()).toBe(0);
  });

  it('fail at once when another open transaction has written the document', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 0 }]);
    const t1 = start(db);
    const t2 = start(db);
    updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, t1);
    const err = errorOf(() => updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, t2));
    expect(err.code).toBe('DATABASE_TRANSACTION_CONFLICT');
    db.execute('database.abortTransaction', { transactionId: t2 });
    commit(db, t1);
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 1 });
  });

  it('fail when the document changed after they started (first committer wins)', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 0 }]);
    const t1 = start(db);
    const t2 = start(db);
    updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, t1);
    commit(db, t1);
    expect(errorOf(() => updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, t2)).code).toBe('DATABASE_TRANSACTION_CONFLICT');

    // A write outside any transaction after the transaction wrote: the commit fails and applies nothing.
    const t3 = start(db);
    updateDoc(db, 'orders', 'o1', { $set: { by: 't3' } }, t3);
    insert(db, 'refunds', [{ _id: 'r9', orderId: 'x' }], t3);
    updateDoc(db, 'orders', 'o1', { $set: { by: 'outside' } });
    expect(errorOf(() => commit(db, t3)).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(getDoc(db, 'orders', 'o1')).toMatchObject({ by: 'outside' });
    expect(getDoc(db, 'refunds', 'r9')).toBeUndefined();
    expect(db.openTransactions()).toBe(1); // t2 is still open until aborted
  });

  it('take no locks for reads: a document only read may change meanwhile', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'a', n: 1 }, { _id: 'b', n: 1 }]);
    const t = start(db);
    expect(getDoc(db, 'orders', 'a', t)).toEqual({ _id: 'a', n: 1 });
    updateDoc(db, 'orders', 'a', { $set: { n: 2 } });
    updateDoc(db, 'orders', 'b', { $set: { seenA: 1 } }, t);
    commit(db, t);
    expect(getDoc(db, 'orders', 'b')).toEqual({ _id: 'b', n: 1, seenA: 1 });
  });

  it('discard their writes when aborted', () => {
    const db = open();
    const t = start(db);
    insert(db, 'orders', [{ _id: 'o1' }], t);
    db.execute('database.abortTransaction', { transactionId: t });
    expect(getDoc(db, 'orders', 'o1')).toBeUndefined();
    expect(errorOf(() => commit(db, t)).message).toMatch(/not open \(aborted\)/);
  });

  it('expire, releasing what they had written', () => {
    const db = open();
    insert(db, 'orders', [{ _id: 'o1', n: 0 }]);
    const crashed = start(db);
    updateDoc(db, 'orders', 'o1', { $inc: { n: 1 } }, crashed);
    clock += 31_000;
    const t = start(db);
    updateDoc(db, 'orders', 'o1', { $inc: { n: 10 } }, t);
    commit(db, t);
    expect(getDoc(db, 'orders', 'o1')).toEqual({ _id: 'o1', n: 10 });
    expect(errorOf(() => commit(db, crashed)).message).toMatch(/expired/);
  });

  it('support doc operations only', () => {
    const db = open();
    const t = start(db);
    const err = errorOf(() =>
      db.execute('database.getDocument', { collectionName: 'orders', queryType: 'WHERE', query: e({ a: 1 }), transactionId: t }),
    );
    expect(err.message).toMatch(/only doc\(id\) operations/);
    expect(setDoc(db, 'orders', 'o5', { a: 1 }, t)).toEqual({ updated: 0, upsert_id: 'o5' });
    expect(getDoc(db, 'orders', 'o5', t)).toEqual({ _id: 'o5', a: 1 });
    expect(data(db.execute('database.removeDocument', { collectionName: 'orders', queryType: 'DOC', query: e({ _id: 'o5' }), multi: false, transactionId: t })).deleted).toBe(1);
    commit(db, t);
    expect(getDoc(db, 'orders', 'o5')).toBeUndefined();
  });
});
