// What an export must be before `--import` lets it replace a developer's data. An export is a SQLite file anyone
// may have made: a trigger in it would run SQL on every write the local cloud then makes, views and tables of
// another schema are nothing the local cloud wrote, and the notifies it holds as pending name the ports they are
// POSTed to at start, signed with the importer's keys. So an import is checked on a staging copy, and the targets of
// its notifies are derived again from the importing local cloud instead of taken from the export.
import Database from 'better-sqlite3';

/** Table names the local cloud's parts create: the database (tcb_), WeChat Pay, messages, shipping, printer, storage. */
const OWN_TABLE = /^(tcb|sandbox|outbox|shipping|printer|storage)_[A-Za-z0-9_-]{1,80}$/;
const SQLITE_TABLES = new Set(['sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);
/** Table definitions may not compute anything: no generated columns, checks or references. */
const COMPUTING_TABLE = /\b(GENERATED|CHECK|REFERENCES|VIRTUAL)\b|\bAS\s*\(|\bAS\s+SELECT\b/i;
/** The database's own expression indexes: dropped on import and rebuilt from cloudbase/database-indexes.json. */
const DATABASE_INDEX = /^tcb_i_/;
/** Other indexes must be plain column lists, as the parts create them. */
const PLAIN_INDEX = /^CREATE\s+(UNIQUE\s+)?INDEX\s+("[^"]+"|\w+)\s+ON\s+("[^"]+"|\w+)\s*\(\s*\w+(\s+(ASC|DESC))?(\s*,\s*\w+(\s+(ASC|DESC))?)*\s*\)$/i;
const HTTP_ACCESS_PATH = /^\/http\/[A-Za-z][A-Za-z0-9_-]{0,59}(\/|$)/;

export class ImportRefused extends Error {}

export interface ImportReport {
  /** Database indexes dropped, to be rebuilt from the declarations at start. */
  droppedIndexes: number;
  /** Pending notifies now addressed to the importing local cloud's own HTTP access. */
  redirectedNotifies: number;
  /** Pending notifies that will not be sent: their target was no HTTP access of a local cloud (or the port is unknown). */
  stoppedNotifies: number;
}

/**
 * Checks the staging copy of an export and makes it safe to open: throws ImportRefused (with every reason) when it
 * holds what the local cloud never writes; otherwise drops the database's expression indexes and re-derives the
 * notify targets for `port` (the importing local cloud's; undefined or 0 when not known yet: nothing is re-sent).
 */
export function checkAndPrepareImport(file: string, port: number | undefined): ImportReport {
  const db = new Database(file, { fileMustExist: true });
  try {
    refuseForeignSchema(db);
    return db.transaction(() => ({ droppedIndexes: dropDatabaseIndexes(db), ...rederiveNotifyTargets(db, port) }))();
  } finally {
    db.close();
  }
}

function refuseForeignSchema(db: Database.Database): void {
  const problems: string[] = [];
  let health: string;
  try {
    health = (db.pragma('quick_check', { simple: true }) as string) ?? '';
  } catch (err) {
    throw new ImportRefused(`the export is not a readable SQLite database (${err instanceof Error ? err.message : String(err)})`);
  }
  if (health !== 'ok') problems.push(`the file is damaged (SQLite's check: ${String(health).slice(0, 200)})`);
  const schema = db.prepare("SELECT type, name, tbl_name AS tableName, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex_%'").all() as Array<{
    type: string;
    name: string;
    tableName: string;
    sql: string | null;
  }>;
  for (const entry of schema) {
    const shown = JSON.stringify(entry.name.slice(0, 80));
    if (entry.type === 'trigger') problems.push(`trigger ${shown} (the local cloud never makes triggers: they would run SQL on its writes)`);
    else if (entry.type === 'view') problems.push(`view ${shown} (the local cloud never makes views)`);
    else if (entry.type === 'table') {
      if (SQLITE_TABLES.has(entry.name)) continue;
      if (!OWN_TABLE.test(entry.name)) problems.push(`table ${shown}, which is not one of the local cloud's`);
      else if (entry.sql === null || COMPUTING_TABLE.test(entry.sql)) problems.push(`table ${shown} computes values (generated columns, checks, references or a virtual table)`);
    } else if (entry.type === 'index') {
      if (!OWN_TABLE.test(entry.tableName)) continue; // reported with its table
      if (DATABASE_INDEX.test(entry.name)) continue; // dropped and rebuilt
      if (entry.sql === null || !PLAIN_INDEX.test(entry.sql.trim())) problems.push(`index ${shown} is not a plain column index`);
    } else problems.push(`${entry.type} ${shown}`);
  }
  if (problems.length > 0) throw new ImportRefused(`the export holds what the local cloud never writes, so it is not imported:\n  - ${problems.join('\n  - ')}`);
}

function dropDatabaseIndexes(db: Database.Database): number {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'tcb_i_%'").all() as Array<{ name: string }>).map((r) => r.name);
  for (const name of names) db.exec(`DROP INDEX "${name.replace(/"/g, '""')}"`);
  return names.length;
}

/** The importing local cloud's own HTTP access path for a target that was some local cloud's, or undefined. */
export function rederiveNotifyUrl(url: string, port: number | undefined): string | undefined {
  if (!port) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' || (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost')) return undefined;
  if (parsed.username || parsed.password || !HTTP_ACCESS_PATH.test(parsed.pathname)) return undefined;
  return `http://127.0.0.1:${port}${parsed.pathname}${parsed.search}`;
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function rederiveNotifyTargets(db: Database.Database, port: number | undefined): Omit<ImportReport, 'droppedIndexes'> {
  let redirectedNotifies = 0;
  let stoppedNotifies = 0;
  if (hasTable(db, 'sandbox_notifications')) {
    const pending = db.prepare("SELECT id, attempts, url FROM sandbox_notifications WHERE status = 'PENDING' AND url != ''").all() as Array<{ id: number; attempts: number; url: string }>;
    const canRecord = hasTable(db, 'sandbox_deliveries');
    for (const n of pending) {
      const target = rederiveNotifyUrl(n.url, port);
      if (target) {
        db.prepare('UPDATE sandbox_notifications SET url = ? WHERE id = ?').run(target, n.id);
        redirectedNotifies++;
        continue;
      }
      db.prepare("UPDATE sandbox_notifications SET status = 'GAVE_UP', url = '' WHERE id = ?").run(n.id);
      if (canRecord) {
        db.prepare("INSERT INTO sandbox_deliveries (notification_id, attempt, copy, at, outcome, detail, duration_ms, request) VALUES (?, ?, 1, ?, 'NOT_FOUND', ?, 0, '')").run(
          n.id,
          n.attempts + 1,
          Date.now(),
          `not sent after --import: its target ${JSON.stringify(n.url.slice(0, 200))} came from the export and is no HTTP access of this local cloud`,
        );
      }
      stoppedNotifies++;
    }
  }
  // Trades and refunds remember their notify_url for later results, and the shop's settings name its notify URLs
  // (every later payment is notified there): re-derived the same way, or removed — the shop then says its notify URL
  // is missing rather than notify a port the export chose. Unreadable rows are left to the parts that report them.
  rederiveUrlFields(db, 'sandbox_trades', ['notifyUrl'], port);
  rederiveUrlFields(db, 'sandbox_refunds', ['notifyUrl'], port);
  rederiveUrlFields(db, 'tcb_c_settings', ['payNotifyUrl', 'refundNotifyUrl'], port);
  return { redirectedNotifies, stoppedNotifies };
}

/** Re-derives (or removes) the given top-level URL fields of each JSON document in `table`'s `doc` column. */
function rederiveUrlFields(db: Database.Database, table: string, fields: string[], port: number | undefined): void {
  if (!hasTable(db, table)) return;
  const rows = db.prepare(`SELECT rowid AS rowid, doc FROM "${table}" WHERE doc LIKE '%otifyUrl%'`).all() as Array<{ rowid: number; doc: string }>;
  for (const row of rows) {
    let doc: unknown;
    try {
      doc = JSON.parse(row.doc);
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue;
    const fieldsOf = doc as Record<string, unknown>;
    let changed = false;
    for (const key of fields) {
      const url = fieldsOf[key];
      if (typeof url !== 'string' || url === '') continue;
      const target = rederiveNotifyUrl(url, port);
      if (target === url) continue;
      if (target) fieldsOf[key] = target;
      else delete fieldsOf[key];
      changed = true;
    }
    if (changed) db.prepare(`UPDATE "${table}" SET doc = ? WHERE rowid = ?`).run(JSON.stringify(doc), row.rowid);
  }
}
