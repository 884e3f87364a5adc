// Reads the environment (Describe calls only), compares it with the declarations and lists, per resource, what a
// deploy would do: create, update (with what differs) or nothing. Each step carries the calls that apply it, so
// `--yes` runs exactly what was shown. Problems that would make a deploy fail (a secret nobody has set) are found
// here, before anything is sent.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { IndexDeclaration } from '../../emulator/src/database/index-declarations';
import type { Cloud, RemoteFunction, RemoteRoute } from './cloud';
import type { SecretSource } from './credentials';
import { COLLECTION_PERMISSION, type Declarations, type DeclaredFunction } from './declarations';
import { desiredEnv } from './env-values';
import { LOCAL_POINTERS, PRODUCT_FUNCTIONS, type ProductFunction } from './functions';

export type StepAction = 'create' | 'update' | 'unchanged' | 'delete' | 'kept';

export interface Step {
  /** e.g. "index orders.buyer_created", "function pay". */
  resource: string;
  action: StepAction;
  /** What differs, in words (names, never secret values). */
  changes: string[];
  run?: (cloud: Cloud) => Promise<void>;
}

export interface Plan {
  steps: Step[];
  /** Refusals found while planning: nothing may be applied while there are any. */
  problems: string[];
}

export interface PlanOptions {
  secrets: SecretSource;
  prune: boolean;
  /** The target is a local cloud: its pointer variables do not count against the 4 KB (functions.ts LOCAL_POINTERS). */
  local?: boolean;
}

/** A digest of every file the function's folder holds: the code CloudBase will run. */
export function codeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${relative(dir, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 32);
}

/** Where the deploy records which code it uploaded (the function's description, shown in the console). */
export function codeDescription(digest: string): string {
  return `code ${digest} (npm run deploy)`;
}

const sameKeys = (a: IndexDeclaration, b: IndexDeclaration) => JSON.stringify(Object.entries(a.keys)) === JSON.stringify(Object.entries(b.keys)) && Boolean(a.unique) === Boolean(b.unique);
const describeKeys = (i: IndexDeclaration) => `${Object.entries(i.keys).map(([k, d]) => `${k} ${d === 1 ? 'asc' : 'desc'}`).join(', ')}${i.unique ? ' (unique)' : ''}`;

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

function documentChanges(want: Record<string, unknown>, have: Record<string, unknown> | undefined): string[] {
  if (!have) return [];
  const keys = new Set([...Object.keys(want), ...Object.keys(have)].filter((k) => k !== '_id'));
  return [...keys].filter((k) => stableJson(want[k]) !== stableJson(have[k])).sort();
}

export async function makePlan(cloud: Cloud, decl: Declarations, options: PlanOptions): Promise<Plan> {
  const steps: Step[] = [];
  const problems: string[] = [];

  // ---- collections, indexes, permissions ----
  // Reads in parallel (each is one round trip); steps are listed in apply order.
  const collections = Object.keys(decl.indexes);
  const [permissions, presentIndexes, remoteFunctions, rule, routes, storage] = await Promise.all([
    cloud.collectionPermissions(),
    Promise.all(collections.map((c) => cloud.indexes(c))),
    Promise.all(decl.functions.map((f) => cloud.getFunction(f.name))),
    cloud.functionRule(),
    cloud.routes(),
    cloud.storageRule(),
  ]);
  for (const [n, [collection, wanted]] of Object.entries(decl.indexes).entries()) {
    const present = presentIndexes[n];
    if (!present) steps.push({ resource: `collection ${collection}`, action: 'create', changes: [], run: (c) => c.createCollection(collection) });
    else steps.push({ resource: `collection ${collection}`, action: 'unchanged', changes: [] });
    for (const index of wanted) {
      const have = present?.find((i) => i.name === index.name);
      const resource = `index ${collection}.${index.name}`;
      if (!have) steps.push({ resource, action: 'create', changes: [describeKeys(index)], run: (c) => c.createIndex(collection, index) });
      else if (!sameKeys(have, index)) steps.push({ resource, action: 'update', changes: [`keys ${describeKeys(have)} → ${describeKeys(index)}`], run: (c) => c.createIndex(collection, index) });
      else steps.push({ resource, action: 'unchanged', changes: [] });
    }
    for (const extra of present?.filter((i) => !wanted.some((w) => w.name === i.name)) ?? []) {
      const resource = `index ${collection}.${extra.name}`;
      if (options.prune) steps.push({ resource, action: 'delete', changes: ['not declared'], run: (c) => c.dropIndex(collection, extra.name) });
      else steps.push({ resource, action: 'kept', changes: ['not declared (--prune drops it)'] });
    }
    const permission = permissions.get(collection);
    const resource = `permission of ${collection}`;
    if (permission === COLLECTION_PERMISSION) steps.push({ resource, action: 'unchanged', changes: [] });
    else steps.push({ resource, action: permission ? 'update' : 'create', changes: [`${permission ?? '(default)'} → ${COLLECTION_PERMISSION} (仅管理端可读写)`], run: (c) => c.setCollectionPermission(collection, COLLECTION_PERMISSION) });
  }

  // ---- the function security rule ----
  if (rule !== undefined && stableJson(JSON.parse(rule)) === stableJson(JSON.parse(decl.functionRules))) steps.push({ resource: 'function security rule', action: 'unchanged', changes: [] });
  else steps.push({ resource: 'function security rule', action: rule ? 'update' : 'create', changes: [rule ? 'differs from cloudbase/function-security-rules.json' : 'not set'], run: (c) => c.setFunctionRule(decl.functionRules) });

  // ---- the storage security rule (buyers' after-sale photos: each buyer reads and writes only their own) ----
  if (storage.acl === 'CUSTOM' && stableJson(storage.rule) === stableJson(decl.storageRules)) steps.push({ resource: 'storage security rule', action: 'unchanged', changes: [] });
  else
    steps.push({
      resource: 'storage security rule',
      action: 'update',
      changes: [`${storage.acl === 'CUSTOM' ? 'a different custom rule' : storage.acl} → cloudbase/storage-security-rules.json`],
      run: (c) => c.setStorageRule(decl.storageRules),
    });

  // ---- functions and their timers ----
  const subjects = { channels: decl.channels, printer: decl.printer, push: decl.push };
  decl.functions.forEach((fn, n) => functionSteps(fn, remoteFunctions[n], subjects, options, steps, problems));
  if (options.prune) {
    for (const name of await cloud.functionNames()) {
      if (!(PRODUCT_FUNCTIONS as readonly string[]).includes(name)) steps.push({ resource: `function ${name}`, action: 'delete', changes: ['not declared'], run: (c) => c.deleteFunction(name) });
    }
  }

  // ---- HTTP access paths ----
  for (const [fn, path] of Object.entries(decl.httpPaths) as Array<[ProductFunction, string]>) {
    const have = routes.find((r) => r.path === path);
    const resource = `HTTP access path ${path}`;
    if (!have) steps.push({ resource, action: 'create', changes: [`→ ${fn}`], run: (c) => c.createRoute(path, fn) });
    else if (have.functionName !== fn) steps.push({ resource, action: 'update', changes: [`→ ${have.functionName} becomes → ${fn}`], run: async (c) => (await c.deleteRoute(have), c.createRoute(path, fn)) });
    else steps.push({ resource, action: 'unchanged', changes: [`→ ${fn}`] });
  }
  for (const extra of routes.filter((r: RemoteRoute) => !Object.values(decl.httpPaths).includes(r.path))) {
    const resource = `HTTP access path ${extra.path}`;
    if (options.prune) steps.push({ resource, action: 'delete', changes: ['not declared'], run: (c) => c.deleteRoute(extra) });
    else steps.push({ resource, action: 'kept', changes: [`→ ${extra.functionName}, not declared (--prune deletes it)`] });
  }

  // ---- the shop: settings/shop and products ----
  const exists = (c: string) => presentIndexes[collections.indexOf(c)] !== undefined;
  const [settings, ...products] = await Promise.all([
    exists('settings') ? cloud.getDocument('settings', 'shop') : undefined,
    ...decl.shop.products.map((p) => (exists('products') ? cloud.getDocument('products', p._id) : undefined)),
  ]);
  documentStep(steps, 'settings/shop', decl.shop.settings, settings, (c) => c.putDocument('settings', 'shop', decl.shop.settings));
  decl.shop.products.forEach((product, n) => {
    const { _id, ...doc } = product;
    documentStep(steps, `products/${_id}`, doc, products[n], (c) => c.putDocument('products', _id, doc));
  });
  return { steps, problems };
}

function documentStep(steps: Step[], resource: string, want: Record<string, unknown>, have: Record<string, unknown> | undefined, run: Step['run']): void {
  if (!have) return void steps.push({ resource, action: 'create', changes: [], run });
  const changes = documentChanges(want, have);
  steps.push(changes.length ? { resource, action: 'update', changes: changes.map((k) => `${k} differs`), run } : { resource, action: 'unchanged', changes: [] });
}

function functionSteps(fn: DeclaredFunction, remote: RemoteFunction | undefined, subjects: Parameters<typeof desiredEnv>[3], options: PlanOptions, steps: Step[], problems: string[]): void {
  const resource = `function ${fn.name}`;
  const root = dirname(fn.dir);
  const description = codeDescription(codeDigest(fn.dir));
  const env = desiredEnv(fn.name, remote?.env ?? {}, options.secrets, subjects, options.local ? LOCAL_POINTERS : []);
  for (const m of env.missing) problems.push(`${resource}: ${m} (in .env.local or the environment; ${options.secrets.describe()} has none and the function has none)`);
  if (env.tooLarge) problems.push(`${resource}: its environment variables would take ${env.tooLarge} bytes; CloudBase allows 4096 per function`);
  const config = { name: fn.name, memorySize: fn.memorySize, timeout: fn.timeout, description, env: env.env };

  if (!remote) {
    steps.push({
      resource,
      action: 'create',
      changes: [`${fn.runtime}, ${fn.memorySize} MB, timeout ${fn.timeout} s`, ...(Object.keys(env.env).length ? [`env: ${Object.keys(env.env).sort().join(', ')}`] : [])],
      run: (c) => c.createFunction({ ...config, root, runtime: fn.runtime }),
    });
  } else {
    const changes: string[] = [];
    const codeChanged = remote.description !== description;
    if (codeChanged) changes.push('code (the built bundle differs from the one uploaded)');
    if (remote.runtime !== fn.runtime) problems.push(`${resource}: runtime is ${remote.runtime}, declared ${fn.runtime}; SCF cannot change a runtime in place: delete the function in the console and deploy again`);
    if (remote.timeout !== fn.timeout) changes.push(`timeout ${remote.timeout} s → ${fn.timeout} s`);
    if (remote.memorySize !== fn.memorySize) changes.push(`memory ${remote.memorySize} MB → ${fn.memorySize} MB`);
    if (env.changed.length) changes.push(`env: set ${env.changed.sort().join(', ')}`);
    const configChanged = changes.some((c) => !c.startsWith('code'));
    if (changes.length === 0) steps.push({ resource, action: 'unchanged', changes: [] });
    else
      steps.push({
        resource,
        action: 'update',
        changes,
        run: async (c) => {
          if (codeChanged) await c.updateFunctionCode({ name: fn.name, root, runtime: fn.runtime });
          // The description records the code: written after the code, so a failed upload is retried by a rerun.
          if (codeChanged || configChanged) await c.updateFunctionConfig(config);
        },
      });
  }

  for (const trigger of fn.triggers) {
    const have = remote?.triggers.find((t) => t.name === trigger.name);
    const tres = `timer ${fn.name}.${trigger.name}`;
    if (!have) steps.push({ resource: tres, action: 'create', changes: [trigger.config], run: (c) => c.createTrigger(fn.name, trigger) });
    else if (have.config !== trigger.config)
      steps.push({ resource: tres, action: 'update', changes: [`${have.config} → ${trigger.config}`], run: async (c) => (await c.deleteTrigger(fn.name, trigger.name), c.createTrigger(fn.name, trigger)) });
    else steps.push({ resource: tres, action: 'unchanged', changes: [trigger.config] });
  }
  for (const extra of remote?.triggers.filter((t) => !fn.triggers.some((d) => d.name === t.name)) ?? []) {
    const tres = `timer ${fn.name}.${extra.name}`;
    if (options.prune) steps.push({ resource: tres, action: 'delete', changes: ['not declared'], run: (c) => c.deleteTrigger(fn.name, extra.name) });
    else steps.push({ resource: tres, action: 'kept', changes: [`${extra.config}, not declared (--prune deletes it)`] });
  }
}

export function pending(plan: Plan): Step[] {
  return plan.steps.filter((s) => s.action === 'create' || s.action === 'update' || s.action === 'delete');
}

const MARK: Record<StepAction, string> = { create: '+', update: '~', delete: '-', unchanged: '=', kept: '·' };

export function formatPlan(plan: Plan, verbose = false): string[] {
  const lines: string[] = [];
  for (const s of plan.steps) {
    if (!verbose && s.action === 'unchanged') continue;
    lines.push(`  ${MARK[s.action]} ${s.action.padEnd(9)} ${s.resource}${s.changes.length ? `: ${s.changes.join('; ')}` : ''}`);
  }
  const todo = pending(plan);
  const unchanged = plan.steps.filter((s) => s.action === 'unchanged').length;
  lines.push(todo.length === 0 ? `no changes (${unchanged} resources match the declarations)` : `${todo.length} change${todo.length === 1 ? '' : 's'}, ${unchanged} unchanged`);
  return lines;
}
