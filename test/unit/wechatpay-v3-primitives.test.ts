// APIv3 primitives against fixed keys and vectors computed by other implementations (openssl, Python cryptography).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { decryptResource, encryptResource, ResourceDecryptionError } from '../../src/providers/wechatpay-v3/aead';
import { classifyV3Error, errorBody } from '../../src/providers/wechatpay-v3/codes';
import { answerMessage, authorizationHeader, parseAuthorization, paySignMessage, requestMessage } from '../../src/providers/wechatpay-v3/formatter';
import { VerifierKeys } from '../../src/providers/wechatpay-v3/keys';
import { privateKeyFrom, publicKeyFrom, signRsa, verifyRsa } from '../../src/providers/wechatpay-v3/rsa';
import { verifyWechatPaySignature } from '../../src/providers/wechatpay-v3/verify';
import * as f from './wechatpay-v3-fixtures';

const merchantKey = createPrivateKey(f.merchantPrivateKey);
const ANSWER_BODY = Buffer.from('{"prepay_id": "wx201410272009395522657a690389285100"}', 'utf8');
const ANSWER_AT = new Date(1796000000 * 1000 + 30_000);

function headers(signature: string, serial: string, timestamp = '1796000000'): Record<string, string> {
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': 'c5ac7061fccab6bf3e254dcf98995b8c',
    'wechatpay-signature': signature,
    'wechatpay-serial': serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

const bothKeys = () =>
  VerifierKeys.from({ publicKey: { id: f.PUBLIC_KEY_ID, pem: f.wechatpayPublicKey }, platformCertificates: f.platformCertificate });

describe('request signature', () => {
  const body = '{"appid":"wx2421b1c4370ec43b","mchid":"1900000109","out_trade_no":"20261129A1"}';
  const message = requestMessage('post', '/v3/pay/transactions/jsapi', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', body);

  it('is five lines, each ending in \\n, the method upper-case', () => {
    expect(message).toBe(`POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`);
    expect(requestMessage('GET', '/v3/refund/domestic/refunds/R1', '1', 'n', '')).toBe('GET\n/v3/refund/domestic/refunds/R1\n1\nn\n\n');
  });

  it('signs with RSA-SHA256 PKCS#1 v1.5 exactly as openssl does', () => {
    expect(signRsa(message, merchantKey)).toBe(f.REQUEST_SIGNATURE);
  });

  it('goes into the Authorization header, which reads back into the same parts', () => {
    const parts = { mchid: '1900000109', nonce: '593BEC0C930BF1AFEB40B4A08C8FB242', timestamp: '1554208460', serial: '3775B6A45ACD588826D15E583A95F5DD6ABA6BF1', signature: f.REQUEST_SIGNATURE };
    const header = authorizationHeader(parts);
    expect(header).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="3775B6A45ACD588826D15E583A95F5DD6ABA6BF1",signature="${f.REQUEST_SIGNATURE}"`,
    );
    expect(parseAuthorization(header)).toEqual(parts);
  });

  it.each([
    ['another schema', 'WECHATPAY2-SHA256-RSA4096 mchid="1",nonce_str="n",timestamp="1",serial_no="s",signature="x"'],
    ['a missing field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1",signature="x"'],
    ['a repeated field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",timestamp="1",serial_no="s",signature="x"'],
    ['nothing', undefined],
  ])('an Authorization header with %s is not read', (_, header) => {
    expect(parseAuthorization(header)).toBeUndefined();
  });
});

describe('paySign for wx.requestPayment', () => {
  it('is four lines starting with the appid, signed like openssl does', () => {
    const message = paySignMessage('wx2421b1c4370ec43b', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', 'prepay_id=wx201410272009395522657a690389285100');
    expect(message).toBe('wx2421b1c4370ec43b\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\nprepay_id=wx201410272009395522657a690389285100\n');
    expect(signRsa(message, merchantKey)).toBe(f.PAY_SIGN);
    expect(verifyRsa(message, f.PAY_SIGN, createPublicKey(merchantKey))).toBe(true);
  });
});

describe('answer and notify verification over the raw bytes', () => {
  it('accepts the exact bytes signed with the WeChat Pay public key named by its PUB_KEY_ID', () => {
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, bothKeys(), ANSWER_AT)).toEqual({ ok: true, serial: f.PUBLIC_KEY_ID });
  });

  it('accepts the exact bytes signed with a platform certificate named by its serial (any case)', () => {
    const result = verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_PLATFORM, f.PLATFORM_SERIAL.toLowerCase()), ANSWER_BODY, bothKeys(), ANSWER_AT);
    expect(result).toEqual({ ok: true, serial: f.PLATFORM_SERIAL });
  });

  it('refuses the same JSON re-serialised (other spacing), though it means the same', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(ANSWER_BODY.toString('utf8'))), 'utf8');
    expect(reserialised.equals(ANSWER_BODY)).toBe(false);
    const result = verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), reserialised, bothKeys(), ANSWER_AT);
    expect(result).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('builds the message from bytes, so a body that is not valid UTF-8 is still checked byte for byte', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(answerMessage('1', 'n', body)).toEqual(Buffer.concat([Buffer.from('1\nn\n'), body, Buffer.from('\n')]));
  });

  it('refuses a signature made with another key, and a key the shop has not configured', () => {
    const other = createPrivateKey(f.otherPrivateKey);
    const forged = signRsa(answerMessage('1796000000', 'c5ac7061fccab6bf3e254dcf98995b8c', ANSWER_BODY), other);
    expect(verifyWechatPaySignature(headers(forged, f.PUBLIC_KEY_ID), ANSWER_BODY, bothKeys(), ANSWER_AT)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    // The genuine platform signature, but this shop only has the public key.
    const onlyPublicKey = VerifierKeys.from({ publicKey: { id: f.PUBLIC_KEY_ID, pem: f.wechatpayPublicKey } });
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_PLATFORM, f.PLATFORM_SERIAL), ANSWER_BODY, onlyPublicKey, ANSWER_AT)).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    // The public key's signature presented under the certificate's serial: the serial picks the key, and it does not fit.
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PLATFORM_SERIAL), ANSWER_BODY, bothKeys(), ANSWER_AT)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses a genuine signature whose timestamp is more than five minutes away', () => {
    const keys = bothKeys();
    const signedAt = 1796000000 * 1000;
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, keys, new Date(signedAt + 300_000)).ok).toBe(true);
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, keys, new Date(signedAt + 301_000))).toMatchObject({ ok: false, code: 'STALE' });
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, keys, new Date(signedAt - 301_000))).toMatchObject({ ok: false, code: 'STALE' });
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID, '1796000000000'), ANSWER_BODY, keys, ANSWER_AT)).toMatchObject({ ok: false, code: 'STALE' });
  });

  it('refuses a WECHATPAY/SIGNTEST/ probe and missing headers', () => {
    expect(verifyWechatPaySignature(headers('WECHATPAY/SIGNTEST/' + f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, bothKeys(), ANSWER_AT)).toMatchObject({ ok: false, code: 'SIGNATURE_PROBE' });
    const { 'wechatpay-serial': _omitted, ...noSerial } = headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID);
    expect(verifyWechatPaySignature(noSerial, ANSWER_BODY, bothKeys(), ANSWER_AT)).toMatchObject({ ok: false, code: 'MISSING_HEADERS' });
  });

  it('does not use a platform certificate outside its validity', () => {
    const keys = bothKeys();
    expect(keys.choose(f.PLATFORM_SERIAL, new Date('2026-12-01T00:00:00Z'))).toBeDefined();
    expect(keys.choose(f.PLATFORM_SERIAL, new Date('2037-01-01T00:00:00Z'))).toBeUndefined();
    expect(keys.choose(f.PUBLIC_KEY_ID, new Date('2037-01-01T00:00:00Z'))).toBeDefined();
  });

  it('reads PEM values given as bare base64 (how they fit in a 4 KB environment)', () => {
    const bare = f.wechatpayPublicKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const keys = VerifierKeys.from({ publicKey: { id: f.PUBLIC_KEY_ID, pem: bare } });
    expect(verifyWechatPaySignature(headers(f.ANSWER_SIGNATURE_WECHATPAY, f.PUBLIC_KEY_ID), ANSWER_BODY, keys, ANSWER_AT).ok).toBe(true);
    const bareKey = f.merchantPrivateKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    expect(signRsa('x', privateKeyFrom(bareKey))).toBe(signRsa('x', merchantKey));
    expect(() => publicKeyFrom('not a key')).toThrow();
  });

  it('refuses a public key id that is not a PUB_KEY_ID_', () => {
    expect(() => VerifierKeys.from({ publicKey: { id: '5157F09E', pem: f.wechatpayPublicKey } })).toThrow(/PUB_KEY_ID_/);
  });
});

describe('AEAD_AES_256_GCM resources', () => {
  const key = '0123456789abcdefABCDEF0123456789';
  const plaintext = '{"mchid":"1900000109","appid":"wx2421b1c4370ec43b","out_trade_no":"20261129A1","trade_state":"SUCCESS"}';
  const resource = { ciphertext: f.GCM_CIPHERTEXT, nonce: 'fdasflkja484', associated_data: 'transaction' };

  it('decrypts a vector made by another implementation, and encrypts to the same bytes', () => {
    expect(decryptResource(resource, key)).toBe(plaintext);
    expect(encryptResource(plaintext, key, 'fdasflkja484', 'transaction')).toBe(f.GCM_CIPHERTEXT);
  });

  it.each([
    ['a wrong tag', { ...resource, ciphertext: flipLastByte(f.GCM_CIPHERTEXT) }, key],
    ['altered ciphertext', { ...resource, ciphertext: flipFirstByte(f.GCM_CIPHERTEXT) }, key],
    ['other associated data', { ...resource, associated_data: 'refund' }, key],
    ['another nonce', { ...resource, nonce: 'fdasflkja485' }, key],
    ['another APIv3 key', resource, '0123456789abcdefABCDEF012345678X'],
    ['a body shorter than a tag', { ...resource, ciphertext: 'AAAA' }, key],
  ])('refuses %s', (_, res, k) => {
    expect(() => decryptResource(res, k)).toThrow(ResourceDecryptionError);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => decryptResource(resource, 'short')).toThrow(/32 bytes/);
  });
});

describe('v3 error classes, from status and code only', () => {
  it.each([
    [500, 'SYSTEM_ERROR', true, 'unknown'],
    [500, 'SYSTEM_ERROR', false, 'retryable'],
    [502, 'HTTP_502', true, 'unknown'],
    [429, 'FREQUENCY_LIMITED', true, 'retryable'],
    [403, 'NOT_ENOUGH', true, 'retryable'],
    [400, 'PARAM_ERROR', true, 'final'],
    [401, 'SIGN_ERROR', false, 'final'],
    [403, 'OUT_TRADE_NO_USED', true, 'final'],
    [500, 'INVALID_TRANSACTIONID', true, 'final'],
    [404, 'ORDER_NOT_EXIST', false, 'final'],
    [404, 'RESOURCE_NOT_EXISTS', true, 'final'],
    // "退款申请失败，商户可自行处理": the buyer's account is closed or frozen; no retry helps.
    [403, 'USER_ACCOUNT_ABNORMAL', true, 'final'],
    // close while the buyer enters the password: a 2xx that closed nothing.
    [202, 'USER_PAYING', true, 'retryable'],
    [202, 'SOMETHING_NEW', true, 'unknown'],
  ] as const)('%i %s (acts: %s) is %s', (status, code, acts, expected) => {
    expect(classifyV3Error(status, code, acts)).toBe(expected);
  });

  it('reads {code, message}; anything else becomes HTTP_<status>', () => {
    expect(errorBody(400, Buffer.from('{"code":"PARAM_ERROR","message":"参数错误"}'))).toEqual({ code: 'PARAM_ERROR', message: '参数错误' });
    expect(errorBody(502, Buffer.from('<html>bad gateway</html>'))).toEqual({ code: 'HTTP_502', message: '' });
    expect(errorBody(400, Buffer.from('{"code":"lower case"}'))).toEqual({ code: 'HTTP_400', message: '' });
  });
});

function flipLastByte(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[bytes.length - 1] ^= 1;
  return bytes.toString('base64');
}

function flipFirstByte(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}
