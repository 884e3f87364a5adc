// Throughput: whole order lifecycles (pay → payment callback → refund request → approval → refund callback) per
// second through the gateway, one client and several at once, with the local cloud's memory meanwhile. The client
// runs in a process of its own (scripts/bench/throughput-client.ts), so the figures are the local cloud's alone.
// Also: how many requests one lifecycle makes (counted in this process, on warm instances).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LocalCloud } from '../../../emulator/src/local-cloud';
import { markdownTable, round, type BenchContext, type BenchSection, type Goal } from '../lib/section';
import type { ClientAnswer, ClientRun } from '../throughput-client';
import { DEMO_SETTINGS } from '../../../emulator/src/demo';
import { BENCH_MERCHANT, benchShop, control, gateway } from './shop';

interface Calls {
  database: number;
  pay: number;
  openapi: number;
}

const add = (a: Calls, b: Calls): Calls => ({ database: a.database + b.database, pay: a.pay + b.pay, openapi: a.openapi + b.openapi });

async function notify(cloud: LocalCloud, name: string, event: Record<string, string>): Promise<Calls> {
  const outcome = await cloud.runner.invoke({ name, event, source: 'wx_pay' });
  if (!outcome.ok) throw new Error(`${name}: ${outcome.message}`);
  const answer = outcome.result as { errcode?: number } | null;
  if (answer?.errcode !== 0) throw new Error(`${name} asked for a retry: ${JSON.stringify(answer)}`);
  return outcome.calls;
}

/** One order from payment to a refund paid back; answers the requests it made. */
async function lifecycle(cloud: LocalCloud, buyer: string): Promise<Calls> {
  let calls: Calls = { database: 0, pay: 0, openapi: 0 };
  const pay = await gateway(cloud, 'pay', { items: [{ productId: 'tea-cup', quantity: 1 }] }, buyer);
  calls = add(calls, pay.calls);
  const orderId = (pay.result.data as { orderId: string }).orderId;
  await control(cloud, `/sandbox/payments/${orderId}/complete`, { drop: true });
  calls = add(calls, await notify(cloud, 'payNotify', { outTradeNo: orderId }));
  const apply = await gateway(cloud, 'applyRefund', { orderId, reason: 'bench', refundFee: 10 }, buyer);
  calls = add(calls, apply.calls);
  const refundId = (apply.result.data as { refundId?: string } | undefined)?.refundId ?? `${orderId}R1`;
  calls = add(calls, (await gateway(cloud, 'approveRefund', { refundId, action: 'approve' }, BENCH_MERCHANT)).calls);
  await control(cloud, `/sandbox/refunds/${refundId}/settle`, { status: 'SUCCESS', drop: true });
  return add(calls, await notify(cloud, 'refundNotify', { outRefundNo: refundId }));
}

/** Subscriptions for the messages `lifecycles` lifecycles of this buyer send (one message per grant). */
function grant(cloud: LocalCloud, buyer: string, lifecycles: number): void {
  const t = DEMO_SETTINGS.templates;
  for (let i = 0; i < lifecycles; i++) {
    cloud.outbox.grant(buyer, [t.refundResult.templateId]);
    cloud.outbox.grant(BENCH_MERCHANT, [t.orderPaid.templateId, t.refundRequested.templateId]);
  }
}

/** The highest resident set size seen while `work` runs (sampled every 20 ms). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMb: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

interface RunResult {
  perSecond: number;
  peakMb: number;
  instances: number;
  /** CPU time of the process (all threads) over wall time: how many cores it kept busy. */
  cores: number;
  /** How busy the main thread's event loop was (gateway, database, sandbox; 1 = never idle). */
  mainBusy: number;
  /** CPU time of the client process over wall time. */
  clientCores: number;
  /** CPU time per lifecycle: the local cloud's process (all threads), and its main thread alone (Linux only). */
  cpuMsPerLifecycle: number;
  mainCpuMsPerLifecycle: number | undefined;
}

/**
 * CPU time of this process's main thread so far, in ms, from /proc (10 ms ticks: fine over a run of seconds).
 * Node 20 has no per-thread CPU clock; elsewhere than Linux the figure is left out.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Lifecycles a second that `cores` can run at `cpuMs` CPU time each. */
const ceiling = (cores: number, cpuMs: number): number => round((cores * 1000) / cpuMs, 0);

/** The bench's client process (scripts/bench/throughput-client.ts): one per section run, reused for each row. */
class ClientProcess {
  private readonly child: ChildProcess;

  constructor(projectRoot: string) {
    this.child = fork(join(projectRoot, 'dist/bench/throughput-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  run(run: ClientRun): Promise<{ seconds: number; cpuSeconds: number }> {
    return new Promise((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the bench client exited with ${code}`));
      this.child.once('exit', exited);
      this.child.once('message', (answer: ClientAnswer) => {
        this.child.off('exit', exited);
        if (answer.ok) resolve({ seconds: answer.seconds, cpuSeconds: answer.cpuSeconds });
        else reject(new Error(`bench client: ${answer.error}`));
      });
      this.child.send(run);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

async function run(cloud: LocalCloud, client: ClientProcess, clients: number, perClient: number): Promise<RunResult> {
  const buyers = Array.from({ length: clients }, (_, c) => `bench-buyer-${clients}-${c}`);
  for (const buyer of buyers) grant(cloud, buyer, perClient + 1);
  // One lifecycle per client first, so the instances this concurrency needs exist (cold starts are another table).
  await client.run({ url: cloud.url, buyers, merchant: BENCH_MERCHANT, perClient: 1 });
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const loop = performance.eventLoopUtilization();
  const { value: measured, peakMb } = await withPeakRss(() => client.run({ url: cloud.url, buyers, merchant: BENCH_MERCHANT, perClient }));
  const used = process.cpuUsage(cpu);
  const mainCpuAfter = mainThreadCpuMs();
  const mainBusy = performance.eventLoopUtilization(loop).utilization;
  const counts = Object.values(cloud.runner.instances());
  const instances = counts.reduce((n, c) => n + c.idle + c.busy, 0);
  const { seconds } = measured;
  return {
    perSecond: (clients * perClient) / seconds,
    peakMb,
    instances,
    cores: (used.user + used.system) / 1e6 / seconds,
    mainBusy,
    clientCores: measured.cpuSeconds / seconds,
    cpuMsPerLifecycle: (used.user + used.system) / 1000 / (clients * perClient),
    mainCpuMsPerLifecycle: mainCpu === undefined || mainCpuAfter === undefined ? undefined : (mainCpuAfter - mainCpu) / (clients * perClient),
  };
}

export const throughputSection: BenchSection = {
  id: 'throughput',
  title: 'Throughput: order lifecycles per second through the gateway',
  async run(ctx: BenchContext) {
    const total = ctx.quick ? 16 : 48;
    const cloud = await benchShop(ctx.projectRoot);
    const client = new ClientProcess(ctx.projectRoot);
    const rows: Array<Array<string | number>> = [];
    const figures: Record<string, number> = {};
    try {
      ctx.note('one lifecycle, counting requests (on warm instances, settings cached, as the round-trip table)');
      grant(cloud, 'bench-buyer-count', 2);
      await lifecycle(cloud, 'bench-buyer-count');
      const calls = await lifecycle(cloud, 'bench-buyer-count');
      figures['lifecycle.database'] = calls.database;
      const results: Record<number, RunResult> = {};
      for (const clients of [1, 8]) {
        ctx.note(`${total} lifecycles, ${clients} client(s)`);
        const r = await run(cloud, client, clients, Math.max(1, Math.round(total / clients)));
        results[clients] = r;
        figures[`c${clients}.lifecyclesPerSecond`] = round(r.perSecond, 1);
        figures[`c${clients}.peakRssMb`] = round(r.peakMb, 0);
        figures[`c${clients}.cores`] = round(r.cores, 2);
        figures[`c${clients}.mainBusy`] = round(r.mainBusy, 2);
        figures[`c${clients}.clientCores`] = round(r.clientCores, 2);
        figures[`c${clients}.cpuMsPerLifecycle`] = round(r.cpuMsPerLifecycle, 1);
        if (r.mainCpuMsPerLifecycle !== undefined) figures[`c${clients}.mainCpuMsPerLifecycle`] = round(r.mainCpuMsPerLifecycle, 1);
        rows.push([
          `${clients} client${clients > 1 ? 's' : ''}`,
          round(r.perSecond, 1),
          round((clients / r.perSecond) * 1000, 0),
          round(r.cores, 2),
          round(r.mainBusy, 2),
          round(r.cpuMsPerLifecycle, 1),
          r.mainCpuMsPerLifecycle === undefined ? '–' : round(r.mainCpuMsPerLifecycle, 1),
          round(r.clientCores, 2),
          round(r.peakMb, 0),
          r.instances,
        ]);
      }
      figures['c8.ofC1'] = round(results[8].perSecond / results[1].perSecond, 2);
      const peakMb = Math.max(...Object.values(results).map((r) => r.peakMb));
      const goals: Goal[] = [
        { what: 'order lifecycles per second, 8 clients', measured: figures['c8.lifecyclesPerSecond'], kind: 'min', limit: 30, unit: '/s', note: `${total} lifecycles through the gateway and the pay sandbox` },
        { what: '8 clients ÷ 1 client', measured: figures['c8.ofC1'], kind: 'min', limit: 1.5, unit: '×', note: `on ${availableParallelism()} cores` },
        { what: "the local cloud's peak memory meanwhile", measured: round(peakMb, 0), kind: 'max', limit: 400, unit: ' MB', note: 'RSS of the process hosting it (main thread and function workers), client apart' },
      ];
      const markdown = [
        markdownTable(
          ['clients', 'lifecycles/s', 'ms per lifecycle (per client)', 'local cloud: cores busy', 'main thread busy', 'local cloud: CPU ms per lifecycle', 'main thread: CPU ms per lifecycle', 'bench client: cores busy', 'local cloud: peak RSS MB', 'function instances after'],
          rows,
        ),
        '',
        `8 clients ÷ 1 client: **${figures['c8.ofC1']}×**. One lifecycle = pay, payment callback, applyRefund, approveRefund, refund`,
        `callback: ${calls.database} database requests, ${calls.pay} cloudPay calls, ${calls.openapi} openapi calls (subscribe messages).`,
        `${total} lifecycles per row, after one per client to start the instances that concurrency needs; the runner's default`,
        `instance limit per function for ${availableParallelism()} cores (\`BENCH_INSTANCES=N\` tries another). The client is a process of`,
        'its own (scripts/bench/throughput-client.ts, HTTP with keep-alive): it calls the gateway as the mini-program does and has the',
        'pay sandbox complete each payment and settle each refund, which delivers the callbacks as WeChat Pay does and answers once',
        'the function acknowledged. RSS and "cores busy" (CPU time over wall time, all threads) are the local cloud\'s process; "main',
        'thread busy" is its event loop\'s utilisation (gateway, admin API, database, sandbox): near 1 it sets the pace.',
        `CPU ms per lifecycle (the process's CPU time, all threads, and its main thread's alone, from /proc) move least when other`,
        `work shares the machine: ${availableParallelism()} cores can run at most ${ceiling(availableParallelism(), results[8].cpuMsPerLifecycle)} lifecycles a second at the`,
        `8-client figure, and the main thread alone at most ${results[8].mainCpuMsPerLifecycle === undefined ? '–' : ceiling(1, results[8].mainCpuMsPerLifecycle)}.`,
      ].join('\n');
      return { markdown, figures, goals };
    } finally {
      client.close();
      await cloud.close();
    }
  },
};
