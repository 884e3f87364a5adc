// The CloudBase environment as the deploy and doctor see it, through @cloudbase/manager-node (pinned 5.6.5): typed
// reads and writes of exactly the resources the declarations cover. Errors keep manager-node's code (e.g.
// ResourceNotFound.Function) so callers can tell "missing" from "failed".
import type CloudBase from '@cloudbase/manager-node';
import type { IndexDeclaration } from '../../emulator/src/database/index-declarations';
import type { TencentCloudCredentials } from './credentials';

export interface RemoteFunction {
  name: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  description: string;
  env: Record<string, string>;
  triggers: Array<{ name: string; config: string }>;
}

export interface RemoteRoute {
  apiId: string;
  path: string;
  functionName: string;
}

export interface CloudTarget {
  envId: string;
  credentials: TencentCloudCredentials;
  /** An HTTP(S) proxy for every Tencent Cloud API request (the local cloud's control plane is reached this way). */
  proxy?: string;
  region?: string;
}

export class CloudCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CloudCallError';
  }
}

type Raw = Record<string, unknown>;

function codeOf(err: unknown): string {
  return typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : '';
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CloudCallError(codeOf(err), `${what}: ${message}`);
  }
}

const notFound = (err: unknown) => /^ResourceNotFound/.test(codeOf(err));

function timerConfig(desc: unknown): string {
  // SCF may answer a timer's description as {"cron": "..."}; manager-node sends the cron text itself.
  if (typeof desc !== 'string') return '';
  try {
    const parsed = JSON.parse(desc) as { cron?: unknown };
    if (typeof parsed?.cron === 'string') return parsed.cron;
  } catch {
    // plain cron text
  }
  return desc;
}

interface PermissionEntry {
  Resource: string;
  Permission: string;
  SecurityRule?: string;
}

/**
 * DescribeResourcePermission answers {Data: {PermissionList, TotalCount}} (https://cloud.tencent.com/document/api/876/132256);
 * manager-node 5.6.5's type puts PermissionList at the top. Read the documented place, then the typed one.
 */
function permissionList(res: Raw): PermissionEntry[] {
  const data = res.Data as { PermissionList?: unknown } | undefined;
  const list = data?.PermissionList ?? res.PermissionList;
  return Array.isArray(list) ? (list as PermissionEntry[]) : [];
}

/**
 * A document as RunCommands gives it, EJSON (canonical or relaxed: https://cloud.tencent.com/document/api/876/129012
 * shows dates as {"$date": {"$numberLong": …}}), turned into the plain JSON the shop file is written in: numbers as
 * numbers, dates as ISO text.
 */
export function fromEjson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromEjson);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const v = o[k];
    if ((k === '$numberInt' || k === '$numberLong' || k === '$numberDouble') && typeof v === 'string') return Number(v);
    if (k === '$date') {
      const ms = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : Number((v as { $numberLong?: unknown } | null)?.$numberLong);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : v;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, fromEjson(o[k])]));
}

export class Cloud {
  private readonly app: CloudBase;

  constructor(readonly target: CloudTarget) {
    // Loaded here, not at the top: it takes seconds, and a deploy refused for its declarations never needs it.
    const loaded = require('@cloudbase/manager-node') as typeof CloudBase & { default?: typeof CloudBase };
    const Manager = loaded.default ?? loaded;
    this.app = new Manager({ ...target.credentials, envId: target.envId, ...(target.proxy ? { proxy: target.proxy } : {}), ...(target.region ? { region: target.region } : {}) });
  }

  // ---- database ----

  async collections(): Promise<string[]> {
    const res = await call('list collections', () => this.app.database.listCollections({ MgoLimit: 1000, MgoOffset: 0 }));
    return ((res as unknown as { Collections?: Array<{ CollectionName: string }> }).Collections ?? []).map((c) => c.CollectionName);
  }

  /** The collection's indexes besides _id, or undefined when the collection does not exist. */
  async indexes(collection: string): Promise<IndexDeclaration[] | undefined> {
    let res: Raw;
    try {
      res = (await this.app.database.describeCollection(collection)) as unknown as Raw;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw new CloudCallError(codeOf(err), `describe collection ${collection}: ${(err as Error).message}`);
    }
    const list = (res.Indexes ?? []) as Array<{ Name: string; Unique?: boolean; Keys?: Array<{ Name: string; Direction: string }> }>;
    return list
      .filter((i) => i.Name !== '_id_')
      .map((i) => ({ name: i.Name, unique: i.Unique === true, keys: Object.fromEntries((i.Keys ?? []).map((k) => [k.Name, k.Direction === '-1' ? -1 : 1])) as Record<string, 1 | -1> }));
  }

  async createCollection(name: string): Promise<void> {
    await call(`create collection ${name}`, () => this.app.database.createCollection(name));
  }

  async createIndex(collection: string, index: IndexDeclaration): Promise<void> {
    const keys = Object.entries(index.keys).map(([Name, d]) => ({ Name, Direction: String(d) }));
    await call(`create index ${collection}.${index.name}`, () =>
      this.app.database.updateCollection(collection, { CreateIndexes: [{ IndexName: index.name, MgoKeySchema: { MgoIsUnique: index.unique === true, MgoIndexKeys: keys } }] } as never),
    );
  }

  async dropIndex(collection: string, name: string): Promise<void> {
    await call(`drop index ${collection}.${name}`, () => this.app.database.updateCollection(collection, { DropIndexes: [{ IndexName: name }] } as never));
  }

  async getDocument(collection: string, id: string): Promise<Raw | undefined> {
    const res = await call(`read ${collection}/${id}`, () =>
      this.app.database.runCommands({ MgoCommands: [{ TableName: collection, CommandType: 'QUERY', Command: JSON.stringify({ find: collection, filter: { _id: id } }) }] }),
    );
    // Data[0]: the command's documents, a JSON array of EJSON strings (RunCommands' example, see fromEjson).
    const list = res.Data?.[0] ? (JSON.parse(res.Data[0]) as unknown[]) : [];
    const first = list[0];
    if (first === undefined) return undefined;
    return fromEjson(typeof first === 'string' ? JSON.parse(first) : first) as Raw;
  }

  async putDocument(collection: string, id: string, doc: Raw): Promise<void> {
    await call(`write ${collection}/${id}`, () =>
      this.app.database.runCommands({
        MgoCommands: [{ TableName: collection, CommandType: 'UPDATE', Command: JSON.stringify({ update: collection, updates: [{ q: { _id: id }, u: { ...doc, _id: id }, upsert: true }] }) }],
      }),
    );
  }

  // ---- permissions ----

  async collectionPermissions(): Promise<Map<string, string>> {
    const res = (await call('read collection permissions', () => this.app.permission.describeResourcePermission({ resourceType: 'collection' }))) as unknown as Raw;
    return new Map(permissionList(res).map((p) => [p.Resource, p.Permission]));
  }

  async setCollectionPermission(collection: string, permission: string): Promise<void> {
    await call(`set permission of ${collection}`, () => this.app.permission.modifyResourcePermission({ resourceType: 'collection', resource: collection, permission } as never));
  }

  /** The environment's function security rule as JSON text, or undefined when none was set. */
  async functionRule(): Promise<string | undefined> {
    const res = (await call('read the function security rule', () => this.app.permission.describeResourcePermission({ resourceType: 'function' }))) as unknown as Raw;
    const entry = permissionList(res).find((p) => p.Permission === 'CUSTOM');
    return entry?.SecurityRule || undefined;
  }

  async setFunctionRule(rule: string): Promise<void> {
    await call('set the function security rule', () => this.app.permission.modifyResourcePermission({ resourceType: 'function', permission: 'CUSTOM', securityRule: rule } as never));
  }

  /** The storage bucket's permission (READONLY … CUSTOM) and, for CUSTOM, its rule. */
  async storageRule(): Promise<{ acl: string; rule?: unknown }> {
    const res = await call('read the storage security rule', () => this.app.storage.getStorageAcl({ withRule: true }));
    return { acl: String(res.acl), ...(res.rule !== undefined ? { rule: res.rule } : {}) };
  }

  async setStorageRule(rule: Record<string, unknown>): Promise<void> {
    await call('set the storage security rule', () => this.app.storage.setStorageAcl('CUSTOM', rule as never));
  }

  // ---- functions ----

  async functionNames(): Promise<string[]> {
    const res = (await call('list functions', () => this.app.functions.listFunctions(100, 0))) as unknown as Raw[];
    return (Array.isArray(res) ? res : []).map((f) => String(f.FunctionName));
  }

  async getFunction(name: string): Promise<RemoteFunction | undefined> {
    let d: Raw;
    try {
      d = (await this.app.functions.getFunctionDetail(name)) as unknown as Raw;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw new CloudCallError(codeOf(err), `read function ${name}: ${(err as Error).message}`);
    }
    const vars = ((d.Environment as { Variables?: Array<{ Key: string; Value: string }> } | undefined)?.Variables ?? []) as Array<{ Key: string; Value: string }>;
    const triggers = ((d.Triggers ?? []) as Array<{ Type?: string; TriggerName: string; TriggerDesc?: string }>).filter((t) => t.Type === 'timer');
    return {
      name,
      runtime: String(d.Runtime ?? ''),
      memorySize: Number(d.MemorySize ?? 0),
      timeout: Number(d.Timeout ?? 0),
      description: String(d.Description ?? ''),
      env: Object.fromEntries(vars.map((v) => [v.Key, v.Value])),
      triggers: triggers.map((t) => ({ name: t.TriggerName, config: timerConfig(t.TriggerDesc) })),
    };
  }

  async createFunction(fn: { name: string; root: string; runtime: string; memorySize: number; timeout: number; description: string; env: Record<string, string> }): Promise<void> {
    await call(`create function ${fn.name}`, () =>
      this.app.functions.createFunction({
        func: { name: fn.name, runtime: fn.runtime, memorySize: fn.memorySize, timeout: fn.timeout, description: fn.description, envVariables: fn.env, installDependency: false, triggers: [] },
        functionRootPath: fn.root,
        deployMode: 'zip',
      } as never),
    );
  }

  async updateFunctionCode(fn: { name: string; root: string; runtime: string }): Promise<void> {
    await call(`upload code of ${fn.name}`, () =>
      this.app.functions.updateFunctionCode({ func: { name: fn.name, runtime: fn.runtime, installDependency: false }, functionRootPath: fn.root, deployMode: 'zip' } as never),
    );
  }

  /** Environment is replaced as a whole by SCF: `env` must be every variable the function keeps. */
  async updateFunctionConfig(fn: { name: string; memorySize: number; timeout: number; description: string; env: Record<string, string> }): Promise<void> {
    await call(`configure function ${fn.name}`, () =>
      this.app.functions.updateFunctionConfig({ name: fn.name, memorySize: fn.memorySize, timeout: fn.timeout, description: fn.description, envVariables: fn.env } as never),
    );
  }

  async createTrigger(functionName: string, trigger: { name: string; config: string }): Promise<void> {
    await call(`create timer ${trigger.name} of ${functionName}`, () => this.app.functions.createFunctionTriggers(functionName, [{ name: trigger.name, type: 'timer', config: trigger.config }]));
  }

  async deleteTrigger(functionName: string, name: string): Promise<void> {
    await call(`delete timer ${name} of ${functionName}`, () => this.app.functions.deleteFunctionTrigger(functionName, name));
  }

  /** Runs a function with `event` (SCF Invoke: no user) and returns what it returned. */
  async invoke(name: string, event: Record<string, unknown>): Promise<unknown> {
    const res = (await call(`invoke ${name}`, () => this.app.functions.invokeFunction(name, event))) as unknown as Raw;
    if (res.InvokeResult !== 0) throw new CloudCallError('InvokeFailed', `invoke ${name}: ${String(res.ErrMsg ?? 'the function failed')}`);
    try {
      return JSON.parse(String(res.RetMsg ?? 'null'));
    } catch {
      return res.RetMsg;
    }
  }

  async deleteFunction(name: string): Promise<void> {
    await call(`delete function ${name}`, () => this.app.functions.deleteFunction(name));
  }

  // ---- HTTP access ----

  async routes(): Promise<RemoteRoute[]> {
    const res = (await call('list HTTP access paths', () => this.app.access.getAccessList({}))) as unknown as Raw;
    return ((res.APISet ?? []) as Array<{ APIId: string; Path: string; Name: string; Type?: number }>).filter((a) => a.Type === undefined || a.Type === 1).map((a) => ({ apiId: a.APIId, path: a.Path, functionName: a.Name }));
  }

  async createRoute(path: string, functionName: string): Promise<void> {
    await call(`create HTTP access path ${path}`, () => this.app.access.createAccess({ path, name: functionName }));
  }

  async deleteRoute(route: RemoteRoute): Promise<void> {
    await call(`delete HTTP access path ${route.path}`, () => this.app.access.deleteAccess({ apiId: route.apiId } as never));
  }
}
