// The sandbox's durable state, in its own tables of the local cloud's SQLite file: trades, refunds, callback
// notifications with every delivery attempt, and settings. It survives a restart like the database does.
import type { Database, Statement } from 'better-sqlite3';
import { StatementCache } from '../sqlite/statements';
import type { PayProtocol, Refund, Trade } from './model';

export type NotificationKind = 'payment' | 'refund';
export type NotificationStatus = 'PENDING' | 'ACKNOWLEDGED' | 'GAVE_UP' | 'DROPPED';

export interface Notification {
  id: number;
  kind: NotificationKind;
  /** out_trade_no for payments, out_refund_no for refunds. */
  subject: string;
  functionName: string;
  /** The environment WeChat was told to call (env_id); '' when the request named none. */
  envId: string;
  /** cloudPay: an event to `functionName`; APIv2/v3: a request to `url` in that protocol. */
  protocol: PayProtocol;
  url: string;
  /** The result, protocol-neutral (cloudPay's camelCase event); APIv2/v3 encode it afresh for each attempt. */
  event: Record<string, unknown>;
  status: NotificationStatus;
  /** Attempts made so far (a round of duplicate copies counts as one attempt). */
  attempts: number;
  /** Copies to deliver in the next round (duplicates asked for by the control API), and whether at once. */
  copies: number;
  concurrent: boolean;
  /** Epoch ms of the next attempt while PENDING. */
  nextAt: number;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryOutcome = 'ACKNOWLEDGED' | 'REJECTED' | 'FAILED' | 'TIMEOUT' | 'NOT_FOUND';

export interface Delivery {
  notificationId: number;
  attempt: number;
  copy: number;
  at: number;
  outcome: DeliveryOutcome;
  /** What the function answered, or why the delivery failed (no personal data: the event is not repeated here). */
  detail: string;
  durationMs: number;
  /** APIv2/v3: the body POSTed in this attempt (each attempt is signed afresh), so a developer sees what arrived. */
  request?: string;
}

export interface SandboxSettings {
  autoSettleRefunds: boolean;
  /** Overrides the local cloud's time factor for the sandbox's schedules (retries, the 5-minute close rule). */
  timeScale?: number;
}

interface NotificationRow {
  id: number;
  kind: NotificationKind;
  subject: string;
  function_name: string;
  env_id: string;
  protocol: PayProtocol;
  url: string;
  event: string;
  status: NotificationStatus;
  attempts: number;
  copies: number;
  concurrent: number;
  next_at: number;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  notification_id: number;
  attempt: number;
  copy: number;
  at: number;
  outcome: DeliveryOutcome;
  detail: string;
  duration_ms: number;
  request: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sandbox_trades (
  out_trade_no TEXT PRIMARY KEY,
  prepay_id TEXT NOT NULL UNIQUE,
  transaction_id TEXT UNIQUE,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sandbox_refunds (
  out_refund_no TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL UNIQUE,
  out_trade_no TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sandbox_refunds_by_trade ON sandbox_refunds (out_trade_no, created_at);
CREATE TABLE IF NOT EXISTS sandbox_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  function_name TEXT NOT NULL,
  env_id TEXT NOT NULL DEFAULT '',
  protocol TEXT NOT NULL DEFAULT 'cloudpay',
  url TEXT NOT NULL DEFAULT '',
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  copies INTEGER NOT NULL,
  concurrent INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sandbox_notifications_by_subject ON sandbox_notifications (kind, subject);
CREATE INDEX IF NOT EXISTS sandbox_notifications_pending ON sandbox_notifications (status, next_at);
CREATE TABLE IF NOT EXISTS sandbox_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  copy INTEGER NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  request TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sandbox_deliveries_by_notification ON sandbox_deliveries (notification_id, id);
CREATE TABLE IF NOT EXISTS sandbox_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export class SandboxStore {
  /** Each statement is compiled once: preparing one costs more than running it, and every payment call runs several. */
  private readonly statements: StatementCache;
  /** One transaction wrapper for every call: better-sqlite3 builds four functions each time one is made. */
  private readonly runInTransaction: (work: () => unknown) => unknown;

  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.statements = new StatementCache(db);
    this.runInTransaction = db.transaction((work: () => unknown) => work());
    // Files written before notifications kept their environment.
    const columns = db.prepare('PRAGMA table_info(sandbox_notifications)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'env_id')) db.exec("ALTER TABLE sandbox_notifications ADD COLUMN env_id TEXT NOT NULL DEFAULT ''");
    if (!columns.some((c) => c.name === 'protocol')) db.exec("ALTER TABLE sandbox_notifications ADD COLUMN protocol TEXT NOT NULL DEFAULT 'cloudpay'");
    if (!columns.some((c) => c.name === 'url')) db.exec("ALTER TABLE sandbox_notifications ADD COLUMN url TEXT NOT NULL DEFAULT ''");
    const deliveryColumns = db.prepare('PRAGMA table_info(sandbox_deliveries)').all() as Array<{ name: string }>;
    if (!deliveryColumns.some((c) => c.name === 'request')) db.exec("ALTER TABLE sandbox_deliveries ADD COLUMN request TEXT NOT NULL DEFAULT ''");
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  // ---- trades ----

  trade(outTradeNo: string): Trade | undefined {
    const row = this.stmt('SELECT doc FROM sandbox_trades WHERE out_trade_no = ?').get(outTradeNo) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Trade) : undefined;
  }

  tradeByTransactionId(transactionId: string): Trade | undefined {
    const row = this.stmt('SELECT doc FROM sandbox_trades WHERE transaction_id = ?').get(transactionId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Trade) : undefined;
  }

  tradeByPrepayId(prepayId: string): Trade | undefined {
    const row = this.stmt('SELECT doc FROM sandbox_trades WHERE prepay_id = ?').get(prepayId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Trade) : undefined;
  }

  saveTrade(trade: Trade): void {
    this.stmt(
      `INSERT INTO sandbox_trades (out_trade_no, prepay_id, transaction_id, doc) VALUES (@outTradeNo, @prepayId, @transactionId, @doc)
       ON CONFLICT(out_trade_no) DO UPDATE SET prepay_id = excluded.prepay_id, transaction_id = excluded.transaction_id, doc = excluded.doc`,
    ).run({ outTradeNo: trade.outTradeNo, prepayId: trade.prepayId, transactionId: trade.transactionId ?? null, doc: JSON.stringify(trade) });
  }

  trades(limit: number): Trade[] {
    const rows = this.stmt('SELECT doc FROM sandbox_trades ORDER BY rowid DESC LIMIT ?').all(limit) as Array<{ doc: string }>;
    return rows.map((r) => JSON.parse(r.doc) as Trade);
  }

  /** Trades paid in [from, to): a day's bill. The sandbox's ledger is small; a scan is fine. */
  tradesPaidBetween(from: number, to: number): Trade[] {
    const rows = this.stmt("SELECT doc FROM sandbox_trades WHERE json_extract(doc, '$.paidAt') >= ? AND json_extract(doc, '$.paidAt') < ? ORDER BY rowid").all(from, to) as Array<{ doc: string }>;
    return rows.map((r) => JSON.parse(r.doc) as Trade);
  }

  // ---- refunds ----

  refund(outRefundNo: string): Refund | undefined {
    const row = this.stmt('SELECT doc FROM sandbox_refunds WHERE out_refund_no = ?').get(outRefundNo) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Refund) : undefined;
  }

  refundById(refundId: string): Refund | undefined {
    const row = this.stmt('SELECT doc FROM sandbox_refunds WHERE refund_id = ?').get(refundId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Refund) : undefined;
  }

  /** Oldest first, as queryRefund lists them. */
  refundsOf(outTradeNo: string): Refund[] {
    const rows = this.stmt('SELECT doc FROM sandbox_refunds WHERE out_trade_no = ? ORDER BY created_at, rowid').all(outTradeNo) as Array<{ doc: string }>;
    return rows.map((r) => JSON.parse(r.doc) as Refund);
  }

  /** Refunds submitted in [from, to): a bill lists a refund on the day it was asked for, whatever became of it. */
  refundsCreatedBetween(from: number, to: number): Refund[] {
    const rows = this.stmt('SELECT doc FROM sandbox_refunds WHERE created_at >= ? AND created_at < ? ORDER BY created_at, rowid').all(from, to) as Array<{ doc: string }>;
    return rows.map((r) => JSON.parse(r.doc) as Refund);
  }

  saveRefund(refund: Refund): void {
    this.stmt(
      `INSERT INTO sandbox_refunds (out_refund_no, refund_id, out_trade_no, created_at, doc) VALUES (@outRefundNo, @refundId, @outTradeNo, @createdAt, @doc)
       ON CONFLICT(out_refund_no) DO UPDATE SET doc = excluded.doc`,
    ).run({ outRefundNo: refund.outRefundNo, refundId: refund.refundId, outTradeNo: refund.outTradeNo, createdAt: refund.createdAt, doc: JSON.stringify(refund) });
  }

  // ---- notifications ----

  addNotification(n: Omit<Notification, 'id'>): Notification {
    const info = this.stmt(
      `INSERT INTO sandbox_notifications (kind, subject, function_name, env_id, protocol, url, event, status, attempts, copies, concurrent, next_at, created_at, updated_at)
       VALUES (@kind, @subject, @functionName, @envId, @protocol, @url, @event, @status, @attempts, @copies, @concurrent, @nextAt, @createdAt, @updatedAt)`,
    ).run({ ...n, event: JSON.stringify(n.event), concurrent: n.concurrent ? 1 : 0 });
    return { ...n, id: Number(info.lastInsertRowid) };
  }

  notification(id: number): Notification | undefined {
    const row = this.stmt('SELECT * FROM sandbox_notifications WHERE id = ?').get(id) as NotificationRow | undefined;
    return row ? toNotification(row) : undefined;
  }

  notificationsOf(kind: NotificationKind, subject: string): Notification[] {
    const rows = this.stmt('SELECT * FROM sandbox_notifications WHERE kind = ? AND subject = ? ORDER BY id').all(kind, subject) as NotificationRow[];
    return rows.map(toNotification);
  }

  pendingNotifications(): Notification[] {
    const rows = this.stmt("SELECT * FROM sandbox_notifications WHERE status = 'PENDING' ORDER BY next_at, id").all() as NotificationRow[];
    return rows.map(toNotification);
  }

  updateNotification(id: number, change: Partial<Pick<Notification, 'status' | 'attempts' | 'copies' | 'concurrent' | 'nextAt'>>, now: number): void {
    const current = this.notification(id);
    if (!current) return;
    const next = { ...current, ...change };
    this.stmt('UPDATE sandbox_notifications SET status = ?, attempts = ?, copies = ?, concurrent = ?, next_at = ?, updated_at = ? WHERE id = ?')
      .run(next.status, next.attempts, next.copies, next.concurrent ? 1 : 0, next.nextAt, now, id);
  }

  addDelivery(d: Delivery): void {
    this.stmt('INSERT INTO sandbox_deliveries (notification_id, attempt, copy, at, outcome, detail, duration_ms, request) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.notificationId, d.attempt, d.copy, d.at, d.outcome, d.detail, d.durationMs, d.request ?? '');
  }

  deliveriesOf(notificationId: number): Delivery[] {
    const rows = this.stmt('SELECT * FROM sandbox_deliveries WHERE notification_id = ? ORDER BY id').all(notificationId) as DeliveryRow[];
    return rows.map((r) => ({ notificationId: r.notification_id, attempt: r.attempt, copy: r.copy, at: r.at, outcome: r.outcome, detail: r.detail, durationMs: r.duration_ms, ...(r.request ? { request: r.request } : {}) }));
  }

  // ---- settings ----

  settings(defaults: SandboxSettings): SandboxSettings {
    const rows = this.stmt('SELECT key, value FROM sandbox_settings').all() as Array<{ key: string; value: string }>;
    const stored: Record<string, unknown> = {};
    for (const r of rows) stored[r.key] = JSON.parse(r.value);
    return {
      autoSettleRefunds: typeof stored.autoSettleRefunds === 'boolean' ? stored.autoSettleRefunds : defaults.autoSettleRefunds,
      timeScale: typeof stored.timeScale === 'number' ? stored.timeScale : defaults.timeScale,
    };
  }

  saveSetting(key: keyof SandboxSettings, value: boolean | number | undefined): void {
    if (value === undefined) this.stmt('DELETE FROM sandbox_settings WHERE key = ?').run(key);
    else this.stmt('INSERT INTO sandbox_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  transaction<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }

  /** Forgets every trade, refund, notification and setting (tests and demos start from nothing). */
  reset(): void {
    this.db.exec('DELETE FROM sandbox_deliveries; DELETE FROM sandbox_notifications; DELETE FROM sandbox_refunds; DELETE FROM sandbox_trades; DELETE FROM sandbox_settings;');
  }
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    functionName: row.function_name,
    envId: row.env_id,
    protocol: row.protocol,
    url: row.url,
    event: JSON.parse(row.event) as Record<string, unknown>,
    status: row.status,
    attempts: row.attempts,
    copies: row.copies,
    concurrent: row.concurrent === 1,
    nextAt: row.next_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
