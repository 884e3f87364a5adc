import { maskOpenid, redact } from '../../src/server/logger';

describe('redact', () => {
  it.each([
    [{ apiKey: 'k', paySign: 's', secret: 'x', token: 't' }, { apiKey: '[redacted]', paySign: '[redacted]', secret: '[redacted]', token: '[redacted]' }],
    [{ openid: 'oAbcdefghijk', touser: 'oXyz123456' }, { openid: 'oAbc***', touser: 'oXyz***' }],
    [{ merchantOpenids: ['oMerchant01', 'oMerchant02'] }, { merchantOpenids: ['oMer***', 'oMer***'] }],
    [{ orderId: 'O1', code: 'SYSTEMERROR' }, { orderId: 'O1', code: 'SYSTEMERROR' }],
  ])('%j → %j', (fields, expected) => expect(redact(fields)).toEqual(expected));

  it('never shows a short openid', () => expect(maskOpenid('abc')).toBe('***'));
});
