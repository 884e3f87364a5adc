/**
 * @jest-environment node
 */
// Shipping through the mini-program's services in local mode against the real local cloud: the buyer buys with an
// address, the merchant finds the order on the desk and ships it, WeChat's shipping service (the local cloud's) has
// it, and the buyer confirms receipt through the local stand-in for WeChat's window. Every status and timeline event
// the real functions answer has a label. Needs the built functions (`npm run build`; `npm test` builds first).
import { ORDER_STATUS_LABEL, TIMELINE_EVENT_LABEL } from '../../../miniprogram/domain/labels';
import { fetchOrderAfterPayment, fetchOrderDetail } from '../../../miniprogram/services/order';
import { confirmReceipt, fetchDesk, reprintReceipt, searchDesk, shipOrder } from '../../../miniprogram/services/shipping';
import { buy, fetchProducts, newIdempotencyKey } from '../../../miniprogram/services/shop';
import { toOrderDetail } from '../../../miniprogram/view-models/order';
import { localShop, support, unwrap } from '../support/local-shop';

jest.setTimeout(60_000);

const local = localShop({ grants: 2 });
const { actAs } = local;

it('buy with an address, ship from the desk, confirm receipt in (the local) WeChat window', async () => {
  actAs(support.BUYER);
  const product = unwrap(await fetchProducts())[0];
  const address = { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' };
  const attempt = unwrap(await buy([{ productId: product.productId, quantity: 1 }], newIdempotencyKey(), address));
  expect(unwrap(await fetchOrderAfterPayment(attempt.orderId)).address).toEqual(address);

  actAs(support.MERCHANT);
  const desk = unwrap(await fetchDesk('TO_SHIP'));
  expect(desk.items.map((o) => o.orderId)).toContain(attempt.orderId);
  expect(unwrap(await searchDesk(attempt.orderId)).items).toHaveLength(1);
  expect(unwrap(await shipOrder({ orderId: attempt.orderId, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' }))).toMatchObject({ status: 'SHIPPED' });
  expect(unwrap(await reprintReceipt(attempt.orderId)).printing.state).toBe('PRINTED');
  const wechat = (await (await fetch(`${local.shop.cloud.url}/sandbox/shipping/${attempt.orderId}`)).json()) as { orderState: number };
  expect(wechat.orderState).toBe(2);

  actAs(support.BUYER);
  const shipped = unwrap(await fetchOrderDetail(attempt.orderId));
  const view = toOrderDetail(shipped);
  expect(view).toMatchObject({ statusLabel: '已发货', actions: { confirmReceipt: true }, shipping: { companyText: '顺丰速运', trackingNo: 'SF1234567890', uploadText: '已同步到微信' } });
  const confirmed = await confirmReceipt({ orderId: attempt.orderId, transactionId: view.transactionIdForReceipt }, true);
  expect(confirmed).toEqual({ ok: true, data: { orderId: attempt.orderId, status: 'COMPLETED' } });

  const done = unwrap(await fetchOrderDetail(attempt.orderId));
  expect(ORDER_STATUS_LABEL[done.status]).toBe('已完成');
  for (const entry of done.timeline) expect(Object.keys(TIMELINE_EVENT_LABEL)).toContain(entry.event);
});
