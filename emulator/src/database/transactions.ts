// Transactions as the cloud runs them (MongoDB snapshot isolation), kept in memory beside SQLite:
// - reads see the database as it was when the transaction started, plus the transaction's own writes;
// - writes are buffered and applied together at commit;
// - writing a document that another open transaction has written, or that was changed by anyone after this
//   transaction started, fails at once with DATABASE_TRANSACTION_CONFLICT (db.runTransaction then retries);
//   a commit whose documents were changed since (by writes outside any transaction) fails the same way;
// - a transaction left open longer than the timeout is aborted, so a crashed function locks nothing for long.
import { randomBytes } from 'node:crypto';
import { requestFailed, transactionConflict } from './errors';
import type { Doc } from './values';

export interface BufferedWrite {
  collection: string;
  id: string;
  /** The document after the transaction, or null when it deletes it. */
  doc: Doc | null;
}

export interface Transaction {
  readonly id: string;
  readonly snapshot: number;
  readonly startedAt: number;
  readonly writes: Map<string, BufferedWrite>;
}

export const docKey = (collection: string, id: string): string => `${collection}\u0000${id}`;

export class TransactionManager {
  private seq = 0;
  private readonly open = new Map<string, Transaction>();
  /** Which open transaction has written a document. */
  private readonly owner = new Map<string, string>();
  /** Sequence number of the last committed write per document, kept while transactions are open. */
  private readonly lastWrite = new Map<string, number>();
  /** Versions replaced while transactions were open: what a snapshot older than `seq` must still see. */
  private readonly history = new Map<string, Array<{ seq: number; before: string | undefined }>>();
  private readonly closed = new Map<string, string>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  start(): Transaction {
    this.sweep();
    const txn: Transaction = { id: randomBytes(12).toString('hex'), snapshot: this.seq, startedAt: this.now(), writes: new Map() };
    this.open.set(txn.id, txn);
    return txn;
  }

  get(id: unknown): Transaction {
    this.sweep();
    if (typeof id !== 'string' || id === '') throw requestFailed('transactionId must be a string');
    const txn = this.open.get(id);
    if (!txn) throw requestFailed(`transaction ${id} is not open (${this.closed.get(id) ?? 'unknown transaction'})`);
    return txn;
  }

  openCount(): number {
    return this.open.size;
  }

  /** Aborts transactions open longer than the timeout. */
  sweep(): void {
    const now = this.now();
    for (const txn of this.open.values()) {
      if (now - txn.startedAt > this.timeoutMs) this.end(txn, `expired: open longer than ${Math.round(this.timeoutMs)} ms and aborted`);
    }
  }

  end(txn: Transaction, reason: string): void {
    if (!this.open.delete(txn.id)) return;
    for (const key of txn.writes.keys()) if (this.owner.get(key) === txn.id) this.owner.delete(key);
    this.closed.set(txn.id, reason);
    if (this.closed.size > 1000) this.closed.delete(this.closed.keys().next().value as string);
    this.prune();
  }

  /** Claims a document for a transaction's write, or fails with a conflict. */
  claim(txn: Transaction, key: string): void {
    const holder = this.owner.get(key);
    if (holder !== undefined && holder !== txn.id) {
      throw transactionConflict(`database transaction conflict: document ${key.replace('\u0000', '/')} is written by another open transaction`);
    }
    this.checkUnchanged(txn, key);
    this.owner.set(key, txn.id);
  }

  /** Fails when the document was committed by someone else after the transaction's snapshot. */
  checkUnchanged(txn: Transaction, key: string): void {
    if ((this.lastWrite.get(key) ?? -1) > txn.snapshot) {
      throw transactionConflict(`database transaction conflict: document ${key.replace('\u0000', '/')} changed after the transaction started`);
    }
  }

  /** The stored text a transaction sees, given the current one. */
  snapshotText(txn: Transaction, key: string, current: string | undefined): string | undefined {
    const versions = this.history.get(key);
    if (versions) for (const v of versions) if (v.seq > txn.snapshot) return v.before;
    return current;
  }

  /** Records writes that just became durable (one commit, or one operation outside transactions). */
  committed(writes: Array<{ key: string; before: string | undefined }>): void {
    if (writes.length === 0) return;
    this.seq++;
    if (this.open.size === 0) return;
    for (const { key, before } of writes) {
      this.lastWrite.set(key, this.seq);
      const versions = this.history.get(key) ?? [];
      versions.push({ seq: this.seq, before });
      this.history.set(key, versions);
    }
  }

  private prune(): void {
    if (this.open.size === 0) {
      this.lastWrite.clear();
      this.history.clear();
      return;
    }
    const oldest = Math.min(...[...this.open.values()].map((t) => t.snapshot));
    for (const [key, seq] of this.lastWrite) if (seq <= oldest) this.lastWrite.delete(key);
    for (const [key, versions] of this.history) {
      const kept = versions.filter((v) => v.seq > oldest);
      if (kept.length === 0) this.history.delete(key);
      else this.history.set(key, kept);
    }
  }
}
