// The local WeChat Pay's own implementation of WeChat's side (emulator/src/sandbox/wechat-crypto), alone: what its
// XML reader takes and refuses, and that what it writes reads back. Its signatures are checked against WeChat's
// worked examples and a third-party SDK in test/conformance.
import { readXml, writeXml, XmlFormatError } from '../../emulator/src/sandbox/wechat-crypto/v2-xml';
import { readAuthorization } from '../../emulator/src/sandbox/wechat-crypto/v3-sign';

describe('the APIv2 XML reader', () => {
  it('reads CDATA, escaped text, numbers, empty fields and a CDATA split around "]]>"', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <body><![CDATA[茶 & <杯>]]></body>\n  <attach>a &lt;b&gt; &amp; &#x4E2D;&#25991;</attach>\n  <total_fee>2400</total_fee><device_info/>\n  <detail><![CDATA[x]]]]><![CDATA[>y]]></detail>\n</xml>';
    expect(readXml(Buffer.from(xml))).toEqual({ body: '茶 & <杯>', attach: 'a <b> & 中文', total_fee: '2400', device_info: '', detail: 'x]]>y' });
  });

  it('reads back what it writes, and writes what WeChat writes (CDATA text, bare numbers, no empty fields)', () => {
    const fields = { return_code: 'SUCCESS', total_fee: 1, body: 'a]]>b', empty: '', skipped: undefined };
    expect(writeXml(fields)).toBe('<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee><body><![CDATA[a]]]]><![CDATA[>b]]></body></xml>');
    expect(readXml(writeXml(fields))).toEqual({ return_code: 'SUCCESS', total_fee: '1', body: 'a]]>b' });
    expect(readXml(writeXml({ out_refund_no: 'R1' }, 'root'), 'root')).toEqual({ out_refund_no: 'R1' });
  });

  it.each([
    ['a document type (XXE)', '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>'],
    ['an entity it does not know', '<xml><a>&x;</a></xml>'],
    ['a bare ampersand', '<xml><a>1 & 2</a></xml>'],
    ['a comment', '<xml><!-- hi --><a>1</a></xml>'],
    ['a nested element', '<xml><a><b>1</b></a></xml>'],
    ['an attribute', '<xml><a x="1">1</a></xml>'],
    ['a field given twice', '<xml><a>1</a><a>2</a></xml>'],
    ['another root', '<root><a>1</a></root>'],
    ['something after the root', '<xml><a>1</a></xml><xml/>'],
    ['an unclosed field', '<xml><a>1</xml>'],
    ['JSON', '{"a":1}'],
  ])('refuses %s', (_what, xml) => {
    expect(() => readXml(Buffer.from(xml))).toThrow(XmlFormatError);
  });

  it('refuses bytes that are not UTF-8, and a body larger than WeChat takes', () => {
    expect(() => readXml(Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]))).toThrow(/UTF-8/);
    expect(() => readXml(`<xml><a>${'x'.repeat(70 * 1024)}</a></xml>`)).toThrow(XmlFormatError);
  });
});

describe('the APIv3 Authorization reader', () => {
  it('reads the five parts in any order', () => {
    const header = 'WECHATPAY2-SHA256-RSA2048 mchid="1900000109",serial_no="5157F09E",timestamp="1554208460",nonce_str="593BEC0C",signature="c2ln"';
    expect(readAuthorization(header)).toEqual({ mchid: '1900000109', serial: '5157F09E', timestamp: '1554208460', nonce: '593BEC0C', signature: 'c2ln' });
  });

  it.each([
    ['another schema', 'WECHATPAY2-SHA256-RSA4096 mchid="1",nonce_str="n",timestamp="1",serial_no="s",signature="x"'],
    ['a missing part', 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1",signature="x"'],
    ['a repeated part', 'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",timestamp="1",serial_no="s",signature="x"'],
    ['unquoted values', 'WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str=n,timestamp=1,serial_no=s,signature=x'],
    ['nothing', undefined],
  ])('does not read a header with %s', (_what, header) => {
    expect(readAuthorization(header)).toBeUndefined();
  });
});
