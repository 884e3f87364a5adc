import { parseApplyRefundEvent, parseApproveRefundEvent, parseOrdersEvent, parsePayEvent } from '../../src/domain/events';

const invalid = (message: RegExp) => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });

describe('pay event', () => {
  it.each([
    [{ items: [{ productId: 'tea', quantity: 2 }] }, { items: [{ productId: 'tea', quantity: 2 }] }],
    [{ items: [{ productId: 'tea', quantity: 1 }], idempotencyKey: 'k-12345678' }, { items: [{ productId: 'tea', quantity: 1 }], idempotencyKey: 'k-12345678' }],
    [{ orderId: '20261122150514123AbCdEfGh' }, { orderId: '20261122150514123AbCdEfGh' }],
    [{ orderId: 'abc', userInfo: { appId: 'wx1', openId: 'x' } }, { orderId: 'abc' }],
  ])('accepts %j', (event, parsed) => expect(parsePayEvent(event)).toEqual(parsed));

  it.each([
    [null, /must be an object/],
    ['items', /must be an object/],
    [{}, /non-empty list/],
    [{ items: [] }, /non-empty list/],
    [{ items: [{ productId: 'tea', quantity: 0 }] }, /quantity/],
    [{ items: [{ productId: 'tea', quantity: -1 }] }, /quantity/],
    [{ items: [{ productId: 'tea', quantity: 1.5 }] }, /quantity/],
    [{ items: [{ productId: 'tea', quantity: '2' }] }, /quantity/],
    [{ items: [{ productId: 'tea', quantity: 1e9 }] }, /quantity/],
    [{ items: [{ productId: 'tea', quantity: 1, price: 1 }] }, /unknown field "price"/],
    [{ items: [{ productId: 'tea', quantity: 1 }], totalFee: 1 }, /unknown field "totalFee"/],
    [{ items: [{ productId: 'tea', quantity: 1 }, { productId: 'tea', quantity: 1 }] }, /twice/],
    [{ items: [{ productId: '../x', quantity: 1 }] }, /product id/],
    [{ items: Array.from({ length: 21 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })) }, /at most 20/],
    [{ items: [{ productId: 'tea', quantity: 1 }], idempotencyKey: 'short' }, /8-64/],
    [{ orderId: 'x'.repeat(33) }, /order id/],
    [{ orderId: 'abc', items: [] }, /unknown field "items"/],
    [JSON.parse('{"items":[{"productId":"tea","quantity":1}],"__proto__":{"admin":true}}'), /unknown field "__proto__"/],
  ])('rejects %j', (event, message) => expect(() => parsePayEvent(event)).toThrow(invalid(message)));
});

describe('applyRefund event', () => {
  it.each([
    [{ orderId: 'o1', reason: ' 不想要了 ' }, { orderId: 'o1', reason: '不想要了' }],
    [{ orderId: 'o1', reason: 'x', refundFee: 100 }, { orderId: 'o1', reason: 'x', refundFee: 100 }],
  ])('accepts %j', (event, parsed) => expect(parseApplyRefundEvent(event)).toEqual(parsed));

  it.each([
    [{ orderId: 'o1' }, /reason is required/],
    [{ orderId: 'o1', reason: '   ' }, /reason is required/],
    [{ orderId: 'o1', reason: 'x'.repeat(81) }, /at most 80/],
    [{ orderId: 'o1', reason: 'x', refundFee: 0 }, /at least 1/],
    [{ orderId: 'o1', reason: 'x', refundFee: -100 }, /at least 1/],
    [{ orderId: 'o1', reason: 'x', refundFee: 1.01 }, /whole number/],
    [{ orderId: 'o1', reason: 'x', refundFee: '100' }, /number of fen/],
    [{ orderId: 'o1', reason: 'x', refundFee: 1e12 }, /at most/],
    [{ orderId: 'o1', reason: 'x', refundfee: 1 }, /unknown field "refundfee"/],
    [{ reason: 'x' }, /order id/],
  ])('rejects %j', (event, message) => expect(() => parseApplyRefundEvent(event)).toThrow(invalid(message)));
});

describe('approveRefund event', () => {
  it.each([
    [{ refundId: 'o1R1', action: 'approve' }, { refundId: 'o1R1', action: 'approve' }],
    [{ refundId: 'o1R2', action: 'reject', rejectReason: '商品已发货，请收到后再申请' }, { refundId: 'o1R2', action: 'reject', rejectReason: '商品已发货，请收到后再申请' }],
  ])('accepts %j', (event, parsed) => expect(parseApproveRefundEvent(event)).toEqual(parsed));

  it.each([
    [{ refundId: 'o1R1', action: 'reject' }, /rejectReason is required/],
    [{ refundId: 'o1R1', action: 'approve', rejectReason: 'x' }, /only goes with/],
    [{ refundId: 'o1R1', action: 'refund' }, /one of approve, reject, confirmReturn, refuseReturn/],
    [{ refundId: 'o1', action: 'approve' }, /refund id/],
  ])('rejects %j', (event, message) => expect(() => parseApproveRefundEvent(event)).toThrow(invalid(message)));
});

describe('orders event', () => {
  it.each([
    [{ action: 'list' }, { action: 'list' }],
    [{ action: 'list', status: 'REFUNDING', limit: 10, cursor: 'abc' }, { action: 'list', status: 'REFUNDING', limit: 10, cursor: 'abc' }],
    [{ action: 'refunds', status: 'REQUESTED' }, { action: 'refunds', status: 'REQUESTED' }],
    [{ action: 'refunds', status: 'FINISHED' }, { action: 'refunds', status: 'FINISHED' }],
    [{ action: 'me' }, { action: 'me' }],
    [{ action: 'withdrawRefund', refundId: 'o1R1' }, { action: 'withdrawRefund', refundId: 'o1R1' }],
  ])('accepts %j', (event, parsed) => expect(parseOrdersEvent(event)).toEqual(parsed));

  it.each([
    [{}, /action must be/],
    [{ action: 'drop' }, /action must be/],
    [{ action: 'list', status: 'LOST' }, /status must be/],
    [{ action: 'list', limit: 51 }, /limit/],
    [{ action: 'list', limit: 0 }, /limit/],
    [{ action: 'list', openid: 'someone-else' }, /unknown field "openid"/],
    [{ action: 'get' }, /order id/],
    [{ action: 'refunds', status: 'PAID' }, /refund status/],
  ])('rejects %j', (event, message) => expect(() => parseOrdersEvent(event)).toThrow(invalid(message)));
});
