import { channelOf, configuredChannels, isConfigured } from '../../src/domain/channels';
import { parseSettings, type Settings } from '../../src/domain/settings';
import { callbackChannel } from '../../src/server/provider';

const base = { merchantOpenids: ['m1'], subMchId: '1900000109' };
const direct = { appid: 'wx10ca1c10d0000000', payNotifyUrl: 'https://shop.example.com/payNotify', refundNotifyUrl: 'https://shop.example.com/refundNotify' };

function settings(raw: Record<string, unknown>): Settings {
  const result = parseSettings({ ...base, ...raw });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.settings;
}

function problems(raw: Record<string, unknown>): string {
  const result = parseSettings({ ...base, ...raw });
  return result.ok ? '' : result.problems.join('\n');
}

describe('configured channels', () => {
  it('one channel: the provider, with its merchant; orders that record none were taken by it', () => {
    const s = settings({});
    expect(configuredChannels(s)).toEqual([{ provider: 'cloudpay', merchantId: '1900000109' }]);
    expect(channelOf({}, s)).toEqual({ provider: 'cloudpay', merchantId: '1900000109' });
  });

  it('after a switch: new orders take the provider, the former channel keeps its own merchant, and unrecorded orders are its', () => {
    const s = settings({ ...direct, provider: 'v3', subMchId: '1900000200', formerChannels: [{ provider: 'cloudpay', subMchId: '1900000109' }] });
    expect(configuredChannels(s)).toEqual([
      { provider: 'v3', merchantId: '1900000200' },
      { provider: 'cloudpay', merchantId: '1900000109' },
    ]);
    expect(channelOf({}, s)).toEqual({ provider: 'cloudpay', merchantId: '1900000109' });
    // A recorded channel is never second-guessed.
    expect(channelOf({ payChannel: { provider: 'v3', merchantId: '1900000200' } }, s)).toEqual({ provider: 'v3', merchantId: '1900000200' });
    expect(isConfigured(s, { provider: 'cloudpay', merchantId: '1900000109' })).toBe(true);
    expect(isConfigured(s, { provider: 'cloudpay', merchantId: '1900000999' })).toBe(false);
    expect(isConfigured(s, { provider: 'v2', merchantId: '1900000200' })).toBe(false);
  });

  it('several former channels: legacyProvider must say which took the unrecorded orders', () => {
    const two = { ...direct, provider: 'v3', formerChannels: [{ provider: 'cloudpay', subMchId: '1900000109' }, { provider: 'v2', subMchId: '1900000109' }] };
    expect(problems(two)).toMatch(/legacyProvider must name the channel/);
    expect(channelOf({}, settings({ ...two, legacyProvider: 'v2' }))).toEqual({ provider: 'v2', merchantId: '1900000109' });
  });

  it.each([
    [{ formerChannels: 'cloudpay' }, /formerChannels must be a list/],
    [{ provider: 'v3', ...direct, formerChannels: [{ provider: 'v3', subMchId: '1900000109' }] }, /the provider new orders use/],
    [{ provider: 'v3', ...direct, formerChannels: [{ provider: 'cloudpay', subMchId: '19' }] }, /formerChannels\[0\].subMchId/],
    [{ provider: 'v3', ...direct, formerChannels: [{ provider: 'alipay', subMchId: '1900000109' }] }, /formerChannels\[0\].provider/],
    [{ provider: 'v3', ...direct, formerChannels: [{ provider: 'cloudpay', subMchId: '1900000109' }, { provider: 'cloudpay', subMchId: '1900000110' }] }, /names cloudpay twice/],
    [{ provider: 'v3', ...direct, legacyProvider: 'v2' }, /legacyProvider must be one of the configured channels: v3/],
    // A former APIv2/APIv3 channel needs the app and the notify URLs even when new orders go through cloudPay.
    [{ provider: 'cloudpay', formerChannels: [{ provider: 'v3', subMchId: '1900000109' }] }, /appid must be/],
  ])('refuses %j', (raw, problem) => {
    expect(problems(raw)).toMatch(problem);
  });
});

describe('the channel a callback came through', () => {
  const event = { transport: 'event' as const, event: { outTradeNo: 'T1' } };
  const http = (headers: Record<string, string>) => ({ transport: 'http' as const, method: 'POST', path: '/', headers, body: Buffer.from('') });

  it('a cloudPay event is heard only while cloudPay is configured; an HTTP request only while APIv2 or APIv3 is', () => {
    const v3Only = settings({ ...direct, provider: 'v3' });
    expect(callbackChannel(v3Only, event)).toBeUndefined();
    expect(callbackChannel(v3Only, http({}))?.provider).toBe('v3');
    const cloudPayOnly = settings({});
    expect(callbackChannel(cloudPayOnly, http({ 'wechatpay-signature': 'x' }))).toBeUndefined();
    const switched = settings({ ...direct, provider: 'v3', formerChannels: [{ provider: 'cloudpay', subMchId: '1900000109' }] });
    expect(callbackChannel(switched, event)?.provider).toBe('cloudpay');
    expect(callbackChannel(switched, http({ 'wechatpay-signature': 'x' }))?.provider).toBe('v3');
  });

  it('APIv2 and APIv3 both configured (one URL): the Wechatpay-* headers tell an APIv3 notify from an APIv2 one', () => {
    const both = settings({ ...direct, provider: 'v3', formerChannels: [{ provider: 'v2', subMchId: '1900000109' }] });
    expect(callbackChannel(both, http({ 'wechatpay-signature': 'x', 'wechatpay-serial': 'PUB_KEY_ID_1' }))?.provider).toBe('v3');
    expect(callbackChannel(both, http({ 'content-type': 'text/xml' }))?.provider).toBe('v2');
  });
});
