import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token; 32 bytes give 256 bits, never guessable or sequential. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A keyed hash of a phone number or email address: lets us recognise an address (an erased member's opt-out) without
 * keeping it. Lower-cased and trimmed first, so formatting never defeats a suppression.
 */
export function addressHash(secret: string, channel: 'sms' | 'email', address: string): string {
  return createHmac('sha256', secret).update(`${channel}:${address.trim().toLowerCase()}`).digest('hex');
}
