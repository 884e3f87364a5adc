// `npm run deploy -- --env <envId> [--yes] [--prune] [--shop FILE]` and `npm run doctor -- --env <envId>`;
// `--local-cloud URL` instead of `--env` targets a local cloud started with --bare (same code path: manager-node
// through the local cloud's proxy, trusting its CA).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cloud, CloudCallError, type CloudTarget } from './cloud';
import { manualChecklist } from './checklist';
import { secretSource, tencentCloudCredentials, type SecretSource } from './credentials';
import { DeclarationError, loadDeclarations, type Declarations } from './declarations';
import { examine } from './doctor';
import { formatPlan, makePlan, pending } from './plan';

interface Args {
  command: 'deploy' | 'doctor';
  env?: string;
  localCloud?: string;
  shop?: string;
  functions?: string;
  yes: boolean;
  prune: boolean;
  verbose: boolean;
  region?: string;
}

const USAGE = `usage: npm run deploy -- (--env <envId> | --local-cloud <URL>) [--yes] [--prune] [--shop FILE] [--region R] [--verbose]
       npm run doctor -- (--env <envId> | --local-cloud <URL>) [--shop FILE]

  --env ID          the CloudBase environment; Tencent Cloud API key from TENCENTCLOUD_SECRETID/SECRETKEY
                    (environment or .env.local)
  --local-cloud URL a local cloud started with --bare (its own API key and CA are used)
  --yes             apply the plan (without it, only Describe calls are made and the plan is printed)
  --prune           also delete functions, indexes, timers and HTTP paths that are not declared
  --shop FILE       settings/shop and products (default cloudbase/shop.json; with --local-cloud the example)
  --verbose         list unchanged resources too`;

/** The project root, from src/deploy (ts) or dist/deploy (built). */
function findProjectRoot(from: string): string {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++, dir = resolve(dir, '..')) if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cloudbase'))) return dir;
  throw new Error(`cannot find the project root above ${from}`);
}

function fail(message: string, status = 2): never {
  console.error(`error: ${message}`);
  process.exit(status);
}

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'doctor') fail(`first argument must be deploy or doctor\n${USAGE}`);
  const args: Args = { command, yes: false, prune: false, verbose: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => rest[++i] ?? fail(`${arg} needs a value\n${USAGE}`);
    if (arg === '--env') args.env = value();
    else if (arg === '--local-cloud') args.localCloud = value();
    else if (arg === '--shop') args.shop = value();
    else if (arg === '--functions') args.functions = value();
    else if (arg === '--region') args.region = value();
    else if (arg === '--yes') args.yes = true;
    else if (arg === '--prune') args.prune = true;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}\n${USAGE}`);
  }
  if (Boolean(args.env) === Boolean(args.localCloud)) fail(`give one of --env or --local-cloud\n${USAGE}`);
  if (args.command === 'doctor' && (args.yes || args.prune)) fail('the doctor only reads: --yes and --prune are for deploy');
  return args;
}

interface LocalControlPlane {
  envId: string;
  secretId: string;
  secretKey: string;
  proxy: string;
  ca: string;
  merchantEnv: Record<string, string>;
}

async function localControlPlane(url: string): Promise<LocalControlPlane> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/control-plane`);
  } catch (err) {
    fail(`cannot reach the local cloud at ${url}: ${(err as Error).message}`);
  }
  if (res.status === 404) fail(`${url} is a local cloud without a control plane: start it with --bare`);
  if (!res.ok) fail(`${url}/control-plane answered ${res.status}`);
  return (await res.json()) as LocalControlPlane;
}

/** Node reads extra CAs only at start: run again with the local cloud's CA trusted. */
function rerunTrusting(ca: string): never {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-ca-'));
  const file = join(dir, 'local-cloud-ca.pem');
  writeFileSync(file, ca);
  const child = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: file, DEPLOY_LOCAL_CA: file } });
  process.exit(child.status ?? 1);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = findProjectRoot(__dirname);
  let target: CloudTarget;
  let secrets: SecretSource;
  let shopFile = args.shop ? resolve(args.shop) : join(root, 'cloudbase/shop.json');
  let label: string;
  let again: string;
  if (args.localCloud) {
    const cp = await localControlPlane(args.localCloud);
    if (!process.env.DEPLOY_LOCAL_CA) rerunTrusting(cp.ca);
    target = { envId: cp.envId, credentials: { secretId: cp.secretId, secretKey: cp.secretKey }, proxy: cp.proxy };
    // The local merchant's keys come last: .env.local and the environment win, as they would for a real shop.
    secrets = secretSource(root, process.env, cp.merchantEnv);
    if (!args.shop) shopFile = join(root, 'cloudbase/shop.example.json');
    label = `local cloud ${args.localCloud}`;
    again = `npm run deploy -- --local-cloud ${args.localCloud}`;
  } else {
    secrets = secretSource(root);
    try {
      target = { envId: args.env as string, credentials: tencentCloudCredentials(secrets), ...(args.region ? { region: args.region } : {}) };
    } catch (err) {
      fail((err as Error).message);
    }
    if (!args.shop && !existsSync(shopFile)) fail(`${shopFile} is missing: copy cloudbase/shop.example.json there and put your shop in it (it is git-ignored)`);
    label = args.env as string;
    again = `npm run deploy -- --env ${args.env}`;
  }
  if (args.shop) again += ` --shop ${args.shop}`;

  let decl: Declarations;
  try {
    decl = loadDeclarations({ root, shopFile, functionsRoot: args.functions ? resolve(args.functions) : undefined });
  } catch (err) {
    if (err instanceof DeclarationError) fail(err.message);
    throw err;
  }
  const cloud = new Cloud(target);

  if (args.command === 'doctor') {
    console.log(`doctor: ${label}, provider ${decl.channels.join(' + ')}`);
    const findings = await examine(cloud, decl, again, Boolean(args.localCloud));
    if (findings.length === 0) {
      console.log('all is well: the environment matches the declarations, and every cloud call its functions make is permitted');
      return;
    }
    for (const f of findings) console.log(`  ✗ ${f.what}\n      → ${f.todo}`);
    console.log(`${findings.length} problem${findings.length === 1 ? '' : 's'}`);
    process.exit(1);
  }

  console.log(`plan for ${label} (provider ${decl.channels.join(' + ')}, shop ${shopFile}):`);
  const plan = await makePlan(cloud, decl, { secrets, prune: args.prune, local: Boolean(args.localCloud) });
  for (const line of formatPlan(plan, args.verbose)) console.log(line);
  if (plan.problems.length) {
    console.error(`\nnothing can be applied while these are unsolved (nothing was sent):\n  - ${plan.problems.join('\n  - ')}`);
    process.exit(1);
  }
  const todo = pending(plan);
  if (!args.yes) {
    if (todo.length) console.log(`\nnothing was changed: run ${again} --yes to apply`);
    return;
  }
  // Functions take seconds each (manager-node polls for Active once a second, before and after a code upload): up to
  // six at once, so the eleven take two rounds of waiting; everything else in order.
  const batches: Array<typeof todo> = [];
  for (const step of todo) {
    const last = batches[batches.length - 1];
    if (last && step.resource.startsWith('function ') && last[0].resource.startsWith('function ') && last.length < 6) last.push(step);
    else batches.push([step]);
  }
  let done = 0;
  for (const batch of batches) {
    const results = await Promise.allSettled(batch.map((step) => step.run?.(cloud)));
    for (const [j, result] of results.entries()) {
      const step = batch[j];
      if (result.status === 'fulfilled') {
        console.log(`[${++done}/${todo.length}] ${step.action} ${step.resource}: done`);
        continue;
      }
      const err = result.reason as Error;
      const code = err instanceof CloudCallError && err.code ? ` (${err.code})` : '';
      console.error(`error: ${step.resource}: ${err.message}${code}`);
    }
    if (results.some((r) => r.status === 'rejected')) {
      console.error(`${done} of ${todo.length} steps were applied; fix the cause and run the same command again: finished steps are not repeated`);
      process.exit(1);
    }
  }
  console.log(`\napplied ${todo.length} change${todo.length === 1 ? '' : 's'}. What no API can do (once):`);
  for (const line of manualChecklist(decl, label, args.localCloud)) console.log(line);
  console.log(`then check everything: npm run doctor -- ${args.localCloud ? `--local-cloud ${args.localCloud}` : `--env ${args.env}`}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
