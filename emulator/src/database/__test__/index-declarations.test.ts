import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIndexDeclarations, validateIndexDeclarations } from '../index-declarations';

const projectFile = join(__dirname, '../../../../cloudbase/database-indexes.json');

describe('the project’s index declarations', () => {
  it('declare the collections and the indexes the product’s queries need', () => {
    const decl = loadIndexDeclarations(projectFile);
    const keysOf = (collection: string): string[] => decl[collection].map((i) => JSON.stringify(i.keys));
    expect(keysOf('orders')).toEqual(
      expect.arrayContaining([
        JSON.stringify({ _openid: 1, createdAt: -1 }),
        JSON.stringify({ _openid: 1, status: 1, createdAt: -1 }),
        JSON.stringify({ status: 1, createdAt: 1 }),
        JSON.stringify({ _openid: 1, idempotencyKey: 1 }),
      ]),
    );
    expect(keysOf('refunds')).toEqual(expect.arrayContaining([JSON.stringify({ status: 1, createdAt: -1 }), JSON.stringify({ orderId: 1 })]));
    expect(Object.keys(decl)).toEqual(expect.arrayContaining(['orders', 'refunds', 'products']));
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
