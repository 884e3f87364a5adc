import { checkQueryRefund, checkRefund, checkUnifiedOrder, CLOSE_RULES, decideCloseOrder, decidePayment, decideRefund, decideSettlement, decideUnifiedOrder, MAX_REFUNDS_PER_TRADE } from '../../emulator/src/sandbox/rules';
import type { Refund, Trade } from '../../emulator/src/sandbox/model';
import { reportedState } from '../../emulator/src/sandbox/model';
import { compactTime, parseCompactTime } from '../../emulator/src/sandbox/ids';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

const order = (over: Record<string, unknown> = {}) => ({
  body: '乌龙茶 ×2',
  out_trade_no: 'O20260102abc',
  total_fee: 1200,
  spbill_create_ip: '127.0.0.1',
  sub_mch_id: '1900000109',
  nonce_str: 'n0nce',
  function_name: 'payNotify',
  env_id: 'local-cloud',
  ...over,
});

const trade = (over: Partial<Trade> = {}): Trade => ({
  outTradeNo: 'O1',
  prepayId: 'wx1',
  subMchId: '1900000109',
  subAppid: 'wxapp',
  body: 'tea',
  totalFee: 1000,
  feeType: 'CNY',
  tradeType: 'JSAPI',
  spbillCreateIp: '127.0.0.1',
  subOpenid: 'buyer',
  functionName: 'payNotify',
  envId: 'env',
  state: 'SUCCESS',
  createdAt: NOW - 60_000,
  transactionId: '4200x',
  paidAt: NOW - 30_000,
  ...over,
});

const refund = (over: Partial<Refund> = {}): Refund => ({
  outRefundNo: 'O1R1',
  refundId: '503x',
  outTradeNo: 'O1',
  transactionId: '4200x',
  subMchId: '1900000109',
  totalFee: 1000,
  refundFee: 300,
  status: 'SUCCESS',
  createdAt: NOW,
  ...over,
});

const refundReq = (over: Record<string, unknown> = {}) => {
  const checked = checkRefund({ sub_mch_id: '1900000109', nonce_str: 'n', out_trade_no: 'O1', out_refund_no: 'O1R2', total_fee: 1000, refund_fee: 100, ...over });
  if (!checked.ok) throw new Error(JSON.stringify(checked.failure));
  return checked.value;
};

describe('unifiedOrder validation', () => {
  it('accepts a complete JSAPI order and defaults fee and trade type', () => {
    const checked = checkUnifiedOrder(order(), NOW);
    expect(checked).toEqual({ ok: true, value: expect.objectContaining({ outTradeNo: 'O20260102abc', totalFee: 1200, feeType: 'CNY', tradeType: 'JSAPI' }) });
  });

  it.each([
    ['out_trade_no', { out_trade_no: undefined }, 'LACK_PARAMS'],
    ['body', { body: '' }, 'LACK_PARAMS'],
    ['sub_mch_id', { sub_mch_id: undefined }, 'LACK_PARAMS'],
    ['function_name', { function_name: undefined }, 'LACK_PARAMS'],
    ['spbill_create_ip', { spbill_create_ip: undefined }, 'LACK_PARAMS'],
    ['nonce_str', { nonce_str: undefined }, 'LACK_PARAMS'],
    ['total_fee', { total_fee: 12.5 }, 'INVALID_REQUEST'],
    ['total_fee', { total_fee: '1200' }, 'INVALID_REQUEST'],
    ['total_fee', { total_fee: 0 }, 'INVALID_REQUEST'],
    ['total_fee', { total_fee: -1 }, 'INVALID_REQUEST'],
    ['out_trade_no', { out_trade_no: 'x'.repeat(33) }, 'INVALID_REQUEST'],
    ['out_trade_no', { out_trade_no: 'has space' }, 'INVALID_REQUEST'],
    ['out_trade_no', { out_trade_no: '订单1' }, 'INVALID_REQUEST'],
    ['body', { body: 'x'.repeat(129) }, 'INVALID_REQUEST'],
    ['spbill_create_ip', { spbill_create_ip: 'localhost' }, 'INVALID_REQUEST'],
    ['fee_type', { fee_type: 'USD' }, 'INVALID_REQUEST'],
    ['trade_type', { trade_type: 'NATIVE' }, 'INVALID_REQUEST'],
    ['time_expire', { time_expire: '20260102' }, 'INVALID_REQUEST'],
  ])('refuses a bad %s (%j) with %s naming the field', (field, over, code) => {
    const checked = checkUnifiedOrder(order(over), NOW);
    expect(checked.ok).toBe(false);
    if (checked.ok || checked.failure.level !== 'result') throw new Error('expected a result failure');
    expect(checked.failure.errCode).toBe(code);
    expect(checked.failure.errCodeDes).toContain(field);
  });

  it('accepts every character WeChat allows in out_trade_no', () => {
    expect(checkUnifiedOrder(order({ out_trade_no: 'aZ09_-|*@' }), NOW).ok).toBe(true);
  });

  it('keeps a time_expire at least a minute after the start', () => {
    const ok = checkUnifiedOrder(order({ time_expire: compactTime(NOW + 30 * 60_000) }), NOW);
    expect(ok.ok && ok.value.expiresAt).toBe(parseCompactTime(compactTime(NOW + 30 * 60_000)));
    expect(checkUnifiedOrder(order({ time_expire: compactTime(NOW + 10_000) }), NOW).ok).toBe(false);
  });
});

describe('unifiedOrder on an existing out_trade_no', () => {
  const req = () => {
    const c = checkUnifiedOrder(order({ out_trade_no: 'O1', total_fee: 1000, body: 'tea' }), NOW);
    if (!c.ok) throw new Error('bad fixture');
    return c.value;
  };

  it('reuses an unpaid trade for the same order (re-paying gets the same prepay id)', () => {
    const t = trade({ state: 'NOTPAY' });
    expect(decideUnifiedOrder(t, req())).toEqual({ ok: true, value: { action: 'reuse', trade: t } });
  });

  it.each([
    ['a paid trade', trade({ state: 'SUCCESS' }), 'ORDERPAID'],
    ['a closed trade', trade({ state: 'CLOSED' }), 'ORDERCLOSED'],
    ['another amount', trade({ state: 'NOTPAY', totalFee: 999 }), 'OUT_TRADE_NO_USED'],
    ['another buyer', trade({ state: 'NOTPAY', subOpenid: 'someone-else' }), 'OUT_TRADE_NO_USED'],
  ])('refuses %s with %s', (_name, existing, code) => {
    const r = { ...req(), subOpenid: 'buyer' };
    const decision = decideUnifiedOrder(existing, r);
    expect(decision.ok).toBe(false);
    if (!decision.ok && decision.failure.level === 'result') expect(decision.failure.errCode).toBe(code);
  });
});

describe('closeOrder', () => {
  const fiveMinutes = 5 * 60_000;
  const v2 = CLOSE_RULES.v2;
  it('APIv2 and cloudPay refuse within five minutes of creation, close after', () => {
    const t = trade({ state: 'NOTPAY', createdAt: NOW - fiveMinutes + 1 });
    expect(CLOSE_RULES.cloudpay).toEqual(v2);
    expect(decideCloseOrder(t, NOW, v2)).toMatchObject({ ok: false, failure: { errCode: 'INVALID_REQUEST' } });
    expect(decideCloseOrder({ ...t, createdAt: NOW - fiveMinutes }, NOW, v2)).toMatchObject({ ok: true });
  });

  it('APIv3 closes a trade at once, but not one the buyer is paying (USERPAYING); APIv2 closes that one', () => {
    const t = trade({ state: 'NOTPAY', createdAt: NOW });
    expect(decideCloseOrder(t, NOW, CLOSE_RULES.v3)).toMatchObject({ ok: true });
    const paying = trade({ state: 'USERPAYING', createdAt: NOW - fiveMinutes });
    expect(decideCloseOrder(paying, NOW, CLOSE_RULES.v3)).toMatchObject({ ok: false, failure: { errCode: 'USERPAYING' } });
    expect(decideCloseOrder(paying, NOW, v2)).toMatchObject({ ok: true });
  });

  it.each([
    ['paid', trade({ state: 'SUCCESS', createdAt: 0 }), 'ORDERPAID'],
    ['closed', trade({ state: 'CLOSED', createdAt: 0 }), 'ORDERCLOSED'],
    ['unknown', undefined, 'ORDERNOTEXIST'],
  ])('answers a %s trade with %s (even inside the five minutes)', (_n, t, code) => {
    expect(decideCloseOrder(t && { ...t, createdAt: NOW }, NOW, v2)).toMatchObject({ ok: false, failure: { errCode: code } });
  });
});

describe('refunds', () => {
  it('refuses a refund larger than the order at validation', () => {
    expect(checkRefund({ sub_mch_id: '1', nonce_str: 'n', out_trade_no: 'O1', out_refund_no: 'R', total_fee: 100, refund_fee: 101 })).toMatchObject({ ok: false, failure: { errCode: 'PARAM_ERROR' } });
  });

  it('requires out_trade_no or transaction_id, out_refund_no and integer amounts', () => {
    expect(checkRefund({ sub_mch_id: '1', nonce_str: 'n', out_refund_no: 'R', total_fee: 1, refund_fee: 1 })).toMatchObject({ ok: false, failure: { errCode: 'LACK_PARAMS' } });
    expect(checkRefund({ sub_mch_id: '1', nonce_str: 'n', out_trade_no: 'O', total_fee: 1, refund_fee: 1 })).toMatchObject({ ok: false, failure: { errCode: 'LACK_PARAMS' } });
    expect(checkRefund({ sub_mch_id: '1', nonce_str: 'n', out_trade_no: 'O', out_refund_no: 'R', total_fee: 1, refund_fee: 0.5 })).toMatchObject({ ok: false, failure: { errCode: 'PARAM_ERROR' } });
    expect(checkRefund({ sub_mch_id: '1', nonce_str: 'n', out_trade_no: 'O', out_refund_no: 'x'.repeat(65), total_fee: 1, refund_fee: 1 })).toMatchObject({ ok: false });
  });

  it('allows partial refunds up to what was paid, counting processing and abnormal ones but not closed ones', () => {
    const t = trade();
    const refunds = [refund({ refundFee: 300, status: 'SUCCESS' }), refund({ outRefundNo: 'b', refundFee: 300, status: 'PROCESSING' }), refund({ outRefundNo: 'c', refundFee: 200, status: 'CHANGE' }), refund({ outRefundNo: 'd', refundFee: 900, status: 'REFUNDCLOSE' })];
    expect(decideRefund(t, refunds, undefined, refundReq({ refund_fee: 200 }), NOW)).toEqual({ ok: true, value: { action: 'create' } });
    expect(decideRefund(t, refunds, undefined, refundReq({ refund_fee: 201 }), NOW)).toMatchObject({ ok: false, failure: { errCode: 'INVALID_REQUEST', errCodeDes: '申请退款金额超过订单可退金额' } });
  });

  it('answers the first refund again for a repeated out_refund_no, and refuses it with other amounts', () => {
    const first = refund({ outRefundNo: 'O1R2', refundFee: 100 });
    expect(decideRefund(trade(), [first], first, refundReq(), NOW)).toEqual({ ok: true, value: { action: 'replay', refund: first } });
    expect(decideRefund(trade(), [first], first, refundReq({ refund_fee: 101 }), NOW)).toMatchObject({ ok: false, failure: { errCode: 'INVALID_REQUEST' } });
  });

  it(`refuses the ${MAX_REFUNDS_PER_TRADE + 1}st refund of a trade`, () => {
    const many = Array.from({ length: MAX_REFUNDS_PER_TRADE }, (_, i) => refund({ outRefundNo: `r${i}`, refundFee: 1 }));
    expect(decideRefund(trade({ totalFee: 1000 }), many, undefined, refundReq({ refund_fee: 1 }), NOW)).toMatchObject({ ok: false, failure: { errCode: 'INVALID_REQUEST' } });
    expect(decideRefund(trade({ totalFee: 1000 }), many.slice(1), undefined, refundReq({ refund_fee: 1 }), NOW)).toMatchObject({ ok: true });
  });

  it.each([
    ['an unknown trade', undefined, 'ORDERNOTEXIST'],
    ['an unpaid trade', trade({ state: 'NOTPAY' }), 'ORDERNOTEXIST'],
    ['a closed trade', trade({ state: 'CLOSED' }), 'ORDERNOTEXIST'],
    ['a trade paid over a year ago', trade({ paidAt: NOW - 366 * 24 * 3600_000 }), 'TRADE_OVERDUE'],
  ])('refuses to refund %s (%s)', (_n, t, code) => {
    expect(decideRefund(t, [], undefined, refundReq(), NOW)).toMatchObject({ ok: false, failure: { errCode: code } });
  });

  it('refuses a total_fee that is not what was paid', () => {
    expect(decideRefund(trade(), [], undefined, refundReq({ total_fee: 999 }), NOW)).toMatchObject({ ok: false, failure: { errCode: 'INVALID_REQUEST' } });
  });

  it('reports a refunded trade as REFUND, and a trade whose refunds all closed as SUCCESS', () => {
    expect(reportedState(trade(), [refund({ status: 'PROCESSING' })])).toBe('REFUND');
    expect(reportedState(trade(), [refund({ status: 'REFUNDCLOSE' })])).toBe('SUCCESS');
  });

  it('settles a refund once: the same result again changes nothing, another result is refused', () => {
    expect(decideSettlement(refund({ status: 'PROCESSING' }), 'SUCCESS')).toBeUndefined();
    expect(decideSettlement(refund({ status: 'SUCCESS' }), 'SUCCESS')).toBe('noop');
    expect(decideSettlement(refund({ status: 'SUCCESS' }), 'REFUNDCLOSE')).toMatchObject({ code: 'ALREADY_SETTLED' });
  });

  it('queryRefund needs one of the four ids', () => {
    expect(checkQueryRefund({ sub_mch_id: '1', nonce_str: 'n' })).toMatchObject({ ok: false, failure: { errCode: 'LACK_PARAMS' } });
    expect(checkQueryRefund({ sub_mch_id: '1', nonce_str: 'n', refund_id: '503' })).toMatchObject({ ok: true });
  });
});

describe('the buyer paying', () => {
  it('pays an open trade once, never a closed, paid or expired one', () => {
    expect(decidePayment(trade({ state: 'NOTPAY' }), NOW)).toBeUndefined();
    expect(decidePayment(trade({ state: 'SUCCESS' }), NOW)).toMatchObject({ code: 'ORDER_PAID' });
    expect(decidePayment(trade({ state: 'CLOSED' }), NOW)).toMatchObject({ code: 'ORDER_CLOSED' });
    expect(decidePayment(trade({ state: 'NOTPAY', expiresAt: NOW - 1 }), NOW)).toMatchObject({ code: 'ORDER_EXPIRED' });
  });
});

describe('WeChat Pay times', () => {
  it('writes and reads yyyyMMddHHmmss in China Standard Time', () => {
    expect(compactTime(Date.UTC(2026, 0, 1, 16, 30, 0))).toBe('20260102003000');
    expect(parseCompactTime('20260102003000')).toBe(Date.UTC(2026, 0, 1, 16, 30, 0));
    expect(parseCompactTime('20260230120000')).toBeUndefined();
  });
});
