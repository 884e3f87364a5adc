import type { OrderDoc, ShippingRecord } from '../../src/domain/documents';
import { parseOrdersEvent } from '../../src/domain/events';
import { AppError } from '../../src/domain/errors';
import { shippingDetail } from '../../src/domain/shipping-views';

const at = new Date('2026-11-29T01:00:00Z');
const shipping: ShippingRecord = {
  logisticsType: 'EXPRESS',
  expressCompany: 'ZTO',
  trackingNo: '731234567890',
  shippedAt: at,
  shippedBy: 'merchant-mia',
  corrections: 0,
  revisedAt: at,
  autoConfirmAt: new Date('2026-12-09T01:00:00Z'),
  upload: { state: 'PENDING', attempts: 2, lastError: '-1 system error' },
};
const order = (over: Partial<OrderDoc>): OrderDoc => ({
  _id: 'O1', _openid: 'buyer', status: 'SHIPPED', totalFee: 100, refundedFee: 0, refundingFee: 0, items: [], title: 't', itemCount: 1,
  createdAt: at, updatedAt: at, payDeadline: at, refundCount: 0, timeline: [], shipping, ...over,
});

describe('shippingDetail', () => {
  it('shows merchants WeChat’s upload error and the printer’s record; buyers neither', () => {
    const doc = order({ printing: { state: 'FAILED', attempts: 3, copies: 1, lastError: '打印机离线' } });
    expect(shippingDetail(doc, true)).toMatchObject({ shipping: { uploadError: '-1 system error', expressCompanyName: '中通快递', correctable: true, upload: 'PENDING' }, printing: { state: 'FAILED', lastError: '打印机离线' } });
    const buyer = shippingDetail(doc, false);
    expect(buyer.shipping).not.toHaveProperty('uploadError');
    expect(buyer).not.toHaveProperty('printing');
  });

  it('a corrected or completed shipment is no longer correctable, and a completed one has no auto-confirm time', () => {
    expect(shippingDetail(order({ shipping: { ...shipping, corrections: 1 } }), true).shipping?.correctable).toBe(false);
    const done = shippingDetail(order({ status: 'COMPLETED', completedAt: at }), false);
    expect(done.shipping).toMatchObject({ correctable: false });
    expect(done.shipping).not.toHaveProperty('autoConfirmAt');
    expect(done.completedAt).toBe(at.toISOString());
  });
});

describe('orders events that shipping adds', () => {
  it.each([
    [{ action: 'confirmReceipt', orderId: 'O1' }, { action: 'confirmReceipt', orderId: 'O1' }],
    [{ action: 'confirmReceipt', orderId: 'O1', via: 'wechat' }, { action: 'confirmReceipt', orderId: 'O1', via: 'wechat' }],
    [{ action: 'desk' }, { action: 'desk' }],
    [{ action: 'desk', tab: 'SHIPPED', limit: 10, cursor: 'abc' }, { action: 'desk', tab: 'SHIPPED', limit: 10, cursor: 'abc' }],
    [{ action: 'reprint', orderId: 'O1' }, { action: 'reprint', orderId: 'O1' }],
  ])('accepts %j', (event, parsed) => {
    expect(parseOrdersEvent(event)).toEqual(parsed);
  });

  it.each([
    [{ action: 'confirmReceipt', orderId: 'O1', via: 'sms' }],
    [{ action: 'confirmReceipt' }],
    [{ action: 'desk', tab: 'EVERYTHING' }],
    [{ action: 'desk', limit: 500 }],
    [{ action: 'desk', openid: 'merchant' }],
    [{ action: 'reprint', orderId: '../../etc' }],
  ])('refuses %j', (event) => {
    expect(() => parseOrdersEvent(event)).toThrow(AppError);
  });
});
