// CloudBase's database holds at most 16 MB per document (MongoDB's BSON limit); the local cloud had no limit, so a
// document could grow through updates (each request under the 6 MB body limit) to tens of MB, and every later read
// or write of it held the single-threaded server for seconds (issue 18). And one stored document that cannot be
// parsed made its whole collection answer 500; now it is skipped, reported, and the rest is served.
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';

jest.setTimeout(60_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.close());

async function admin(params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${cloud.url}/admin?env=${cloud.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as Record<string, unknown>;
}

const MB = 1024 * 1024;

describe('16 MB per document', () => {
  beforeAll(async () => {
    await admin({ action: 'database.addCollection', collectionName: 'big' });
  });

  it('a document that updates would grow past 16 MB is refused with the error the SDK maps, and stays as it was', async () => {
    expect((await admin({ action: 'database.insertDocument', collectionName: 'big', data: [JSON.stringify({ _id: 'grows', n: 0 })] })).code).toBeUndefined();
    const chunk = 'x'.repeat(5.5 * MB); // each request stays under the 6 MB body limit
    const grow = (field: string) =>
      admin({ action: 'database.modifyDocument', collectionName: 'big', queryType: 'DOC', query: JSON.stringify({ _id: 'grows' }), data: JSON.stringify({ $set: { [field]: chunk } }), merge: true, multi: false, upsert: false });
    for (const field of ['a', 'b']) expect(await grow(field)).toEqual(expect.objectContaining({ data: expect.objectContaining({ updated: 1 }) }));
    const refused = await grow('c'); // 16.5 MB
    expect(refused).toEqual(expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/BSONObj size: \d+ .* is invalid\. Size must be between 0 and 16777216\(16MB\)/) }));
    const stored = cloud.db.execute('database.getDocument', { collectionName: 'big', queryType: 'DOC', query: JSON.stringify({ _id: 'grows' }) }) as { data: { list: string[] } };
    expect(Object.keys(JSON.parse(stored.data.list[0]) as object).sort()).toEqual(['_id', 'a', 'b', 'n']);
  });
});
