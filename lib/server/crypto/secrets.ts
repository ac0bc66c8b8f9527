/**
 * Secret header values are encrypted at rest with AES-256-GCM. The envelope is
 * `v1:<iv base64url>:<tag base64url>:<ciphertext base64url>`. Decrypt only where a request is sent.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1';

export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
}

export function decryptSecret(envelope: string, key: Buffer): string {
  const [prefix, iv, tag, ciphertext] = envelope.split(':');
  if (prefix !== PREFIX || !iv || !tag || ciphertext === undefined) throw new Error('Not an encrypted secret value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('A secret header could not be decrypted: HOOKFLOW_SECRET_KEY differs from the key it was saved with');
  }
}
