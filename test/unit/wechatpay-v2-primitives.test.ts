import { decryptReqInfo, encryptReqInfo, ReqInfoError } from '../../src/providers/wechatpay-v2/req-info';
import { signingString, signV2, verifyV2 } from '../../src/providers/wechatpay-v2/sign';
import { buildV2Xml, parseV2Xml, V2_XML_LIMIT, V2XmlError } from '../../src/providers/wechatpay-v2/xml';

// WeChat Pay's own example from the APIv2 signing guide (安全规范): the fields, the key, and both published signatures.
const EXAMPLE = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const EXAMPLE_KEY = '192006250b4c09247ec02edce69f6a2d';

describe('APIv2 signatures', () => {
  it("builds WeChat's stringA: sorted names, empty values and sign left out", () => {
    expect(signingString({ ...EXAMPLE, sign: 'X', attach: '' })).toBe('appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA');
  });

  it('matches the published MD5 vector', () => {
    expect(signV2(EXAMPLE, EXAMPLE_KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('matches the published HMAC-SHA256 vector (the key is hashed as part of the message too)', () => {
    expect(signV2(EXAMPLE, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('writes numbers as their decimal text', () => {
    expect(signV2({ ...EXAMPLE, total_fee: 1 }, EXAMPLE_KEY, 'MD5')).toBe(signV2({ ...EXAMPLE, total_fee: '1' }, EXAMPLE_KEY, 'MD5'));
  });

  it('accepts the signature it was given, with unknown extra fields signed along', () => {
    const fields = { ...EXAMPLE, some_future_field: 'x' };
    expect(verifyV2({ ...fields, sign: signV2(fields, EXAMPLE_KEY, 'HMAC-SHA256') }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe(true);
    expect(verifyV2({ ...EXAMPLE, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' }, EXAMPLE_KEY, 'MD5')).toBe(true);
  });

  it.each([
    ['no signature', {}],
    ['an empty signature', { sign: '' }],
    ['a lower-case signature', { sign: '9a0a8659f005d6984697e2ca0a9cf3b7' }],
    ['another field altered', { sign: '9A0A8659F005D6984697E2CA0A9CF3B7', body: 'test2' }],
    ['a field added', { sign: '9A0A8659F005D6984697E2CA0A9CF3B7', total_fee: '1' }],
    ['a truncated signature', { sign: '9A0A8659F005D6984697E2CA0A9CF3B' }],
  ])('refuses %s', (_what, change) => {
    expect(verifyV2({ ...EXAMPLE, ...change }, EXAMPLE_KEY, 'MD5')).toBe(false);
  });

  it('refuses a signature made with another key or the other algorithm', () => {
    expect(verifyV2({ ...EXAMPLE, sign: signV2(EXAMPLE, 'a'.repeat(32), 'MD5') }, EXAMPLE_KEY, 'MD5')).toBe(false);
    expect(verifyV2({ ...EXAMPLE, sign: signV2(EXAMPLE, EXAMPLE_KEY, 'MD5') }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe(false);
  });
});

describe('APIv2 XML', () => {
  it('reads every value as text, so a 28-digit transaction_id and a leading zero survive', () => {
    const fields = parseV2Xml('<xml><transaction_id>4200000001202611290000000001</transaction_id><total_fee><![CDATA[0100]]></total_fee>\n<return_code><![CDATA[SUCCESS]]></return_code></xml>');
    expect({ ...fields }).toEqual({ transaction_id: '4200000001202611290000000001', total_fee: '0100', return_code: 'SUCCESS' });
  });

  it('round-trips text with XML specials and Chinese through CDATA, numbers bare', () => {
    const fields = { body: '小店-T恤 & <袜子> ]]> end', total_fee: 100, attach: '' };
    const xml = buildV2Xml(fields);
    expect(xml).toContain('<total_fee>100</total_fee>');
    expect(xml).not.toContain('attach');
    expect({ ...parseV2Xml(xml) }).toEqual({ body: '小店-T恤 & <袜子> ]]> end', total_fee: '100' });
  });

  it('reads the five predefined entities in text and keeps CDATA as written', () => {
    expect(parseV2Xml('<xml><a>x &amp; y</a><b><![CDATA[x &amp; y]]></b></xml>')).toEqual(expect.objectContaining({ a: 'x & y', b: 'x &amp; y' }));
  });

  it('reads element-like text inside CDATA as text (a product named <constructor>)', () => {
    expect({ ...parseV2Xml(buildV2Xml({ attach: '<constructor> <__proto__>' })) }).toEqual({ attach: '<constructor> <__proto__>' });
  });

  it('keeps unknown fields, skips nested elements, reads a byte buffer and another root', () => {
    expect({ ...parseV2Xml(Buffer.from('<root><new_field>1</new_field><detail><x>1</x></detail></root>'), { root: 'root' }) }).toEqual({ new_field: '1' });
  });

  it.each([
    ['a DOCTYPE (XXE)', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>'],
    ['a billion laughs', `<!DOCTYPE xml [<!ENTITY a "ha">${Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i || ''};`.repeat(10)}">`).join('')}]><xml><a>&a9;</a></xml>`],
    ['a lower-case doctype', '<!doctype xml><xml><a>1</a></xml>'],
    ['a DOCTYPE between a comment and CDATA that pretend to enclose it', '<!-- <![CDATA[ --><!DOCTYPE xml [<!ENTITY x "y">]><!-- ]]> --><xml><a>&x;</a></xml>'],
    ['a DOCTYPE between processing instructions', '<?pi <![CDATA[ ?><!DOCTYPE xml [<!ENTITY x "y">]><?pi ]]> ?><xml><a>&x;</a></xml>'],
    ['an ENTITY without DOCTYPE', '<xml><!ENTITY x "y"><a>1</a></xml>'],
    ['a __proto__ element', '<xml><__proto__><polluted>yes</polluted></__proto__><a>1</a></xml>'],
    ['a constructor element', '<xml><constructor><prototype><polluted>yes</polluted></prototype></constructor></xml>'],
    ['a field given twice', '<xml><total_fee>1</total_fee><total_fee>100</total_fee></xml>'],
    ['another root', '<root><a>1</a></root>'],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>'],
    ['broken XML', '<xml><a>1</b></xml>'],
    ['not XML', 'return_code=SUCCESS'],
    ['bytes that are not UTF-8', Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e])],
    ['an oversized body', `<xml><a>${'x'.repeat(V2_XML_LIMIT)}</a></xml>`],
  ])('refuses %s before reading a field', (_what, input) => {
    expect(() => parseV2Xml(input)).toThrow(V2XmlError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to write a field name or value XML cannot carry', () => {
    expect(() => buildV2Xml({ 'a b': 'x' })).toThrow(V2XmlError);
    expect(() => buildV2Xml({ a: 'x\u0001' })).toThrow(V2XmlError);
    expect(() => buildV2Xml({ a: 1.5 })).toThrow(V2XmlError);
  });
});

describe('refund notify req_info', () => {
  // A fixture made for this test with `openssl enc -aes-256-ecb -K <hex of md5hex(KEY)>` (not with our code): a
  // refund's fields encrypted with a known APIv2 key, as WeChat Pay does.
  const KEY = 'K9v2TestKeyForReqInfo00000000000';
  const PLAIN = '<root><out_refund_no><![CDATA[R1]]></out_refund_no><refund_status><![CDATA[SUCCESS]]></refund_status><refund_fee><![CDATA[100]]></refund_fee></root>';
  const FIXTURE =
    'NVccJD02z+aEa5C8lJ4LwQg+HXdcju/v4Swl+/T+OI2e2jn+0aiR5Wg1ON08d7wxVb5U6lzFLA7ezgb6zv61yYTz+/r9FlGC/7cVP1HAp/R1TU95LkVDKno5HwyBRm1Q/COql/6Q4PN0AG5KTr9qL8SJUnbPd+YFLWSTzCt19LUUfsBDTPAGd4bgAtKSX8MM4Yy0vQuU9VB9iuDnyeKKbQ==';

  it('decrypts with the lower-case hex MD5 of the API key as the AES-256 key', () => {
    expect(decryptReqInfo(FIXTURE, KEY)).toBe(PLAIN);
    expect(parseV2Xml(decryptReqInfo(FIXTURE, KEY), { root: 'root' }).refund_status).toBe('SUCCESS');
  });

  it('encrypts what it decrypts', () => {
    expect(encryptReqInfo(PLAIN, KEY)).toBe(FIXTURE);
  });

  it.each([
    ['another key', FIXTURE, 'a'.repeat(32)],
    ['the key in upper case', FIXTURE, KEY.toUpperCase()],
    ['text that is not base64', '<root/>', KEY],
    ['a truncated block', FIXTURE.slice(0, 20), KEY],
  ])('refuses req_info with %s', (_what, reqInfo, key) => {
    expect(() => parseV2Xml(decryptReqInfo(reqInfo, key), { root: 'root' })).toThrow(expect.objectContaining({ name: expect.stringMatching(/ReqInfoError|V2XmlError/) }));
  });

  it('names what went wrong', () => {
    expect(() => decryptReqInfo('!!', KEY)).toThrow(ReqInfoError);
  });
});
