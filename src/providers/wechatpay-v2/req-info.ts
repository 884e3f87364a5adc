// The refund notify's `req_info`: the refund's fields as `<root>` XML, AES-256-ECB with PKCS#7 padding, base64.
// The AES key is the lower-case hex MD5 of the APIv2 key, used as its 32 ASCII bytes (not the 16 digest bytes).
// Whoever can decrypt it holds the API key, which is what makes the unsigned refund notify authentic.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

function aesKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex'), 'ascii');
}

export class ReqInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReqInfoError';
  }
}

/** The decrypted XML text. A wrong key almost always shows as bad padding: the notify is then not ours. */
export function decryptReqInfo(reqInfo: string, apiKey: string): string {
  const trimmed = reqInfo.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new ReqInfoError('req_info is not base64');
  const data = Buffer.from(trimmed, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new ReqInfoError('req_info is not whole AES blocks');
  try {
    const decipher = createDecipheriv('aes-256-ecb', aesKey(apiKey), null);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new ReqInfoError('req_info could not be decrypted with this merchant\'s APIv2 key');
  }
}

/** What WeChat Pay does; used by the tests and the local cloud to build refund notifies. */
export function encryptReqInfo(xml: string, apiKey: string): string {
  const cipher = createCipheriv('aes-256-ecb', aesKey(apiKey), null);
  return Buffer.concat([cipher.update(xml, 'utf8'), cipher.final()]).toString('base64');
}
