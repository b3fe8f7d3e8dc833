import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The `gsm` parameter a short link adds when it leads to one of our own public pages (actions, join pages), so the
// page knows which member arrived without a sign-in. The ids must not be readable in the URL (it ends up in browser
// history and analytics tools), so the token is one AES block holding them, authenticated by an HMAC:
// 16 + 12 bytes → 38 base64url characters.
//
// The block is version (1 byte) | random (1) | workspace id (4) | member id (6) | issued at, seconds (4). A single
// block under a key nobody else has is a pseudo-random permutation, so nothing about the ids shows through, and the
// HMAC (encrypt-then-MAC) makes any altered token worthless.

const VERSION = 1;
const BLOCK = 16;
const TAG = 12;
const CLOCK_SKEW_MS = 5 * 60_000;
/** A week: long enough to come back to an open tab, short enough that an old shared URL stops identifying anyone. */
export const MEMBER_TOKEN_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

const MAX_WORKSPACE_ID = 0xffff_ffff;
const MAX_MEMBER_ID = 2 ** 48 - 1;

function keys(appSecret: string) {
  const derive = (purpose: string) => createHmac('sha256', appSecret).update(`groundswell:member-token:${purpose}`).digest();
  return { encryption: derive('encryption'), mac: derive('mac') };
}

const mac = (key: Buffer, block: Buffer) => createHmac('sha256', key).update(block).digest().subarray(0, TAG);

function cipherBlock(key: Buffer, block: Buffer, direction: 'encrypt' | 'decrypt'): Buffer {
  const cipher = direction === 'encrypt' ? createCipheriv('aes-256-ecb', key, null) : createDecipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** A compact, signed token naming a member of a workspace, for our own landing pages. */
export function memberToken(appSecret: string, input: { workspaceId: number; memberId: number; issuedAt: number }): string {
  const { workspaceId, memberId, issuedAt } = input;
  if (!Number.isInteger(workspaceId) || workspaceId < 1 || workspaceId > MAX_WORKSPACE_ID) throw new Error('workspace id out of range');
  if (!Number.isInteger(memberId) || memberId < 1 || memberId > MAX_MEMBER_ID) throw new Error('member id out of range');
  const plain = Buffer.alloc(BLOCK);
  plain.writeUInt8(VERSION, 0);
  randomBytes(1).copy(plain, 1);
  plain.writeUInt32BE(workspaceId, 2);
  plain.writeUIntBE(memberId, 6, 6);
  plain.writeUInt32BE(Math.floor(issuedAt / 1000), 12);
  const k = keys(appSecret);
  const sealed = cipherBlock(k.encryption, plain, 'encrypt');
  return Buffer.concat([sealed, mac(k.mac, sealed)]).toString('base64url');
}

/** The member a token names, or null when it is malformed, altered, from another install, or too old. */
export function verifyMemberToken(
  appSecret: string,
  token: string,
  now: number,
  maxAgeMs: number = MEMBER_TOKEN_MAX_AGE_MS,
): { workspaceId: number; memberId: number } | null {
  if (!/^[A-Za-z0-9_-]{38}$/.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== BLOCK + TAG) return null;
  const sealed = bytes.subarray(0, BLOCK);
  const k = keys(appSecret);
  if (!timingSafeEqual(bytes.subarray(BLOCK), mac(k.mac, sealed))) return null;
  const plain = cipherBlock(k.encryption, sealed, 'decrypt');
  if (plain.readUInt8(0) !== VERSION) return null;
  const issuedAt = plain.readUInt32BE(12) * 1000;
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > maxAgeMs) return null;
  const workspaceId = plain.readUInt32BE(2);
  const memberId = plain.readUIntBE(6, 6);
  if (workspaceId < 1 || memberId < 1) return null;
  return { workspaceId, memberId };
}
