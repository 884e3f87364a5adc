// What SQLite checks on the stored text (scan-filter.ts) only decides how many documents JavaScript parses: the
// answers are those of the matcher alone, for documents of every awkward shape. Past the scan limits a query is
// refused with the index to declare.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { AdminError, type AdminJson } from '../../contracts';
import { openDatabase, type LocalDatabase } from '..';
import { parseEjson, toStorage } from '../ejson';
import { compileQuery } from '../matcher';
import { scanFilter } from '../scan-filter';
import { RegexValue, type Doc } from '../values';

const e = (v: unknown): string => EJSON.stringify(v as never, { relaxed: false });
type Row = Record<string, unknown>;
const data = (r: AdminJson): Row => r.data as Row;

function open(limits?: { maxScanned?: number; maxExamined?: number }): LocalDatabase {
  return openDatabase({ memory: true, indexes: { items: [{ name: 'by_tag', keys: { tag: 1 } }] }, limits });
}
function insert(db: LocalDatabase, docs: Row[]): void {
  db.execute('database.insertDocument', { collectionName: 'items', data: docs.map(e) });
}
function ids(db: LocalDatabase, query: Row, order?: Row): string[] {
  const r = db.execute('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: e(query), order: order && e(order), limit: 1000 });
  return (data(r).list as string[]).map((s) => (EJSON.parse(s) as Row)._id as string);
}
function count(db: LocalDatabase, query: Row): number {
  return data(db.execute('database.calculateDocument', { collectionName: 'items', queryType: 'WHERE', query: e(query) })).total as number;
}

const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 1) + ms);

/** Shapes a text search could get wrong: arrays on the path, near-miss numbers, escapes, non-finite numbers, … */
const DOCS: Row[] = [
  { _id: 'n5', n: 5, s: 'abc', tag: 'a' },
  { _id: 'n55', n: 55, s: 'abcd' },
  { _id: 'n5.5', n: 5.5, s: 'ab' },
  { _id: 'n-5', n: -5, s: 'ABC' },
  { _id: 'n5e21', n: 5e21 },
  { _id: 'nArr', n: [1, 5, 9], s: ['x', 'abc'] },
  { _id: 'nNested', n: [[5]], s: [['abc']] },
  { _id: 'nStr', n: '5', s: 5 },
  { _id: 'nBool', n: true, s: false },
  { _id: 'nNull', n: null, s: null },
  { _id: 'nInf', n: Infinity },
  { _id: 'nNegInf', n: -Infinity },
  { _id: 'nNaN', n: NaN },
  { _id: 'nObj', n: { n: 5 }, s: { s: 'abc' } },
  { _id: 'deep', a: { b: { n: 5, s: 'abc', d: at(5) } } },
  { _id: 'deepArr', a: [{ b: { n: 5 } }, { b: [{ n: 7, s: 'abc' }] }] },
  { _id: 'deepIdx', a: { b: [5, 6] }, items: [{ n: 5 }, { n: 8 }] },
  { _id: 'quote', s: 'say "hi"\n', k: 'ü€😀' },
  { _id: 'weirdKey', 'n"q': 5 },
  { _id: 'inString', note: '"n":5,' },
  { _id: 'dates', d: at(5), ds: [at(1), at(9)] },
  { _id: 'missing' },
  { _id: 'zero', n: 0, negZero: -0 },
  { _id: 'bools', b: true, bs: [false] },
];

const QUERIES: Row[] = [
  { n: 5 },
  { n: 55 },
  { n: 5.5 },
  { n: -5 },
  { n: 5e21 },
  { n: 0 },
  { negZero: 0 },
  { s: 'abc' },
  { s: 'say "hi"\n' },
  { k: 'ü€😀' },
  { n: '5' },
  { n: true },
  { b: true },
  { bs: false },
  { 'a.b.n': 5 },
  { 'a.b.s': 'abc' },
  { 'a.b': 5 },
  { 'a.b.0': 5 },
  { 'items.0.n': 5 },
  { 'items.n': 8 },
  { d: at(5) },
  { ds: at(9) },
  { 'a.b.d': at(5) },
  { n: { $eq: 5 } },
  { n: { $in: [5, 'abc', 55] } },
  { s: { $in: ['abc', 'ab'] } },
  { n: { $in: [] } },
  { n: { $gt: 5 } },
  { n: { $gte: 5, $lt: 56 } },
  { n: { $lt: 0 } },
  { n: { $lte: -5 } },
  { s: { $gt: 'abc' } },
  { s: { $lt: 'abc' } },
  { d: { $gt: at(1) } },
  { ds: { $gte: at(9) } },
  { 'a.b.n': { $gt: 6 } },
  { 'a.b.n': { $lt: 6 } },
  { n: { $exists: true } },
  { n: { $exists: false } },
  { n: { $ne: 5 } },
  { n: { $nin: [5] } },
  { s: new RegexValue('^ab', '') },
  { $or: [{ n: 5 }, { s: 'ab' }] },
  { $or: [{ n: 5 }, { n: { $ne: 1 } }] },
  { $and: [{ n: { $gt: 1 } }, { n: { $lt: 10 } }] },
  { $nor: [{ n: 5 }] },
  { n: 5, s: 'abc' },
  { tag: 'a', n: 5 },
  { 'n"q': 5 },
  { note: '"n":5,' },
];

describe('SQLite filters on the stored text', () => {
  const db = open();
  insert(db, DOCS);

  it.each(QUERIES.map((q) => [JSON.stringify(q, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)), q]))(
    'answer %s exactly as the matcher alone',
    (_, query) => {
      const alone = compileQuery(parseEjson(e(query), 'query'));
      const expected = DOCS.filter((d) => alone(parseEjson(e(d), 'doc') as Doc)).map((d) => d._id);
      expect(ids(db, query as Row)).toEqual(expected);
      expect(count(db, query as Row)).toBe(expected.length);
    },
  );

  it('write values exactly as storage does, which the text search relies on', () => {
    expect(scanFilter({ b: true })).toBeUndefined(); // booleans are left to the matcher
    for (const v of [5, -5, 5.5, 5e21, 0, 'abc', 'say "hi"\n', 'ü€😀', at(5)]) {
      const text = toStorage({ _id: 'x', 'k"q': v } as Doc);
      const filter = scanFilter({ 'k"q': v });
      const tokens = (filter?.params ?? []).filter((p): p is string => typeof p === 'string');
      expect(tokens.some((t) => text.includes(t))).toBe(true);
    }
  });

  it('read only the candidates that can match', () => {
    const big = open();
    insert(big, Array.from({ length: 1000 }, (_, i) => ({ _id: `i${i}`, group: i % 20, n: i })));
    expect(ids(big, { group: 5 }, { n: -1 }).slice(0, 3)).toEqual(['i985', 'i965', 'i945']);
    expect(big.lastQuery()?.examined).toBe(50);
    expect(count(big, { n: { $gte: 990 } })).toBe(10);
    expect(big.lastQuery()?.examined).toBe(10);
  });
});

describe('sorting candidates in SQLite', () => {
  it('orders by a declared path no index leads with exactly as JavaScript does: types, nesting, ties in insertion order', () => {
    const docs: Row[] = [
      { _id: 'a', k: 1, b: 2 }, { _id: 'b', k: 1, b: 'x' }, { _id: 'c', k: 1, b: null }, { _id: 'd', k: 1 },
      { _id: 'e', k: 1, b: at(3) }, { _id: 'f', k: 1, b: 2 }, { _id: 'g', k: 1, b: { z: 1 } }, { _id: 'h', k: 1, b: true },
      { _id: 'i', k: 1, b: -7.5 }, { _id: 'j', k: 2, b: 0 }, { _id: 'k', k: 1, b: 'x' }, { _id: 'l', k: 1, b: Infinity },
    ];
    const indexed = openDatabase({ memory: true, indexes: { items: [{ name: 'by_a_b', keys: { a: 1, b: 1 } }] } });
    const plain = openDatabase({ memory: true, indexes: { items: [] } });
    for (const db of [indexed, plain]) insert(db, docs);
    for (const dir of [1, -1]) {
      expect(indexed.explain('items', { k: 1 }, { b: dir as 1 | -1 }).join()).toMatch(/TEMP B-TREE/);
      expect(ids(indexed, { k: 1 }, { b: dir })).toEqual(ids(plain, { k: 1 }, { b: dir }));
    }
  });

  it('orders by a field no index names exactly as JavaScript does, and parses only the page', () => {
    const docs: Row[] = [
      { _id: 'a', k: 1, b: 2 }, { _id: 'b', k: 1, b: 'x' }, { _id: 'c', k: 1, b: null }, { _id: 'd', k: 1 },
      { _id: 'e', k: 1, b: at(3) }, { _id: 'f', k: 1, b: 2 }, { _id: 'g', k: 1, b: { z: 1 } }, { _id: 'h', k: 1, b: true },
      { _id: 'i', k: 1, b: -7.5 }, { _id: 'j', k: 2, b: 0 }, { _id: 'k', k: 1, b: 'x' }, { _id: 'l', k: 1, b: Infinity },
      { _id: 'm', k: 1, b: { z: 0, y: 'q' } }, { _id: 'n', k: 1, b: '' }, { _id: 'o', k: 1, b: at(-3) },
    ];
    const sorted = open();
    const inJs = openDatabase({ memory: true, indexes: { items: [{ name: 'by_tag', keys: { tag: 1 } }] }, textFilter: false });
    for (const db of [sorted, inJs]) insert(db, docs);
    for (const dir of [1, -1]) {
      expect(ids(sorted, { k: 1 }, { b: dir })).toEqual(ids(inJs, { k: 1 }, { b: dir }));
      expect(ids(sorted, { k: 1 }, { b: dir, _id: -dir })).toEqual(ids(inJs, { k: 1 }, { b: dir, _id: -dir }));
    }
    const page = sorted.execute('database.getDocument', { collectionName: 'items', queryType: 'WHERE', query: e({ k: 1 }), order: e({ b: -1 }), limit: 3 });
    expect((data(page).list as string[]).map((t) => (EJSON.parse(t) as Row)._id)).toEqual(ids(inJs, { k: 1 }, { b: -1 }).slice(0, 3));
    expect(sorted.lastQuery()?.examined).toBe(3);

    // Once a document holds an array in the field, JavaScript sorts again (an array sorts by its elements).
    for (const db of [sorted, inJs]) insert(db, [{ _id: 'p', k: 1, b: [5, 'a'] }, { _id: 'q', k: 1, b: [] }]);
    for (const dir of [1, -1]) expect(ids(sorted, { k: 1 }, { b: dir })).toEqual(ids(inJs, { k: 1 }, { b: dir }));
  });
});

describe('fields that hold arrays', () => {
  it('are tracked as they are written, so a number is found once a field starts holding arrays', () => {
    const db = open();
    insert(db, [{ _id: 'plain', n: 5 }]);
    expect(ids(db, { n: 5 })).toEqual(['plain']);
    insert(db, [{ _id: 'list', n: [4, 5] }]);
    db.execute('database.modifyDocument', { collectionName: 'items', queryType: 'DOC', query: e({ _id: 'plain' }), data: e({ $set: { m: [5] } }), merge: true, multi: false });
    expect(ids(db, { n: 5 })).toEqual(['plain', 'list']);
    expect(ids(db, { m: 5 })).toEqual(['plain']);
  });

  it('are learned once from a database file written before they were tracked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-filter-'));
    try {
      const file = join(dir, 'db.sqlite');
      const first = openDatabase({ file, indexes: { items: [] } });
      first.execute('database.insertDocument', { collectionName: 'items', data: [e({ _id: 'list', n: [4, 5] })] });
      first.sqlite().exec('DELETE FROM tcb_array_fields; DELETE FROM tcb_array_fields_known;');
      first.close();
      const again = openDatabase({ file, indexes: { items: [] } });
      expect(ids(again, { n: 5 })).toEqual(['list']);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('limits of one request', () => {
  function refusal(fn: () => unknown): AdminError {
    try {
      fn();
    } catch (err) {
      if (err instanceof AdminError) return err;
      throw err;
    }
    throw new Error('not refused');
  }

  it('refuse a query that would read a big collection without an index, naming the index to declare', () => {
    const db = open({ maxScanned: 100 });
    insert(db, Array.from({ length: 101 }, (_, i) => ({ _id: `i${i}`, group: i % 20, n: i, tag: `t${i % 2}` })));
    const err = refusal(() => ids(db, { group: 5 }, { n: -1 }));
    expect(err.code).toBe('DATABASE_REQUEST_FAILED');
    expect(err.message).toMatch(/would read all 101 documents of items/);
    expect(err.message).toContain('declare an index on {"group": 1, "n": -1} for items');
    // An index serves it, counting everything needs no document, and a smaller collection is scanned.
    expect(ids(db, { tag: 't1', group: 5 })).toHaveLength(5);
    expect(count(db, {})).toBe(101);
    db.execute('database.removeDocument', { collectionName: 'items', queryType: 'DOC', query: e({ _id: 'i0' }) });
    expect(ids(db, { group: 5 }, { n: -1 })).toHaveLength(5);
  });

  it('refuse a query that would check too many documents even through an index', () => {
    const db = open({ maxExamined: 50 });
    insert(db, Array.from({ length: 60 }, (_, i) => ({ _id: `i${i}`, tag: 'same', n: i })));
    expect(refusal(() => count(db, { tag: 'same', n: { $ne: 3 } })).message).toMatch(/checks more than 50 documents of items/);
    // SQLite narrows the 60 the index finds to the 40 the matcher checks.
    expect(ids(db, { tag: 'same', n: { $lt: 40 } })).toHaveLength(40);
  });
});
