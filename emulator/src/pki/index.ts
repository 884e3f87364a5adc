// The keys and certificates the local cloud plays WeChat Pay with: a local CA, the HTTPS server's certificate,
// the demo merchant's API certificate and key (issued by the CA, as WeChat issues apiclient_cert.pem), the APIv2
// and APIv3 keys, WeChat Pay's public key (`PUB_KEY_ID_…`) and a platform certificate. Generated at first start
// and kept with the data (pki.json beside the database, readable by its owner only); in memory mode, made once
// per process. None of it protects anything real: it exists so the real protocols run end to end.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomInt, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomAlnum, randomDigits } from '../random-text';
import { issueCertificate, newSerial, type DistinguishedName, type Issuer } from './x509';

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface MerchantMaterial {
  mchId: string;
  /** APIv2 key: 32 letters and digits. */
  v2Key: string;
  /** APIv3 key: 32 letters and digits (AES-256-GCM key of notifications and certificate downloads). */
  v3Key: string;
  ca: KeyPairPem;
  /** The HTTPS server's certificate for 127.0.0.1 and localhost. */
  server: KeyPairPem;
  /** apiclient_cert.pem / apiclient_key.pem, with the certificate's serial (upper-case hex). */
  merchant: KeyPairPem & { serial: string };
  /** WeChat Pay's own key pair in public-key mode, and its id (`PUB_KEY_ID_…`). */
  wechatpay: { publicKey: string; privateKey: string; publicKeyId: string };
  /** WeChat Pay's platform certificate (certificate mode; serial = the key id in Wechatpay-Serial). */
  platform: KeyPairPem & { serial: string };
  createdAt: string;
}

const FILE = 'pki.json';
const DAY = 24 * 3600_000;
/** Regenerate well before anything expires, so a data folder never starts with a certificate about to lapse. */
const RENEW_BEFORE_MS = 30 * DAY;

const inMemory = new Map<string, MerchantMaterial>();

/** The local CA's name, as its certificate states it (an issuer of further certificates needs it). */
export const LOCAL_CA_NAME: DistinguishedName = { C: 'CN', O: 'Local Cloud', OU: 'WeChat Pay sandbox', CN: 'Local Cloud WeChat Pay CA' };

/** The material for merchant `mchId`: read from `dataDir` if it is there and still good, else made (and saved). */
export function merchantMaterial(mchId: string, dataDir?: string): MerchantMaterial {
  if (!dataDir) {
    let cached = inMemory.get(mchId);
    if (!cached) inMemory.set(mchId, (cached = generateMaterial(mchId)));
    return cached;
  }
  const file = join(dataDir, FILE);
  const stored = existsSync(file) ? readStored(file, mchId) : undefined;
  if (stored) return stored;
  const made = generateMaterial(mchId);
  mkdirSync(dataDir, { recursive: true });
  // Unique, then renamed: two local clouds starting on one folder at once each keep a whole file.
  const tmp = `${file}.${process.pid}.${randomInt(1e9)}.tmp`;
  writeFileSync(tmp, JSON.stringify(made, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return made;
}

function readStored(file: string, mchId: string): MerchantMaterial | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as MerchantMaterial;
    if (m.mchId !== mchId || !/^[A-Za-z0-9]{32}$/.test(m.v2Key) || !/^[A-Za-z0-9]{32}$/.test(m.v3Key)) return undefined;
    const soon = Date.now() + RENEW_BEFORE_MS;
    for (const pem of [m.ca.cert, m.server.cert, m.merchant.cert, m.platform.cert]) {
      if (Date.parse(new X509Certificate(pem).validTo) < soon) return undefined;
    }
    for (const key of [m.ca.key, m.server.key, m.merchant.key, m.platform.key, m.wechatpay.privateKey]) createPrivateKey(key);
    createPublicKey(m.wechatpay.publicKey);
    return m;
  } catch {
    return undefined; // unreadable or from another version: make a new set
  }
}

function rsa(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

const pem = (key: KeyObject, type: 'private' | 'public') =>
  type === 'private' ? String(key.export({ type: 'pkcs8', format: 'pem' })) : String(key.export({ type: 'spki', format: 'pem' }));

export function generateMaterial(mchId: string, now = new Date()): MerchantMaterial {
  const notBefore = new Date(now.getTime() - DAY);
  const caKeys = rsa();
  const caName = LOCAL_CA_NAME;
  const ca: Issuer = { name: caName, ...caKeys };
  const caCert = issueCertificate({ subject: caName, publicKey: caKeys.publicKey, role: 'ca', notBefore, notAfter: new Date(now.getTime() + 3650 * DAY) }, ca);

  const leafUntil = new Date(now.getTime() + 5 * 365 * DAY);
  const serverKeys = rsa();
  const serverCert = issueCertificate(
    { subject: { C: 'CN', O: 'Local Cloud', CN: '127.0.0.1' }, publicKey: serverKeys.publicKey, role: 'server', hosts: ['127.0.0.1', 'localhost'], notBefore, notAfter: leafUntil },
    ca,
  );

  // WeChat's merchant API certificates name the merchant id as CN.
  const merchantKeys = rsa();
  const merchantSerial = newSerial();
  const merchantCert = issueCertificate(
    { subject: { C: 'CN', O: '微信商户系统', OU: '本地演示小店', CN: mchId }, publicKey: merchantKeys.publicKey, role: 'client', notBefore, notAfter: leafUntil },
    ca,
    merchantSerial,
  );

  const wechatpayKeys = rsa();
  const platformKeys = rsa();
  const platformSerial = newSerial();
  const platformCert = issueCertificate(
    { subject: { C: 'CN', O: 'Tenpay.com', OU: 'Tenpay.com CA Center', CN: 'Tenpay.com Root CA (local cloud)' }, publicKey: platformKeys.publicKey, role: 'signer', notBefore, notAfter: leafUntil },
    ca,
    platformSerial,
  );

  return {
    mchId,
    v2Key: randomAlnum(32),
    v3Key: randomAlnum(32),
    ca: { cert: caCert, key: pem(caKeys.privateKey, 'private') },
    server: { cert: serverCert, key: pem(serverKeys.privateKey, 'private') },
    merchant: { cert: merchantCert, key: pem(merchantKeys.privateKey, 'private'), serial: merchantSerial },
    wechatpay: { publicKey: pem(wechatpayKeys.publicKey, 'public'), privateKey: pem(wechatpayKeys.privateKey, 'private'), publicKeyId: `PUB_KEY_ID_01${mchId.padStart(10, '0')}${randomDigits(18)}` },
    platform: { cert: platformCert, key: pem(platformKeys.privateKey, 'private'), serial: platformSerial },
    createdAt: now.toISOString(),
  };
}
