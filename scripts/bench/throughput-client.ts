// The throughput bench's client, in a process of its own so that it does not share the local cloud's main thread
// (scripts/bench/sections/throughput.ts forks it). It drives whole order lifecycles over HTTP only, as a buyer, a
// merchant and WeChat Pay would: the gateway for pay, applyRefund and approveRefund, and the pay sandbox's control
// routes to complete a payment and settle a refund, which deliver payNotify and refundNotify the way WeChat Pay does
// and answer once the function has acknowledged. Connections are kept alive, so the client's own cost stays small.
//
// Protocol (IPC): the parent sends { url, buyers, merchant, perClient }; the client answers { ok, seconds } or
// { ok: false, error } and waits for the next run; it exits when the parent disconnects.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ClientRun {
  url: string;
  /** One concurrent client per buyer. */
  buyers: string[];
  merchant: string;
  /** Lifecycles each client runs one after another. */
  perClient: number;
}

/** `cpuSeconds`: the client process's own CPU time over the run, to show what it took from the machine. */
export type ClientAnswer = { ok: true; seconds: number; cpuSeconds: number } | { ok: false; error: string };

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`${path}: not JSON: ${text.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function call(url: string, name: string, data: unknown, openid: string): Promise<Record<string, unknown>> {
  const body = (await post(url, `/functions/${name}`, { data }, { 'x-wx-openid': openid })) as { result?: { ok: boolean; data?: Record<string, unknown>; code?: string; message?: string } };
  if (!body.result?.ok) throw new Error(`${name}: ${body.result?.code ?? ''} ${body.result?.message ?? JSON.stringify(body).slice(0, 200)}`);
  return body.result.data ?? {};
}

/** The sandbox answers once the function it notified has answered; anything but an acknowledgement is a failure. */
function acknowledged(what: string, notifications: Array<{ status?: string }> | undefined): void {
  const last = notifications?.[notifications.length - 1];
  if (last?.status !== 'ACKNOWLEDGED') throw new Error(`${what}: the notification was not acknowledged (${last?.status ?? 'none'})`);
}

/** One order from payment to a refund paid back. */
async function lifecycle(run: ClientRun, buyer: string): Promise<void> {
  const { orderId } = (await call(run.url, 'pay', { items: [{ productId: 'tea-cup', quantity: 1 }] }, buyer)) as { orderId: string };
  const paid = (await post(run.url, `/sandbox/payments/${orderId}/complete`, {})) as { notification?: { status?: string } };
  acknowledged(`payNotify ${orderId}`, paid.notification ? [paid.notification] : undefined);
  const { refundId } = (await call(run.url, 'applyRefund', { orderId, reason: 'bench', refundFee: 10 }, buyer)) as { refundId: string };
  await call(run.url, 'approveRefund', { refundId, action: 'approve' }, run.merchant);
  const settled = (await post(run.url, `/sandbox/refunds/${refundId}/settle`, { status: 'SUCCESS' })) as { notifications?: Array<{ status?: string }> };
  acknowledged(`refundNotify ${refundId}`, settled.notifications);
}

export async function runClients(run: ClientRun): Promise<number> {
  const started = performance.now();
  await Promise.all(
    run.buyers.map(async (buyer) => {
      for (let i = 0; i < run.perClient; i++) await lifecycle(run, buyer);
    }),
  );
  return (performance.now() - started) / 1000;
}

if (require.main === module && process.send) {
  process.on('message', (run: ClientRun) => {
    const cpu = process.cpuUsage();
    runClients(run).then(
      (seconds) => {
        const used = process.cpuUsage(cpu);
        process.send?.({ ok: true, seconds, cpuSeconds: (used.user + used.system) / 1e6 } satisfies ClientAnswer);
      },
      (err: unknown) => process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ClientAnswer),
    );
  });
  process.on('disconnect', () => {
    agent.destroy();
    process.exit(0);
  });
}
