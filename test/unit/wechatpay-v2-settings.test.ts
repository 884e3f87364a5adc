import { parseSettings } from '../../src/domain/settings';

const base = { merchantOpenids: ['m1'], subMchId: '1900000109' };
const v2 = { ...base, provider: 'v2', appid: 'wx0123456789abcdef', payNotifyUrl: 'https://shop.example.com/payNotify', refundNotifyUrl: 'https://shop.example.com/refundNotify' };

describe('settings for APIv2', () => {
  it('takes a v2 shop with its appid and notify URLs; HMAC-SHA256 unless the shop picks MD5', () => {
    expect(parseSettings(v2)).toEqual({ ok: true, settings: expect.objectContaining({ provider: 'v2', appid: v2.appid, payNotifyUrl: v2.payNotifyUrl, refundNotifyUrl: v2.refundNotifyUrl, v2SignType: 'HMAC-SHA256' }) });
    expect(parseSettings({ ...v2, v2SignType: 'MD5' })).toEqual({ ok: true, settings: expect.objectContaining({ v2SignType: 'MD5' }) });
  });

  it('allows plain http only for the local cloud on this machine', () => {
    expect(parseSettings({ ...v2, payNotifyUrl: 'http://127.0.0.1:9000/http/payNotify', refundNotifyUrl: 'http://localhost:9000/http/refundNotify' }).ok).toBe(true);
  });

  it('does not ask a cloudPay shop for any of it', () => {
    expect(parseSettings(base).ok).toBe(true);
  });

  it.each([
    [{ ...v2, appid: undefined }, /appid must be the mini-program's appid .* when an APIv2 or APIv3 channel is configured/],
    [{ ...v2, appid: 'wxABC' }, /appid/],
    [{ ...v2, payNotifyUrl: undefined }, /payNotifyUrl .* required for this provider/],
    [{ ...v2, refundNotifyUrl: 'http://shop.example.com/refundNotify' }, /refundNotifyUrl must be the full https URL .*http only for 127.0.0.1 or localhost/],
    [{ ...v2, payNotifyUrl: 'https://shop.example.com/payNotify?x=1' }, /without query/],
    [{ ...v2, payNotifyUrl: 'not a url' }, /payNotifyUrl/],
    [{ ...v2, v2SignType: 'SHA1' }, /v2SignType must be one of MD5, HMAC-SHA256/],
  ])('reports what is wrong in %j', (raw, problem) => {
    const result = parseSettings(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(problem);
  });
});
