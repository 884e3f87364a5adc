// Issues X.509 v3 certificates (RSA keys, SHA-256 with RSA signatures) with Node's crypto and the DER writer:
// the local cloud's CA, its HTTPS server certificate, the merchant's client certificate, WeChat Pay's platform
// certificate. Every certificate it writes is read back with X509Certificate before anyone gets it.
import { createHash, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, boolean, explicit, implicit, nullValue, objectId, octetString, printableString, sequence, set, smallInteger, time, unsignedInteger, utf8String, type Der } from './der';

/** A distinguished name, most significant first (C, O, OU, CN). */
export interface DistinguishedName {
  C?: string;
  O?: string;
  OU?: string;
  CN: string;
}

/**
 * ca: may issue certificates. server: a TLS server, valid for `hosts`. client: a TLS client (the merchant's
 * API certificate). signer: signs messages (WeChat Pay's platform certificate).
 */
export type CertificateRole = 'ca' | 'server' | 'client' | 'signer';

export interface CertificateRequest {
  subject: DistinguishedName;
  publicKey: KeyObject;
  role: CertificateRole;
  /** DNS names and IP addresses (server certificates). */
  hosts?: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface Issuer {
  name: DistinguishedName;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const OID = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// keyUsage bits: digitalSignature(0) keyEncipherment(2) keyCertSign(5) cRLSign(6), written most significant first.
const KEY_USAGE: Record<CertificateRole, Der> = {
  ca: bitString(Buffer.from([0b10000110]), 7), // digitalSignature, keyCertSign, cRLSign
  server: bitString(Buffer.from([0b10100000]), 3), // digitalSignature, keyEncipherment
  client: bitString(Buffer.from([0b10100000]), 3),
  signer: bitString(Buffer.from([0b10000000]), 1), // digitalSignature
};

const algorithm = () => sequence(objectId(OID.sha256WithRSA), nullValue());

function name(dn: DistinguishedName): Der {
  const rdn = (oid: string, value: Der) => set(sequence(objectId(oid), value));
  const parts: Der[] = [];
  if (dn.C) parts.push(rdn(OID.C, printableString(dn.C)));
  if (dn.O) parts.push(rdn(OID.O, utf8String(dn.O)));
  if (dn.OU) parts.push(rdn(OID.OU, utf8String(dn.OU)));
  parts.push(rdn(OID.CN, utf8String(dn.CN)));
  return sequence(...parts);
}

function extension(oid: string, critical: boolean, value: Der): Der {
  return sequence(objectId(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A key identifier: the SHA-1 of the public key's DER (RFC 5280 allows any unique value). */
export function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function generalName(host: string): Der {
  const family = isIP(host);
  if (family === 4) return implicit(7, Buffer.from(host.split('.').map(Number)));
  if (family === 6) throw new Error('IPv6 subjectAltName is not supported by this writer');
  return implicit(2, Buffer.from(host, 'ascii'));
}

function extensions(req: CertificateRequest, issuer: Issuer): Der {
  const list: Der[] = [
    extension(OID.basicConstraints, true, req.role === 'ca' ? sequence(boolean(true)) : sequence()),
    extension(OID.keyUsage, true, KEY_USAGE[req.role]),
    extension(OID.subjectKeyId, false, octetString(keyId(req.publicKey))),
    extension(OID.authorityKeyId, false, sequence(implicit(0, keyId(issuer.publicKey)))),
  ];
  if (req.role === 'server') list.push(extension(OID.extKeyUsage, false, sequence(objectId(OID.serverAuth))));
  if (req.role === 'client') list.push(extension(OID.extKeyUsage, false, sequence(objectId(OID.clientAuth))));
  if (req.hosts?.length) list.push(extension(OID.subjectAltName, false, sequence(...req.hosts.map(generalName))));
  return explicit(3, sequence(...list));
}

/** A positive 20-byte serial number, as upper-case hex (the form WeChat Pay and X509Certificate show). */
export function newSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = (bytes[0] & 0x7f) | 0x40; // positive, and exactly 20 bytes long
  return bytes.toString('hex').toUpperCase();
}

/** Signs a certificate for `req` with the issuer's key (`issuer` = the subject itself for a self-signed CA). */
export function issueCertificate(req: CertificateRequest, issuer: Issuer, serialHex = newSerial()): string {
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(Buffer.from(serialHex, 'hex')),
    algorithm(),
    name(issuer.name),
    sequence(time(req.notBefore), time(req.notAfter)),
    name(req.subject),
    req.publicKey.export({ type: 'spki', format: 'der' }),
    extensions(req, issuer),
  );
  const signature = sign('sha256', tbs, issuer.privateKey);
  const der = sequence(tbs, algorithm(), bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const parsed = new X509Certificate(pem);
  if (parsed.serialNumber.toUpperCase() !== serialHex || !parsed.verify(issuer.publicKey)) throw new Error('the certificate written does not read back as issued');
  if (!createPublicKey(pem).equals(req.publicKey)) throw new Error('the certificate written does not carry the requested key');
  return pem;
}
