// The outbox's durable state in the local cloud's SQLite file: one-time subscription quotas per (openid, template)
// and every message the functions tried to send, with what WeChat answered.
import type { Database, Statement } from 'better-sqlite3';
import { StatementCache } from '../sqlite/statements';

/** SENT: delivered; REFUSED: no subscription left (43101); INVALID: rejected by the template's rules. */
export type MessageStatus = 'SENT' | 'REFUSED' | 'INVALID';

export interface OutboxMessage {
  id: number;
  at: number;
  status: MessageStatus;
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, unknown>;
  miniprogramState?: string;
  lang?: string;
  errcode: number;
  errmsg: string;
  msgid?: number;
  /** The function that sent it, when a function did. */
  sender?: string;
}

interface MessageRow {
  id: number;
  at: number;
  status: MessageStatus;
  touser: string;
  template_id: string;
  page: string | null;
  data: string;
  miniprogram_state: string | null;
  lang: string | null;
  errcode: number;
  errmsg: string;
  msgid: number | null;
  sender: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox_grants (
  openid TEXT NOT NULL,
  template_id TEXT NOT NULL,
  remaining INTEGER NOT NULL,
  PRIMARY KEY (openid, template_id)
);
CREATE TABLE IF NOT EXISTS outbox_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  touser TEXT NOT NULL,
  template_id TEXT NOT NULL,
  page TEXT,
  data TEXT NOT NULL,
  miniprogram_state TEXT,
  lang TEXT,
  errcode INTEGER NOT NULL,
  errmsg TEXT NOT NULL,
  msgid INTEGER,
  sender TEXT
);
CREATE INDEX IF NOT EXISTS outbox_messages_by_touser ON outbox_messages (touser, id);
`;

export class OutboxStore {
  /** Each statement is compiled once; one transaction wrapper for every call (making one builds four functions). */
  private readonly statements: StatementCache;
  private readonly runInTransaction: (work: () => unknown) => unknown;

  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.statements = new StatementCache(db);
    this.runInTransaction = db.transaction((work: () => unknown) => work());
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  /** Each acceptance of wx.requestSubscribeMessage allows one more message of that template to that user. */
  grant(openid: string, templateIds: readonly string[]): Record<string, number> {
    const add = this.stmt(
      'INSERT INTO outbox_grants (openid, template_id, remaining) VALUES (?, ?, 1) ON CONFLICT(openid, template_id) DO UPDATE SET remaining = remaining + 1',
    );
    this.transaction(() => {
      for (const id of templateIds) add.run(openid, id);
    });
    return this.quotas(openid);
  }

  quotas(openid: string): Record<string, number> {
    const rows = this.stmt('SELECT template_id, remaining FROM outbox_grants WHERE openid = ? AND remaining > 0 ORDER BY template_id').all(openid) as Array<{
      template_id: string;
      remaining: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.template_id, r.remaining]));
  }

  /** Uses up one subscription if there is one; false when the user has none left for this template. */
  consume(openid: string, templateId: string): boolean {
    const info = this.stmt('UPDATE outbox_grants SET remaining = remaining - 1 WHERE openid = ? AND template_id = ? AND remaining > 0').run(openid, templateId);
    return info.changes === 1;
  }

  record(message: Omit<OutboxMessage, 'id'>): OutboxMessage {
    const info = this.stmt(
      `INSERT INTO outbox_messages (at, status, touser, template_id, page, data, miniprogram_state, lang, errcode, errmsg, msgid, sender)
       VALUES (@at, @status, @touser, @templateId, @page, @data, @miniprogramState, @lang, @errcode, @errmsg, @msgid, @sender)`,
    ).run({
      ...message,
      page: message.page ?? null,
      data: JSON.stringify(message.data),
      miniprogramState: message.miniprogramState ?? null,
      lang: message.lang ?? null,
      msgid: message.msgid ?? null,
      sender: message.sender ?? null,
    });
    return { ...message, id: Number(info.lastInsertRowid) };
  }

  /** Newest first. */
  messages(filter: { touser?: string; templateId?: string; status?: MessageStatus; limit: number; offset: number }): { total: number; messages: OutboxMessage[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.touser) {
      where.push('touser = ?');
      args.push(filter.touser);
    }
    if (filter.templateId) {
      where.push('template_id = ?');
      args.push(filter.templateId);
    }
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM outbox_messages ${clause}`).get(...args) as { n: number }).n;
    const rows = this.stmt(`SELECT * FROM outbox_messages ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as MessageRow[];
    return { total, messages: rows.map(toMessage) };
  }

  transaction<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }

  reset(): void {
    this.db.exec('DELETE FROM outbox_messages; DELETE FROM outbox_grants;');
  }
}

function toMessage(row: MessageRow): OutboxMessage {
  return {
    id: row.id,
    at: row.at,
    status: row.status,
    touser: row.touser,
    templateId: row.template_id,
    page: row.page ?? undefined,
    data: JSON.parse(row.data) as Record<string, unknown>,
    miniprogramState: row.miniprogram_state ?? undefined,
    lang: row.lang ?? undefined,
    errcode: row.errcode,
    errmsg: row.errmsg,
    msgid: row.msgid ?? undefined,
    sender: row.sender ?? undefined,
  };
}
