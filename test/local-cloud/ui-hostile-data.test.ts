// The local cloud's UI shows whatever the database holds, and the database holds whatever an import or any /admin
// writer put there. A stored value shaped like the page's own markup cells ({html: "…"}) must be shown as text:
// were it rendered, its script would run in the UI's origin, act as the merchant and read the keys (issue 18).
// The real page runs in jsdom against a real local cloud, so what is asserted is the DOM a developer would get.
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { closeUi, openUi, showTab } from '../helpers/ui-dom';

jest.setTimeout(30_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.close());

const HOSTILE = '<img id="pwned" src="x" onerror="window.pwned = 1">';

async function insert(collection: string, doc: Record<string, unknown>): Promise<void> {
  const admin = (params: Record<string, unknown>) =>
    fetch(`${cloud.url}/admin?env=${cloud.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }).then((r) => r.json());
  await admin({ action: 'database.addCollection', collectionName: collection });
  const answer = (await admin({ action: 'database.insertDocument', collectionName: collection, data: [JSON.stringify(doc)] })) as { code?: string };
  expect(answer.code).toBeUndefined();
}

it('stored values shaped {html: "…"} are shown as text in every cell, never as markup', async () => {
  await insert('orders', {
    _id: 'order-hostile',
    _openid: { html: HOSTILE },
    status: { html: HOSTILE },
    totalFee: 100,
    timeline: [{ at: { html: HOSTILE }, event: { html: HOSTILE }, by: { html: HOSTILE }, note: { html: HOSTILE } }],
  });
  await insert('refunds', { _id: 'refund-hostile', orderId: { html: HOSTILE }, status: 'PROCESSING', refundFee: 1, reason: { html: HOSTILE }, timeline: [{ event: { html: HOSTILE } }] });
  const dom = await openUi(cloud.url);
  try {
    const orders = await showTab(dom, 'orders', '#refunds td');
    const { document } = dom.window;
    expect(document.querySelector('#pwned')).toBeNull();
    expect(dom.window.pwned).toBeUndefined();
    // The developer sees the hostile text for what it is.
    expect(orders.closest('main')?.textContent).toContain('<img id=\\"pwned\\"');
    expect(document.querySelector('#orders')?.textContent).toContain('order-hostile');
    expect(document.querySelector('#refunds')?.textContent).toContain('refund-hostile');
  } finally {
    await closeUi(dom);
  }
});
