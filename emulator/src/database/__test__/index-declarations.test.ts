import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../../../src/server/store';
import { openDatabase } from '..';
import { loadIndexDeclarations, validateIndexDeclarations } from '../index-declarations';

const projectFile = join(__dirname, '../../../../cloudbase/database-indexes.json');

describe('the project’s index declarations', () => {
  const db = openDatabase({ memory: true, indexes: loadIndexDeclarations(projectFile) });
  afterAll(() => db.close());
  const at = { $date: Date.UTC(2026, 10, 22) };

  // The queries of src/server/repositories, as the SDK sends them.
  it.each<[string, string, Record<string, unknown>, Record<string, 1 | -1>]>([
    ['a buyer’s orders, newest first', 'orders', { _openid: 'u' }, { createdAt: -1, _id: -1 }],
    ['the next page of them', 'orders', { _openid: 'u', createdAt: { $lte: at } }, { createdAt: -1, _id: -1 }],
    ['a buyer’s orders in one status', 'orders', { _openid: 'u', status: 'PAID', createdAt: { $lte: at } }, { createdAt: -1, _id: -1 }],
    ['reconcile: old pending orders', 'orders', { status: 'PENDING', createdAt: { $lt: at } }, { createdAt: 1 }],
    ['an order by idempotency key', 'orders', { _openid: 'u', idempotencyKey: 'k' }, {}],
    ['the merchant’s refund queue', 'refunds', { status: 'REQUESTED', createdAt: { $lte: at } }, { createdAt: -1, _id: -1 }],
    ['all refunds, newest first', 'refunds', { createdAt: { $lte: at } }, { createdAt: -1, _id: -1 }],
    ['reconcile: refunds in flight', 'refunds', { status: 'PROCESSING', updatedAt: { $lte: at } }, { updatedAt: 1 }],
    ['an order’s refunds', 'refunds', { orderId: 'o1' }, { createdAt: -1 }],
    ['the product list', 'products', { active: true }, { sort: 1 }],
  ])('serve %s from an index, in order', (_what, collection, query, order) => {
    const plan = db.explain(collection, query, order).join('\n');
    expect(plan).toMatch(new RegExp(`SEARCH tcb_c_${collection} USING INDEX tcb_i_${collection}_`));
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('declare every collection the functions use (else the cloud answers -502005)', () => {
    expect(db.collections()).toEqual(expect.arrayContaining(Object.values(COLLECTIONS)));
  });
});

describe('validation', () => {
  it.each<[string, unknown, RegExp]>([
    ['a list at the top', [], /top level/],
    ['a bad collection name', { 'my orders': [] }, /collection names/],
    ['indexes that are not a list', { orders: {} }, /list of indexes/],
    ['an index without a name', { orders: [{ keys: { a: 1 } }] }, /name must be/],
    ['a duplicate index name', { orders: [{ name: 'a', keys: { a: 1 } }, { name: 'a', keys: { b: 1 } }] }, /duplicate index name a/],
    ['empty keys', { orders: [{ name: 'a', keys: {} }] }, /keys is empty/],
    ['a direction that is not 1 or -1', { orders: [{ name: 'a', keys: { a: 'desc' } }] }, /direction of a must be 1 or -1/],
    ['a $ field', { orders: [{ name: 'a', keys: { $a: 1 } }] }, /invalid field path/],
    ['a misspelt property', { orders: [{ name: 'a', keys: { a: 1 }, uniqe: true }] }, /unknown property uniqe/],
    ['a unique flag that is not boolean', { orders: [{ name: 'a', keys: { a: 1 }, unique: 'yes' }] }, /unique must be true or false/],
  ])('refuses %s, saying where', (_what, raw, message) => {
    expect(() => validateIndexDeclarations(raw, 'test.json')).toThrow(message);
    expect(() => validateIndexDeclarations(raw, 'test.json')).toThrow(/^test\.json: /);
  });

  it('skips "//" comments and defaults unique to false', () => {
    expect(validateIndexDeclarations({ '//': 'read me', orders: [{ name: 'a', keys: { 'buyer.city': -1 } }] })).toEqual({
      orders: [{ name: 'a', keys: { 'buyer.city': -1 }, unique: false }],
    });
  });

  it('names the file when it cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{ "orders": [ }');
      expect(() => loadIndexDeclarations(bad)).toThrow(/bad\.json is not valid JSON/);
      expect(() => loadIndexDeclarations(join(dir, 'missing.json'))).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
