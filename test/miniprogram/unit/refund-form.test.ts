import { checkRefundForm, checkRejectReason } from '../../../miniprogram/domain/refund-form';

const OK = { amountText: '10.00', reasonIndex: 0, note: '' };

describe('refund form', () => {
  it('accepts the refundable amount and joins the reason with the note', () => {
    expect(checkRefundForm({ ...OK, note: ' 破损 ' }, 1000)).toEqual({ ok: true, refundFee: 1000, reason: '不想要了：破损' });
    expect(checkRefundForm(OK, 1000)).toEqual({ ok: true, refundFee: 1000, reason: '不想要了' });
  });

  it.each([
    [{ amountText: '10.01' }, { amount: '最多可退 ¥10.00' }],
    [{ amountText: '0.00' }, { amount: '退款金额必须大于 0' }],
    [{ amountText: ' ' }, { amount: '请填写退款金额' }],
    [{ reasonIndex: -1 }, { reason: '请选择退款原因' }],
    [{ reasonIndex: 99 }, { reason: '请选择退款原因' }],
    [{ reasonIndex: 4 }, { note: '选择“其他原因”时请写明原因' }],
    [{ note: 'x'.repeat(72) }, { note: '补充说明最多 71 字' }],
    [{ note: '😀'.repeat(72) }, { note: '补充说明最多 71 字' }],
  ])('refuses %p with %p', (change, errors) => {
    expect(checkRefundForm({ ...OK, ...change }, 1000)).toEqual({ ok: false, errors });
  });

  it('reports every problem at once', () => {
    const check = checkRefundForm({ amountText: 'x', reasonIndex: -1, note: '' }, 1000);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(Object.keys(check.errors).sort()).toEqual(['amount', 'reason']);
  });
});

describe('reject reason', () => {
  it('is required, trimmed and bounded', () => {
    expect(checkRejectReason('  已拆封 ')).toEqual({ ok: true, reason: '已拆封' });
    expect(checkRejectReason('   ')).toEqual({ ok: false, error: '请填写拒绝原因，买家会看到' });
    expect(checkRejectReason('x'.repeat(81))).toEqual({ ok: false, error: '拒绝原因最多 80 字' });
    expect(checkRejectReason('已拆封\n不退\u0007')).toEqual({ ok: true, reason: '已拆封 不退' });
  });
});
