import { randomBytes } from 'node:crypto';

// Links in a message become per-member short links (/l/<code>): found in the rendered text, given UTM parameters,
// and replaced by a short URL on the workspace's short-link base.

export type FoundLink = { url: string; start: number; end: number };

export type Utm = { source?: string; medium?: string; campaign?: string; content?: string };

/** Length of a short-link code; 62^10 ≈ 8·10^17 codes, so nobody finds someone else's link by guessing. */
export const LINK_CODE_LENGTH = 10;

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Bytes at or above this would make some characters likelier than others (256 is not a multiple of 62). */
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length);

/** What a code in a short URL looks like; anything else is refused before touching the database. */
export const LINK_CODE_PATTERN = /^[A-Za-z0-9]{6,32}$/;

// A link starts with http:// or https:// not glued to a preceding word and runs to whitespace or a character that
// cannot appear in a URL unescaped and usually delimits one in prose ("…", <…>).
const LINK = /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"]+/giu;

// Punctuation that ends a sentence rather than a URL: "Sign at https://x.org/p." or "(https://x.org)".
const TRAILING = new Set(['.', ',', '!', '?', ';', ':', "'", '*', '…', '。', '，', '！', '？', '、']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const count = (text: string, char: string) => text.split(char).length - 1;

function trimTrailing(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last === undefined) break;
    const opener = CLOSERS[last];
    // A closing bracket belongs to the URL when it balances one inside it: https://en.wikipedia.org/wiki/Foo_(bar)
    if (opener !== undefined && count(url.slice(0, end), last) > count(url.slice(0, end), opener)) end--;
    else if (TRAILING.has(last)) end--;
    else break;
  }
  return url.slice(0, end);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** http(s) URLs in a text (trailing punctuation like . , ! ? ) ] not included; stops at whitespace). */
export function findLinks(text: string): FoundLink[] {
  const found: FoundLink[] = [];
  for (const match of text.matchAll(LINK)) {
    const url = trimTrailing(match[0]);
    if (!isHttpUrl(url)) continue;
    found.push({ url, start: match.index, end: match.index + url.length });
  }
  return found;
}

/** Adds utm_* parameters the URL does not already have. Throws for non-http(s) URLs. */
export function withUtm(url: string, utm: Utm): string {
  if (!isHttpUrl(url)) throw new Error('only http and https links can be tracked');
  const parsed = new URL(url);
  const additions = (['source', 'medium', 'campaign', 'content'] as const)
    .map((key) => [`utm_${key}`, utm[key]?.trim() ?? ''] as const)
    .filter(([name, value]) => value !== '' && !parsed.searchParams.has(name))
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  if (additions.length === 0) return parsed.href;
  // Appended to the query as written, so the destination's own parameters reach it byte for byte.
  const query = parsed.search.replace(/^\?/, '');
  const separator = query === '' || query.endsWith('&') ? '' : '&';
  parsed.search = `${query}${separator}${additions.join('&')}`;
  return parsed.href;
}

/** Replaces each found link by `replacement(url, index)`; returns the new text. */
export function replaceLinks(text: string, replacement: (url: string, index: number) => string): string {
  let out = '';
  let from = 0;
  findLinks(text).forEach((link, index) => {
    out += text.slice(from, link.start) + replacement(link.url, index);
    from = link.end;
  });
  return out + text.slice(from);
}

/** A random code, 10 chars [A-Za-z0-9] from crypto.randomBytes (never sequential). */
export function newLinkCode(): string {
  let code = '';
  while (code.length < LINK_CODE_LENGTH) {
    for (const byte of randomBytes(LINK_CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (code.length === LINK_CODE_LENGTH) break;
    }
  }
  return code;
}

/** The base short links of a workspace are built on: its own short-link domain when set, else the public URL. */
export function shortLinkBase(workspaceShortLinkBase: string | null, publicUrl: string): string {
  const custom = workspaceShortLinkBase?.trim();
  return (custom ? custom : publicUrl).replace(/\/+$/, '');
}

/** `${base}/l/${code}` with base without trailing slash. */
export function shortLinkUrl(base: string, code: string): string {
  return `${base.replace(/\/+$/, '')}/l/${code}`;
}

/** The length a short link will have in a message, for segment estimates before codes exist. */
export function shortLinkLength(base: string): number {
  return shortLinkUrl(base, 'x'.repeat(LINK_CODE_LENGTH)).length;
}
