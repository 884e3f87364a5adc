// CloudBase's database holds at most 16 MB per document (MongoDB's BSON limit); the local cloud had no limit, so a
// document could grow through updates (each request under the 6 MB body limit) to tens of MB, and every later read
// or write of it held the single-threaded server for seconds (issue 18). And one stored document that cannot be
// parsed made its whole collection answer 500; now it is skipped, reported, and the rest is served.
import { join } from 'node:path';
import { projectRoot, startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { closeUi, openUi, showTab } from '../helpers/ui-dom';

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

describe('a garbled stored document', () => {
  it('is skipped and reported (log, GET /db), and the rest of its collection is served', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const Database = (await import('better-sqlite3')).default;
    const dir = mkdtempSync(join(tmpdir(), 'lc-garbled-'));
    try {
      const first = await startTestCloud({ dataDir: dir, memory: false, pkiDir: join(projectRoot, 'dist') });
      const add = (doc: Record<string, unknown>) =>
        fetch(`${first.url}/admin?env=${first.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'database.insertDocument', collectionName: 'notes', data: [JSON.stringify(doc)] }) });
      await fetch(`${first.url}/admin?env=${first.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'database.addCollection', collectionName: 'notes' }) });
      await add({ _id: 'n1', text: 'first' });
      await add({ _id: 'n2', text: 'second' });
      await first.close();
      // What a damaged file or a hostile export holds.
      const file = new Database(join(dir, 'local-cloud.sqlite'));
      const put = file.prepare('INSERT INTO tcb_c_notes (id, doc) VALUES (?, ?)');
      put.run('broken', '{"_id":"broken","text":"secret 13800138000');
      put.run('number', '42');
      put.run('regex', '{"$regex":"a","_id":"regex"}'); // a JSON object that is no document
      file.close();

      const lines: Array<Record<string, unknown>> = [];
      const cloud = await startTestCloud({ dataDir: dir, memory: false, pkiDir: join(projectRoot, 'dist'), log: (line) => lines.push(line) });
      try {
        const answer = await fetch(`${cloud.url}/admin?env=${cloud.env}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'database.getDocument', collectionName: 'notes', queryType: 'WHERE', query: JSON.stringify({}) }),
        }).then((r) => r.json() as Promise<{ code?: string; data?: { list: string[] } }>);
        expect(answer.code).toBeUndefined();
        expect(answer.data?.list.map((d) => (JSON.parse(d) as { _id: string })._id)).toEqual(['n1', 'n2']);
        const listed = (await (await fetch(`${cloud.url}/db/notes`)).json()) as { documents: Array<{ _id: string }> };
        expect(listed.documents.map((d) => d._id)).toEqual(['n1', 'n2']);
        const db = (await (await fetch(`${cloud.url}/db`)).json()) as { garbled: Array<Record<string, unknown>> };
        expect(db.garbled).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ collection: 'notes', id: 'broken', reason: 'not valid JSON', quarantined: true }),
            expect.objectContaining({ collection: 'notes', id: 'number', reason: 'not a JSON object', quarantined: true }),
            expect.objectContaining({ collection: 'notes', id: 'regex', reason: 'not a readable document', quarantined: false }),
          ]),
        );
        const logged = lines.filter((l) => l.event === 'database.garbled');
        expect(logged.map((l) => l.id).sort()).toEqual(['broken', 'number', 'regex']);
        // The log says which document, never what it held.
        expect(JSON.stringify(logged)).not.toContain('13800138000');
        // The UI's overview says so too.
        const dom = await openUi(cloud.url);
        try {
          const overview = await showTab(dom, 'overview', '#collections .tag.bad');
          expect(overview.textContent).toContain('3 unreadable document(s), skipped by every query');
          const section = dom.window.document.querySelector('#collections')?.textContent ?? '';
          for (const id of ['broken', 'number', 'regex']) expect(section).toContain(id);
          expect(section).not.toContain('13800138000');
        } finally {
          await closeUi(dom);
        }
      } finally {
        await cloud.close();
      }
      // Kept for recovery, out of the collection.
      const after = new Database(join(dir, 'local-cloud.sqlite'), { readonly: true });
      expect(after.prepare('SELECT id FROM tcb_garbled ORDER BY id').all()).toEqual([{ id: 'broken' }, { id: 'number' }]);
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
