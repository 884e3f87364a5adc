// AEAD_AES_256_GCM, the encryption of APIv3 notify resources: key = the 32-byte APIv3 key, iv = the resource's
// nonce (12 characters), additional data = associated_data, and the 16-byte tag appended to the ciphertext.
import { createCipheriv, createDecipheriv } from 'node:crypto';

const TAG_BYTES = 16;

export interface EncryptedResource {
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

export class ResourceDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceDecryptionError';
  }
}

function keyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new ResourceDecryptionError('the APIv3 key must be 32 bytes');
  return key;
}

/** The plaintext, or a ResourceDecryptionError (wrong key, altered ciphertext or associated data, wrong tag). */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  const key = keyBytes(apiV3Key);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= TAG_BYTES) throw new ResourceDecryptionError('the ciphertext is too short to hold a tag');
  if (resource.nonce.length === 0) throw new ResourceDecryptionError('the resource has no nonce');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new ResourceDecryptionError('the resource does not decrypt with the APIv3 key (authentication failed)');
  }
}

/** What WeChat Pay does to a resource before sending it (the local cloud uses it). */
export function encryptResource(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', keyBytes(apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}
