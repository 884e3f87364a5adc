// Messages owed, kept on the document whose transition made them owed (domain/documents.ts OwedMessage). The
// transition's own write carries the entry (`owing`), so a message can never be owed without being recorded, nor
// recorded without its transition; the sender removes it once sent (`markSent`), reconcile resends what is left.
import type { OwedMessage } from '../../domain/documents';
import { COLLECTIONS, type Store } from '../store';

/** Orders and refunds owe their transitions' messages; a product owes its low-stock message. */
export type OwingCollection = typeof COLLECTIONS.orders | typeof COLLECTIONS.refunds | typeof COLLECTIONS.products;

/** Where an owed message is kept. */
export interface OwedRef {
  collection: OwingCollection;
  docId: string;
}

/** The field of `owed` an entry is kept under: one per purpose and stage of the document. */
export function owedKey(message: Pick<OwedMessage, 'purpose' | 'stage'>): string {
  return `${message.purpose}-${message.stage}`;
}

/** Update fields adding the messages to a document that is being written anyway (the transition's own write). */
export function owing(store: Store, messages: readonly OwedMessage[]): Record<string, unknown> {
  if (messages.length === 0) return {};
  const fields: Record<string, unknown> = { owedCount: store.command.inc(messages.length), owedAt: messages[0].at };
  for (const m of messages) fields[`owed.${owedKey(m)}`] = store.command.set({ ...m });
  return fields;
}

/** The fields of a new document that owes the messages (an insert cannot use update commands). */
export function owingFromStart(messages: readonly OwedMessage[]): Record<string, unknown> {
  if (messages.length === 0) return {};
  return { owed: Object.fromEntries(messages.map((m) => [owedKey(m), { ...m }])), owedCount: messages.length, owedAt: messages[0].at };
}

/**
 * The entry leaves its document once sent, only if it is still the lease `at` (reconcile did not take it over):
 * one conditional write. True when this call removed it.
 */
export async function markSent(store: Store, ref: OwedRef, key: string, at: Date): Promise<boolean> {
  const { stats } = await store
    .collection(ref.collection)
    .where({ _id: ref.docId, [`owed.${key}.at`]: at })
    .update({ data: { [`owed.${key}`]: store.command.remove(), owedCount: store.command.inc(-1) } });
  return stats.updated === 1;
}

/** reconcile takes over an entry whose lease `at` ran out: moves the lease to `now`. True when this call took it. */
export async function takeOver(store: Store, ref: OwedRef, key: string, at: Date, now: Date): Promise<boolean> {
  const { stats } = await store
    .collection(ref.collection)
    .where({ _id: ref.docId, [`owed.${key}.at`]: at })
    .update({ data: { [`owed.${key}.at`]: now } });
  return stats.updated === 1;
}

/** Documents that still owe a message and were last made to owe one at or before `before`, oldest first. */
export async function owingDocuments(store: Store, collection: OwingCollection, before: Date, limit: number): Promise<Array<{ _id: string; owed?: Record<string, OwedMessage> }>> {
  const _ = store.command;
  const { data } = await store
    .collection(collection)
    .where({ owedCount: _.gt(0), owedAt: _.lte(before) })
    .orderBy('owedAt', 'asc')
    .limit(limit)
    .field({ _id: true, owed: true })
    .get();
  return data as Array<{ _id: string; owed?: Record<string, OwedMessage> }>;
}
