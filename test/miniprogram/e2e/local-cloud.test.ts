/**
 * @jest-environment node
 */
// The mini-program's service layer in local mode against the real local cloud: the built functions behind the
// gateway, the WeChat Pay sandbox and the message outbox. Proves the adapters speak the local cloud's protocol and
// that the view models understand what the real functions answer (every status and timeline event has a label).
// Needs the built functions and local cloud (`npm run build`; `npm test` builds first).
import { TIMELINE_EVENT_LABEL } from '../../../miniprogram/domain/labels';
import { approveRefund, fetchRefundDetail, fetchRefundQueue, rejectRefund } from '../../../miniprogram/services/merchant';
import { cancelOrder, fetchOrderAfterPayment, fetchOrderDetail, fetchOrders, withdrawRefund } from '../../../miniprogram/services/order';
import { applyRefund } from '../../../miniprogram/services/refund';
import { askSubscriptions } from '../../../miniprogram/services/subscriptions';
import { fetchMe } from '../../../miniprogram/services/session';
import { buy, fetchProducts, newIdempotencyKey, payOrder } from '../../../miniprogram/services/shop';
import { toOrderDetail } from '../../../miniprogram/view-models/order';
import { localShop, support, unwrap } from '../support/local-shop';

jest.setTimeout(60_000);

const local = localShop({ grants: 0 });
const { actAs } = local;

it('a buyer buys, pays in the sandbox, asks for a refund; the merchant approves it', async () => {
  actAs(support.BUYER);
  const me = unwrap(await fetchMe());
  expect(me).toMatchObject({ openid: support.BUYER, isMerchant: false });

  const products = unwrap(await fetchProducts());
  expect(products.length).toBeGreaterThan(0);
  const product = products[0];

  const attempt = unwrap(await buy([{ productId: product.productId, quantity: 2 }], newIdempotencyKey()));
  expect(attempt.payment).toEqual({ kind: 'paid' });
  expect(attempt.totalFee).toBe(product.price * 2);

  const paid = unwrap(await fetchOrderAfterPayment(attempt.orderId));
  expect(paid.status).toBe('PAID');
  const view = toOrderDetail(paid);
  expect(view.statusLabel).toBe('已付款');
  for (const entry of paid.timeline) expect(Object.keys(TIMELINE_EVENT_LABEL)).toContain(entry.event);

  const listed = unwrap(await fetchOrders({ status: 'PAID' }));
  expect(listed.items.map((o) => o.orderId)).toContain(attempt.orderId);

  const subscribed = await askSubscriptions([support.TEMPLATES.refundResult]);
  expect(subscribed).toEqual({ accepted: [support.TEMPLATES.refundResult], rejected: [] });

  const requested = unwrap(await applyRefund(attempt.orderId, 100, '不想要了'));
  expect(requested).toMatchObject({ status: 'REQUESTED', refundFee: 100 });
  const refunding = unwrap(await fetchOrders({ status: 'REFUNDING' }));
  expect(refunding.items.map((o) => o.orderId)).toEqual([attempt.orderId]);

  actAs(support.MERCHANT);
  expect(unwrap(await fetchMe()).isMerchant).toBe(true);
  const queue = unwrap(await fetchRefundQueue());
  expect(queue.items.map((r) => r.refundId)).toContain(requested.refundId);
  const detail = unwrap(await fetchRefundDetail(requested.refundId));
  expect(detail.order.orderId).toBe(attempt.orderId);
  const decided = unwrap(await approveRefund(requested.refundId));
  expect(['PROCESSING', 'SUCCEEDED']).toContain(decided.status);

  actAs(support.BUYER);
  const after = unwrap(await fetchOrderDetail(attempt.orderId));
  expect(after.refunds.map((r) => r.refundId)).toContain(requested.refundId);
  for (const entry of after.timeline) expect(Object.keys(TIMELINE_EVENT_LABEL)).toContain(entry.event);
  // The buyer's one granted authorization is used for the result, once the sandbox has paid the refund out.
  let toBuyer: Array<{ status: string }> = [];
  for (let i = 0; i < 40 && toBuyer.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    toBuyer = await local.shop.sent({ touser: support.BUYER, templateId: support.TEMPLATES.refundResult });
  }
  expect(toBuyer).toEqual([expect.objectContaining({ status: 'SENT' })]);
});

it('a declined sandbox payment leaves the order payable, and it can be paid later or cancelled', async () => {
  actAs(support.BUYER);
  const product = unwrap(await fetchProducts())[0];
  local.answerDialogs = false;
  const first = unwrap(await buy([{ productId: product.productId, quantity: 1 }], newIdempotencyKey()));
  local.answerDialogs = true;
  expect(first.payment).toEqual({ kind: 'cancelled' });
  expect(unwrap(await fetchOrderDetail(first.orderId)).status).toBe('PENDING');

  const again = unwrap(await payOrder(first.orderId));
  expect(again.payment).toEqual({ kind: 'paid' });
  expect(unwrap(await fetchOrderAfterPayment(first.orderId)).status).toBe('PAID');

  // Cancelling a fresh unpaid order: WeChat Pay refuses to close a trade in its first minutes.
  local.answerDialogs = false;
  const fresh = unwrap(await buy([{ productId: product.productId, quantity: 3 }], newIdempotencyKey()));
  local.answerDialogs = true;
  expect(await cancelOrder(fresh.orderId)).toMatchObject({ ok: false, code: 'CONFLICT' });
  expect(unwrap(await fetchOrderDetail(fresh.orderId)).status).toBe('PENDING');
});

it('the buyer withdraws a request, and the merchant rejects another with a reason', async () => {
  actAs(support.BUYER);
  const product = unwrap(await fetchProducts())[0];
  const bought = unwrap(await buy([{ productId: product.productId, quantity: 1 }], newIdempotencyKey()));
  unwrap(await fetchOrderAfterPayment(bought.orderId));

  const first = unwrap(await applyRefund(bought.orderId, 1, '不想要了'));
  expect(unwrap(await withdrawRefund(first.refundId)).status).toBe('CANCELLED');

  const second = unwrap(await applyRefund(bought.orderId, 1, '质量问题'));
  actAs(support.MERCHANT);
  expect(unwrap(await rejectRefund(second.refundId, '其他原因：商品已拆封')).status).toBe('REJECTED');

  actAs(support.BUYER);
  const view = toOrderDetail(unwrap(await fetchOrderDetail(bought.orderId)));
  expect(view.refunds.map((r) => r.statusLabel).sort()).toEqual(['商家已拒绝', '已撤回'].sort());
  expect(view.actions.requestRefund).toBe(true);
});

it('failures come back as codes the pages can word', async () => {
  actAs(support.BUYER);
  const forbidden = await fetchRefundQueue();
  expect(forbidden).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  const missing = await fetchOrderDetail('no-such-order');
  expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  const tooMuch = await applyRefund('no-such-order', 100, '不想要了');
  expect(tooMuch.ok).toBe(false);
});
