// The `req_info` of an APIv2 refund notify, as WeChat Pay makes it: the refund's `<root>` XML, AES-256-ECB with
// PKCS#7 padding, base64; the AES key is the 32 ASCII characters of md5(APIv2 key) in lower-case hex.
import { createCipheriv, createHash } from 'node:crypto';

export function reqInfoKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex').toLowerCase(), 'ascii');
}

export function encryptReqInfo(rootXml: string, apiKey: string): string {
  const cipher = createCipheriv('aes-256-ecb', reqInfoKey(apiKey), null);
  cipher.setAutoPadding(true);
  return Buffer.concat([cipher.update(Buffer.from(rootXml, 'utf8')), cipher.final()]).toString('base64');
}
