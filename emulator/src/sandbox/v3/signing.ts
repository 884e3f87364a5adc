// The keys the local WeChat Pay signs with, and how it checks the merchant. Public-key mode signs answers and
// notifies with WeChat Pay's key named `PUB_KEY_ID_…`; certificate mode with the platform certificate's key, named
// by the certificate's serial. A rotation makes a new key and signs with it from then on (what WeChat does when a
// platform certificate is renewed or the public key is replaced); the previous keys stay listed so a shop can hold
// both while it switches.
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { randomInt } from 'node:crypto';
import { readAuthorization, requestSigningText, responseSigningText, rsaSign, rsaVerify } from '../wechat-crypto/v3-sign';
import type { MerchantMaterial } from '../../pki';
import { issueCertificate, newSerial } from '../../pki/x509';
import { nonceStr } from '../ids';

export type V3VerifyMode = 'publicKey' | 'certificate';
export const V3_VERIFY_MODES: readonly V3VerifyMode[] = ['publicKey', 'certificate'];

/** One key WeChat Pay signs with, and what a shop configures to check it. */
export interface V3SigningKey {
  /** What Wechatpay-Serial says: `PUB_KEY_ID_…` or the platform certificate's serial (upper-case hex). */
  serial: string;
  privateKey: KeyObject;
  /** Public-key mode: pub_key.pem. */
  publicKeyPem?: string;
  /** Certificate mode: the platform certificate (PEM). */
  certificatePem?: string;
}

/** WeChat checks the merchant's timestamp against its clock as the merchant must check WeChat's. */
const REQUEST_WINDOW_SECONDS = 5 * 60;

export class V3Signing {
  private keys: V3SigningKey[];
  /** The keys the shop has configured (its WECHATPAY_* variables); a rotated key is not among them until installed. */
  private atShop: V3SigningKey[];

  constructor(
    readonly material: MerchantMaterial,
    readonly mode: V3VerifyMode,
  ) {
    this.keys = [
      mode === 'publicKey'
        ? { serial: material.wechatpay.publicKeyId, privateKey: createPrivateKey(material.wechatpay.privateKey), publicKeyPem: material.wechatpay.publicKey }
        : { serial: material.platform.serial.toUpperCase(), privateKey: createPrivateKey(material.platform.key), certificatePem: material.platform.cert },
    ];
    this.atShop = [...this.keys];
  }

  /** The key answers and notifies are signed with now. */
  current(): V3SigningKey {
    return this.keys[this.keys.length - 1] as V3SigningKey;
  }

  /** Every key used so far, oldest first (what a shop mid-switch may hold). */
  all(): readonly V3SigningKey[] {
    return this.keys;
  }

  /** A new key signs from now on. */
  rotate(now = new Date()): V3SigningKey {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let key: V3SigningKey;
    if (this.mode === 'publicKey') {
      const id = `PUB_KEY_ID_01${this.material.mchId.padStart(10, '0')}${Array.from({ length: 18 }, () => String(randomInt(10))).join('')}`;
      key = { serial: id, privateKey: pair.privateKey, publicKeyPem: String(pair.publicKey.export({ type: 'spki', format: 'pem' })) };
    } else {
      const serial = newSerial();
      const subject = { C: 'CN', O: 'Tenpay.com', OU: 'Tenpay.com CA Center', CN: 'Tenpay.com Root CA (local cloud, renewed)' };
      const certificatePem = issueCertificate(
        { subject, publicKey: pair.publicKey, role: 'signer', notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + 5 * 365 * 24 * 3600_000) },
        { name: subject, privateKey: pair.privateKey, publicKey: pair.publicKey },
        serial,
      );
      key = { serial: new X509Certificate(certificatePem).serialNumber.toUpperCase(), privateKey: pair.privateKey, certificatePem };
    }
    this.keys = [...this.keys, key];
    return key;
  }

  /**
   * The shop configures the current key (as a merchant pastes the new public key or certificate into the console):
   * public-key mode replaces the one public key; certificate mode adds the certificate beside the others.
   */
  installAtShop(): V3SigningKey {
    const key = this.current();
    if (!this.atShop.includes(key)) this.atShop = this.mode === 'publicKey' ? [key] : [...this.atShop, key];
    return key;
  }

  /** The APIv3 verification variables of the shop's functions, from the keys it has configured. */
  shopEnv(): Record<string, string> {
    if (this.mode === 'certificate') return { WECHATPAY_PLATFORM_CERTS: this.atShop.map((k) => k.certificatePem ?? '').join('') };
    const key = this.atShop[this.atShop.length - 1] as V3SigningKey;
    return { WECHATPAY_PUBLIC_KEY: key.publicKeyPem ?? '', WECHATPAY_PUBLIC_KEY_ID: key.serial };
  }

  /** Wechatpay-* headers for a body, signed with `key` (default: the current one) at `timestamp` (seconds). */
  headers(body: Buffer, options: { key?: V3SigningKey; timestamp?: number; signature?: (genuine: string) => string } = {}): Record<string, string> {
    const key = options.key ?? this.current();
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = nonceStr(32);
    const genuine = rsaSign(responseSigningText(timestamp, nonce, body), key.privateKey);
    return {
      'wechatpay-nonce': nonce,
      'wechatpay-timestamp': timestamp,
      'wechatpay-serial': key.serial,
      'wechatpay-signature': options.signature ? options.signature(genuine) : genuine,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  /**
   * Whether a request is the merchant's: the Authorization header parses, names this merchant and its certificate's
   * serial, is recent, and its signature verifies over exactly what arrived.
   */
  checkMerchant(method: string, pathWithQuery: string, authorization: string | undefined, body: Buffer, nowMs: number): { ok: true; mchid: string } | { ok: false; message: string } {
    const auth = readAuthorization(authorization);
    if (!auth) return { ok: false, message: 'Authorization 头缺失或格式错误（应为 WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"）' };
    if (auth.mchid !== this.material.mchId) return { ok: false, message: `商户号 ${auth.mchid.slice(0, 32)} 与本地商户 ${this.material.mchId} 不符` };
    if (auth.serial.toUpperCase() !== this.material.merchant.serial.toUpperCase()) return { ok: false, message: '商户证书序列号 serial_no 不正确' };
    if (!/^[0-9]{1,12}$/.test(auth.timestamp) || Math.abs(nowMs / 1000 - Number(auth.timestamp)) > REQUEST_WINDOW_SECONDS) {
      return { ok: false, message: '请求时间戳 timestamp 与当前时间相差超过5分钟（应为秒）' };
    }
    const message = requestSigningText(method, pathWithQuery, auth.timestamp, auth.nonce, body);
    if (!rsaVerify(message, auth.signature, new X509Certificate(this.material.merchant.cert).publicKey)) {
      return { ok: false, message: '签名错误，请检查后再试' };
    }
    return { ok: true, mchid: auth.mchid };
  }
}
