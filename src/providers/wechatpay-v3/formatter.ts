// The exact texts WeChat Pay APIv3 signs, one named function each, so a reader sees what is signed and a test can
// pin every byte. Lines end with "\n" (never "\r\n"), including the last one; timestamps are in seconds.

/** The merchant's request: METHOD, path with query, timestamp, nonce, body (empty for GET), one per line. */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * WeChat Pay's answer or notify: timestamp, nonce and the body exactly as received. Built from bytes, not text, so
 * a body that was parsed and serialised again (other spacing, other key order, other escapes) can never verify.
 */
export function answerMessage(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n', 'utf8')]);
}

/** What `wx.requestPayment` checks (signType RSA): the mini-program's appid, timeStamp, nonceStr, package. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

export interface AuthorizationParts {
  mchid: string;
  nonce: string;
  timestamp: string;
  /** The merchant API certificate's serial number (hex). */
  serial: string;
  /** Base64 RSA-SHA256 over requestMessage(...). */
  signature: string;
}

export function authorizationHeader(parts: AuthorizationParts): string {
  return (
    `${AUTH_SCHEMA} mchid="${parts.mchid}",nonce_str="${parts.nonce}",timestamp="${parts.timestamp}",` +
    `serial_no="${parts.serial}",signature="${parts.signature}"`
  );
}

/** Reads an Authorization header back into its parts (the local cloud checks merchants with it); undefined if malformed. */
export function parseAuthorization(header: string | undefined): AuthorizationParts | undefined {
  if (!header || !header.startsWith(`${AUTH_SCHEMA} `)) return undefined;
  const fields = new Map<string, string>();
  for (const item of header.slice(AUTH_SCHEMA.length + 1).split(',')) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(item);
    if (!match || fields.has(match[1])) return undefined;
    fields.set(match[1], match[2]);
  }
  const mchid = fields.get('mchid');
  const nonce = fields.get('nonce_str');
  const timestamp = fields.get('timestamp');
  const serial = fields.get('serial_no');
  const signature = fields.get('signature');
  if (!mchid || !nonce || !timestamp || !serial || !signature) return undefined;
  return { mchid, nonce, timestamp, serial, signature };
}

/** WeChat Pay's answer and notify headers, lower-case as Node gives them. */
export const WECHATPAY_HEADERS = {
  timestamp: 'wechatpay-timestamp',
  nonce: 'wechatpay-nonce',
  signature: 'wechatpay-signature',
  serial: 'wechatpay-serial',
  signatureType: 'wechatpay-signature-type',
} as const;

/** Signatures starting with this are WeChat's probes of the merchant's checking; they never verify. */
export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';
