// Database round trips per function call, as the local cloud counts them per invocation (every admin request a
// function makes: database, cloudPay, openapi). Measured on warm instances (settings cached), second call of each.
// The demo shop has a receipt printer and no counted stock; docs/functions.md ("Budgets, measured") says what each
// request is for, and test/functions/round-trips.test.ts holds the lifecycle to these budgets.
import { markdownTable, type BenchContext, type BenchSection } from '../lib/section';
import { BENCH_BUYER, BENCH_MERCHANT, benchShop, control, gateway } from './shop';

interface Row {
  call: string;
  database: number;
  pay: number;
  openapi: number;
  budget: string;
}

export const roundTripsSection: BenchSection = {
  id: 'round-trips',
  title: 'Round trips per function call (warm instance)',
  async run(ctx: BenchContext) {
    const cloud = await benchShop(ctx.projectRoot);
    const rows: Row[] = [];
    const add = (call: string, calls: { database: number; pay: number; openapi: number }, budget = '') => rows.push({ call, database: calls.database, pay: calls.pay, openapi: calls.openapi, budget });
    try {
      const item = { items: [{ productId: 'tea-cup', quantity: 1 }] };
      const orderIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const pay = await gateway(cloud, 'pay', item, BENCH_BUYER);
        orderIds.push((pay.result.data as { orderId: string }).orderId);
        if (i === 2) add('pay (new order)', pay.calls);
      }
      ctx.note('payNotify: payments completed with the callback dropped, then delivered by hand');
      let notifyCalls = { database: 0, pay: 0, openapi: 0 };
      for (const orderId of orderIds) {
        await control(cloud, `/sandbox/payments/${orderId}/complete`, { drop: true });
        const outcome = await cloud.runner.invoke({ name: 'payNotify', event: { outTradeNo: orderId }, source: 'wx_pay' });
        if (!outcome.ok) throw new Error(`payNotify: ${outcome.message}`);
        notifyCalls = outcome.calls;
      }
      // The demo shop has a receipt printer: printing reads the order and records the print (2 more requests).
      add('payNotify (first delivery: PENDING → PAID owing the message and the receipt, read back, message record + sent, receipt record)', notifyCalls, '≤ 5 (4 without a printer); + a transaction if the order holds stock');
      const dup = await cloud.runner.invoke({ name: 'payNotify', event: { outTradeNo: orderIds[2] }, source: 'wx_pay' });
      if (dup.ok) add('payNotify (duplicate delivery: the lost conditional write, then the order read to tell a duplicate from an anomaly)', dup.calls, '≤ 2');

      let applyCalls = { database: 0, pay: 0, openapi: 0 };
      for (const orderId of orderIds) applyCalls = (await gateway(cloud, 'applyRefund', { orderId, reason: 'bench', refundFee: 10 }, BENCH_BUYER)).calls;
      add('applyRefund (read the order, reserve on it, insert the refund owing the message; then, alongside the send, clear the order\'s mark, message record + sent)', applyCalls, '≤ 6');
      let approveCalls = { database: 0, pay: 0, openapi: 0 };
      for (const orderId of orderIds.slice(0, 2)) approveCalls = (await gateway(cloud, 'approveRefund', { refundId: `${orderId}R1`, action: 'approve' }, BENCH_MERCHANT)).calls;
      add('approveRefund (approve: read the refund, claim PROCESSING, the order\'s timeline)', approveCalls, '≤ 3');
      const reject = await gateway(cloud, 'approveRefund', { refundId: `${orderIds[2]}R1`, action: 'reject', rejectReason: '其他原因：bench' }, BENCH_MERCHANT);
      add('approveRefund (reject)', reject.calls);
      let settleCalls = { database: 0, pay: 0, openapi: 0 };
      for (const orderId of orderIds.slice(0, 2)) {
        await control(cloud, `/sandbox/refunds/${orderId}R1/settle`, { status: 'SUCCESS', drop: true });
        const outcome = await cloud.runner.invoke({ name: 'refundNotify', event: { outRefundNo: `${orderId}R1` }, source: 'wx_pay' });
        if (outcome.ok) settleCalls = outcome.calls;
      }
      add('refundNotify (PROCESSING → SUCCEEDED: read the refund, book the order, settle the refund owing the message, message record + sent)', settleCalls, '≤ 5');
      await gateway(cloud, 'orders', { action: 'list' }, BENCH_BUYER);
      add('orders list', (await gateway(cloud, 'orders', { action: 'list' }, BENCH_BUYER)).calls, 'one query');
      add('orders get (order + its refunds)', (await gateway(cloud, 'orders', { action: 'get', orderId: orderIds[0] }, BENCH_BUYER)).calls);
      const reconcile = await cloud.runner.invoke({ name: 'reconcile', event: {}, source: 'wx_trigger' });
      if (reconcile.ok) add('reconcile (nothing due; its first call, so settings are read too; one query per thing it looks for)', reconcile.calls);
    } finally {
      await cloud.close();
    }
    const figures: Record<string, number> = {};
    rows.forEach((r, i) => {
      figures[`roundTrips.${i}.database`] = r.database;
      figures[`roundTrips.${i}.pay`] = r.pay;
    });
    return {
      markdown: markdownTable(['call', 'database requests', 'cloudPay calls', 'openapi calls', 'budget'], rows.map((r) => [r.call, r.database, r.pay, r.openapi, r.budget])),
      figures,
    };
  },
};
