// The local cloud's status page: what is in the database, which functions are warm, what was paid and sent.
// It reads the same JSON endpoints tests use, so it shows nothing the API does not.
import type { HttpReply, LocalCloudHost } from './contracts';

export function statusPage(host: LocalCloudHost): HttpReply {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE.replaceAll('__ENV__', escapeHtml(host.env)) };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local cloud · __ENV__</title>
<style>
 body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2129}
 header{background:#07c160;color:#fff;padding:12px 20px}
 header h1{margin:0;font-size:18px} header .muted{color:#fff;opacity:.9} main{padding:16px 20px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
 section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0001;overflow:auto}
 h2{font-size:15px;margin:0 0 8px} table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:3px 6px;border-bottom:1px solid #eee;font-size:12px;vertical-align:top;word-break:break-all}
 code{font-size:12px} .muted{color:#86909c} .tag{display:inline-block;padding:0 6px;border-radius:4px;background:#e8f7ef;color:#078a47}
</style></head>
<body><header><h1>Local cloud · env <code>__ENV__</code></h1><div id="health" class="muted">connecting…</div></header>
<main>
 <section><h2>Collections</h2><div id="collections"></div></section>
 <section><h2>Recent orders</h2><div id="orders"></div></section>
 <section><h2>Refunds</h2><div id="refunds"></div></section>
 <section><h2>WeChat Pay <span id="pay" class="muted"></span></h2><div id="payments"></div></section>
 <section><h2>Subscribe messages (newest first)</h2><div id="messages"></div></section>
 <section><h2>Function instances</h2><div id="instances"></div></section>
 <section><h2>Shipping info uploaded to WeChat</h2><div id="shipping"></div></section>
 <section><h2>Receipt printer (newest first)</h2><div id="printer"></div></section>
</main>
<script>
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const get = (p) => fetch(p).then((r) => r.ok ? r.json() : Promise.reject(new Error(p + ': ' + r.status)));
const table = (rows, cols) => rows.length ? '<table><tr>' + cols.map((c) => '<th>' + esc(c) + '</th>').join('') + '</tr>' +
  rows.map((r) => '<tr>' + cols.map((c) => '<td>' + esc(typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c]) + '</td>').join('') + '</tr>').join('') + '</table>'
  : '<p class="muted">nothing yet</p>';
const fen = (f) => typeof f === 'number' ? '¥' + (f / 100).toFixed(2) : '';
async function refresh() {
  try {
    const h = await get('/health');
    document.getElementById('health').innerHTML = '<span class="tag">ready</span> functions: ' + esc(h.functions.join(', '));
    const { collections } = await get('/db');
    const counts = await Promise.all(collections.map((c) => get('/db/' + c + '?limit=1').then((r) => ({ collection: c, documents: r.total }))));
    document.getElementById('collections').innerHTML = table(counts, ['collection', 'documents']);
    if (collections.includes('orders')) {
      const o = await get('/db/orders?limit=1000');
      const rows = o.documents.slice(-15).reverse().map((d) => ({ order: d._id, buyer: d._openid, status: d.status, total: fen(d.totalFee), refunded: fen(d.refundedFee) }));
      document.getElementById('orders').innerHTML = table(rows, ['order', 'buyer', 'status', 'total', 'refunded']);
    }
    if (collections.includes('refunds')) {
      const r = await get('/db/refunds?limit=1000');
      const rows = r.documents.slice(-15).reverse().map((d) => ({ refund: d._id, status: d.status, amount: fen(d.refundFee), reason: d.reason }));
      document.getElementById('refunds').innerHTML = table(rows, ['refund', 'status', 'amount', 'reason']);
    }
    const merchant = await get('/sandbox/merchant').catch(() => undefined);
    if (merchant) document.getElementById('pay').textContent = 'shop pays with ' + merchant.provider + ' · merchant ' + merchant.mchId + ' · ' + merchant.baseUrl;
    const p = await get('/sandbox/payments?limit=15').catch(() => ({ payments: [] }));
    const pays = p.payments.map((t) => ({ trade: t.outTradeNo, protocol: t.protocol, state: t.tradeState, total: fen(t.totalFee),
      notify: t.lastNotification ? t.lastNotification.status + ' (' + t.lastNotification.attempts + ')' : '', to: t.notifyUrl || t.functionName }));
    document.getElementById('payments').innerHTML = table(pays, ['trade', 'protocol', 'state', 'total', 'notify', 'to']);
    const m = await get('/sandbox/messages').catch(() => ({ messages: [] }));
    const msgs = (m.messages || m.items || []).slice(0, 15).map((x) => ({ to: x.touser, template: x.templateId || x.template_id, result: x.status || x.errcode, data: x.data }));
    document.getElementById('messages').innerHTML = table(msgs, ['to', 'template', 'result', 'data']);
    const sh = await get('/sandbox/shipping').catch(() => ({ orders: [] }));
    document.getElementById('shipping').innerHTML = table(sh.orders.slice(0, 15).map((o) => ({ order: o.outTradeNo, state: o.orderState, type: o.logisticsType, packages: o.shippingList, corrections: o.modifications })), ['order', 'state', 'type', 'packages', 'corrections']);
    const pr = await get('/sandbox/printer').catch(() => ({ receipts: [] }));
    document.getElementById('printer').innerHTML = pr.receipts.length ? pr.receipts.slice(0, 5).map((r) => '<pre style="font-size:12px;border-bottom:1px dashed #ccc;padding-bottom:6px">' + esc(r.at + '  ×' + r.copies + '\n' + r.text) + '</pre>').join('') : '<p class="muted">nothing printed yet</p>';
    const inst = await get('/runner/instances');
    document.getElementById('instances').innerHTML = table(Object.entries(inst).map(([fn, v]) => ({ function: fn, idle: v.idle, busy: v.busy })), ['function', 'idle', 'busy']);
  } catch (e) { document.getElementById('health').textContent = 'error: ' + e.message; }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
