// The local cloud's database: the `database.*` actions of the CloudBase admin API on an embedded SQLite file.
// See docs/local-cloud-database.md for what it emulates and how faithfully.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Engine, type LocalDatabase } from './engine';
import type { IndexDeclarations } from './index-declarations';
import { Store } from './store';

export { loadIndexDeclarations, validateIndexDeclarations, IndexDeclarationError } from './index-declarations';
export type { IndexDeclaration, IndexDeclarations } from './index-declarations';
export type { LocalDatabase, QueryStats } from './engine';
export type { GarbledDocument } from './store';
import type { GarbledDocument } from './store';
export { DEFAULT_LIMIT, MAX_EXAMINED, MAX_LIMIT, MAX_SCANNED } from './engine';

export interface OpenDatabaseOptions {
  /** The database file (created with its folder if missing). */
  file?: string;
  /** A throwaway in-memory database (tests); wins over `file`. */
  memory?: boolean;
  /** The project's collections and indexes (cloudbase/database-indexes.json): created, and kept in sync. */
  indexes?: IndexDeclarations;
  /** Open transactions are aborted after this long; default 30 s (scale it with the local cloud's time scale). */
  transactionTimeoutMs?: number;
  /** The server's clock, for serverDate() and transaction expiry (tests). */
  now?: () => number;
  /** What one request may read (engine.ts MAX_SCANNED, MAX_EXAMINED); lower in tests. */
  limits?: { maxScanned?: number; maxExamined?: number };
  /** Default true; false plans queries as before scan-filter.ts (every candidate parsed in JavaScript), for bench comparisons only. */
  textFilter?: boolean;
  /** Told of each stored document that cannot be read (skipped by queries), once, when it is found. */
  onGarbled?: (doc: GarbledDocument) => void;
}

export const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;

export function openDatabase(options: OpenDatabaseOptions): LocalDatabase {
  if (!options.memory && !options.file) throw new Error('openDatabase needs a file or memory: true');
  let sqlite: Database.Database;
  if (options.memory) sqlite = new Database(':memory:');
  else {
    const file = options.file as string;
    mkdirSync(dirname(file), { recursive: true });
    sqlite = new Database(file);
    // WAL: readers never block the writer and a crashed process loses nothing that was committed.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  try {
    const store = new Store(sqlite, options.indexes ?? {}, options.textFilter ?? true, options.onGarbled);
    return new Engine(store, {
      transactionTimeoutMs: options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      now: options.now ?? Date.now,
      ...options.limits,
    });
  } catch (e) {
    sqlite.close();
    throw e;
  }
}
