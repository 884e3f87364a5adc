import { addressFromPicker, trackingFromScan } from '../../../miniprogram/domain/shipping';
import { canRequestRefund, detailActions } from '../../../miniprogram/domain/order-actions';
import type { OrderDetail } from '../../../typings/api';

describe('what the pickers answer', () => {
  it('keeps the address fields the server takes; an incomplete pick is no address', () => {
    const picked = { errMsg: 'chooseAddress:ok', userName: ' 张三 ', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号', postalCode: '310000', nationalCode: '330106' };
    expect(addressFromPicker(picked)).toEqual({ userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号', postalCode: '310000' });
    expect(addressFromPicker({ ...picked, postalCode: '' })).not.toHaveProperty('postalCode');
    expect(addressFromPicker({ ...picked, detailInfo: '' })).toBeUndefined();
  });

  it.each([
    ['SF1234567890', 'SF1234567890'],
    ['SF 1234 5678 90', 'SF1234567890'],
    ['https://example.com/track?no=YT9876543210', 'YT9876543210'],
    ['???', ''],
  ])('a scanned %j is tracking number %j', (scanned, trackingNo) => {
    expect(trackingFromScan(scanned)).toBe(trackingNo);
  });
});

describe('buyer actions after shipping', () => {
  const order = (status: OrderDetail['status']): OrderDetail => ({
    orderId: 'O1', status, totalFee: 100, refundedFee: 0, refundingFee: 0, title: 't', itemCount: 1, createdAt: '2026-11-29T00:00:00Z', hasOpenRefund: false,
    items: [], timeline: [], refunds: [], refundableFee: status === 'CLOSED' ? 0 : 100,
  });

  it('a shipped order can be received, and still refunded (by agreement)', () => {
    expect(detailActions(order('SHIPPED'), 0)).toMatchObject({ confirmReceipt: true, requestRefund: true });
    expect(detailActions(order('COMPLETED'), 0)).toMatchObject({ confirmReceipt: false, requestRefund: true });
    expect(detailActions(order('PAID'), 0).confirmReceipt).toBe(false);
    expect(canRequestRefund(order('CLOSED'), 0)).toBe(false);
  });
});
