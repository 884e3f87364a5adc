// Concurrency and transactions through the real wx-server-sdk: what several function instances racing on the
// same documents see.
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { engineOf, rejection, sdkDatabase, type SdkDb, type SdkTransaction } from './database-sdk';

let cloud: LocalCloud;
let db: SdkDb;
let collections = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = sdkDatabase(cloud);
});
afterAll(async () => {
  await cloud?.close();
});

async function freshCollection(docs: Array<Record<string, unknown>>): Promise<string> {
  const name = `tx${++collections}`;
  await db.createCollection(name);
  if (docs.length > 0) await db.collection(name).add({ data: docs });
  return name;
}

const valueOf = async (c: string, id: string): Promise<Record<string, unknown>> => (await db.collection(c).doc(id).get()).data;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('single-document atomicity', () => {
  it('applies 50 concurrent increments exactly once each', async () => {
    const c = await freshCollection([{ _id: 'counter', n: 0 }]);
    await Promise.all(Array.from({ length: 50 }, () => db.collection(c).doc('counter').update({ data: { n: db.command.inc(1) } })));
    expect((await valueOf(c, 'counter')).n).toBe(50);
  });

  it('lets exactly one of 20 concurrent conditional transitions win', async () => {
    const c = await freshCollection([{ _id: 'o1', status: 'PENDING', paidBy: null }]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.collection(c).where({ _id: 'o1', status: 'PENDING' }).update({ data: { status: 'PAID', paidBy: i } })),
    );
    const winners = results.map((r, i) => (r.stats.updated === 1 ? i : -1)).filter((i) => i >= 0);
    expect(winners).toHaveLength(1);
    expect(await valueOf(c, 'o1')).toMatchObject({ status: 'PAID', paidBy: winners[0] });
  });
});

describe('transactions', () => {
  it('read a snapshot and their own writes; others see nothing until commit', async () => {
    const c = await freshCollection([
      { _id: 'order', paid: 100, refunding: 0 },
      { _id: 'other', n: 1 },
    ]);
    const tx = await db.startTransaction();
    expect((await tx.collection(c).doc('order').get()).data).toMatchObject({ refunding: 0 });
    await db.collection(c).doc('other').update({ data: { n: 2 } }); // outside, after the snapshot
    expect((await tx.collection(c).doc('other').get()).data).toMatchObject({ n: 1 });
    await tx.collection(c).doc('order').update({ data: { refunding: 30 } });
    await tx.collection(c).add({ data: { _id: 'refund1', fee: 30 } });
    expect((await tx.collection(c).doc('order').get()).data).toMatchObject({ refunding: 30 });
    expect(await valueOf(c, 'order')).toMatchObject({ refunding: 0 });
    expect(await rejection(db.collection(c).doc('refund1').get())).toBeDefined();
    await tx.commit();
    expect(await valueOf(c, 'order')).toMatchObject({ refunding: 30 });
    expect(await valueOf(c, 'refund1')).toEqual({ _id: 'refund1', fee: 30 });
    expect(engineOf(cloud).openTransactions()).toBe(0);
  });

  it('are retried by db.runTransaction when the document changed before commit, and both changes stay', async () => {
    const c = await freshCollection([{ _id: 'k', n: 0, log: [] }]);
    let attempts = 0;
    const result = await db.runTransaction(async (tx) => {
      attempts++;
      const { data } = await tx.collection(c).doc('k').get();
      await tx.collection(c).doc('k').update({ data: { n: (data.n as number) + 1, log: db.command.push(['tx']) } });
      // Another function instance changes the document before this transaction commits.
      if (attempts === 1) await db.collection(c).doc('k').update({ data: { n: db.command.inc(10), log: db.command.push(['outside']) } });
      return data.n;
    });
    expect(attempts).toBe(2);
    expect(result).toBe(10);
    expect(await valueOf(c, 'k')).toEqual({ _id: 'k', n: 11, log: ['outside', 'tx'] });
  });

  it('fail at once when another open transaction wrote the document (wx-server-sdk then does not retry)', async () => {
    const c = await freshCollection([{ _id: 'k', n: 0 }]);
    const first = await db.startTransaction();
    await first.collection(c).doc('k').update({ data: { n: 1 } });
    let attempts = 0;
    const err = await rejection(
      db.runTransaction(async (tx: SdkTransaction) => {
        attempts++;
        await tx.collection(c).doc('k').update({ data: { n: 2 } });
      }),
    );
    // The conflict arrives while `first` is still open; the SDK's wrapper turns the code into -501001 and keeps
    // the message, so @cloudbase/database's runTransaction does not recognise it: functions retry themselves.
    expect(attempts).toBe(1);
    expect(err.errMsg).toMatch(/database transaction conflict: document tx\d+\/k is written by another open transaction/);
    await first.commit();
    expect(await valueOf(c, 'k')).toEqual({ _id: 'k', n: 1 });
  });

  it('let two concurrent read-modify-write transactions both apply when the caller retries conflicts', async () => {
    const c = await freshCollection([{ _id: 'order', refunding: 0, refunds: [] }]);
    const bothRead = deferred();
    let reads = 0;
    const conflictsSeen: string[] = [];
    const requestRefund = async (id: string, fee: number): Promise<void> => {
      for (let attempt = 1; attempt <= 10; attempt++) {
        try {
          await db.runTransaction(async (tx) => {
            const { data } = await tx.collection(c).doc('order').get();
            if (++reads === 2) bothRead.resolve();
            await bothRead.promise; // both have read the same snapshot before either writes
            await tx.collection(c).doc('order').update({ data: { refunding: (data.refunding as number) + fee, refunds: db.command.push([id]) } });
            await tx.collection(c).add({ data: { _id: id, fee } });
          }, 0);
          return;
        } catch (e) {
          const text = String((e as { errMsg?: string; message?: string }).errMsg ?? (e as Error).message);
          if (!/transaction conflict/.test(text)) throw e;
          conflictsSeen.push(id);
          await new Promise((r) => setTimeout(r, 5 * attempt));
        }
      }
      throw new Error(`${id}: still conflicting after 10 attempts`);
    };
    await Promise.all([requestRefund('r1', 30), requestRefund('r2', 50)]);
    expect(conflictsSeen.length).toBeGreaterThanOrEqual(1);
    const order = await valueOf(c, 'order');
    expect(order.refunding).toBe(80);
    expect([...(order.refunds as string[])].sort()).toEqual(['r1', 'r2']);
    expect((await db.collection(c).where({ fee: db.command.gt(0) }).count()).total).toBe(2);
  });

  it('write nothing when rolled back, and runTransaction rejects with the reason', async () => {
    const c = await freshCollection([{ _id: 'k', n: 0 }]);
    const reason = await db
      .runTransaction(async (tx) => {
        await tx.collection(c).doc('k').update({ data: { n: 99 } });
        await tx.rollback('insufficient balance');
      })
      .catch((e: unknown) => e);
    expect(reason).toBe('insufficient balance');
    expect(await valueOf(c, 'k')).toEqual({ _id: 'k', n: 0 });
  });

  it('support doc operations only, saying so', async () => {
    const c = await freshCollection([{ _id: 'k', n: 0 }]);
    const tx = await db.startTransaction();
    const err = await rejection(tx.collection(c).where({ n: 0 }).get());
    expect(String(err.errMsg)).toMatch(/inside a transaction only doc\(id\) operations and add\(\) are supported/);
    await tx.rollback();
  });
});
