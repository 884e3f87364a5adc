// Conformance: the product's WeChat Pay code (src/providers) and the local cloud's own implementation of WeChat's
// side (emulator/src/sandbox/wechat-crypto) against WeChat's published worked examples and a well-kept third-party
// SDK, wechatpay-axios-plugin (TheNorthMemory; Hash, Formatter, Rsa, Aes, Transformer). Each signs what the others
// verify, in both directions, so a mistake in one shows up as a disagreement rather than being mirrored.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Aes, Formatter, Hash, Rsa, Transformer } from 'wechatpay-axios-plugin';
import { encryptReqInfo as emulatorReqInfo } from '../../emulator/src/sandbox/wechat-crypto/v2-req-info';
import { sign as emulatorSign, stringSignTemp, verify as emulatorVerify, type SignType } from '../../emulator/src/sandbox/wechat-crypto/v2-sign';
import { readXml, writeXml } from '../../emulator/src/sandbox/wechat-crypto/v2-xml';
import { encryptNotifyResource } from '../../emulator/src/sandbox/wechat-crypto/v3-resource';
import { readAuthorization, requestSigningText, responseSigningText, rsaSign, rsaVerify } from '../../emulator/src/sandbox/wechat-crypto/v3-sign';
import { decryptReqInfo } from '../../src/providers/wechatpay-v2/req-info';
import { signingString, signV2, verifyV2 } from '../../src/providers/wechatpay-v2/sign';
import { buildV2Xml, parseV2Xml } from '../../src/providers/wechatpay-v2/xml';
import { decryptResource } from '../../src/providers/wechatpay-v3/aead';
import { authorizationHeader, parseAuthorization, requestMessage } from '../../src/providers/wechatpay-v3/formatter';
import { VerifierKeys } from '../../src/providers/wechatpay-v3/keys';
import { signRsa, verifyRsa } from '../../src/providers/wechatpay-v3/rsa';
import { verifyWechatPaySignature } from '../../src/providers/wechatpay-v3/verify';
import * as f from '../unit/wechatpay-v3-fixtures';

const SIGN_TYPES: readonly SignType[] = ['MD5', 'HMAC-SHA256'];

describe("WeChat Pay's published worked examples", () => {
  // APIv2 安全规范 (https://pay.weixin.qq.com/doc/v2/merchant/4011985891): the fields, the key and both signatures.
  const EXAMPLE = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
  const KEY = '192006250b4c09247ec02edce69f6a2d';
  const STRING_A = 'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA';
  const PUBLISHED = { MD5: '9A0A8659F005D6984697E2CA0A9CF3B7', 'HMAC-SHA256': '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6' } as const;

  it('APIv2 stringA and stringSignTemp, as the guide spells them', () => {
    expect(signingString(EXAMPLE)).toBe(STRING_A);
    expect(stringSignTemp(EXAMPLE, KEY)).toBe(`${STRING_A}&key=${KEY}`);
    expect(Formatter.queryStringLike(Formatter.ksort(EXAMPLE))).toBe(STRING_A);
  });

  it.each(SIGN_TYPES)('APIv2 %s signature: product, local cloud and SDK all give the published value', (signType) => {
    expect(signV2(EXAMPLE, KEY, signType)).toBe(PUBLISHED[signType]);
    expect(emulatorSign(EXAMPLE, KEY, signType)).toBe(PUBLISHED[signType]);
    expect(Hash.sign(signType, EXAMPLE, KEY)).toBe(PUBLISHED[signType]);
    expect(verifyV2({ ...EXAMPLE, sign: PUBLISHED[signType] }, KEY, signType)).toBe(true);
    expect(emulatorVerify({ ...EXAMPLE, sign: PUBLISHED[signType] }, KEY, signType)).toBe(true);
  });

  it('APIv3 request string (签名生成: GET /v3/certificates), five lines each ending in \\n', () => {
    const published = 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';
    expect(requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(published);
    expect(requestSigningText('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', Buffer.alloc(0)).toString('utf8')).toBe(published);
    expect(Formatter.request('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(published);
  });
});

describe('APIv2 against wechatpay-axios-plugin', () => {
  const KEY = 'a'.repeat(8) + 'B'.repeat(8) + '0123456789abcdef';
  // Text a real order carries: Chinese, symbols XML must protect, a number, an empty field (left out of the signature).
  const ORDER = { appid: 'wx5a4d0c1e00000001', mch_id: '1900000109', nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', body: '冻顶乌龙茶 250g ×2 & <杯>', out_trade_no: '20261129A1', total_fee: 2400, spbill_create_ip: '127.0.0.1', attach: '', trade_type: 'JSAPI', openid: 'oBuyer_1' };

  it.each(SIGN_TYPES)('%s: what the SDK signs, the product and the local cloud accept; what either signs, the SDK computes too', (signType) => {
    const bySdk = Hash.sign(signType, ORDER, KEY);
    expect(verifyV2({ ...ORDER, sign: bySdk }, KEY, signType)).toBe(true);
    expect(emulatorVerify({ ...ORDER, sign: bySdk }, KEY, signType)).toBe(true);
    expect(signV2(ORDER, KEY, signType)).toBe(bySdk);
    expect(emulatorSign(ORDER, KEY, signType)).toBe(bySdk);
    // and a field changed after signing is refused by both
    expect(verifyV2({ ...ORDER, total_fee: 1, sign: bySdk }, KEY, signType)).toBe(false);
    expect(emulatorVerify({ ...ORDER, total_fee: 1, sign: bySdk }, KEY, signType)).toBe(false);
  });

  const expected = { ...Object.fromEntries(Object.entries(ORDER).filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)])) };

  it('XML: what the product and the local cloud write, the SDK reads; what the SDK writes, both read', () => {
    expect(Transformer.toObject(buildV2Xml(ORDER))).toEqual(expected);
    expect(Transformer.toObject(writeXml(ORDER))).toEqual(expected);
    const sdkXml = Transformer.toXml(expected);
    expect({ ...parseV2Xml(sdkXml) }).toEqual(expected);
    expect(readXml(sdkXml)).toEqual(expected);
  });

  it("refund notify req_info: AES-256-ECB under md5(key) as the SDK does it, both ways", () => {
    const root = '<root><out_refund_no><![CDATA[20261129A1R1]]></out_refund_no><refund_status><![CDATA[SUCCESS]]></refund_status></root>';
    const sdkKey = Hash.md5(KEY);
    expect(decryptReqInfo(Aes.AesEcb.encrypt(root, sdkKey), KEY)).toBe(root);
    expect(Aes.AesEcb.decrypt(emulatorReqInfo(root, KEY), sdkKey)).toBe(root);
  });
});

describe('APIv3 against wechatpay-axios-plugin', () => {
  const merchantKey = createPrivateKey(f.merchantPrivateKey);
  const merchantPublic = createPublicKey(merchantKey);
  const wechatpayKey = createPrivateKey(f.wechatpayPrivateKey);
  const wechatpayPublic = createPublicKey(f.wechatpayPublicKey);
  const body = JSON.stringify({ appid: 'wx5a4d0c1e00000001', mchid: '1900000109', description: '冻顶乌龙茶 ×2', out_trade_no: '20261129A1', amount: { total: 2400, currency: 'CNY' } });
  const ts = '1796000000';
  const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242';
  const path = '/v3/pay/transactions/jsapi';

  it('request signature: the product, the local cloud and the SDK sign the same message alike, and each verifies the others', () => {
    const bySdk = Rsa.sign(Formatter.request('POST', path, ts, nonce, body), merchantKey);
    expect(signRsa(requestMessage('POST', path, ts, nonce, body), merchantKey)).toBe(bySdk);
    expect(rsaSign(requestSigningText('POST', path, ts, nonce, Buffer.from(body)), merchantKey)).toBe(bySdk);
    expect(rsaVerify(requestSigningText('POST', path, ts, nonce, Buffer.from(body)), bySdk, merchantPublic)).toBe(true);
    expect(Rsa.verify(Formatter.request('POST', path, ts, nonce, body), signRsa(requestMessage('POST', path, ts, nonce, body), merchantKey), merchantPublic)).toBe(true);
  });

  it("Authorization: the SDK's header (its own field order) reads in the product and the local cloud; the product's in the local cloud", () => {
    const signature = Rsa.sign(Formatter.request('POST', path, ts, nonce, body), merchantKey);
    const sdkHeader = Formatter.authorization('1900000109', nonce, signature, ts, '3775B6A45ACD588826D15E583A95F5DD6ABA6BF1');
    const parts = { mchid: '1900000109', nonce, timestamp: ts, serial: '3775B6A45ACD588826D15E583A95F5DD6ABA6BF1', signature };
    expect(parseAuthorization(sdkHeader)).toEqual(parts);
    expect(readAuthorization(sdkHeader)).toEqual(parts);
    expect(readAuthorization(authorizationHeader(parts))).toEqual(parts);
  });

  const answer = Buffer.from('{"prepay_id":"wx201410272009395522657a690389285100"}', 'utf8');
  const keys = VerifierKeys.from({ publicKey: { id: f.PUBLIC_KEY_ID, pem: f.wechatpayPublicKey } });
  const headers = (signature: string) => ({ 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': f.PUBLIC_KEY_ID, 'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048' });
  const at = new Date(Number(ts) * 1000 + 10_000);

  it('answer signature: what the local cloud signs, the SDK verifies; what the SDK signs, the product verifies', () => {
    const byLocalCloud = rsaSign(responseSigningText(ts, nonce, answer), wechatpayKey);
    expect(Rsa.verify(Formatter.response(ts, nonce, answer.toString('utf8')), byLocalCloud, wechatpayPublic)).toBe(true);
    expect(verifyWechatPaySignature(headers(byLocalCloud), answer, keys, at)).toEqual({ ok: true, serial: f.PUBLIC_KEY_ID });
    const bySdk = Rsa.sign(Formatter.response(ts, nonce, answer.toString('utf8')), wechatpayKey);
    expect(bySdk).toBe(byLocalCloud);
    expect(verifyWechatPaySignature(headers(bySdk), answer, keys, at)).toEqual({ ok: true, serial: f.PUBLIC_KEY_ID });
    expect(verifyRsa(Formatter.response(ts, nonce, answer.toString('utf8')), bySdk, wechatpayPublic)).toBe(true);
  });

  it('notify resource (AEAD_AES_256_GCM): the local cloud encrypts what the SDK decrypts; the SDK encrypts what the product decrypts', () => {
    const apiV3Key = 'ApiV3Key0123456789abcdefghijklmn';
    const resource = JSON.stringify({ mchid: '1900000109', out_trade_no: '20261129A1', trade_state: 'SUCCESS', amount: { total: 2400 } });
    const byLocalCloud = encryptNotifyResource(resource, apiV3Key, 'fdasflkja484', 'transaction');
    expect(Aes.AesGcm.decrypt(byLocalCloud, apiV3Key, 'fdasflkja484', 'transaction')).toBe(resource);
    expect(decryptResource({ ciphertext: byLocalCloud, nonce: 'fdasflkja484', associated_data: 'transaction' }, apiV3Key)).toBe(resource);
    const bySdk = Aes.AesGcm.encrypt(resource, apiV3Key, 'fdasflkja484', 'transaction');
    expect(bySdk).toBe(byLocalCloud);
    expect(decryptResource({ ciphertext: bySdk, nonce: 'fdasflkja484', associated_data: 'transaction' }, apiV3Key)).toBe(resource);
    // the associated data is authenticated: another one does not decrypt
    expect(() => decryptResource({ ciphertext: bySdk, nonce: 'fdasflkja484', associated_data: 'refund' }, apiV3Key)).toThrow();
  });
});
