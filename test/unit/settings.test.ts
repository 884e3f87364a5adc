import { parseSettings } from '../../src/domain/settings';
import { settingsCacheMs } from '../../src/server/settings';

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
    [{ ...base, templates: { orderTeleported: { templateId: 't', data: {} } } }, /unknown purpose/],
    [{ ...base, templates: { orderPaid: { templateId: 't', data: { foo1: 'orderId' } } } }, /not a subscribe-message field key/],
    [{ ...base, templates: { orderPaid: { templateId: 't', data: { thing1: 'reason' } } } }, /"reason" is not one of/],
  ])('reports what is wrong in %j', (raw, problem) => {
    const result = parseSettings(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(problem);
  });
});

describe('shipping and printer settings', () => {
  const base = { merchantOpenids: ['m1'], subMchId: '1900000109' };

  it('default: under WeChat’s shipping management, auto-confirm after 10 days, no printer', () => {
    const result = parseSettings(base);
    expect(result.ok && result.settings.shipping).toEqual({ managed: true, autoConfirmDays: 10 });
    expect(result.ok && result.settings.printer).toBeUndefined();
  });

  it('reads a Feie printer', () => {
    const result = parseSettings({ ...base, shipping: { managed: false, autoConfirmDays: 7 }, printer: { provider: 'feie', sn: '960238952', copies: 2 } });
    expect(result.ok && result.settings.shipping).toEqual({ managed: false, autoConfirmDays: 7 });
    expect(result.ok && result.settings.printer).toEqual({ provider: 'feie', sn: '960238952', copies: 2 });
  });

  it.each([
    [{ shipping: { autoConfirmDays: 0 } }, /autoConfirmDays/],
    [{ shipping: { managed: 'yes' } }, /managed/],
    [{ printer: { provider: 'inkjet', sn: '960238952' } }, /printer.provider/],
    [{ printer: { provider: 'feie', sn: 'a b' } }, /printer.sn/],
    [{ printer: { provider: 'feie', sn: '960238952', copies: 9 } }, /copies/],
  ])('reports %j', (extra, problem) => {
    const result = parseSettings({ ...base, ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(problem);
  });
});

describe('how long a warm instance keeps settings (SETTINGS_CACHE_SECONDS)', () => {
  it('is 30 s unless the variable names 0..300 whole seconds', () => {
    expect(settingsCacheMs(undefined)).toBe(30_000);
    expect(settingsCacheMs('')).toBe(30_000);
    expect(settingsCacheMs('0')).toBe(0);
    expect(settingsCacheMs('300')).toBe(300_000);
    for (const bad of ['301', '-1', '1.5', 'soon']) expect(settingsCacheMs(bad)).toBe(30_000);
  });
});
