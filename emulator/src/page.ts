// The local cloud's UI at `/`: overview, database (collections, documents, search, one document), orders and
// refunds with their timelines, the request log (caller, function, duration, result, security rule), subscribe
// messages with their deep links (opened in the preview as the person they were sent to), function instances.
// It reads the same JSON endpoints tests and tools use, so it shows nothing the API does not; it refreshes live.
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
 body{font:14px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f6f7f9;color:#1d2129}
 header{background:#07c160;color:#fff;padding:10px 20px;display:flex;align-items:center;gap:24px;flex-wrap:wrap}
 header h1{margin:0;font-size:17px} header a{color:#fff}
 nav{display:flex;gap:4px} nav button{background:#ffffff26;border:0;color:#fff;padding:6px 12px;border-radius:6px;cursor:pointer;font-size:14px}
 nav button.on{background:#fff;color:#078a47;font-weight:600}
 #health{font-size:12px;opacity:.95;margin-left:auto}
 main{padding:16px 20px} .tab{display:none;gap:16px} .tab.on{display:grid}
 .grid{grid-template-columns:repeat(auto-fit,minmax(440px,1fr))} .tab > section,.grid > section,.layout > section{min-width:0}
 section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0001;overflow:auto}
 h2{font-size:15px;margin:0 0 8px} table{border-collapse:collapse;width:100%}
 td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;font-size:12px;vertical-align:top}
 th{white-space:nowrap;color:#4e5969;font-weight:600}
 td.nowrap,.nowrap{white-space:nowrap} td.wrap{word-break:break-word;max-width:420px}
 code,pre{font:12px/1.4 ui-monospace,monospace} pre{white-space:pre-wrap;word-break:break-word;background:#f7f8fa;padding:8px;border-radius:6px;margin:0}
 .muted{color:#86909c} .tag{display:inline-block;padding:0 6px;border-radius:4px;background:#e8f7ef;color:#078a47;white-space:nowrap}
 .tag.bad{background:#fdecee;color:#c9353f} .tag.warn{background:#fff3e8;color:#d25f00}
 .layout{display:grid;grid-template-columns:220px 1fr;gap:16px}
 .list button{display:block;width:100%;text-align:left;border:0;background:none;padding:6px 8px;border-radius:6px;cursor:pointer}
 .list button.on{background:#e8f7ef;color:#078a47;font-weight:600}
 input[type=search]{width:100%;padding:6px 10px;border:1px solid #d0d3d9;border-radius:6px;margin-bottom:8px;font-size:13px}
 tr.click{cursor:pointer} tr.click:hover{background:#f7f8fa}
 .thumb{width:56px;height:56px;object-fit:cover;border-radius:4px;background:#f2f3f5}
 .timeline{margin:0;padding-left:16px} .timeline li{margin:2px 0}
 select{padding:4px 8px;border-radius:6px;border:1px solid #d0d3d9}
</style></head>
<body>
<header><h1>Local cloud · env <code>__ENV__</code></h1>
 <nav id="tabs">
  <button data-tab="overview" class="on">Overview</button><button data-tab="database">Database</button>
  <button data-tab="orders">Orders &amp; refunds</button><button data-tab="pay">WeChat Pay</button>
  <button data-tab="shipping">Shipping &amp; printer</button><button data-tab="requests">Requests</button>
  <button data-tab="messages">Messages</button><button data-tab="storage">Storage</button>
 </nav>
 <a href="/preview" target="_blank">Preview the mini-program ↗</a>
 <div id="health">connecting…</div>
</header>
<main>
  <div class="tab grid on" id="tab-overview">
   <section><h2>Collections</h2><div id="collections"></div></section>
   <section><h2>Function instances</h2><div id="instances"></div></section>
   <section><h2>Where things are</h2><div id="emulators"></div></section>
   <section><h2>Sandbox settings and timers</h2><div id="config"></div></section>
  </div>
  <div class="tab" id="tab-database"><div class="layout">
   <section class="list" id="db-collections"></section>
   <section><input type="search" id="db-search" placeholder="search documents (any field, any value)"><div id="db-documents"></div></section>
  </div></div>
  <div class="tab grid" id="tab-orders">
   <section><h2>Orders (newest first, China time)</h2><div id="orders"></div></section>
   <section><h2>Refunds (newest first)</h2><div id="refunds"></div></section>
  </div>
  <div class="tab grid" id="tab-pay">
   <section><h2>WeChat Pay trades (newest first) <span id="pay" class="muted"></span></h2><div id="payments"></div></section>
   <section><h2>Trade bills (交易账单, China days; made from 09:00 the next day or when published)</h2><div id="bills"></div></section>
  </div>
  <div class="tab grid" id="tab-shipping">
   <section><h2>Shipping info uploaded to WeChat</h2><div id="shipping"></div></section>
   <section><h2>Receipt printer (newest first)</h2><div id="printer"></div></section>
  </div>
  <div class="tab" id="tab-requests"><section>
   <h2>Requests (newest first) <select id="req-kind"><option value="">all</option><option>gateway</option><option>admin</option><option>sandbox</option><option>preview</option><option>inspect</option></select></h2>
   <div id="requests"></div></section></div>
  <div class="tab" id="tab-messages"><section><h2>Subscribe messages (newest first)</h2><div id="messages"></div></section></div>
  <div class="tab" id="tab-storage"><section><h2>Cloud storage (newest first) <span id="storage-rules" class="muted"></span></h2><div id="storage"></div></section></div>
</main>
<script>
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const get = (p) => fetch(p, { headers: { 'x-local-cloud-ui': '1' } }).then((r) => r.ok ? r.json() : Promise.reject(new Error(p + ': ' + r.status)));
const fen = (f) => typeof f === 'number' ? '¥' + (f / 100).toFixed(2) : '';
// China time, as the phone and WeChat Pay show it (the stored values are UTC).
const time = (t) => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ') : '';
};
// Markup the page builds itself. Stored data is parsed JSON and can never be an instance of this class, so a
// document shaped {html: "…"} (an import, any /admin writer) is shown as text, never run as markup.
class Markup { constructor(html) { this.html = html; } }
const markup = (html) => new Markup(html);
// cells: markup(...) for markup, otherwise text; classes per column keep words whole
function table(rows, cols, opts = {}) {
  if (!rows.length) return '<p class="muted">' + (opts.empty || 'nothing yet') + '</p>';
  return '<table><tr>' + cols.map((c) => '<th>' + esc(c.label || c.key) + '</th>').join('') + '</tr>' + rows.map((r, i) =>
    '<tr' + (opts.onRow ? ' class="click" data-row="' + i + '"' : '') + '>' + cols.map((c) => {
      const v = r[c.key];
      const html = v instanceof Markup ? v.html : esc(typeof v === 'object' ? JSON.stringify(v) : v);
      return '<td class="' + (c.wrap ? 'wrap' : 'nowrap') + '">' + html + '</td>';
    }).join('') + '</tr>').join('') + '</table>';
}
const tag = (text, kind) => markup('<span class="tag ' + (kind || '') + '">' + esc(text) + '</span>');
let current = 'overview';
let dbCollection = '';
let openDoc = '';
let lastRequest = 0;
document.getElementById('tabs').addEventListener('click', (e) => {
  const b = e.target.closest('button'); if (!b) return;
  current = b.dataset.tab;
  document.querySelectorAll('#tabs button').forEach((x) => x.classList.toggle('on', x === b));
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('on', t.id === 'tab-' + current));
  refresh();
});
document.getElementById('db-search').addEventListener('input', () => refresh());
document.getElementById('req-kind').addEventListener('change', () => refresh());

async function overview() {
  const { collections, garbled } = await get('/db');
  const counts = await Promise.all(collections.map((c) => get('/db/' + c + '?limit=1').then((r) => ({ collection: c, documents: r.total }))));
  document.getElementById('collections').innerHTML = table(counts, [{ key: 'collection' }, { key: 'documents' }]) +
    (garbled && garbled.length ? '<p><span class="tag bad">' + esc(garbled.length) + ' unreadable document(s), skipped by every query</span></p>' +
      table(garbled.map((g) => ({ collection: g.collection, _id: g.id, reason: g.reason, kept: g.quarantined ? 'moved to tcb_garbled' : 'in place', found: time(g.foundAt) })),
        [{ key: 'collection' }, { key: '_id' }, { key: 'reason' }, { key: 'kept' }, { key: 'found' }]) : '');
  const inst = await get('/runner/instances');
  document.getElementById('instances').innerHTML = table(Object.entries(inst).map(([fn, v]) => ({ function: fn, idle: v.idle, busy: v.busy })), [{ key: 'function' }, { key: 'idle' }, { key: 'busy' }], { empty: 'no warm instances' });
  const em = await get('/emulators');
  document.getElementById('emulators').innerHTML = table(Object.entries(em.services).map(([k, v]) => ({ service: k, address: v })), [{ key: 'service' }, { key: 'address' }]) +
    '<p class="muted">GET /emulators answers this as JSON, with the SDK environment to point a script at this cloud.</p>';
  const cfg = await get('/sandbox/config');
  document.getElementById('config').innerHTML = '<p>time scale <b>' + esc(cfg.timeScale) + '</b> · refunds settle ' + (cfg.autoSettleRefunds ? 'at once' : 'by hand') +
    ' · timers ' + (cfg.timersRunning ? 'running' : 'off') + '</p>' + table(cfg.timers.map((t) => ({ function: t.function, trigger: t.trigger, cron: t.cron, fire: markup('<button data-fire="' + esc(t.function) + '">fire now</button>') })), [{ key: 'function' }, { key: 'trigger' }, { key: 'cron' }, { key: 'fire' }], { empty: 'no timer triggers' });
}
document.getElementById('config').addEventListener('click', async (e) => {
  const fn = e.target.dataset && e.target.dataset.fire; if (!fn) return;
  e.target.disabled = true;
  const r = await fetch('/sandbox/timers/' + encodeURIComponent(fn), { method: 'POST' });
  e.target.textContent = r.ok ? 'fired ✓' : 'failed (' + r.status + ')';
  setTimeout(() => { e.target.disabled = false; e.target.textContent = 'fire now'; }, 2000);
});

async function database() {
  const { collections } = await get('/db');
  if (!dbCollection && collections.length) dbCollection = collections.includes('orders') ? 'orders' : collections[0];
  const list = document.getElementById('db-collections');
  list.innerHTML = collections.map((c) => '<button data-c="' + esc(c) + '" class="' + (c === dbCollection ? 'on' : '') + '">' + esc(c) + '</button>').join('') || '<p class="muted">no collections</p>';
  list.onclick = (e) => { const b = e.target.closest('button'); if (b) { dbCollection = b.dataset.c; openDoc = ''; refresh(); } };
  if (!dbCollection) return;
  const q = document.getElementById('db-search').value;
  const r = await get('/ui/documents/' + encodeURIComponent(dbCollection) + '?limit=200&q=' + encodeURIComponent(q));
  const rows = r.documents.map((d) => ({ _id: d._id, doc: d, summary: JSON.stringify(d).slice(0, 160) }));
  document.getElementById('db-documents').innerHTML = '<p class="muted">' + r.matching + ' of ' + r.total + ' documents' + (q ? ' match “' + esc(q) + '”' : '') + '</p>' +
    (openDoc ? '<pre>' + esc(JSON.stringify(rows.find((x) => x._id === openDoc)?.doc ?? {}, null, 2)) + '</pre>' : '') +
    table(rows, [{ key: '_id' }, { key: 'summary', wrap: true }], { onRow: true });
  document.querySelectorAll('#db-documents tr.click').forEach((tr) => tr.onclick = () => { const id = rows[Number(tr.dataset.row)]._id; openDoc = openDoc === id ? '' : id; refresh(); });
}

function timelineHtml(entries) {
  return markup('<ol class="timeline">' + (Array.isArray(entries) ? entries : []).slice().reverse().map((t) => '<li><span class="nowrap">' + esc(time(t && t.at)) + '</span> <b>' + esc(t && t.event) + '</b> <span class="muted">' + esc((t && t.by) || '') + '</span>' + (t && t.note ? ' — ' + esc(t.note) : '') + '</li>').join('') + '</ol>');
}
const statusTag = (s) => tag(s, /REFUNDED|SUCCEEDED|SUCCESS|PAID|SHIPPED|COMPLETED/.test(s) ? '' : /FAILED|REJECTED|CLOSED|CANCELLED/.test(s) ? 'bad' : 'warn');
// A refund keeps no timeline of its own: its steps are its times (the order's timeline has the rest).
function refundSteps(d) {
  return [
    { at: d.createdAt, event: 'requested', by: 'buyer' },
    d.submittedAt && { at: d.submittedAt, event: 'sent to WeChat Pay', by: 'merchant' },
    d.settledAt && { at: d.settledAt, event: String(d.status).toLowerCase(), by: 'wechat' },
    !d.settledAt && d.statusAt && d.status !== 'REQUESTED' && { at: d.statusAt, event: String(d.status).toLowerCase() },
  ].filter(Boolean);
}
async function orders() {
  const o = await get('/ui/documents/orders?limit=50').catch(() => ({ documents: [] }));
  // channel: the WeChat Pay channel that took the order's money (issue 22); "legacy" for orders made before it was kept.
  const channelOf = (d) => (d.payChannel ? d.payChannel.provider + ' · ' + d.payChannel.merchantId : 'legacy');
  document.getElementById('orders').innerHTML = table(o.documents.map((d) => ({ order: d._id, buyer: d._openid, status: statusTag(d.status), channel: channelOf(d), total: fen(d.totalFee), refunded: fen(d.refundedFee), timeline: timelineHtml(d.timeline) })),
    [{ key: 'order' }, { key: 'buyer' }, { key: 'status' }, { key: 'channel' }, { key: 'total' }, { key: 'refunded' }, { key: 'timeline', wrap: true }]);
  const r = await get('/ui/documents/refunds?limit=50').catch(() => ({ documents: [] }));
  document.getElementById('refunds').innerHTML = table(r.documents.map((d) => ({ refund: d._id, order: d.orderId, status: statusTag(d.status), amount: fen(d.refundFee), reason: d.reason, timeline: timelineHtml(refundSteps(d)) })),
    [{ key: 'refund' }, { key: 'order' }, { key: 'status' }, { key: 'amount' }, { key: 'reason', wrap: true }, { key: 'timeline', wrap: true }]);
}

let requestRows = [];
async function requests() {
  const kind = document.getElementById('req-kind').value;
  const r = await get('/ui/requests?limit=300' + (kind ? '&kind=' + kind : ''));
  requestRows = r.requests;
  lastRequest = requestRows.length ? requestRows[0].seq : lastRequest;
  document.getElementById('requests').innerHTML = table(requestRows.map((e) => ({
    time: time(e.at).slice(11), kind: e.kind, request: e.method + ' ' + (e.kind === 'admin' ? '/admin/' + (e.functionName || '') + '/…' : e.path), caller: (e.caller || '').replace(/^(invocation \w{8})[\w-]*$/, '$1…'), function: e.functionName || '', action: e.action || '',
    ms: e.durationMs, result: tag(e.result || '', e.status >= 400 || (e.result && e.result !== 'ok') ? 'bad' : ''), rule: e.rule ? tag(e.rule, /refused/.test(e.rule) ? 'bad' : '') : '' })),
    [{ key: 'time' }, { key: 'kind' }, { key: 'request', wrap: true }, { key: 'caller' }, { key: 'function' }, { key: 'action' }, { key: 'ms' }, { key: 'result' }, { key: 'rule' }]);
}

async function messages() {
  const m = await get('/sandbox/messages?limit=100').catch(() => ({ messages: [] }));
  document.getElementById('messages').innerHTML = table((m.messages || []).map((x) => {
    const page = x.page || '';
    const link = page ? markup('<a target="_blank" href="/preview?as=' + encodeURIComponent(x.touser) + '&page=' + encodeURIComponent(page) + '">' + esc(page) + '</a>') : '';
    return { at: time(x.at), to: x.touser, template: x.templateId, status: tag(x.status, x.status === 'SENT' ? '' : 'bad'), 'deep link (opens the preview as the recipient)': link, data: x.data };
  }), [{ key: 'at' }, { key: 'to' }, { key: 'template' }, { key: 'status' }, { key: 'deep link (opens the preview as the recipient)', wrap: true }, { key: 'data', wrap: true }]);
}

// Trades per protocol (cloudpay, APIv2, APIv3), as the sandbox recorded them, and to whom it notified.
async function pay() {
  const merchant = await get('/sandbox/merchant').catch(() => undefined);
  document.getElementById('pay').textContent = merchant ? 'shop pays with ' + merchant.provider + ' · merchant ' + merchant.mchId + ' · ' + merchant.baseUrl : '';
  const p = await get('/sandbox/payments?limit=50').catch(() => ({ payments: [] }));
  document.getElementById('payments').innerHTML = table(p.payments.map((t) => ({ trade: t.outTradeNo, protocol: tag(t.protocol), state: statusTag(t.tradeState), total: fen(t.totalFee),
    notify: t.lastNotification ? t.lastNotification.status + ' (' + t.lastNotification.attempts + ')' : '', to: t.notifyUrl || t.functionName })),
    [{ key: 'trade' }, { key: 'protocol' }, { key: 'state' }, { key: 'total' }, { key: 'notify' }, { key: 'to', wrap: true }], { empty: 'no trades yet' });
}

// The last three China days' bills of each merchant account (cloudPay's; the shop's own, shared by APIv2 and APIv3),
// as the bill function would download them: made, not made yet, or none, with the faults armed for the day.
async function bills() {
  const day = (back) => new Date(Date.now() + 8 * 3600000 - back * 86400000).toISOString().slice(0, 10);
  const rows = [];
  for (const back of [0, 1, 2]) {
    for (const account of ['cloudpay', 'direct']) {
      const b = await get('/sandbox/bills/' + day(back) + '?account=' + account).catch(() => undefined);
      if (!b) continue;
      rows.push({ day: b.date, account: account === 'direct' ? 'APIv2/APIv3' : 'cloudPay', state: tag(b.state, b.state === 'bill' ? '' : 'muted'),
        faults: (b.faults || []).map((f) => f.mode).join(', '), bill: b.text ? markup('<pre class="bill">' + esc(b.text) + '</pre>') : '' });
    }
  }
  document.getElementById('bills').innerHTML = table(rows, [{ key: 'day' }, { key: 'account' }, { key: 'state' }, { key: 'faults' }, { key: 'bill', wrap: true }], { empty: 'no bills' });
}

async function shipping() {
  const sh = await get('/sandbox/shipping').catch(() => ({ orders: [] }));
  document.getElementById('shipping').innerHTML = table(sh.orders.slice(0, 50).map((o) => ({ order: o.outTradeNo, state: o.orderState, type: o.logisticsType, packages: o.shippingList, corrections: o.modifications })),
    [{ key: 'order' }, { key: 'state' }, { key: 'type' }, { key: 'packages', wrap: true }, { key: 'corrections' }], { empty: 'nothing shipped yet' });
  const pr = await get('/sandbox/printer').catch(() => ({ receipts: [] }));
  document.getElementById('printer').innerHTML = pr.receipts.length ? pr.receipts.slice(0, 10).map((r) => '<pre style="border-bottom:1px dashed #ccc;margin-bottom:6px">' + esc(time(r.at) + '  ×' + r.copies + '\\n' + r.text) + '</pre>').join('') : '<p class="muted">nothing printed yet</p>';
}

// Every stored file with who uploaded it (empty: a function or a tool), and the picture when it is one.
async function storage() {
  const st = await get('/ui/storage').catch(() => ({ files: [], rules: {} }));
  document.getElementById('storage-rules').textContent = 'mini-program rule: read ' + JSON.stringify(st.rules.read) + ' · write ' + JSON.stringify(st.rules.write) + ' (functions read and write everything)';
  document.getElementById('storage').innerHTML = table(st.files.map((f) => ({
    file: /^image\\//.test(f.contentType) ? markup('<a target="_blank" href="' + esc(f.tempFileURL) + '"><img class="thumb" alt="" src="' + esc(f.tempFileURL) + '"></a>') : markup('<a target="_blank" href="' + esc(f.tempFileURL) + '">open</a>'),
    path: f.cloudPath, owner: f.owner || '(function)', type: f.contentType, bytes: f.size, uploaded: time(f.uploadedAt), fileID: f.fileID })),
    [{ key: 'file' }, { key: 'path', wrap: true }, { key: 'owner' }, { key: 'type' }, { key: 'bytes' }, { key: 'uploaded' }, { key: 'fileID', wrap: true }], { empty: 'no files yet' });
}

const views = { overview, database, orders, pay: async () => { await pay(); await bills(); }, shipping, requests, messages, storage };
let busy = false;
async function refresh() {
  if (busy) return; busy = true;
  try {
    const h = await get('/health');
    document.getElementById('health').innerHTML = '<span class="tag">ready</span> ' + esc(h.functions.length) + ' functions · refreshes live';
    await views[current]();
  } catch (e) { document.getElementById('health').textContent = 'error: ' + e.message; }
  finally { busy = false; }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
