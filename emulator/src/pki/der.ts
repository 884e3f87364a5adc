// Just enough DER (ASN.1 distinguished encoding) to write X.509 certificates with Node's crypto: Node can sign and
// parse certificates but not build them, and a certificate is a handful of nested tag-length-value records.
export type Der = Buffer;

export function tlv(tag: number, content: Buffer): Der {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items));
export const set = (...items: Der[]): Der => tlv(0x31, Buffer.concat(items));
export const nullValue = (): Der => Buffer.from([0x05, 0x00]);
export const boolean = (value: boolean): Der => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
export const octetString = (bytes: Buffer): Der => tlv(0x04, bytes);
export const utf8String = (text: string): Der => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Der => tlv(0x13, Buffer.from(text, 'ascii'));
/** `[n] EXPLICIT`: a constructed context-specific tag around a whole encoding. */
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 + n, inner);
/** `[n] IMPLICIT` over a primitive value (the value's own tag is replaced). */
export const implicit = (n: number, bytes: Buffer): Der => tlv(0x80 + n, bytes);

/** A non-negative INTEGER from big-endian bytes: no superfluous leading zeros, a zero added when the top bit is set. */
export function unsignedInteger(bytes: Buffer): Der {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (value: number): Der => unsignedInteger(Buffer.from([value]));

/** A BIT STRING of whole bytes, or of the first `bitCount` bits of `bytes`. */
export function bitString(bytes: Buffer, bitCount = bytes.length * 8): Der {
  const unused = bytes.length * 8 - bitCount;
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}

export function objectId(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const part of parts.slice(2)) {
    const groups: number[] = [];
    let v = part;
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime from 2050, as RFC 5280 requires; whole seconds, UTC. */
export function time(at: Date): Der {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14); // yyyyMMddHHmmss
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}
