// How costs grow with the data: at 1 000, 10 000 and 100 000 orders of one buyer, the order list's latency (first
// page, a page deep in the list by cursor, a status tab) through the gateway and the warm `orders` function, as the
// mini-program reads it; one unindexed query straight at the database; the local cloud's memory; and the database
// file's bytes per order. Orders are written straight into the database engine.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCursor } from '../../../src/domain/cursor';
import { loadIndexDeclarations, openDatabase } from '../../../emulator/src/database';
import { markdownTable, median, round, type BenchContext, type BenchSection } from '../lib/section';
import type { LocalCloud } from '../../../emulator/src/local-cloud';
import { BENCH_BUYER, benchShop, gateway } from './shop';

const START = Date.parse('2026-01-01T00:00:00Z');

type Execute = (action: string, params: Record<string, unknown>) => unknown;

function seedOrders(target: LocalCloud | Execute, count: number): void {
  const execute: Execute = typeof target === 'function' ? target : (a, p) => target.db.execute(a, p);
  const chunk = 5000;
  for (let from = 0; from < count; from += chunk) {
    const data: string[] = [];
    for (let i = from; i < Math.min(count, from + chunk); i++) {
      const at = { $date: { $numberLong: String(START + i * 1000) } };
      const status = i % 10 === 0 ? 'PENDING' : i % 17 === 0 ? 'CLOSED' : 'PAID';
      const quantity = 1 + (i % 10);
      data.push(
        JSON.stringify({
          _id: `B${String(i).padStart(9, '0')}`,
          _openid: BENCH_BUYER,
          status,
          totalFee: 1990 * quantity,
          refundedFee: 0,
          refundingFee: 0,
          items: [{ productId: 'tea-cup', name: '白瓷品茗杯', unitPrice: 1990, quantity }],
          title: `白瓷品茗杯 ×${quantity}`,
          itemCount: quantity,
          createdAt: at,
          updatedAt: at,
          payDeadline: at,
          refundCount: 0,
          openRefundId: null,
          timeline: [],
        }),
      );
    }
    execute('database.insertDocument', { collectionName: 'orders', data });
  }
}

async function timeList(cloud: LocalCloud, data: Record<string, unknown>, runs: number): Promise<{ ms: number; database: number; items: number }> {
  const times: number[] = [];
  let last = await gateway(cloud, 'orders', { action: 'list', ...data }, BENCH_BUYER);
  for (let i = 0; i < 5; i++) last = await gateway(cloud, 'orders', { action: 'list', ...data }, BENCH_BUYER); // warm-up
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await gateway(cloud, 'orders', { action: 'list', ...data }, BENCH_BUYER);
    times.push(performance.now() - started);
  }
  return { ms: median(times), database: last.calls.database, items: (last.result.data as { items: unknown[] }).items.length };
}

const UNINDEXED = {
    collectionName: 'orders',
    queryType: 'WHERE',
    query: JSON.stringify({ totalFee: { $numberInt: String(1990 * 3) } }),
    order: JSON.stringify([{ field: 'createdAt', direction: 'desc' }]),
    limit: 10,
};

/**
 * The unindexed query of issue 13: an order no index serves, so every document is looked at (before the filter,
 * each one read and parsed in JavaScript). UNINDEXED above orders by createdAt, which the desk_created index serves:
 * that query walks the index and stops at the tenth match, about a hundred documents whatever the collection's size.
 */
const FULL_SCAN = { ...UNINDEXED, order: JSON.stringify([{ field: 'payDeadline', direction: 'desc' }]) };

/** One unindexed query (a tenth of the orders match), straight at the database: its time, or its refusal. */
function unindexed(cloud: LocalCloud, runs: number): { ms: number; outcome: string } {
  const params = FULL_SCAN;
  const times: number[] = [];
  let outcome = '';
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    try {
      const r = cloud.db.execute('database.getDocument', params) as { data: { list: unknown[] } };
      outcome = `${r.data.list.length} of ${cloud.db.list('orders', { limit: 0 }).total}`;
    } catch (err) {
      outcome = `refused: ${(err as Error).message.replace(/^this query /, '').slice(0, 70)}…`;
    }
    times.push(performance.now() - started);
  }
  return { ms: median(times), outcome };
}

/**
 * The same query on two in-memory databases holding the same orders, with and without SQLite checking the stored
 * text first (scan-filter.ts), taking turns: the speed-up, measured side by side.
 */
function filterSpeedup(projectRoot: string, size: number, runs: number, query: Record<string, unknown>): { on: number; off: number; ratio: number } {
  const indexes = loadIndexDeclarations(join(projectRoot, 'cloudbase/database-indexes.json'));
  const on = openDatabase({ memory: true, indexes });
  const off = openDatabase({ memory: true, indexes, textFilter: false });
  try {
    for (const db of [on, off]) seedOrders((a, p) => db.execute(a, p), size);
    const times = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < runs + 2; i++) {
      for (const [key, db] of [['on', on], ['off', off]] as const) {
        const started = performance.now();
        db.execute('database.getDocument', query);
        if (i >= 2) times[key].push(performance.now() - started); // two warm-up rounds
      }
    }
    // Paired: each round's time without the filter over the same round's time with it.
    return { on: median(times.on), off: median(times.off), ratio: median(times.off.map((off, i) => off / times.on[i])) };
  } finally {
    on.close();
    off.close();
  }
}

export const orderListSection: BenchSection = {
  id: 'order-list',
  title: 'Growth: order list, an unindexed query, memory and file size at 1 000, 10 000 and 100 000 orders',
  async run(ctx: BenchContext) {
    const sizes = ctx.quick ? [1000, 10_000] : [1000, 10_000, 100_000];
    const runs = ctx.quick ? 10 : 30;
    const rows: Array<Array<string | number>> = [];
    const growth: Array<Array<string | number>> = [];
    const speedups: Array<Array<string | number>> = [];
    const figures: Record<string, number> = {};
    for (const size of sizes) {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
      const cloud = await benchShop(ctx.projectRoot, {}, { dataDir });
      try {
        ctx.note(`seeding ${size} orders`);
        const seeded = performance.now();
        seedOrders(cloud, size);
        ctx.note(`seeded in ${Math.round(performance.now() - seeded)} ms`);
        await gateway(cloud, 'orders', { action: 'me' }, BENCH_BUYER); // cold start out of the way
        const deep = Math.floor(size * 0.9);
        const cursor = encodeCursor({ t: START + deep * 1000, id: `B${String(deep).padStart(9, '0')}`, n: 1 });
        const cases: Array<[string, Record<string, unknown>]> = [
          ['first page (20)', {}],
          ['page 90% deep (cursor)', { cursor }],
          ['PENDING tab, first page', { status: 'PENDING' }],
        ];
        for (const [label, data] of cases) {
          const r = await timeList(cloud, data, runs);
          rows.push([size.toLocaleString('en-US'), label, round(r.ms, 1), r.database, r.items]);
          figures[`orderList.${size}.${label.split(' ')[0]}.medianMs`] = round(r.ms, 2);
        }
        const q = unindexed(cloud, ctx.quick ? 3 : 5);
        if (size <= 10_000) {
          const cases = [
            ['fullScan', '`where({totalFee}).orderBy(payDeadline).limit(10)`: no index, every document looked at', FULL_SCAN],
            ['indexWalk', '`where({totalFee}).orderBy(createdAt).limit(10)`: walks desk_created, stops at the 10th match', UNINDEXED],
          ] as const;
          for (const [key, label, query] of cases) {
            const speed = filterSpeedup(ctx.projectRoot, size, ctx.quick ? 9 : 25, query);
            figures[`growth.${size}.${key}.filterOffMs`] = round(speed.off, 2);
            figures[`growth.${size}.${key}.filterOnMs`] = round(speed.on, 2);
            figures[`growth.${size}.${key}.filterSpeedup`] = round(speed.ratio, 1);
            speedups.push([size.toLocaleString('en-US'), label, round(speed.off, 2), round(speed.on, 2), `${round(speed.ratio, 1)}×`]);
          }
        }
        figures[`growth.${size}.unindexedMs`] = round(q.ms, 1);
        const sqlite = cloud.db.sqlite();
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
        const file = statSync(join(dataDir, 'local-cloud.sqlite')).size;
        const rss = process.memoryUsage().rss / 1024 / 1024;
        figures[`growth.${size}.bytesPerOrder`] = Math.round(file / size);
        figures[`growth.${size}.rssMb`] = Math.round(rss);
        growth.push([size.toLocaleString('en-US'), round(q.ms, 1), q.outcome, Math.round(rss), round(file / 1024 / 1024, 1), Math.round(file / size)]);
      } finally {
        await cloud.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const markdown = [
      markdownTable(['orders of the buyer', 'request', 'median ms', 'database requests', 'items'], rows),
      '',
      markdownTable(['orders', 'unindexed `where({totalFee}).orderBy(payDeadline).limit(10)`, median ms', 'answer', 'RSS MB (bench process hosting the local cloud)', 'database file MB', 'bytes per order'], growth),
      '',
      'The unindexed query goes straight to the database engine (no SDK, no HTTP): a tenth of the orders match. Past 50 000',
      'documents an unindexed query is refused with the index to declare rather than hold the server (docs/local-cloud-database.md).',
      'The file is the SQLite database after a WAL checkpoint: documents as JSON plus the five declared indexes of `orders`.',
      '',
      markdownTable(['orders', 'query', 'as before (each document read parsed in JS), median ms', 'SQLite checks the stored text first, median ms', 'speed-up (median of paired rounds)'], speedups),
      '',
      'Two in-memory databases with the same orders, queried in turn (so a busy moment of the machine hits both); the',
      'speed-up is the median over rounds of one round\'s time before over the same round\'s time after.',
    ].join('\n');
    return { markdown, figures };
  },
};
