// How a refund is shown: the merchant sees what was bought and who asked (by the order's receiver), buyers neither.
import type { DeliveryAddress } from '../../typings/api';
import type { RefundDoc } from '../../src/domain/documents';
import { buyerName, refundView } from '../../src/domain/views';

const ADDRESS: DeliveryAddress = { userName: '李四', telNumber: '13900001234', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' };
const at = new Date('2026-11-29T01:00:00Z');
const refund = { _id: 'R1', _openid: 'buyer-li', orderId: 'O1', status: 'REQUESTED', refundFee: 100, reason: '不想要了', createdAt: at, updatedAt: at } as unknown as RefundDoc;

describe('buyerName', () => {
  it('is the receiver on the order’s address', () => expect(buyerName(ADDRESS)).toBe('李四'));
  it('is 买家 and the phone’s last 4 digits when the receiver has no name', () => expect(buyerName({ ...ADDRESS, userName: '  ', telNumber: '+86 139-0000-5678' })).toBe('买家5678'));
  it('is absent without an address, or without a name and 4 digits', () => {
    expect(buyerName(undefined)).toBeUndefined();
    expect(buyerName({ ...ADDRESS, userName: '', telNumber: '12' })).toBeUndefined();
  });
});

describe('refundView', () => {
  it('gives the merchant the order’s title and the receiver’s name', () => {
    expect(refundView(refund, true, { title: '冻顶乌龙茶 ×2', address: ADDRESS })).toEqual(expect.objectContaining({ orderTitle: '冻顶乌龙茶 ×2', buyerName: '李四', buyerOpenid: 'buyer-li' }));
  });
  it('gives the buyer neither, nor the openid', () => {
    const own = refundView(refund, false, { title: '冻顶乌龙茶 ×2', address: ADDRESS });
    expect(own).not.toHaveProperty('orderTitle');
    expect(own).not.toHaveProperty('buyerName');
    expect(own).not.toHaveProperty('buyerOpenid');
  });
  it('leaves the name out for an order without an address', () => {
    expect(refundView(refund, true, { title: 't', address: undefined })).not.toHaveProperty('buyerName');
  });
});
