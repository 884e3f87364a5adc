// Run by `local-cloud exec` in a test: buys as the demo buyer without paying, then waits (at most 10 s) for the
// scaled timers to close the order. Prints {"orderId","status","afterMs"}; exits 1 if it stays open.
'use strict';
const url = process.env.LOCAL_CLOUD_URL;
const call = (name, data) =>
  fetch(`${url}/functions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': 'demo-buyer' }, body: JSON.stringify({ data }) }).then((r) => r.json());

(async () => {
  const bought = await call('pay', { items: [{ productId: 'oolong-tea', quantity: 1 }] });
  const orderId = bought.result.data.orderId;
  const started = Date.now();
  while (Date.now() - started < 10_000) {
    await new Promise((r) => setTimeout(r, 200));
    const found = await fetch(`${url}/ui/documents/orders?q=${orderId}`).then((r) => r.json());
    if (found.documents[0] && found.documents[0].status === 'CLOSED') {
      console.log(JSON.stringify({ orderId, status: 'CLOSED', afterMs: Date.now() - started }));
      return;
    }
  }
  console.log(JSON.stringify({ orderId, status: 'open' }));
  process.exit(1);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});
