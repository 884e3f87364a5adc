// Cold start: how long from starting a Node process to the first answer of a built function, against
// starting Node and only require()-ing wx-server-sdk unbundled. Also the local cloud's own cold and warm
// invocations (a new worker thread vs a warm one).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunner } from '../../../emulator/src/runner';
import { markdownTable, median, round, type BenchContext, type BenchSection, type Goal } from '../lib/section';

const ANSWER = 'BENCH-ANSWER';

interface Probe {
  label: string;
  key: string;
  script: string;
  /** A product function, held to issue 21's goal. */
  product?: boolean;
}

/** Issue 21: every built function's cold start at most this fraction of `require('wx-server-sdk')`, aiming under AIM. */
const GOAL = 0.4;
const AIM = 0.35;

interface ProbeRun {
  /** Process start to the answer, wall clock (what a caller waits). */
  ms: number;
  /** CPU time of the process (all threads) until it answered: what a machine shared with other work disturbs least. */
  cpuMs: number;
  /** Bytes of JavaScript files loaded by then (a bundle and the deferred files it needed, or the SDK's files). */
  loadedBytes: number;
}

/** What each probe prints when it answers: the marker, then its CPU time; then, after the answer, what it loaded. */
const ANSWER_LINE = `process.stdout.write(${JSON.stringify(ANSWER)} + ' ' + JSON.stringify(process.cpuUsage()) + '\\n');`;
const LOADED_LINE = `process.stdout.write('LOADED ' + Object.keys(require.cache).reduce((n, f) => n + require('fs').statSync(f).size, 0) + '\\n');`;

/** Runs `node -e script` and resolves with the time until it prints ANSWER (process start to first answer). */
function timeProcess(script: string, cwd: string, env: Record<string, string>): Promise<ProbeRun> {
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
      const cpu = /BENCH-ANSWER (\{.*\})/.exec(out);
      const loaded = /LOADED (\d+)/.exec(out);
      if (answeredAt !== undefined && cpu && loaded) {
        const usage = JSON.parse(cpu[1]) as { user: number; system: number };
        resolve({ ms: answeredAt, cpuMs: (usage.user + usage.system) / 1000, loadedBytes: Number(loaded[1]) });
      } else reject(new Error(`probe exited with ${code} without answering: ${err.trim().slice(0, 300)}`));
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
    `const done = () => { ${ANSWER_LINE} ${LOADED_LINE} process.exit(0); };`,
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
      { label: 'Node alone (`node -e 0`)', key: 'node', script: `${ANSWER_LINE} ${LOADED_LINE}` },
      {
        label: "`require('wx-server-sdk')` unbundled, nothing else",
        key: 'requireSdk',
        script: `require('wx-server-sdk'); ${ANSWER_LINE} ${LOADED_LINE}`,
      },
    ];
    const product = builtFunctions(join(ctx.projectRoot, 'cloudfunctions'));
    for (const name of product) {
      probes.push({ label: `built \`${name}\`: load bundle + main({})`, key: `fn.${name}`, product: true, script: mainScript(join(ctx.projectRoot, 'cloudfunctions', name, 'index.js')) });
    }
    const fixture = join(ctx.projectRoot, 'dist/test-functions/runner-whoami/index.js');
    if (existsSync(fixture)) {
      probes.push({ label: 'built `runner-whoami` (test function: cloud.init + getWXContext)', key: 'fn.runner-whoami', script: mainScript(fixture) });
    }

    const rows: Array<Array<string | number>> = [];
    const figures: Record<string, number> = {};
    const goals: Goal[] = [];
    for (const probe of probes) await timeProcess(probe.script, ctx.projectRoot, env); // warm the file cache, not counted
    // Round robin: each round runs every probe once, so a busy moment of a shared machine hits them all alike.
    const times = new Map<string, ProbeRun[]>(probes.map((p) => [p.key, []]));
    for (let i = 0; i < runs; i++) {
      ctx.note(`round ${i + 1} of ${runs}`);
      for (const probe of probes) times.get(probe.key)?.push(await timeProcess(probe.script, ctx.projectRoot, env));
    }
    // Paired ratios: each round's time over the same round's require('wx-server-sdk'), then the median of those.
    const sdk = times.get('requireSdk') ?? [];
    for (const probe of probes) {
      const t = times.get(probe.key) ?? [];
      const ms = t.map((r) => r.ms);
      const cpuMs = t.map((r) => r.cpuMs);
      const ratio = round(median(t.map((r, i) => r.ms / sdk[i].ms)), 2);
      const cpuRatio = round(median(t.map((r, i) => r.cpuMs / sdk[i].cpuMs)), 2);
      const loadedKb = round(median(t.map((r) => r.loadedBytes)) / 1024, 0);
      figures[`${probe.key}.medianMs`] = round(median(ms));
      figures[`${probe.key}.ofRequireSdk`] = ratio;
      figures[`${probe.key}.cpuMedianMs`] = round(median(cpuMs));
      figures[`${probe.key}.cpuOfRequireSdk`] = cpuRatio;
      figures[`${probe.key}.loadedKb`] = loadedKb;
      rows.push([probe.label, round(median(ms)), round(Math.min(...ms)), ratio, round(median(cpuMs)), cpuRatio, loadedKb, runs]);
      if (probe.product) {
        goals.push({ what: `cold start of \`${probe.key.slice(3)}\` ÷ \`require('wx-server-sdk')\``, measured: ratio, kind: 'max', limit: GOAL, note: `paired wall clock (aim ≤ ${AIM}); CPU time ${cpuRatio}` });
      }
    }

    ctx.note('local cloud runner: cold and warm invocations');
    const { cold, warm } = await runnerInvocations(ctx, ctx.quick ? 3 : 8);
    figures['runner.cold.medianMs'] = round(median(cold));
    figures['runner.warm.medianMs'] = round(median(warm));
    rows.push(['local cloud: cold invocation of `runner-whoami` (new worker thread, V8 code cache)', round(median(cold)), round(Math.min(...cold)), '', '', '', '', cold.length]);
    rows.push(['local cloud: warm invocation of `runner-whoami`', round(median(warm)), round(Math.min(...warm)), '', '', '', '', warm.length]);

    const markdown = [
      markdownTable(['what', 'median ms', 'min ms', "÷ require('wx-server-sdk'), paired", 'CPU ms (all threads), median', 'CPU ÷ require, paired', 'JS loaded KB', 'runs'], rows),
      '',
      'Process rows: `node -e` spawned from the project folder with a CloudBase-like environment, timed until it prints its',
      'answer, all probes taking turns round by round so that a busy moment of the machine hits them alike; the ratio is the',
      'median of each round\'s time over the same round\'s `require(\'wx-server-sdk\')`. Built functions',
      'get an empty event and a closed admin URL, so a database call fails fast: the notify functions and `reconcile` read',
      'their settings first, so their figure includes signing and sending one request. CPU time is the process\'s own',
      '(`process.cpuUsage()` when it answers, all threads): it moves least when other work shares the machine. "JS loaded"',
      'is the size of the JavaScript files the process had loaded when it answered (bundle and deferred files, or the',
      'SDK\'s own files).',
    ].join('\n');
    return { markdown, figures, goals };
  },
};
