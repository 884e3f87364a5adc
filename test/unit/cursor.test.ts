import { decodeCursor, encodeCursor, fetchSize, pageOf, type Cursor } from '../../src/domain/cursor';

type Doc = { _id: string; createdAt: Date };
/** Simulates the database: createdAt <= t, sorted createdAt desc, _id desc, limited. */
function query(all: Doc[], cursor: Cursor | undefined, limit: number): Doc[] {
  return all
    .filter((d) => !cursor || d.createdAt.getTime() <= cursor.t)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1))
    .slice(0, fetchSize(cursor, limit));
}

function walk(all: Doc[], limit: number): string[] {
  const seen: string[] = [];
  let cursor: Cursor | undefined;
  for (let i = 0; i < 100; i++) {
    const page = pageOf(query(all, cursor, limit), cursor, limit);
    seen.push(...page.items.map((d) => d._id));
    if (!page.next) break;
    cursor = decodeCursor(encodeCursor(page.next));
  }
  return seen;
}

describe('pageOf', () => {
  it.each([
    ['distinct times', Array.from({ length: 25 }, (_, i) => ({ _id: `o${String(i).padStart(2, '0')}`, createdAt: new Date(1000 + i) })), 10],
    ['all at one instant', Array.from({ length: 25 }, (_, i) => ({ _id: `o${String(i).padStart(2, '0')}`, createdAt: new Date(1000) })), 10],
    ['bursts across page edges', Array.from({ length: 40 }, (_, i) => ({ _id: `o${String(i).padStart(2, '0')}`, createdAt: new Date(1000 + Math.floor(i / 7)) })), 3],
    ['an exact number of pages', Array.from({ length: 20 }, (_, i) => ({ _id: `o${String(i).padStart(2, '0')}`, createdAt: new Date(1000 + i) })), 10],
  ])('%s: every document once, newest first', (_, docs, limit) => {
    const expected = [...docs].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1)).map((d) => d._id);
    expect(walk(docs, limit)).toEqual(expected);
  });

  it.each(['', 'abc', encodeCursor({ t: 1, id: 'x', n: 0 }), Buffer.from('{"t":"1","id":"x","n":1}').toString('base64url')])('refuses the cursor %p', (text) => {
    expect(() => decodeCursor(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
