// WeChat Pay's secrets come from the functions' environment variables (CloudBase 云函数环境变量), never from the
// repository, the database or logs. Read and checked here, once per instance, so a missing or malformed secret is
// one clear configuration error naming the variables, not a signature mismatch three calls later.
// CloudBase allows 4 KB of variables per function: PEM values may be given as bare base64 (no header lines, no
// newlines), and a console that stored "\n" as two characters is forgiven.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError } from '../domain/errors';
import { log } from './logger';

export const WECHATPAY_ENV = {
  v2Key: 'WECHATPAY_V2_KEY',
  v3Key: 'WECHATPAY_V3_KEY',
  merchantKey: 'WECHATPAY_MERCHANT_KEY',
  merchantCert: 'WECHATPAY_MERCHANT_CERT',
  merchantSerial: 'WECHATPAY_MERCHANT_SERIAL',
  publicKey: 'WECHATPAY_PUBLIC_KEY',
  publicKeyId: 'WECHATPAY_PUBLIC_KEY_ID',
  platformCerts: 'WECHATPAY_PLATFORM_CERTS',
  baseUrl: 'WECHATPAY_BASE_URL',
  caCert: 'WECHATPAY_CA_CERT',
} as const;

export const DEFAULT_WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';

export interface WeChatPayEnv {
  /** Without a trailing slash. */
  baseUrl: string;
  /** Extra CA certificates (PEM) trusted for WeChat Pay's server certificate, on top of Node's roots. */
  extraCa: string[];
  v2Key?: string;
  v3Key?: string;
  /** PEM (PKCS#8 or PKCS#1 as given). */
  merchantKey?: string;
  merchantCert?: string;
  /** Upper-case hex; derived from merchantCert when not given. */
  merchantSerial?: string;
  publicKey?: string;
  publicKeyId?: string;
  platformCerts?: string[];
}

export type WeChatPaySecret = Exclude<keyof WeChatPayEnv, 'baseUrl' | 'extraCa'>;

/** An instance's environment does not change: its certificates and keys are parsed once. */
let processEnvReading: { value: WeChatPayEnv; problems: string[] } | undefined;

/** The variables a provider needs: all present and well-formed, or an AppError naming each problem. */
export function requireWeChatPayEnv<K extends WeChatPaySecret>(
  needed: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): WeChatPayEnv & Required<Pick<WeChatPayEnv, K>> {
  const read = env === process.env ? (processEnvReading ??= readWeChatPayEnv(env)) : readWeChatPayEnv(env);
  const value = read.value;
  const problems = [...read.problems];
  for (const name of needed) if (value[name] === undefined && !problems.some((p) => p.startsWith(WECHATPAY_ENV[name]))) problems.push(`${WECHATPAY_ENV[name]} is not set`);
  if (problems.length > 0) {
    // Names and reasons only: never a value.
    log('error', 'wechatpay.config_invalid', { problems });
    throw new AppError('INTERNAL', `WeChat Pay is not configured for this function: ${problems.join('; ')}`);
  }
  return value as WeChatPayEnv & Required<Pick<WeChatPayEnv, K>>;
}

/** Every variable that is set, checked; unset ones are left undefined. */
export function readWeChatPayEnv(env: NodeJS.ProcessEnv = process.env): { value: WeChatPayEnv; problems: string[] } {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const check = <T>(name: string, parse: (text: string) => T): T | undefined => {
    const text = raw(name);
    if (text === undefined) return undefined;
    try {
      return parse(text);
    } catch (err) {
      problems.push(`${name} ${err instanceof Error ? err.message : 'is malformed'}`);
      return undefined;
    }
  };

  const baseUrl = check(WECHATPAY_ENV.baseUrl, parseBaseUrl) ?? DEFAULT_WECHATPAY_BASE_URL;
  const extraCa = check(WECHATPAY_ENV.caCert, (t) => pemBlocks(t, 'CERTIFICATE').map(checkCertificate)) ?? [];
  const v2Key = check(WECHATPAY_ENV.v2Key, (t) => {
    if (!/^[\x21-\x7e]{32}$/.test(t)) throw new Error('must be the 32-character APIv2 key from the merchant platform');
    return t;
  });
  const v3Key = check(WECHATPAY_ENV.v3Key, (t) => {
    if (Buffer.byteLength(t, 'utf8') !== 32) throw new Error('must be the 32-byte APIv3 key from the merchant platform');
    return t;
  });
  const merchantKey = check(WECHATPAY_ENV.merchantKey, parsePrivateKey);
  const merchantCert = check(WECHATPAY_ENV.merchantCert, (t) => checkCertificate(onePem(t, 'CERTIFICATE')));
  let merchantSerial = check(WECHATPAY_ENV.merchantSerial, (t) => {
    if (!/^[0-9A-Fa-f]{8,64}$/.test(t)) throw new Error('must be the merchant certificate serial number in hex');
    return t.toUpperCase();
  });
  if (merchantCert) {
    const cert = new X509Certificate(merchantCert);
    merchantSerial ??= cert.serialNumber.toUpperCase();
    if (merchantKey && !cert.checkPrivateKey(keyObject(merchantKey))) {
      problems.push(`${WECHATPAY_ENV.merchantKey} is not the private key of ${WECHATPAY_ENV.merchantCert}`);
    }
  }
  const publicKey = check(WECHATPAY_ENV.publicKey, (t) => {
    const pem = onePem(t, 'PUBLIC KEY');
    createPublicKey(pem);
    return pem;
  });
  const publicKeyId = check(WECHATPAY_ENV.publicKeyId, (t) => {
    if (!/^PUB_KEY_ID_[0-9A-Za-z]+$/.test(t)) throw new Error('must be the WeChat Pay public key id (PUB_KEY_ID_…)');
    return t;
  });
  const platformCerts = check(WECHATPAY_ENV.platformCerts, (t) => pemBlocks(t, 'CERTIFICATE').map(checkCertificate));

  const value: WeChatPayEnv = { baseUrl, extraCa };
  const set = <K extends keyof WeChatPayEnv>(name: K, v: WeChatPayEnv[K] | undefined) => {
    if (v !== undefined) value[name] = v;
  };
  set('v2Key', v2Key);
  set('v3Key', v3Key);
  set('merchantKey', merchantKey);
  set('merchantCert', merchantCert);
  set('merchantSerial', merchantSerial);
  set('publicKey', publicKey);
  set('publicKeyId', publicKeyId);
  set('platformCerts', platformCerts);
  return { value, problems };
}

function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be a URL such as https://api.mch.weixin.qq.com');
  }
  if (url.protocol !== 'https:') throw new Error('must be an https URL: WeChat Pay is only reached over verified TLS');
  return url.href.replace(/\/+$/, '');
}

/** `\n` typed as two characters in a console field is a newline. */
function unescapeNewlines(text: string): string {
  return text.replace(/\\n/g, '\n').replace(/\r/g, '');
}

/** The PEM blocks of one label in the text; bare base64 (no header lines) is one block of that label. */
function pemBlocks(text: string, label: string): string[] {
  const clean = unescapeNewlines(text);
  if (!clean.includes('-----BEGIN')) return [wrapBase64(clean, label)];
  const pattern = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  const blocks = clean.match(pattern);
  if (!blocks) throw new Error(`has no ${label} block`);
  return blocks.map((b) => `${b}\n`);
}

function onePem(text: string, label: string): string {
  const blocks = pemBlocks(text, label);
  if (blocks.length !== 1) throw new Error(`must hold exactly one ${label}`);
  return blocks[0] as string;
}

function wrapBase64(text: string, label: string): string {
  const body = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error(`is neither PEM nor bare base64`);
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}

function checkCertificate(pem: string): string {
  try {
    new X509Certificate(pem);
  } catch {
    throw new Error('is not a readable certificate');
  }
  return pem;
}

/** apiclient_key.pem is PKCS#8 ("PRIVATE KEY"); older tools wrote PKCS#1 ("RSA PRIVATE KEY"). Bare base64 may be either. */
function parsePrivateKey(text: string): string {
  const clean = unescapeNewlines(text);
  const candidates = clean.includes('-----BEGIN') ? [clean.endsWith('\n') ? clean : `${clean}\n`] : [wrapBase64(clean, 'PRIVATE KEY'), wrapBase64(clean, 'RSA PRIVATE KEY')];
  for (const pem of candidates) {
    try {
      createPrivateKey(pem);
      return pem;
    } catch {
      // try the next form
    }
  }
  throw new Error('is not a readable private key (apiclient_key.pem)');
}

function keyObject(pem: string): KeyObject {
  return createPrivateKey(pem);
}
