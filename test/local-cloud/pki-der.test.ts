// The DER writer under the local CA: lengths, integers, object ids and times encoded as X.509 readers expect.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMaterial } from '../../emulator/src/pki';
import { bitString, objectId, time, tlv, unsignedInteger } from '../../emulator/src/pki/der';
import { issueCertificate } from '../../emulator/src/pki/x509';

const hex = (b: Buffer) => b.toString('hex');

describe('DER', () => {
  it('writes short and long lengths', () => {
    expect(hex(tlv(0x04, Buffer.alloc(3)))).toBe('0403000000');
    expect(hex(tlv(0x04, Buffer.alloc(200))).slice(0, 6)).toBe('0481c8');
    expect(hex(tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
  });

  it('writes integers without superfluous zeros, positive when the top bit is set', () => {
    expect(hex(unsignedInteger(Buffer.from([0x00, 0x00, 0x05])))).toBe('020105');
    expect(hex(unsignedInteger(Buffer.from([0x80])))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from([0x00])))).toBe('020100');
  });

  it('writes object ids with base-128 arcs', () => {
    expect(hex(objectId('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(hex(objectId('2.5.29.17'))).toBe('0603551d11');
  });

  it('writes UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(time(new Date('2026-11-29T01:02:03Z')).toString('latin1')).toBe('\x17\x0d261129010203Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });

  it('writes bit strings with the count of unused bits', () => {
    expect(hex(bitString(Buffer.from([0b10100000]), 3))).toBe('030205a0');
  });
});

describe('certificates', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = { C: 'CN', O: '测试', CN: 'Test CA' };
  const now = Date.now();
  const ca = issueCertificate({ subject: name, publicKey: keys.publicKey, role: 'ca', notBefore: new Date(now - 1000), notAfter: new Date(now + 86_400_000) }, { name, ...keys });

  it('reads back with the subject, validity and CA flag it was written with', () => {
    const cert = new X509Certificate(ca);
    expect(cert.subject).toBe('C=CN\nO=测试\nCN=Test CA');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(Date.parse(cert.validTo) - now).toBeGreaterThan(86_000_000);
  });

  it('is accepted by openssl, when it is installed', () => {
    let text: string;
    try {
      text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: ca, encoding: 'utf8' });
    } catch {
      return; // no openssl on this machine: Node's reader above is the check
    }
    expect(text).toContain('CA:TRUE');
    expect(text).toContain('Certificate Sign');
    expect(text).toContain('sha256WithRSAEncryption');
  });

  it('chains as openssl sees it: the server certificate for TLS servers, the merchant certificate for TLS clients', () => {
    try {
      execFileSync('openssl', ['version']);
    } catch {
      return; // no openssl on this machine
    }
    const m = generateMaterial('1900000109');
    const dir = mkdtempSync(join(tmpdir(), 'pki-'));
    try {
      const file = (name: string, pem: string) => {
        writeFileSync(join(dir, name), pem);
        return join(dir, name);
      };
      const caFile = file('ca.pem', m.ca.cert);
      const verify = (purpose: string, pem: string) => execFileSync('openssl', ['verify', '-CAfile', caFile, '-purpose', purpose, file(`${purpose}.pem`, pem)], { encoding: 'utf8' });
      expect(verify('sslserver', m.server.cert)).toContain('OK');
      expect(verify('sslclient', m.merchant.cert)).toContain('OK');
      expect(() => verify('sslserver', m.merchant.cert)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
