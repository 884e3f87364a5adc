import { AFTERSALE } from '../../src/domain/aftersale-contract';
import { AFTERSALE_DEFAULTS, parseAfterSaleSettings } from '../../src/domain/aftersale-settings';
import { availableQuantities, decideAfterSale, dueOf, receiptStateOf, requestedLines, timerCutoffs, type AfterSaleRequest } from '../../src/domain/aftersale';
import type { OrderDoc, RefundDoc } from '../../src/domain/documents';
import { AppError } from '../../src/domain/errors';
import { parseApplyRefundEvent, parseApproveRefundEvent, parseOrdersEvent } from '../../src/domain/events';
import { canRefundTransition, OPEN_REFUND_STATUSES } from '../../src/domain/states';

const items: OrderDoc['items'] = [
  { productId: 'tea', name: '乌龙茶', unitPrice: 6800, quantity: 2 },
  { productId: 'cup', name: '茶杯', unitPrice: 1990, quantity: 3 },
];
const shippedAt = new Date('2026-11-02T00:00:00Z');
const order = (over: Partial<OrderDoc> = {}) => ({ _id: 'O1', status: 'SHIPPED' as const, items, refundCount: 0, shipping: undefined, ...over });
const ask = (over: Partial<AfterSaleRequest> = {}): AfterSaleRequest => ({ type: 'REFUND_ONLY', reason: '不想要了', ...over });
const refund = (over: Partial<RefundDoc>): Pick<RefundDoc, 'status' | 'items' | 'automatic'> => ({ status: 'SUCCEEDED', ...over });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('the amount follows the lines', () => {
  it('the whole order by default: every line, all of it, at what was paid', () => {
    const d = decideAfterSale(order(), [], 19570, ask());
    expect(d.facts.items).toEqual([
      { productId: 'tea', name: '乌龙茶', quantity: 2, fee: 13600 },
      { productId: 'cup', name: '茶杯', quantity: 3, fee: 5970 },
    ]);
    expect(d.refundFee).toBe(19570);
  });

  it('some lines, some of each: unit price × quantity', () => {
    const d = decideAfterSale(order(), [], 19570, ask({ items: [{ productId: 'cup', quantity: 2 }] }));
    expect(d.refundFee).toBe(3980);
    expect(d.maxFee).toBe(3980);
  });

  it('may be lowered, never raised above what was paid for the lines', () => {
    expect(decideAfterSale(order(), [], 19570, ask({ items: [{ productId: 'cup', quantity: 1 }], refundFee: 1000 })).refundFee).toBe(1000);
    expect(code(() => decideAfterSale(order(), [], 19570, ask({ items: [{ productId: 'cup', quantity: 1 }], refundFee: 1991 })))).toBe('CONFLICT');
  });

  it('never more than is left on the order (an amount-only refund took money, not lines)', () => {
    expect(decideAfterSale(order(), [], 500, ask({ items: [{ productId: 'tea', quantity: 1 }] })).refundFee).toBe(500);
  });

  it('lines other refunds took are not offered again; rejected or withdrawn ones give them back', () => {
    const taken = [refund({ status: 'SUCCEEDED', items: [{ productId: 'cup', name: '茶杯', quantity: 2, fee: 3980 }] }), refund({ status: 'REJECTED', items: [{ productId: 'tea', name: '乌龙茶', quantity: 2, fee: 13600 }] })];
    expect(availableQuantities(items, taken)).toEqual(new Map([['tea', 2], ['cup', 1]]));
    expect(code(() => decideAfterSale(order(), taken, 19570, ask({ items: [{ productId: 'cup', quantity: 2 }] })))).toBe('CONFLICT');
    expect(decideAfterSale(order(), taken, 15590, ask()).facts.items?.map((l) => [l.productId, l.quantity])).toEqual([['tea', 2], ['cup', 1]]);
  });

  it('a product not in the order is refused', () => {
    expect(code(() => requestedLines(items, new Map([['tea', 2]]), [{ productId: 'teapot', quantity: 1 }]))).toBe('INVALID_ARGUMENT');
  });

  describe('two SKUs of one product are two lines', () => {
    // 500g and 250g of one tea, at their own prices: a request names the SKU, and pays back that SKU's price.
    const skuItems: OrderDoc['items'] = [
      { productId: 'tea', skuId: 'g500', spec: '500g', name: '乌龙茶', unitPrice: 6800, quantity: 2 },
      { productId: 'tea', skuId: 'g250', spec: '250g', name: '乌龙茶', unitPrice: 3800, quantity: 1 },
    ];
    const skuOrder = order({ items: skuItems });

    it('the whole order by default: each SKU its own line, with its spec and price', () => {
      expect(decideAfterSale(skuOrder, [], 17400, ask()).facts.items).toEqual([
        { productId: 'tea', skuId: 'g500', spec: '500g', name: '乌龙茶', quantity: 2, fee: 13600 },
        { productId: 'tea', skuId: 'g250', spec: '250g', name: '乌龙茶', quantity: 1, fee: 3800 },
      ]);
    });

    it('one SKU asked back: its price, and the other SKU stays available', () => {
      const d = decideAfterSale(skuOrder, [], 17400, ask({ items: [{ productId: 'tea', skuId: 'g250', quantity: 1 }] }));
      expect(d.refundFee).toBe(3800);
      const taken = [refund({ status: 'PROCESSING', items: d.facts.items ?? [] })];
      expect(availableQuantities(skuItems, taken)).toEqual(new Map([['tea/g500', 2], ['tea/g250', 0]]));
      expect(code(() => decideAfterSale(skuOrder, taken, 13600, ask({ items: [{ productId: 'tea', skuId: 'g250', quantity: 1 }] })))).toBe('CONFLICT');
      expect(decideAfterSale(skuOrder, taken, 13600, ask({ items: [{ productId: 'tea', skuId: 'g500', quantity: 2 }] })).refundFee).toBe(13600);
    });

    it('the product alone is ambiguous and refused; a SKU the order does not hold too; one line twice too', () => {
      expect(code(() => decideAfterSale(skuOrder, [], 17400, ask({ items: [{ productId: 'tea', quantity: 1 }] })))).toBe('INVALID_ARGUMENT');
      expect(code(() => decideAfterSale(skuOrder, [], 17400, ask({ items: [{ productId: 'tea', skuId: 'g1000', quantity: 1 }] })))).toBe('INVALID_ARGUMENT');
      const twice = [{ productId: 'tea', skuId: 'g500', quantity: 1 }, { productId: 'tea', skuId: 'g500', quantity: 1 }];
      expect(code(() => decideAfterSale(skuOrder, [], 17400, ask({ items: twice })))).toBe('INVALID_ARGUMENT');
    });

    it('the event at the edge keeps the skuId and refuses one line named twice', () => {
      expect(parseApplyRefundEvent({ orderId: 'O1', reason: '不想要了', type: 'REFUND_ONLY', items: [{ productId: 'tea', skuId: 'g250', quantity: 1 }] }).items).toEqual([{ productId: 'tea', skuId: 'g250', quantity: 1 }]);
      expect(code(() => parseApplyRefundEvent({ orderId: 'O1', reason: '不想要了', type: 'REFUND_ONLY', items: [{ productId: 'tea', skuId: 'g250', quantity: 1 }, { productId: 'tea', skuId: 'g250', quantity: 1 }] }))).toBe('INVALID_ARGUMENT');
    });
  });

  it('nothing left to ask back is a conflict', () => {
    const all = [refund({ status: 'PROCESSING', items: [{ productId: 'tea', name: '', quantity: 2, fee: 0 }, { productId: 'cup', name: '', quantity: 3, fee: 0 }] })];
    expect(code(() => decideAfterSale(order(), all, 100, ask()))).toBe('CONFLICT');
  });
});

describe('reasons by receipt state', () => {
  it('never shipped: not received, and cannot claim otherwise', () => {
    expect(receiptStateOf({ status: 'PAID' })).toBe('NOT_RECEIVED');
    expect(code(() => receiptStateOf({ status: 'PAID' }, 'RECEIVED'))).toBe('CONFLICT');
  });

  it('completed: received; on the way: what the buyer says, not received by default', () => {
    expect(receiptStateOf({ status: 'COMPLETED' }, 'NOT_RECEIVED')).toBe('RECEIVED');
    expect(receiptStateOf({ status: 'SHIPPED' })).toBe('NOT_RECEIVED');
    expect(receiptStateOf({ status: 'SHIPPED' }, 'RECEIVED')).toBe('RECEIVED');
  });

  it.each([
    ['NOT_RECEIVED', '快递一直未送到', 'OK'],
    ['NOT_RECEIVED', '质量问题', 'INVALID_ARGUMENT'],
    ['RECEIVED', '质量问题', 'OK'],
    ['RECEIVED', '快递一直未送到', 'INVALID_ARGUMENT'],
    ['RECEIVED', 'anything I like', 'INVALID_ARGUMENT'],
  ] as const)('%s + %s → %s', (receipt, reason, expected) => {
    expect(code(() => decideAfterSale(order(), [], 19570, ask({ receipt, reason })))).toBe(expected);
  });

  it('其他原因 needs the note', () => {
    expect(code(() => decideAfterSale(order(), [], 19570, ask({ reason: '其他原因' })))).toBe('INVALID_ARGUMENT');
    expect(code(() => decideAfterSale(order(), [], 19570, ask({ reason: '其他原因', note: '颜色不喜欢' })))).toBe('OK');
  });
});

describe('returns and re-applying', () => {
  it('a return on an order never shipped is refused; once shipped it is allowed', () => {
    expect(code(() => decideAfterSale(order({ status: 'PAID' }), [], 19570, ask({ type: 'RETURN_AND_REFUND' })))).toBe('CONFLICT');
    expect(code(() => decideAfterSale(order({ status: 'SHIPPED' }), [], 19570, ask({ type: 'RETURN_AND_REFUND' })))).toBe('OK');
  });

  it(`at most ${AFTERSALE.applicationsPerOrder} requests per order, rejected ones included; the shop's own refunds do not count`, () => {
    const rejected = Array.from({ length: AFTERSALE.applicationsPerOrder - 1 }, () => refund({ status: 'REJECTED' }));
    expect(code(() => decideAfterSale(order(), [...rejected, refund({ status: 'SUCCEEDED', automatic: true })], 19570, ask()))).toBe('OK');
    expect(code(() => decideAfterSale(order(), [...rejected, refund({ status: 'REJECTED' })], 19570, ask()))).toBe('CONFLICT');
  });

  it('the return statuses are open (they hold the order’s one open request) and move only as the flow says', () => {
    expect(OPEN_REFUND_STATUSES).toEqual(expect.arrayContaining(['AWAITING_RETURN', 'RETURN_SHIPPED']));
    expect(canRefundTransition('REQUESTED', 'AWAITING_RETURN')).toBe(true);
    expect(canRefundTransition('AWAITING_RETURN', 'RETURN_SHIPPED')).toBe(true);
    expect(canRefundTransition('RETURN_SHIPPED', 'PROCESSING')).toBe(true);
    expect(canRefundTransition('RETURN_SHIPPED', 'REJECTED')).toBe(true);
    expect(canRefundTransition('AWAITING_RETURN', 'CANCELLED')).toBe(true);
    expect(canRefundTransition('RETURN_SHIPPED', 'CANCELLED')).toBe(false); // the goods are on their way: the merchant decides
    expect(canRefundTransition('AWAITING_RETURN', 'PROCESSING')).toBe(false); // no refund before the goods are back
  });
});

describe('timers', () => {
  const settings = { ...AFTERSALE_DEFAULTS };
  const at = (status: RefundDoc['status'], type: RefundDoc['type'] = 'REFUND_ONLY') => ({ status, type, createdAt: shippedAt, statusAt: new Date('2026-11-03T00:00:00Z') });

  it("WeChat's defaults: a refund-only request is approved after 48 h of silence, a return is not agreed by itself", () => {
    expect(dueOf(at('REQUESTED'), settings)).toEqual({ at: new Date('2026-11-04T00:00:00Z'), step: 'APPROVE' });
    expect(dueOf(at('REQUESTED', 'RETURN_AND_REFUND'), settings)).toBeUndefined();
    expect(dueOf(at('REQUESTED', 'RETURN_AND_REFUND'), { ...settings, autoApproveReturns: true })?.step).toBe('AGREE_RETURN');
  });

  it('7 days to send the return back, 10 days to confirm the parcel, counted from when the status began', () => {
    expect(dueOf(at('AWAITING_RETURN', 'RETURN_AND_REFUND'), settings)).toEqual({ at: new Date('2026-11-10T00:00:00Z'), step: 'CLOSE_RETURN' });
    expect(dueOf(at('RETURN_SHIPPED', 'RETURN_AND_REFUND'), settings)).toEqual({ at: new Date('2026-11-13T00:00:00Z'), step: 'REFUND_RETURN' });
    expect(dueOf(at('PROCESSING'), settings)).toBeUndefined();
  });

  it('no REQUESTED query at all when neither auto-approval is on', () => {
    const now = new Date('2026-11-20T00:00:00Z');
    expect(timerCutoffs({ ...settings, autoApproveRefunds: false }, now).map((c) => c.status)).toEqual(['AWAITING_RETURN', 'RETURN_SHIPPED']);
  });

  it('settings: defaults, bad values reported, auto-agreeing returns needs the return address', () => {
    const problems: string[] = [];
    expect(parseAfterSaleSettings(undefined, problems)).toEqual(AFTERSALE_DEFAULTS);
    parseAfterSaleSettings({ returnShipDays: -1, autoApproveReturns: true, colour: 1 }, problems);
    expect(problems).toEqual([
      expect.stringContaining('afterSale.colour'),
      expect.stringContaining('afterSale.returnShipDays'),
      expect.stringContaining('needs afterSale.returnAddress'),
    ]);
    const address = { name: '张三', phone: '13800000000', address: '上海市徐汇区漕溪北路 1 号' };
    expect(parseAfterSaleSettings({ returnAddress: address }, []).returnAddress).toEqual(address);
  });
});

describe('events at the edge', () => {
  const base = { orderId: 'O1', reason: '不想要了' };

  it('the request of before after-sales still parses; after-sale fields need a type', () => {
    expect(parseApplyRefundEvent({ ...base, refundFee: 100 })).toEqual({ ...base, refundFee: 100 });
    expect(code(() => parseApplyRefundEvent({ ...base, items: [{ productId: 'tea', quantity: 1 }] }))).toBe('INVALID_ARGUMENT');
  });

  it('type, lines, receipt, note and photos', () => {
    const photos = ['cloud://env-1.bucket/aftersale/buyer/1.jpg'];
    expect(parseApplyRefundEvent({ ...base, type: 'RETURN_AND_REFUND', items: [{ productId: 'tea', quantity: 1 }], receipt: 'RECEIVED', note: ' 第一行\n第二行 ', photos })).toEqual({
      ...base,
      type: 'RETURN_AND_REFUND',
      items: [{ productId: 'tea', quantity: 1 }],
      receipt: 'RECEIVED',
      note: '第一行 第二行',
      photos,
    });
  });

  it.each([
    [{ type: 'EXCHANGE' }],
    [{ type: 'REFUND_ONLY', items: [] }],
    [{ type: 'REFUND_ONLY', items: [{ productId: 'tea', quantity: 0 }] }],
    [{ type: 'REFUND_ONLY', items: [{ productId: 'tea', quantity: 1 }, { productId: 'tea', quantity: 1 }] }],
    [{ type: 'REFUND_ONLY', receipt: 'MAYBE' }],
    [{ type: 'REFUND_ONLY', note: 'x'.repeat(AFTERSALE.noteMaxLength + 1) }],
    [{ type: 'REFUND_ONLY', photos: Array.from({ length: 10 }, (_, i) => `cloud://e.b/p${i}.jpg`) }],
    [{ type: 'REFUND_ONLY', photos: [42] }],
  ])('refused: %j', (extra) => {
    expect(code(() => parseApplyRefundEvent({ ...base, ...extra }))).toBe('INVALID_ARGUMENT');
  });

  it('merchant decisions: refuseReturn needs a reason, confirmReturn takes none', () => {
    expect(parseApproveRefundEvent({ refundId: 'O1R1', action: 'confirmReturn' })).toEqual({ refundId: 'O1R1', action: 'confirmReturn' });
    expect(code(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'refuseReturn' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'confirmReturn', rejectReason: 'x' }))).toBe('INVALID_ARGUMENT');
  });

  it("the buyer's return parcel: a company of WeChat's list and a tracking number", () => {
    expect(parseOrdersEvent({ action: 'submitReturn', refundId: 'O1R1', expressCompany: 'SF', trackingNo: 'SF 1234 5678' })).toEqual({ action: 'submitReturn', refundId: 'O1R1', expressCompany: 'SF', trackingNo: 'SF12345678' });
    expect(code(() => parseOrdersEvent({ action: 'submitReturn', refundId: 'O1R1', expressCompany: 'NOPE', trackingNo: 'SF12345678' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => parseOrdersEvent({ action: 'submitReturn', refundId: 'O1R1', expressCompany: 'SF', trackingNo: '12' }))).toBe('INVALID_ARGUMENT');
  });
});
