// How WeChat Pay encrypts an APIv3 notify's resource: AEAD_AES_256_GCM with the merchant's APIv3 key (32 bytes),
// the resource's `nonce` as IV, `associated_data` as AAD, and the 16-byte tag after the ciphertext, base64.
import { createCipheriv } from 'node:crypto';

export function encryptNotifyResource(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('an APIv3 key is 32 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64');
}
