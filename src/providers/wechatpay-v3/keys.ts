// The keys a shop holds to check WeChat Pay: the WeChat Pay public key (named PUB_KEY_ID_…) and/or platform
// certificates (named by their serial). A shop moving from certificates to the public key receives both kinds of
// `Wechatpay-Serial` for a while, so both may be configured; the header's value picks the key, never a guess.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { certificateFrom, publicKeyFrom, splitCertificates } from './rsa';

export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

export interface VerifierKeyInput {
  /** WECHATPAY_PUBLIC_KEY (pub_key.pem) and WECHATPAY_PUBLIC_KEY_ID. */
  publicKey?: { id: string; pem: string };
  /** WECHATPAY_PLATFORM_CERTS: one or more certificates. */
  platformCertificates?: string;
}

export interface VerifierKey {
  serial: string;
  kind: 'publicKey' | 'platformCertificate';
  key: KeyObject;
  /** Platform certificates only: outside this window the certificate is not used. */
  validFrom?: Date;
  validTo?: Date;
}

export class VerifierKeys {
  private readonly bySerial = new Map<string, VerifierKey>();

  constructor(keys: readonly VerifierKey[]) {
    for (const k of keys) this.bySerial.set(normalise(k.serial), k);
  }

  static from(input: VerifierKeyInput): VerifierKeys {
    const keys: VerifierKey[] = [];
    if (input.publicKey) {
      if (!input.publicKey.id.startsWith(PUBLIC_KEY_ID_PREFIX)) throw new Error(`the WeChat Pay public key id must start with ${PUBLIC_KEY_ID_PREFIX}`);
      keys.push({ serial: input.publicKey.id, kind: 'publicKey', key: publicKeyFrom(input.publicKey.pem) });
    }
    if (input.platformCertificates) {
      for (const pem of splitCertificates(input.platformCertificates)) keys.push(platformKey(certificateFrom(pem)));
    }
    return new VerifierKeys(keys);
  }

  /** The key the header names, if the shop has it and (for a certificate) it is valid at `now`. */
  choose(serial: string, now: Date): VerifierKey | undefined {
    const key = this.bySerial.get(normalise(serial));
    if (!key) return undefined;
    if (key.validFrom && now < key.validFrom) return undefined;
    if (key.validTo && now > key.validTo) return undefined;
    return key;
  }

  serials(): string[] {
    return [...this.bySerial.values()].map((k) => k.serial);
  }

  get size(): number {
    return this.bySerial.size;
  }
}

export function platformKey(certificate: X509Certificate): VerifierKey {
  return {
    serial: certificate.serialNumber,
    kind: 'platformCertificate',
    key: certificate.publicKey,
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
  };
}

/** Certificate serials are hex, written in either case and sometimes with leading zeros; key ids are exact. */
function normalise(serial: string): string {
  if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) return serial;
  return serial.toUpperCase().replace(/^0+(?=.)/, '');
}
