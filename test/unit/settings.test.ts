import { parseSettings } from '../../src/domain/settings';

const base = { merchantOpenids: ['m1'], subMchId: '1900000109' };

describe('parseSettings', () => {
  it('fills defaults', () => {
    const result = parseSettings(base);
    expect(result).toEqual({
      ok: true,
      settings: expect.objectContaining({ provider: 'cloudpay', merchantOpenids: ['m1'], subMchId: '1900000109', refundWindowDays: 7, unpaidTimeoutSeconds: 1800, templates: {} }),
    });
  });

  it.each([
    [undefined, /missing/],
    [{ ...base, merchantOpenids: 'm1' }, /merchantOpenids/],
    [{ ...base, subMchId: 1900000109 }, /subMchId/],
    [{ ...base, provider: 'alipay' }, /provider must be one of cloudpay/],
    [{ ...base, refundWindowDays: -1 }, /refundWindowDays/],
    [{ ...base, unpaidTimeoutSeconds: 0 }, /unpaidTimeoutSeconds/],
    [{ ...base, templates: { orderShipped: { templateId: 't', data: {} } } }, /unknown purpose/],
    [{ ...base, templates: { orderPaid: { templateId: 't', data: { foo1: 'orderId' } } } }, /not a subscribe-message field key/],
    [{ ...base, templates: { orderPaid: { templateId: 't', data: { thing1: 'reason' } } } }, /"reason" is not one of/],
  ])('reports what is wrong in %j', (raw, problem) => {
    const result = parseSettings(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(problem);
  });
});
