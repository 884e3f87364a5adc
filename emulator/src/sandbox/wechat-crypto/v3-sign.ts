// WeChat Pay's side of APIv3 signatures (https://pay.weixin.qq.com/doc/v3/merchant/4012365336): the merchant signs
// `METHOD\nURL\ntimestamp\nnonce\nbody\n` and sends it in `Authorization`; WeChat Pay signs its answers and notifies
// over `timestamp\nnonce\nbody\n`, both SHA256-with-RSA (PKCS#1 v1.5), base64. Written apart from the shop's code.
import { createSign, createVerify, type KeyObject } from 'node:crypto';

export const SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** What WeChat Pay's signature probes start with: a shop that checks signatures refuses them. */
export const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** The merchant's request, as WeChat Pay rebuilds it to check the signature: the body exactly as received. */
export function requestSigningText(method: string, urlPathWithQuery: string, timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([method, urlPathWithQuery, timestamp, nonce].join('\n') + '\n', 'utf8'), body, Buffer.from('\n')]);
}

/** What WeChat Pay signs on its answers and notifies. */
export function responseSigningText(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n')]);
}

export function rsaSign(text: Buffer, key: KeyObject): string {
  const signer = createSign('sha256WithRSAEncryption');
  signer.update(text);
  return signer.sign(key).toString('base64');
}

export function rsaVerify(text: Buffer, signature: string, key: KeyObject): boolean {
  try {
    const verifier = createVerify('sha256WithRSAEncryption');
    verifier.update(text);
    return verifier.verify(key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export interface MerchantAuthorization {
  mchid: string;
  nonce: string;
  timestamp: string;
  serial: string;
  signature: string;
}

/**
 * `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"` (any order, each
 * once); undefined when it is not that.
 */
export function readAuthorization(header: string | undefined): MerchantAuthorization | undefined {
  const prefix = `${SCHEMA} `;
  if (header === undefined || !header.startsWith(prefix)) return undefined;
  const values: Record<string, string> = {};
  const pair = /\s*([a-z_]+)="([^"]*)"\s*(,|$)/y;
  let at = prefix.length;
  while (at < header.length) {
    pair.lastIndex = at;
    const m = pair.exec(header);
    if (!m || Object.prototype.hasOwnProperty.call(values, m[1] as string)) return undefined;
    values[m[1] as string] = m[2] as string;
    at = pair.lastIndex;
  }
  const { mchid, nonce_str: nonce, timestamp, serial_no: serial, signature } = values;
  if (!mchid || !nonce || !timestamp || !serial || !signature) return undefined;
  return { mchid, nonce, timestamp, serial, signature };
}
