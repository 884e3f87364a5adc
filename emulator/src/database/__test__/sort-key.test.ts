import Database from 'better-sqlite3';
import { encodeKey } from '../sort-key';
import { RegexValue, compareValues, type Value } from '../values';

// Index keys must sort in SQLite exactly as the database orders the values they stand for.
const values: Value[] = [
  null,
  -Infinity,
  -2.5,
  -1,
  0,
  1,
  1.5,
  2 ** 40,
  Infinity,
  '',
  'A',
  'a',
  'a\u0000',
  'a\u0001b',
  'ab',
  'é',
  '😀',
  '\uffff',
  {},
  { a: 1 },
  { a: 1, b: 0 },
  { a: 2 },
  { a: 'x' },
  { a: null },
  { b: 0 },
  { a: { b: 1 } },
  { a: [1, 2] },
  { a: [1] },
  { a: new Date(5) },
  false,
  true,
  new Date(-5000),
  new Date(0),
  new Date(1700000000000),
  new RegexValue('a', ''),
  new RegexValue('a', 'i'),
  new RegexValue('b', ''),
];

describe('index keys', () => {
  it('sort in SQLite as the database orders values', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE k (i INTEGER, key)');
    const insert = db.prepare('INSERT INTO k VALUES (?, ?)');
    values.forEach((v, i) => insert.run(i, encodeKey(v)));
    const bySqlite = (db.prepare('SELECT i FROM k ORDER BY key, i').all() as Array<{ i: number }>).map((r) => r.i);
    const byDatabase = values.map((_, i) => i).sort((a, b) => compareValues(values[a], values[b]) || a - b);
    expect(bySqlite.map((i) => values[i])).toEqual(byDatabase.map((i) => values[i]));
    db.close();
  });

  it('are equal exactly when the values are', () => {
    for (const a of values) {
      for (const b of values) {
        const ka = encodeKey(a);
        const kb = encodeKey(b);
        const same = Buffer.isBuffer(ka) && Buffer.isBuffer(kb) ? ka.equals(kb) : ka === kb;
        expect([a, b, same]).toEqual([a, b, compareValues(a, b) === 0]);
      }
    }
  });
});
