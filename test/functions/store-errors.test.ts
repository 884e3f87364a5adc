// isWriteConflict against the errors the real wx-server-sdk hands a function from the local cloud: a transaction
// conflict is retried, a refused request that happens to mention a "conflict" is not.
import { inTransaction, isWriteConflict, type Store } from '../../src/server/store';
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { rejection, sdkDatabase, type SdkDb } from '../local-cloud/database-sdk';

let cloud: LocalCloud;
let db: SdkDb;
beforeAll(async () => {
  cloud = await startTestCloud();
  db = sdkDatabase(cloud);
  await db.createCollection('conflicts');
  await db.collection('conflicts').add({ data: { _id: 'k', n: 0 } });
});
afterAll(() => cloud?.close());

it('a write conflict between two transactions is one', async () => {
  const first = await db.startTransaction();
  await first.collection('conflicts').doc('k').update({ data: { n: 1 } });
  const err = await rejection(db.runTransaction(async (tx) => tx.collection('conflicts').doc('k').update({ data: { n: 2 } }), 0));
  await first.commit();
  expect(err.errMsg).toMatch(/^document\.update:fail -501001 /);
  expect(isWriteConflict(err)).toBe(true);
});

it('an update refused because its paths conflict is not, and is not retried', async () => {
  const err = await rejection(db.collection('conflicts').doc('k').update({ data: { n: db.command.inc(1), 'n.x': 1 } as Record<string, unknown> }));
  expect(`${err.errMsg ?? err.message}`).toMatch(/conflict/);
  expect(isWriteConflict(err)).toBe(false);
  let attempts = 0;
  const store = db as unknown as Store;
  await expect(
    inTransaction(store, async (tx) => {
      attempts++;
      await tx.collection('conflicts').doc('k').update({ data: { n: store.command.inc(1), 'n.x': 1 } });
    }),
  ).rejects.toBeDefined();
  expect(attempts).toBe(1);
});

it.each([
  [{ code: 'DATABASE_TRANSACTION_CONFLICT', message: 'database transaction conflict' }, true],
  // What CloudBase itself answers, as wx-server-sdk hands it over.
  [{ errCode: -501001, errMsg: 'document.update:fail -501001 resource system error. [ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.' }, true],
  [{ errCode: -501001, errMsg: 'document.update:fail -501001 resource system error. [ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server.' }, false],
  [{ code: 'CONFLICT', message: 'refund R1 is REJECTED: it can no longer be approved' }, false],
  [new Error('write conflict somewhere'), false],
])('%j → %s', (err, expected) => expect(isWriteConflict(err)).toBe(expected));
