import type { DeliveryAddress } from '../../typings/api';
import { AppError } from '../../src/domain/errors';
import {
  autoConfirmAt,
  decideShipment,
  EXPRESS_COMPANIES,
  parseShipEvent,
  rfc3339China,
  uploadOutcome,
  uploadShippingInfoRequest,
  wechatConfirmedReceipt,
  type ShippableOrder,
} from '../../src/domain/shipping';

const ORDER_ID = '20261129090000000AbCdEfGh';
const address: DeliveryAddress = { userName: '张三', telNumber: '13800138000', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '北山街 84 号' };

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

describe('parseShipEvent', () => {
  it.each([
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '7312 3456 7890' }, { orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' }],
    [{ orderId: ORDER_ID, logisticsType: 'LOCAL_DELIVERY' }, { orderId: ORDER_ID, logisticsType: 'LOCAL_DELIVERY' }],
    [{ orderId: ORDER_ID, logisticsType: 'LOCAL_DELIVERY', trackingNo: 'RIDER-0042' }, { orderId: ORDER_ID, logisticsType: 'LOCAL_DELIVERY', trackingNo: 'RIDER-0042' }],
    [{ orderId: ORDER_ID, logisticsType: 'VIRTUAL' }, { orderId: ORDER_ID, logisticsType: 'VIRTUAL' }],
    [{ orderId: ORDER_ID, logisticsType: 'SELF_PICKUP', userInfo: { appId: 'wx' } }, { orderId: ORDER_ID, logisticsType: 'SELF_PICKUP' }],
  ])('accepts %j', (event, parsed) => {
    expect(parseShipEvent(event)).toEqual(parsed);
  });

  it.each([
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'ACME', trackingNo: '731234567890' }, 'delivery list'],
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'sf', trackingNo: '731234567890' }, 'delivery list'],
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'SF' }, 'needs its trackingNo'],
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF 12' }, '5-40'],
    [{ orderId: ORDER_ID, logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: '<script>' }, '5-40'],
    [{ orderId: ORDER_ID, logisticsType: 'VIRTUAL', expressCompany: 'SF' }, 'only goes with logisticsType EXPRESS'],
    [{ orderId: ORDER_ID, logisticsType: 'SELF_PICKUP', trackingNo: '731234567890' }, 'only goes with EXPRESS or LOCAL_DELIVERY'],
    [{ orderId: ORDER_ID, logisticsType: 'DRONE' }, 'logisticsType must be one of'],
    [{ orderId: ORDER_ID, logisticsType: 1 }, 'logisticsType must be one of'],
    [{ orderId: '../x', logisticsType: 'VIRTUAL' }, 'orderId must be'],
    [{ orderId: ORDER_ID, logisticsType: 'VIRTUAL', status: 'SHIPPED' }, 'unknown field "status"'],
    [null, 'must be an object'],
  ])('refuses %j', (event, why) => {
    const err = failure(() => parseShipEvent(event));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(why);
  });

  it('knows the common companies by WeChat’s codes', () => {
    expect(EXPRESS_COMPANIES.SF).toBe('顺丰速运');
    expect(Object.keys(EXPRESS_COMPANIES)).toEqual(expect.arrayContaining(['ZTO', 'YTO', 'STO', 'YD', 'JD', 'EMS']));
  });
});

describe('decideShipment: states and the one correction', () => {
  const express = { logisticsType: 'EXPRESS' as const, expressCompany: 'SF', trackingNo: 'SF1234567890' };
  const paid: ShippableOrder = { _id: ORDER_ID, status: 'PAID', address };

  it('ships a paid order', () => {
    expect(decideShipment(paid, express)).toEqual({ kind: 'SHIP' });
  });

  it('a shipped order: the same shipment again changes nothing; another one is the one correction; a second correction is refused', () => {
    const shipped: ShippableOrder = { ...paid, status: 'SHIPPED', shipping: { ...express, corrections: 0 } };
    expect(decideShipment(shipped, express)).toEqual({ kind: 'SAME' });
    expect(decideShipment(shipped, { ...express, trackingNo: 'SF0000000001' })).toEqual({ kind: 'CORRECT' });
    const corrected: ShippableOrder = { ...shipped, shipping: { ...express, trackingNo: 'SF0000000001', corrections: 1 } };
    expect(decideShipment(corrected, { ...express, trackingNo: 'SF0000000001' })).toEqual({ kind: 'SAME' });
    const err = failure(() => decideShipment(corrected, { ...express, trackingNo: 'SF0000000002' }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('one correction');
  });

  it.each(['PENDING', 'CLOSED', 'REFUNDED', 'COMPLETED'])('refuses a %s order', (status) => {
    expect(failure(() => decideShipment({ ...paid, status }, express)).code).toBe('CONFLICT');
  });

  it('refuses while a refund is open', () => {
    expect(failure(() => decideShipment({ ...paid, openRefundId: `${ORDER_ID}R1` }, express)).message).toContain('decide it before shipping');
  });

  it('goods that travel need an address; virtual goods and pick-up do not', () => {
    const noAddress: ShippableOrder = { _id: ORDER_ID, status: 'PAID' };
    expect(failure(() => decideShipment(noAddress, express)).message).toContain('no delivery address');
    expect(failure(() => decideShipment(noAddress, { logisticsType: 'LOCAL_DELIVERY' })).code).toBe('CONFLICT');
    expect(decideShipment(noAddress, { logisticsType: 'VIRTUAL' })).toEqual({ kind: 'SHIP' });
    expect(decideShipment(noAddress, { logisticsType: 'SELF_PICKUP' })).toEqual({ kind: 'SHIP' });
  });
});

describe('uploadShippingInfoRequest', () => {
  const base = { orderId: ORDER_ID, transactionId: '4200001234202611290000000001', mchid: '1900000109', buyerOpenid: 'buyer-alice', title: '冻顶乌龙茶 250g ×2', address, uploadedAt: new Date('2026-11-29T01:02:03.004Z') };

  it('an SF shipment carries the receiver’s masked phone, keyed by transaction id, with China time', () => {
    expect(uploadShippingInfoRequest({ ...base, shipment: { logisticsType: 'EXPRESS', expressCompany: 'SF', trackingNo: 'SF1234567890' } })).toEqual({
      order_key: { order_number_type: 2, transaction_id: base.transactionId },
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '冻顶乌龙茶 250g ×2', contact: { receiver_contact: '138****8000' } }],
      upload_time: '2026-11-29T09:02:03.004+08:00',
      payer: { openid: 'buyer-alice' },
    });
  });

  it('other companies carry no contact; other logistics types carry no company', () => {
    const zto = uploadShippingInfoRequest({ ...base, shipment: { logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo: '731234567890' } });
    expect(zto.shipping_list[0]).toEqual({ tracking_no: '731234567890', express_company: 'ZTO', item_desc: base.title });
    const pickup = uploadShippingInfoRequest({ ...base, shipment: { logisticsType: 'SELF_PICKUP' } });
    expect(pickup.logistics_type).toBe(4);
    expect(pickup.shipping_list).toEqual([{ item_desc: base.title }]);
  });

  it('without a transaction id the order is keyed by merchant and out_trade_no; item_desc stays within 120 characters', () => {
    const body = uploadShippingInfoRequest({ ...base, transactionId: undefined, title: '茶'.repeat(200), shipment: { logisticsType: 'VIRTUAL' } });
    expect(body.order_key).toEqual({ order_number_type: 1, mchid: '1900000109', out_trade_no: ORDER_ID });
    expect(Array.from(body.shipping_list[0].item_desc)).toHaveLength(120);
  });

  it('formats RFC 3339 in China time', () => {
    expect(rfc3339China(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01T04:00:00.000+08:00');
  });
});

describe('WeChat’s answers', () => {
  it('10060002 (already shipped) completes a first upload, but is a refusal of a correction', () => {
    expect(uploadOutcome(undefined, false)).toBe('UPLOADED');
    expect(uploadOutcome(10060002, false)).toBe('UPLOADED');
    expect(uploadOutcome(10060002, true)).toBe('REFUSED');
    expect(uploadOutcome(-1, false)).toBe('RETRY');
    expect(uploadOutcome(10060001, true)).toBe('RETRY');
  });

  it('receipt is confirmed when WeChat says 确认收货 or 交易完成', () => {
    expect([1, 2, 3, 4, 5, '3'].map(wechatConfirmedReceipt)).toEqual([false, false, true, true, false, false]);
  });

  it('auto-confirms N days after shipping', () => {
    expect(autoConfirmAt(new Date('2026-11-29T00:00:00Z'), 10).toISOString()).toBe('2026-12-09T00:00:00.000Z');
  });
});
