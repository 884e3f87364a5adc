// Database operations per second through the real wx-server-sdk against the local cloud (memory mode):
// insert, doc().get(), where().get(), doc().update(), one client at a time and several at once.
import { performance } from 'node:perf_hooks';
import { startLocalCloud } from '../../../emulator/src/local-cloud';
import { markdownTable, round, type BenchContext, type BenchSection } from '../lib/section';

type Sdk = typeof import('wx-server-sdk');
type Db = ReturnType<Sdk['database']>;

const COLLECTION = 'bench_items';
/** A collection the project declares, with the index its order list uses (cloudbase/database-indexes.json). */
const INDEXED = 'orders';
const GROUPS = 20;

const buyer = (i: number) => `oBenchBuyer${i % GROUPS}`;

interface Op {
  key: string;
  label: string;
  /** One operation; `i` is a running number that picks a document or value. */
  run(db: Db, i: number, ids: string[]): unknown;
}

const ops: Op[] = [
  {
    key: 'insert',
    label: '`collection.add()`',
    run: (db, i) => db.collection(COLLECTION).add({ data: { group: i % GROUPS, n: i, label: `item ${i}`, at: new Date() } }),
  },
  { key: 'docGet', label: '`doc(id).get()`', run: (db, i, ids) => db.collection(COLLECTION).doc(ids[i % ids.length]).get() },
  {
    key: 'whereQuery',
    label: '`where({group}).orderBy(n).limit(10).get()`',
    run: (db, i) => db.collection(COLLECTION).where({ group: i % GROUPS }).orderBy('n', 'desc').limit(10).get(),
  },
  {
    key: 'whereIndexed',
    label: '`orders.where({_openid}).orderBy(createdAt, _id).limit(10).get()` (declared index)',
    run: (db, i) =>
      db
        .collection(INDEXED)
        .where({ _openid: buyer(i) })
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(10)
        .get(),
  },
  {
    key: 'update',
    label: '`doc(id).update({n: _.inc(1)})`',
    run: (db, i, ids) => db.collection(COLLECTION).doc(ids[i % ids.length]).update({ data: { n: db.command.inc(1) } }),
  },
];

/** Points the SDK of this process at the local cloud, the way the runner sets up a function instance. */
function connect(url: string, env: string): Sdk {
  Object.assign(process.env, {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD: 'true',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'bench',
    TENCENTCLOUD_SECRETKEY: 'bench',
    SCF_NAMESPACE: env,
    TCB_ENV: env,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${url}/admin` }),
    SILENCE: 'true',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('wx-server-sdk') as Sdk;
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV as unknown as string });
  return sdk;
}

/** Runs `count` operations split over `clients` concurrent loops; answers operations per second. */
async function measure(op: Op, db: Db, ids: string[], count: number, clients: number, offset: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = offset + next++;
        await op.run(db, i, ids);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export const databaseSection: BenchSection = {
  id: 'database',
  title: 'Database operations per second (real wx-server-sdk → local cloud, memory mode)',
  async run(ctx: BenchContext) {
    const count = ctx.quick ? 200 : 1000;
    const concurrency = [1, 8];
    const cloud = await startLocalCloud({ port: 0, memory: true, log: false, projectRoot: ctx.projectRoot, functionRoots: [] });
    try {
      const sdk = connect(cloud.url, cloud.env);
      const db = sdk.database();
      // Collections exist before use, as in the cloud (the project's own are declared in cloudbase/database-indexes.json).
      await db.createCollection(COLLECTION);
      const ids: string[] = [];
      // Seed documents to read and update, so every op works on a collection of the same size.
      for (let i = 0; i < count; i++) {
        const res = (await db.collection(COLLECTION).add({ data: { group: i % GROUPS, n: i, label: `seed ${i}`, at: new Date() } })) as { _id: string };
        ids.push(res._id);
      }
      for (let i = 0; i < count; i++) {
        await db.collection(INDEXED).add({ data: { _openid: buyer(i), status: 'PAID', totalFee: 100 + i, createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000) } });
      }
      const rows: Array<Array<string | number>> = [];
      const figures: Record<string, number> = {};
      let offset = count;
      let scanned = 0;
      for (const op of ops) {
        if (op.key === 'whereQuery') scanned = ((await db.collection(COLLECTION).count()) as { total: number }).total;
        const row: Array<string | number> = [op.label];
        for (const clients of concurrency) {
          ctx.note(`${op.key}: ${count} operations, ${clients} client(s)`);
          const perSecond = await measure(op, db, ids, count, clients, offset);
          offset += count;
          figures[`${op.key}.c${clients}.opsPerSecond`] = round(perSecond, 0);
          row.push(round(perSecond, 0), round((1000 / perSecond) * clients, 2));
        }
        rows.push(row);
      }
      const header = ['operation', ...concurrency.flatMap((c) => [`ops/s, ${c} client${c > 1 ? 's' : ''}`, `ms/op, ${c} client${c > 1 ? 's' : ''}`])];
      const markdown = [
        markdownTable(header, rows),
        '',
        `${count} operations per cell. \`${COLLECTION}\` is seeded with ${count} documents and grows with the inserts, so its`,
        `where-query (${GROUPS} groups, no index) runs over **${scanned} documents**; SQLite checks their stored text and JavaScript`,
        `parses only the twentieth that can match. \`${INDEXED}\` holds ${count} orders of ${GROUPS} buyers, read through the index the`,
        'order list uses.',
        'Each operation is a full SDK call: EJSON encoding, a signed HTTP request to 127.0.0.1 (no keep-alive, as in a',
        'cloud function), the database, and decoding.',
      ].join('\n');
      return { markdown, figures };
    } finally {
      await cloud.close();
    }
  },
};
