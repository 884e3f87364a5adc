// Cold start: how long from starting a Node process to the first answer of a built function, against
// starting Node and only require()-ing wx-server-sdk unbundled. Also the local cloud's own cold and warm
// invocations (a new worker thread vs a warm one).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunner } from '../../../emulator/src/runner';
import { markdownTable, median, round, type BenchContext, type BenchSection } from '../lib/section';

const ANSWER = 'BENCH-ANSWER';

interface Probe {
  label: string;
  key: string;
  script: string;
}

/** Runs `node -e script` and resolves with the time until it prints ANSWER (process start to first answer). */
function timeProcess(script: string, cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let answeredAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (answeredAt === undefined && out.includes(ANSWER)) answeredAt = performance.now() - started;
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (answeredAt !== undefined) resolve(answeredAt);
      else reject(new Error(`probe exited with ${code} without answering: ${err.trim().slice(0, 300)}`));
    });
  });
}

/** The environment a CloudBase instance has (see emulator/src/runner/context.ts), pointing at nowhere. */
function functionEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD: 'true',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'bench',
    TENCENTCLOUD_SECRETKEY: 'bench',
    SCF_NAMESPACE: 'bench-env',
    TCB_ENV: 'bench-env',
    // A closed port: a function that reaches the database fails fast instead of waiting on the network.
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: 'http://127.0.0.1:9/admin' }),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: 'oBenchBuyer',
    WX_APPID: 'wxbench',
    TCB_SOURCE: 'wx_client',
  };
}

function mainScript(bundlePath: string): string {
  // Whatever main answers (or throws) counts as the first answer; the event is empty.
  return [
    `const m = require(${JSON.stringify(bundlePath)});`,
    `const done = () => { process.stdout.write(${JSON.stringify(ANSWER + '\n')}); process.exit(0); };`,
    `Promise.resolve().then(() => m.main({}, { request_id: 'bench', function_name: 'bench' })).then(done, done);`,
  ].join('\n');
}

function builtFunctions(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => existsSync(join(root, name, 'index.js')));
}

async function runnerInvocations(ctx: BenchContext, runs: number): Promise<{ cold: number[]; warm: number[] }> {
  const options = {
    roots: [join(ctx.projectRoot, 'dist/test-functions')],
    workerScript: join(ctx.projectRoot, 'dist/local-cloud/worker.js'),
    env: 'bench-env',
    appid: 'wxbench',
    adminUrl: (name: string, id: string) => `http://127.0.0.1:9/admin/${name}/${id}`,
    takeCallCounts: () => ({ database: 0, pay: 0, openapi: 0, functions: 0 }),
  };
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A new runner has no instances: its first invocation starts a worker thread and loads the bundle.
    const runner = createRunner(options);
    try {
      for (let j = 0; j < 3; j++) {
        const outcome = await runner.invoke({ name: 'runner-whoami', event: {}, source: 'wx_client', openid: 'oBenchBuyer' });
        if (!outcome.ok) throw new Error(`runner-whoami failed: ${outcome.message}`);
        (outcome.coldStart ? cold : warm).push(outcome.durationMs);
      }
    } finally {
      await runner.close();
    }
  }
  return { cold, warm };
}

export const coldStartSection: BenchSection = {
  id: 'cold-start',
  title: 'Cold start: process start to first answer',
  async run(ctx) {
    const runs = ctx.quick ? 5 : 15;
    const env = functionEnv();
    const probes: Probe[] = [
      { label: 'Node alone (`node -e 0`)', key: 'node', script: `process.stdout.write(${JSON.stringify(ANSWER + '\n')})` },
      {
        label: "`require('wx-server-sdk')` unbundled, nothing else",
        key: 'requireSdk',
        script: `require('wx-server-sdk'); process.stdout.write(${JSON.stringify(ANSWER + '\n')})`,
      },
    ];
    const product = builtFunctions(join(ctx.projectRoot, 'cloudfunctions'));
    for (const name of product) {
      probes.push({ label: `built \`${name}\`: load bundle + main({})`, key: `fn.${name}`, script: mainScript(join(ctx.projectRoot, 'cloudfunctions', name, 'index.js')) });
    }
    const fixture = join(ctx.projectRoot, 'dist/test-functions/runner-whoami/index.js');
    if (existsSync(fixture)) {
      probes.push({ label: 'built `runner-whoami` (test function: cloud.init + getWXContext)', key: 'fn.runner-whoami', script: mainScript(fixture) });
    }

    const rows: Array<Array<string | number>> = [];
    const figures: Record<string, number> = {};
    for (const probe of probes) await timeProcess(probe.script, ctx.projectRoot, env); // warm the file cache, not counted
    // Round robin: each round runs every probe once, so a busy moment of a shared machine hits them all alike.
    const times = new Map<string, number[]>(probes.map((p) => [p.key, []]));
    for (let i = 0; i < runs; i++) {
      ctx.note(`round ${i + 1} of ${runs}`);
      for (const probe of probes) times.get(probe.key)?.push(await timeProcess(probe.script, ctx.projectRoot, env));
    }
    // Paired ratios: each round's time over the same round's require('wx-server-sdk'), then the median of those.
    const sdk = times.get('requireSdk') ?? [];
    for (const probe of probes) {
      const t = times.get(probe.key) ?? [];
      const ratio = median(t.map((ms, i) => ms / sdk[i]));
      figures[`${probe.key}.medianMs`] = round(median(t));
      figures[`${probe.key}.ofRequireSdk`] = round(ratio, 2);
      rows.push([probe.label, round(median(t)), round(Math.min(...t)), round(ratio, 2), runs]);
    }

    ctx.note('local cloud runner: cold and warm invocations');
    const { cold, warm } = await runnerInvocations(ctx, ctx.quick ? 3 : 8);
    figures['runner.cold.medianMs'] = round(median(cold));
    figures['runner.warm.medianMs'] = round(median(warm));
    rows.push(['local cloud: cold invocation of `runner-whoami` (new worker thread, V8 code cache)', round(median(cold)), round(Math.min(...cold)), '', cold.length]);
    rows.push(['local cloud: warm invocation of `runner-whoami`', round(median(warm)), round(Math.min(...warm)), '', warm.length]);

    const markdown = [
      markdownTable(['what', 'median ms', 'min ms', "÷ require('wx-server-sdk'), paired", 'runs'], rows),
      '',
      'Process rows: `node -e` spawned from the project folder with a CloudBase-like environment, timed until it prints its',
      'answer, all probes taking turns round by round so that a busy moment of the machine hits them alike; the ratio is the',
      'median of each round\'s time over the same round\'s `require(\'wx-server-sdk\')`. Built functions',
      'get an empty event and a closed admin URL, so a database call fails fast: the notify functions and `reconcile` read',
      'their settings first, so their figure includes signing and sending one request.',
    ].join('\n');
    return { markdown, figures };
  },
};
