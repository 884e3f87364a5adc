// The order list's latency at 1 000 and at 100 000 orders of one buyer: the first page, a page deep in the list
// (by cursor) and a status tab. Orders are written straight into the database engine; the list is then read
// through the gateway and the warm `orders` function, as the mini-program reads it.
import { performance } from 'node:perf_hooks';
import { encodeCursor } from '../../../src/domain/cursor';
import { markdownTable, median, round, type BenchContext, type BenchSection } from '../lib/section';
import type { LocalCloud } from '../../../emulator/src/local-cloud';
import { BENCH_BUYER, benchShop, gateway } from './shop';

const START = Date.parse('2026-01-01T00:00:00Z');

function seedOrders(cloud: LocalCloud, count: number): void {
  const chunk = 5000;
  for (let from = 0; from < count; from += chunk) {
    const data: string[] = [];
    for (let i = from; i < Math.min(count, from + chunk); i++) {
      const at = { $date: { $numberLong: String(START + i * 1000) } };
      const status = i % 10 === 0 ? 'PENDING' : i % 17 === 0 ? 'CLOSED' : 'PAID';
      data.push(
        JSON.stringify({
          _id: `B${String(i).padStart(9, '0')}`,
          _openid: BENCH_BUYER,
          status,
          totalFee: 1990,
          refundedFee: 0,
          refundingFee: 0,
          items: [{ productId: 'tea-cup', name: '白瓷品茗杯', unitPrice: 1990, quantity: 1 }],
          title: '白瓷品茗杯 ×1',
          itemCount: 1,
          createdAt: at,
          updatedAt: at,
          payDeadline: at,
          refundCount: 0,
          openRefundId: null,
          timeline: [],
        }),
      );
    }
    cloud.db.execute('database.insertDocument', { collectionName: 'orders', data });
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

export const orderListSection: BenchSection = {
  id: 'order-list',
  title: 'Order list latency at 1 000 and 100 000 orders (warm function, through the gateway)',
  async run(ctx: BenchContext) {
    const sizes = ctx.quick ? [1000, 20_000] : [1000, 100_000];
    const runs = ctx.quick ? 10 : 30;
    const rows: Array<Array<string | number>> = [];
    const figures: Record<string, number> = {};
    for (const size of sizes) {
      const cloud = await benchShop(ctx.projectRoot);
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
      } finally {
        await cloud.close();
      }
    }
    return { markdown: markdownTable(['orders of the buyer', 'request', 'median ms', 'database requests', 'items'], rows), figures };
  },
};
