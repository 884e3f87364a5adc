// What has been deployed to the local cloud's bare environment: functions (settings, environment, code hash),
// timer triggers, HTTP access paths, resource permissions and the indexes declared through the API. Kept in the
// database file (tables prefixed cp_), so a bare local cloud restarted on its data folder is the same environment.
import type Database from 'better-sqlite3';
import type { IndexDeclaration } from '../database';

export interface DeployedFunction {
  name: string;
  runtime: string;
  handler: string;
  memorySize: number;
  timeout: number;
  description: string;
  env: Record<string, string>;
  codeSha256: string;
  codeSize: number;
  modTime: string;
}

export interface DeployedTrigger {
  functionName: string;
  name: string;
  config: string;
}

export interface DeployedRoute {
  apiId: string;
  path: string;
  functionName: string;
  createdAt: string;
}

export interface ResourcePermission {
  resourceType: string;
  /** '' for the environment-wide function rule. */
  resource: string;
  permission: string;
  securityRule: string;
}

export class ControlPlaneState {
  constructor(private readonly sqlite: Database.Database) {
    sqlite.exec(`
      CREATE TABLE IF NOT EXISTS cp_functions (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS cp_triggers (function TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL, PRIMARY KEY (function, name));
      CREATE TABLE IF NOT EXISTS cp_routes (path TEXT PRIMARY KEY, api_id TEXT NOT NULL, function TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS cp_permissions (resource_type TEXT NOT NULL, resource TEXT NOT NULL, permission TEXT NOT NULL, rule TEXT NOT NULL, PRIMARY KEY (resource_type, resource));
      CREATE TABLE IF NOT EXISTS cp_indexes (collection TEXT PRIMARY KEY, list TEXT NOT NULL);
    `);
  }

  functionNamed(name: string): DeployedFunction | undefined {
    const row = this.sqlite.prepare('SELECT doc FROM cp_functions WHERE name = ?').get(name) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as DeployedFunction) : undefined;
  }

  functions(): DeployedFunction[] {
    return (this.sqlite.prepare('SELECT doc FROM cp_functions ORDER BY name').all() as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as DeployedFunction);
  }

  putFunction(fn: DeployedFunction): void {
    this.sqlite.prepare('INSERT INTO cp_functions (name, doc) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET doc = excluded.doc').run(fn.name, JSON.stringify(fn));
  }

  deleteFunction(name: string): void {
    this.sqlite.prepare('DELETE FROM cp_functions WHERE name = ?').run(name);
    this.sqlite.prepare('DELETE FROM cp_triggers WHERE function = ?').run(name);
  }

  triggers(functionName: string): DeployedTrigger[] {
    return (this.sqlite.prepare('SELECT name, config FROM cp_triggers WHERE function = ? ORDER BY name').all(functionName) as Array<{ name: string; config: string }>).map((r) => ({ functionName, ...r }));
  }

  putTrigger(t: DeployedTrigger): boolean {
    return this.sqlite.prepare('INSERT OR IGNORE INTO cp_triggers (function, name, config) VALUES (?, ?, ?)').run(t.functionName, t.name, t.config).changes === 1;
  }

  deleteTrigger(functionName: string, name: string): boolean {
    return this.sqlite.prepare('DELETE FROM cp_triggers WHERE function = ? AND name = ?').run(functionName, name).changes === 1;
  }

  routes(): DeployedRoute[] {
    return (this.sqlite.prepare('SELECT path, api_id, function, created_at FROM cp_routes ORDER BY path').all() as Array<{ path: string; api_id: string; function: string; created_at: string }>).map((r) => ({
      path: r.path,
      apiId: r.api_id,
      functionName: r.function,
      createdAt: r.created_at,
    }));
  }

  putRoute(r: DeployedRoute): boolean {
    return this.sqlite.prepare('INSERT OR IGNORE INTO cp_routes (path, api_id, function, created_at) VALUES (?, ?, ?, ?)').run(r.path, r.apiId, r.functionName, r.createdAt).changes === 1;
  }

  deleteRoutes(match: { path?: string; apiId?: string; functionName?: string }): number {
    const doomed = this.routes().filter((r) => (match.path === undefined || r.path === match.path) && (match.apiId === undefined || r.apiId === match.apiId) && (match.functionName === undefined || r.functionName === match.functionName));
    for (const r of doomed) this.sqlite.prepare('DELETE FROM cp_routes WHERE path = ?').run(r.path);
    return doomed.length;
  }

  permissions(resourceType: string): ResourcePermission[] {
    return (this.sqlite.prepare('SELECT resource, permission, rule FROM cp_permissions WHERE resource_type = ? ORDER BY resource').all(resourceType) as Array<{ resource: string; permission: string; rule: string }>).map((r) => ({
      resourceType,
      resource: r.resource,
      permission: r.permission,
      securityRule: r.rule,
    }));
  }

  putPermission(p: ResourcePermission): void {
    this.sqlite
      .prepare('INSERT INTO cp_permissions (resource_type, resource, permission, rule) VALUES (?, ?, ?, ?) ON CONFLICT(resource_type, resource) DO UPDATE SET permission = excluded.permission, rule = excluded.rule')
      .run(p.resourceType, p.resource, p.permission, p.securityRule);
  }

  indexes(): Array<{ collection: string; list: IndexDeclaration[] }> {
    return (this.sqlite.prepare('SELECT collection, list FROM cp_indexes ORDER BY collection').all() as Array<{ collection: string; list: string }>).map((r) => ({ collection: r.collection, list: JSON.parse(r.list) as IndexDeclaration[] }));
  }

  putIndexes(collection: string, list: IndexDeclaration[]): void {
    this.sqlite.prepare('INSERT INTO cp_indexes (collection, list) VALUES (?, ?) ON CONFLICT(collection) DO UPDATE SET list = excluded.list').run(collection, JSON.stringify(list));
  }
}
