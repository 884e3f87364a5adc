// RSA-SHA256 with PKCS#1 v1.5 padding (WeChat's "SHA256 with RSA"; PSS is NOT what WeChat checks), base64 signatures.
import { createPrivateKey, createPublicKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';

export function signRsa(message: string | Buffer, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message).end().sign(privateKey, 'base64');
}

/** False for a wrong signature, a signature that is not base64, or a key that is not RSA; never throws. */
export function verifyRsa(message: string | Buffer, signature: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return createVerify('RSA-SHA256').update(message).end().verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * A PEM value as a shop pastes it into an environment variable: with its header lines, or as the bare base64
 * between them (CloudBase limits env vars to 4 KB, and newlines are awkward there).
 */
export function pemBody(value: string, label: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return trimmed.replace(/\\n/g, '\n');
  const base64 = trimmed.replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function privateKeyFrom(value: string): KeyObject {
  return createPrivateKey(pemBody(value, 'PRIVATE KEY'));
}

export function publicKeyFrom(value: string): KeyObject {
  return createPublicKey(pemBody(value, 'PUBLIC KEY'));
}

export function certificateFrom(value: string): X509Certificate {
  return new X509Certificate(pemBody(value, 'CERTIFICATE'));
}

/** Splits concatenated PEM certificates (WECHATPAY_PLATFORM_CERTS may hold the old and the new one). */
export function splitCertificates(value: string): string[] {
  const pems = value.replace(/\\n/g, '\n').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (pems) return pems;
  // Bare base64 values, separated by commas or whitespace.
  return value
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map((part) => pemBody(part, 'CERTIFICATE'));
}
