// Append-only records: messages sent (once, by the invocation that won a transition) and anomalies (what the
// provider said that did not match our books). Both use deterministic ids, so a repeat cannot create a second one.
import type { AnomalyDoc, BillDifferenceDoc, MessageDoc } from '../../domain/documents';
import { COLLECTIONS, isDuplicateId, type Store } from '../store';

/** False when the record already existed. */
async function insertOnce(store: Store, collection: string, doc: { _id: string } & Record<string, unknown>): Promise<boolean> {
  try {
    await store.collection(collection).add({ data: doc });
    return true;
  } catch (err) {
    if (isDuplicateId(err)) return false;
    throw err;
  }
}

export const recordMessage = (store: Store, doc: MessageDoc) => insertOnce(store, COLLECTIONS.messages, { ...doc });
export const recordAnomaly = (store: Store, doc: AnomalyDoc) => insertOnce(store, COLLECTIONS.anomalies, { ...doc });
export const recordBillDifference = (store: Store, doc: BillDifferenceDoc) => insertOnce(store, COLLECTIONS.anomalies, { ...doc });

/** Whether the message with this id was sent (and recorded) already. */
export async function messageRecorded(store: Store, id: string): Promise<boolean> {
  const { data } = await store.collection(COLLECTIONS.messages).where({ _id: id }).field({ _id: true }).limit(1).get();
  return data.length === 1;
}
