// The Tencent Cloud API actions a deploy uses (the ones @cloudbase/manager-node 5.6.5 sends for collections and
// indexes, permissions, functions, timer triggers and HTTP access), played against the bare environment's state.
// Shapes follow Tencent Cloud's API reference for tcb 2018-06-08 and scf 2018-04-16; answers carry only the
// fields a deploy reads.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { validateIndexDeclarations, type IndexDeclaration, type LocalDatabase } from '../database';
import { parseEjson, toEjson } from '../database/ejson';
import { isFunctionName } from '../runner/catalog';
import { bucketOf } from '../storage/paths';
import { parseCron } from '../runner/cron';
import type { InvokeOutcome } from '../contracts';
import type { ControlPlaneState, DeployedFunction } from './state';
import { readZip, ZipError } from './zip';
import { parseStorageRules } from '../storage/rules';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ActionContext {
  envId: string;
  state: ControlPlaneState;
  db: LocalDatabase;
  /** Where uploaded code is unpacked: <codeRoot>/<function>/ is what the runner runs. */
  codeRoot: string;
  /** Timer triggers changed: reschedule. */
  onTriggersChanged(): void;
  /** Runs a deployed function as SCF's Invoke does: no user, the event as given. */
  invoke(name: string, event: unknown): Promise<InvokeOutcome>;
  log(event: string, fields?: Record<string, unknown>): void;
}

type Params = Record<string, unknown>;
type Handler = (p: Params) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Node runtimes SCF offers for CloudBase functions. */
const RUNTIMES = ['Nodejs10.15', 'Nodejs12.16', 'Nodejs14.18', 'Nodejs16.13', 'Nodejs18.15', 'Nodejs20.19'];
const MEMORY_SIZES = [64, 128, 256, 512, 1024, 2048, 3072];
/** CloudBase keeps at most 4 KB of variables per function. */
const ENV_LIMIT_BYTES = 4096;
/** The local cloud's own pointers (its WeChat Pay and printer, its CA): a real shop never sets them, so they are not counted. */
const LOCAL_POINTERS = ['WECHATPAY_BASE_URL', 'WECHATPAY_CA_CERT', 'FEIE_API_URL'];
const PERMISSIONS: Record<string, string[]> = {
  collection: ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'],
  function: ['CUSTOM'],
  storage: ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'],
};

const str = (p: Params, key: string): string | undefined => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
function need(p: Params, key: string): string {
  const v = str(p, key);
  if (!v) throw new ApiError('MissingParameter', `the request is missing ${key}`);
  return v;
}

export interface ControlPlaneActions {
  actions: Record<string, Handler>;
  /**
   * What a WeChat DevTools upload does beyond the code: grants each function the cloud-call permissions its
   * uploaded config.json lists. No Tencent Cloud API action does this (see docs/deploy.md), so it is not one here.
   */
  devtoolsUpload(): Record<string, string[]>;
}

export function controlPlaneActions(ctx: ActionContext): ControlPlaneActions {
  const { state, db } = ctx;

  const checkEnv = (p: Params, key = 'EnvId') => {
    const v = str(p, key);
    if (v !== undefined && v !== ctx.envId) throw new ApiError('ResourceNotFound.Env', `environment ${v} does not exist (this one is ${ctx.envId})`);
  };
  const checkNamespace = (p: Params) => {
    const ns = str(p, 'Namespace');
    if (ns !== undefined && ns !== '' && ns !== ctx.envId) throw new ApiError('ResourceNotFound.Namespace', `namespace ${ns} does not exist`);
  };
  const fnOf = (p: Params): DeployedFunction => {
    checkNamespace(p);
    const name = need(p, 'FunctionName');
    const fn = state.functionNamed(name);
    if (!fn) throw new ApiError('ResourceNotFound.Function', `function ${name} does not exist`);
    return fn;
  };
  const bucketParam = (p: Params): string => {
    const bucket = need(p, 'Bucket');
    if (bucket !== bucketOf(ctx.envId)) throw new ApiError('ResourceNotFound', `bucket ${bucket} is not this environment's (${bucketOf(ctx.envId)})`);
    return bucket;
  };
  const tableOf = (p: Params): string => {
    checkEnv(p);
    const name = need(p, 'TableName');
    if (!db.collections().includes(name)) throw new ApiError('ResourceNotFound', `collection ${name} does not exist`);
    return name;
  };

  function envVariables(p: Params, fallback: Record<string, string>): Record<string, string> {
    const environment = p.Environment as { Variables?: Array<{ Key?: unknown; Value?: unknown }> } | undefined;
    if (environment === undefined) return fallback;
    const out: Record<string, string> = {};
    for (const v of environment.Variables ?? []) {
      if (typeof v.Key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.Key)) throw new ApiError('InvalidParameterValue.Environment', `environment variable name ${String(v.Key)} is invalid`);
      out[v.Key] = typeof v.Value === 'string' ? v.Value : String(v.Value ?? '');
    }
    const bytes = Object.entries(out).reduce((n, [k, v]) => (LOCAL_POINTERS.includes(k) ? n : n + Buffer.byteLength(k) + Buffer.byteLength(v)), 0);
    if (bytes > ENV_LIMIT_BYTES) throw new ApiError('InvalidParameterValue.Environment', `the environment variables take ${bytes} bytes; at most ${ENV_LIMIT_BYTES} are allowed`);
    return out;
  }

  function settings(p: Params, current?: DeployedFunction): Pick<DeployedFunction, 'timeout' | 'memorySize' | 'description'> {
    const timeout = p.Timeout === undefined ? (current?.timeout ?? 3) : Number(p.Timeout);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw new ApiError('InvalidParameterValue.Timeout', 'Timeout must be 1..900 seconds');
    const memorySize = p.MemorySize === undefined ? (current?.memorySize ?? 256) : Number(p.MemorySize);
    if (!MEMORY_SIZES.includes(memorySize)) throw new ApiError('InvalidParameterValue.MemorySize', `MemorySize must be one of ${MEMORY_SIZES.join(', ')}`);
    const description = p.Description === undefined ? (current?.description ?? '') : String(p.Description);
    if (description.length > 1000) throw new ApiError('InvalidParameterValue.Description', 'Description is at most 1000 characters');
    return { timeout, memorySize, description };
  }

  /** The cloud-call permissions granted to a function (by a DevTools upload only), as the runner's config states them. */
  const granted = (name: string): string[] => {
    const entry = state.permissions('openapi').find((p) => p.resource === name);
    return entry ? (JSON.parse(entry.securityRule) as string[]) : [];
  };

  /** The openapi list of the uploaded package's own config.json. */
  function packagedOpenapi(name: string): string[] {
    try {
      const raw = JSON.parse(readFileSync(join(ctx.codeRoot, name, '.package-config.json'), 'utf8')) as { permissions?: { openapi?: unknown } };
      const list = raw.permissions?.openapi;
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  /** The config.json the runner reads: the uploaded settings and triggers, and the permissions granted. */
  function writeRunnerConfig(fn: DeployedFunction, bumpVersion: boolean): void {
    const dir = join(ctx.codeRoot, fn.name);
    const triggers = state.triggers(fn.name).map((t) => ({ name: t.name, type: 'timer', config: t.config }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ timeout: fn.timeout, triggers, permissions: { openapi: granted(fn.name) } }, null, 2));
    // New settings or variables reach new instances only, as in SCF: a new version retires the warm ones.
    if (bumpVersion && existsSync(join(dir, 'index.js'))) {
      const t = new Date(Date.now() + Math.floor(Math.random() * 1000));
      utimesSync(join(dir, 'index.js'), t, t);
    }
  }

  function unpack(name: string, handler: string, code: unknown): { sha: string; size: number } {
    const zipFile = (code as { ZipFile?: unknown } | undefined)?.ZipFile;
    if (typeof zipFile !== 'string' || zipFile === '') {
      throw new ApiError('InvalidParameterValue.Code', 'the local cloud takes code as Code.ZipFile (base64 zip): deploy with deployMode "zip"');
    }
    const zip = Buffer.from(zipFile, 'base64');
    let entries;
    try {
      entries = readZip(zip);
    } catch (err) {
      throw new ApiError('InvalidParameterValue.Code', err instanceof ZipError ? err.message : `the code cannot be unpacked: ${(err as Error).message}`);
    }
    const [file] = handler.split('.');
    if (!entries.some((e) => e.path === `${file}.js`)) throw new ApiError('InvalidParameterValue.Handler', `the code has no ${file}.js for handler ${handler}`);
    const dir = join(ctx.codeRoot, name);
    const staging = join(ctx.codeRoot, `.${name}.${randomUUID()}`);
    for (const e of entries) {
      // The package's config.json is the developer's; the runner's config.json is written from the uploaded settings.
      const target = join(staging, e.path === 'config.json' ? '.package-config.json' : e.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.data);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return { sha: createHash('sha256').update(zip).digest('hex'), size: zip.length };
  }

  function view(fn: DeployedFunction): Record<string, unknown> {
    return {
      FunctionName: fn.name,
      Namespace: ctx.envId,
      Runtime: fn.runtime,
      Handler: fn.handler,
      MemorySize: fn.memorySize,
      Timeout: fn.timeout,
      Description: fn.description,
      Status: 'Active',
      StatusDesc: '',
      CodeSize: fn.codeSize,
      CodeInfo: '',
      ModTime: fn.modTime,
      InstallDependency: 'FALSE',
      Environment: { Variables: Object.entries(fn.env).map(([Key, Value]) => ({ Key, Value })) },
      // SCF describes a timer as JSON {"cron": …} although it is created with the bare cron text (the Serverless
      // Framework's Tencent plugin reads it back with JSON.parse(TriggerDesc).cron).
      Triggers: state.triggers(fn.name).map((t) => ({ Type: 'timer', TriggerName: t.name, TriggerDesc: JSON.stringify({ cron: t.config }), Enable: 1, ModTime: fn.modTime })),
    };
  }

  const now = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

  function indexView(collection: string) {
    const list = db.indexDeclarations(collection);
    const keys = (i: IndexDeclaration) => Object.entries(i.keys).map(([Name, d]) => ({ Name, Direction: String(d) }));
    return [
      { Name: '_id_', Size: 0, Unique: true, Keys: [{ Name: '_id', Direction: '1' }], Accesses: { Ops: 0, Since: '' } },
      ...list.map((i) => ({ Name: i.name, Size: 0, Unique: Boolean(i.unique), Keys: keys(i), Accesses: { Ops: 0, Since: '' } })),
    ];
  }

  function declare(collection: string, list: IndexDeclaration[]): void {
    // The same checks as cloudbase/database-indexes.json: a name, field paths, directions 1 / -1.
    try {
      validateIndexDeclarations({ [collection]: list.map((i) => ({ name: i.name, keys: i.keys, unique: i.unique })) }, 'UpdateTable');
    } catch (err) {
      throw new ApiError('InvalidParameter', (err as Error).message);
    }
    db.declareIndexes(collection, list);
    state.putIndexes(collection, list);
  }

  const actions: Record<string, Handler> = {
    // ---- environment ---------------------------------------------------------------------------------------
    DescribeEnvInfo: (p) => {
      checkEnv(p);
      return {
        EnvInfo: {
          EnvBaseInfo: {
            EnvId: ctx.envId,
            Alias: ctx.envId,
            Status: 'NORMAL',
            Region: 'ap-shanghai',
            Databases: [{ InstanceId: ctx.envId, Status: 'RUNNING', Region: 'ap-shanghai' }],
            Functions: [{ Namespace: ctx.envId, Region: 'ap-shanghai' }],
            Storages: [{ Region: 'ap-shanghai', Bucket: bucketOf(ctx.envId), CdnDomain: '', AppId: '1300000000' }],
            LogServices: [],
            CustomLogServices: [],
          },
          UserInfo: { AppId: '1250000000' },
        },
      };
    },

    // ---- database --------------------------------------------------------------------------------------------
    ListTables: (p) => {
      checkEnv(p);
      const names = db.collections();
      return { Tables: names.map((TableName) => ({ TableName, Count: db.list(TableName, { limit: 0 }).total, Size: 0, IndexCount: indexView(TableName).length, IndexSize: 0 })), Pager: { Offset: 0, Limit: names.length, Total: names.length } };
    },
    CreateTable: (p) => {
      checkEnv(p);
      const name = need(p, 'TableName');
      if (db.collections().includes(name)) throw new ApiError('ResourceInUse', `collection ${name} already exists`);
      declare(name, []);
      return {};
    },
    DescribeTable: (p) => {
      const name = tableOf(p);
      const indexes = indexView(name);
      return { IndexNum: indexes.length, Indexes: indexes };
    },
    UpdateTable: (p) => {
      const name = tableOf(p);
      const creates = (p.CreateIndexes ?? []) as Array<{ IndexName?: string; MgoKeySchema?: { MgoIsUnique?: boolean; MgoIndexKeys?: Array<{ Name?: string; Direction?: string }> } }>;
      const drops = (p.DropIndexes ?? []) as Array<{ IndexName?: string }>;
      if (creates.length > 0 && drops.length > 0) throw new ApiError('InvalidParameter', 'CreateIndexes and DropIndexes cannot be in one request');
      let list = db.indexDeclarations(name);
      for (const d of drops) {
        if (!list.some((i) => i.name === d.IndexName)) throw new ApiError('ResourceNotFound', `collection ${name} has no index ${String(d.IndexName)}`);
        list = list.filter((i) => i.name !== d.IndexName);
      }
      for (const c of creates) {
        const keys: Record<string, 1 | -1> = {};
        for (const k of c.MgoKeySchema?.MgoIndexKeys ?? []) {
          if (typeof k.Name !== 'string' || (k.Direction !== '1' && k.Direction !== '-1')) throw new ApiError('InvalidParameter', `index ${String(c.IndexName)}: each key is {Name, Direction: "1" | "-1"}`);
          keys[k.Name] = k.Direction === '1' ? 1 : -1;
        }
        // "索引创建时如果已经存在，则会先删除再创建"
        list = [...list.filter((i) => i.name !== c.IndexName), { name: String(c.IndexName ?? ''), keys, unique: c.MgoKeySchema?.MgoIsUnique === true }];
      }
      declare(name, list);
      ctx.log('control-plane.indexes', { collection: name, indexes: list.map((i) => i.name) });
      return {};
    },

    // Documents (settings/shop, products): Mongo commands, by _id only, which is all a deploy needs. The QUERY
    // shape is Tencent Cloud's own example (https://cloud.tencent.com/document/api/876/129012): Command
    // {"find": …, "filter": {"_id": {"$eq": "1"}}}, and Data[i] a JSON array of canonical-EJSON document strings
    // (dates as {"$date": {"$numberLong": …}}). UPDATE has no published example; public scripts that run it through
    // `tcb db nosql execute` (which calls RunCommands) send Mongo's {update, updates: [{q, u, upsert, multi}]}, which
    // is what this plays. Its answer ({"n": …} here) is not read by the deploy.
    RunCommands: (p) => {
      checkEnv(p);
      const commands = (p.MgoCommands ?? []) as Array<{ TableName?: string; CommandType?: string; Command?: string }>;
      const data: string[] = [];
      for (const c of commands) {
        const table = String(c.TableName ?? '');
        if (!db.collections().includes(table)) throw new ApiError('ResourceNotFound', `collection ${table} does not exist`);
        let command: Record<string, unknown>;
        try {
          command = JSON.parse(String(c.Command ?? '')) as Record<string, unknown>;
        } catch {
          throw new ApiError('InvalidParameter', 'Command must be JSON');
        }
        const byId = (q: unknown): string => {
          const raw = (q as { _id?: unknown } | null)?._id;
          const id = raw && typeof raw === 'object' && '$eq' in raw ? (raw as { $eq: unknown }).$eq : raw;
          if (typeof id !== 'string') throw new ApiError('InvalidParameter', 'the local cloud runs commands on documents by _id only');
          return id;
        };
        if (c.CommandType === 'QUERY') {
          const id = byId(command.filter);
          const got = db.execute('database.getDocument', { collectionName: table, queryType: 'DOC', query: JSON.stringify({ _id: id }) }) as { data: { list: string[] } };
          // One entry per command: a JSON array holding each document as a canonical EJSON string.
          data.push(JSON.stringify(got.data.list.map((doc) => toEjson(parseEjson(typeof doc === 'string' ? doc : JSON.stringify(doc), 'document')))));
        } else if (c.CommandType === 'UPDATE') {
          let n = 0;
          for (const u of (command.updates ?? []) as Array<{ q?: unknown; u?: unknown; upsert?: boolean }>) {
            const id = byId(u.q);
            if (typeof u.u !== 'object' || u.u === null || Object.keys(u.u).some((k) => k.startsWith('$'))) throw new ApiError('InvalidParameter', 'u must be a whole document (replacement)');
            const { _id: _ignored, ...doc } = u.u as Record<string, unknown>;
            db.execute('database.modifyDocument', { collectionName: table, queryType: 'DOC', query: JSON.stringify({ _id: id }), data: JSON.stringify(doc), merge: false, upsert: u.upsert === true });
            n++;
          }
          data.push(JSON.stringify({ n }));
        } else throw new ApiError('InvalidParameter', `CommandType ${String(c.CommandType)} is not played by the local cloud (QUERY, UPDATE)`);
      }
      return { Data: data };
    },

    // ---- permissions -----------------------------------------------------------------------------------------
    ModifyResourcePermission: (p) => {
      checkEnv(p);
      const type = need(p, 'ResourceType');
      const permission = need(p, 'Permission');
      if (!PERMISSIONS[type]) throw new ApiError('InvalidParameter', `ResourceType ${type} is not one of ${Object.keys(PERMISSIONS).join(', ')}`);
      if (!PERMISSIONS[type].includes(permission)) throw new ApiError('InvalidParameter', `Permission ${permission} is not allowed for ${type}`);
      const resource = type === 'function' ? '' : need(p, 'Resource');
      const rule = str(p, 'SecurityRule') ?? '';
      if (permission === 'CUSTOM') {
        try {
          JSON.parse(rule);
        } catch {
          throw new ApiError('InvalidParameter', 'SecurityRule must be JSON');
        }
      }
      if (type === 'collection' && !db.collections().includes(resource)) throw new ApiError('ResourceNotFound', `collection ${resource} does not exist`);
      state.putPermission({ resourceType: type, resource, permission, securityRule: rule });
      return {};
    },
    DescribeResourcePermission: (p) => {
      checkEnv(p);
      const type = need(p, 'ResourceType');
      const wanted = Array.isArray(p.Resources) ? new Set(p.Resources as string[]) : undefined;
      const list = state.permissions(type).filter((x) => !wanted || wanted.has(x.resource));
      // The answer sits in Data (https://cloud.tencent.com/document/api/876/132256), although manager-node 5.6.5's
      // DescribeResourcePermissionResp type puts PermissionList at the top.
      return { Data: { PermissionList: list.map((x) => ({ ResourceType: x.resourceType, Resource: x.resource, Permission: x.permission, SecurityRule: x.securityRule })), TotalCount: list.length } };
    },

    // The storage bucket's rule, as manager-node 5.6.5's storage.getStorageAcl / setStorageAcl send it:
    // {EnvId, Bucket} → {AclTag, Rule}; {EnvId, Bucket, AclTag, Rule (JSON text, for CUSTOM)}. A new environment
    // answers READONLY (所有用户可读，仅创建者可读写, CloudBase's default).
    DescribeStorageSafeRule: (p) => {
      checkEnv(p);
      bucketParam(p);
      const deployed = state.permissions('storage').find((x) => x.resource === bucketOf(ctx.envId));
      return deployed ? { AclTag: deployed.permission, Rule: deployed.securityRule } : { AclTag: 'READONLY', Rule: '' };
    },
    ModifyStorageSafeRule: (p) => {
      checkEnv(p);
      const bucket = bucketParam(p);
      const acl = need(p, 'AclTag');
      if (!PERMISSIONS.storage.includes(acl)) throw new ApiError('InvalidParameter', `AclTag must be one of ${PERMISSIONS.storage.join(', ')}`);
      const rule = acl === 'CUSTOM' ? need(p, 'Rule') : '';
      if (acl === 'CUSTOM') {
        try {
          parseStorageRules(JSON.parse(rule), 'Rule');
        } catch (err) {
          throw new ApiError('InvalidParameter', err instanceof SyntaxError ? 'Rule must be JSON' : (err as Error).message);
        }
      }
      state.putPermission({ resourceType: 'storage', resource: bucket, permission: acl, securityRule: rule });
      ctx.log('control-plane.storage-rule', { acl });
      return {};
    },

    // ---- HTTP access -----------------------------------------------------------------------------------------
    CreateCloudBaseGWAPI: (p) => {
      checkEnv(p, 'ServiceId');
      const path = need(p, 'Path');
      const name = need(p, 'Name');
      if (Number(p.Type ?? 1) !== 1) throw new ApiError('InvalidParameter', 'only Type 1 (cloud function) is served');
      if (!/^\/[A-Za-z0-9_\-./]{0,254}$/.test(path) || path.includes('//') || /\/\.\.?(\/|$)/.test(path)) throw new ApiError('InvalidParameter', `path ${path} must start with / and hold letters, digits, - _ . /`);
      if (!state.functionNamed(name)) throw new ApiError('ResourceNotFound.Function', `function ${name} does not exist`);
      const apiId = randomUUID().replace(/-/g, '').slice(0, 16);
      if (!state.putRoute({ apiId, path, functionName: name, createdAt: now() })) throw new ApiError('InvalidParameter.APICreated', `path ${path} is already in use`);
      return { APIId: apiId };
    },
    DescribeCloudBaseGWAPI: (p) => {
      checkEnv(p, 'ServiceId');
      const path = str(p, 'Path');
      const name = str(p, 'Name');
      const set = state.routes().filter((r) => (!path || r.path === path) && (!name || r.functionName === name));
      return { APISet: set.map((r) => ({ ServiceId: ctx.envId, APIId: r.apiId, Path: r.path, Type: 1, Name: r.functionName, CreateTime: r.createdAt, EnvId: ctx.envId })), Total: set.length };
    },
    DeleteCloudBaseGWAPI: (p) => {
      checkEnv(p, 'ServiceId');
      const count = state.deleteRoutes({ apiId: str(p, 'APIId'), functionName: str(p, 'Name') });
      return { Count: count };
    },

    // ---- functions -------------------------------------------------------------------------------------------
    ListFunctions: (p) => {
      checkEnv(p);
      const all = state.functions();
      return { Functions: all.map((f) => ({ FunctionName: f.name, Runtime: f.runtime, Status: 'Active', ModTime: f.modTime })), TotalCount: all.length };
    },
    CreateFunction: (p) => {
      checkNamespace(p);
      const name = need(p, 'FunctionName');
      if (!isFunctionName(name)) throw new ApiError('InvalidParameterValue.FunctionName', `${name} is not a valid function name`);
      if (state.functionNamed(name)) throw new ApiError('ResourceInUse.Function', `function ${name} already exists`);
      const runtime = str(p, 'Runtime') ?? 'Nodejs20.19';
      if (!RUNTIMES.includes(runtime)) throw new ApiError('InvalidParameterValue.Runtime', `Runtime must be one of ${RUNTIMES.join(', ')}`);
      const handler = str(p, 'Handler') ?? 'index.main';
      const env = envVariables(p, {});
      const set = settings(p);
      const code = unpack(name, handler, p.Code);
      const fn: DeployedFunction = { name, runtime, handler, ...set, env, codeSha256: code.sha, codeSize: code.size, modTime: now() };
      state.putFunction(fn);
      writeRunnerConfig(fn, false);
      ctx.log('control-plane.function.created', { name, runtime, timeout: fn.timeout, variables: Object.keys(env) });
      return {};
    },
    GetFunction: (p) => view(fnOf(p)),
    UpdateFunctionConfiguration: (p) => {
      const current = fnOf(p);
      // SCF replaces the environment as a whole when Environment is sent.
      const fn: DeployedFunction = { ...current, ...settings(p, current), env: envVariables(p, current.env), modTime: now() };
      state.putFunction(fn);
      writeRunnerConfig(fn, true);
      ctx.log('control-plane.function.configured', { name: fn.name, timeout: fn.timeout, variables: Object.keys(fn.env) });
      return {};
    },
    UpdateFunctionCode: (p) => {
      const current = fnOf(p);
      const handler = str(p, 'Handler') ?? current.handler;
      const code = unpack(current.name, handler, p.Code);
      const fn: DeployedFunction = { ...current, handler, codeSha256: code.sha, codeSize: code.size, modTime: now() };
      state.putFunction(fn);
      writeRunnerConfig(fn, false);
      ctx.log('control-plane.function.code', { name: fn.name });
      return {};
    },
    DeleteFunction: (p) => {
      const fn = fnOf(p);
      state.deleteFunction(fn.name);
      state.deleteRoutes({ functionName: fn.name });
      rmSync(join(ctx.codeRoot, fn.name), { recursive: true, force: true });
      ctx.onTriggersChanged();
      return {};
    },
    BatchCreateTrigger: (p) => {
      const fn = fnOf(p);
      let triggers: Array<{ TriggerName?: string; Type?: string; TriggerDesc?: string }>;
      try {
        triggers = JSON.parse(need(p, 'Triggers')) as typeof triggers;
      } catch {
        throw new ApiError('InvalidParameter', 'Triggers must be a JSON list');
      }
      for (const t of triggers) {
        if (t.Type !== 'timer' || typeof t.TriggerName !== 'string' || typeof t.TriggerDesc !== 'string') throw new ApiError('InvalidParameter', 'each trigger is {TriggerName, Type: "timer", TriggerDesc: cron}');
        const cron = parseCron(t.TriggerDesc);
        if (!cron.ok) throw new ApiError('InvalidParameterValue.TriggerDesc', `trigger ${t.TriggerName}: ${cron.message}`);
        if (state.triggers(fn.name).some((x) => x.name === t.TriggerName)) throw new ApiError('ResourceInUse.Trigger', `trigger ${t.TriggerName} already exists`);
      }
      for (const t of triggers) state.putTrigger({ functionName: fn.name, name: t.TriggerName as string, config: t.TriggerDesc as string });
      writeRunnerConfig(fn, false);
      ctx.onTriggersChanged();
      return {};
    },
    // SCF's synchronous Invoke (manager-node 5.6.5's invokeFunction sends ClientContext = the event and returns
    // Result): RetMsg is the function's return value as JSON, InvokeResult 0 when it returned (the Result structure of
    // SCF's InvokeFunction example, https://www.tencentcloud.com/document/product/583/41408).
    Invoke: async (p) => {
      const fn = fnOf(p);
      let event: unknown = {};
      const context = str(p, 'ClientContext');
      if (context !== undefined) {
        try {
          event = JSON.parse(context);
        } catch {
          throw new ApiError('InvalidParameterValue.ClientContext', 'ClientContext must be JSON');
        }
      }
      const out = await ctx.invoke(fn.name, event);
      const duration = out.durationMs;
      return {
        Result: {
          FunctionRequestId: out.requestId,
          RetMsg: out.ok ? JSON.stringify(out.result ?? null) : '',
          ErrMsg: out.ok ? '' : out.message,
          InvokeResult: out.ok ? 0 : 1,
          Duration: duration,
          BillDuration: Math.ceil(duration),
          MemUsage: 0,
          Log: '',
        },
      };
    },
    DeleteTrigger: (p) => {
      const fn = fnOf(p);
      const name = need(p, 'TriggerName');
      if (!state.deleteTrigger(fn.name, name)) throw new ApiError('ResourceNotFound.Trigger', `function ${fn.name} has no trigger ${name}`);
      writeRunnerConfig(fn, false);
      ctx.onTriggersChanged();
      return {};
    },
  };

  return {
    actions,
    devtoolsUpload() {
      const out: Record<string, string[]> = {};
      for (const fn of state.functions()) {
        const list = packagedOpenapi(fn.name);
        state.putPermission({ resourceType: 'openapi', resource: fn.name, permission: 'GRANTED', securityRule: JSON.stringify(list) });
        writeRunnerConfig(fn, false);
        out[fn.name] = list;
      }
      ctx.log('control-plane.devtools-upload', { functions: Object.keys(out) });
      return out;
    },
  };
}
