// Safe-mode (安全模式) message bodies: AES-256-CBC with the key base64-decoded from the 43-character EncodingAESKey,
// the IV its first 16 bytes, PKCS#7 padding to 32-byte blocks. The plain text is 16 random bytes, the message's
// length (4 bytes, big-endian), the message, and the appid it was sent for, which must be ours.
import { createDecipheriv } from 'node:crypto';

export class PushDecryptError extends Error {}

export function pushAesKey(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAESKey)) throw new PushDecryptError('the EncodingAESKey must be 43 letters and digits');
  return Buffer.from(`${encodingAESKey}=`, 'base64');
}

export function decryptPush(encrypted: string, encodingAESKey: string, appid: string): string {
  const key = pushAesKey(encodingAESKey);
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 32 !== 0) throw new PushDecryptError('the encrypted body is not whole 32-byte blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > 32 || !padded.subarray(padded.length - pad).every((b) => b === pad)) throw new PushDecryptError('bad padding (wrong key?)');
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new PushDecryptError('the decrypted body is too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new PushDecryptError('the decrypted length is past the end');
  const sentFor = plain.subarray(20 + length).toString('utf8');
  if (sentFor !== appid) throw new PushDecryptError('the message was sent for another mini-program');
  return plain.subarray(20, 20 + length).toString('utf8');
}
