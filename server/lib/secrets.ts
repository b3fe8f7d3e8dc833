import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Provider credentials at rest: AES-256-GCM with a key derived from the app secret (HKDF-SHA256), a random 96-bit
// nonce per value. Sealed text is "v1.<nonce>.<ciphertext>.<tag>" in base64url. The API never returns credentials.

const VERSION = 'v1';

function keyOf(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'groundswell', 'credentials-v1', 32));
}

export function sealSecret(appSecret: string, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(appSecret), nonce);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, nonce.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Throws when the value was sealed with another secret or altered. */
export function openSecret(appSecret: string, sealed: string): string {
  const [version, nonce, data, tag] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || data === undefined || tag === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(appSecret), Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
