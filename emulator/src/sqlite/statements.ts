// A SQLite connection's statements, each compiled once: the sandbox and outbox stores run the same few statements on
// every request, and preparing one costs more than running it.
import type { Database, Statement } from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
