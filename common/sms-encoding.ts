/**
 * How a text travels as SMS: GSM 03.38 (7-bit, 160 characters, or 153 per part once split) when every character is
 * in the GSM alphabet, UCS-2 (70, or 67 per part) otherwise. Shared by the composer (live counter) and the server
 * (segment charging), so it imports nothing and runs on every message of a broadcast: a table lookup per character.
 */

export type SmsAnalysis = {
  encoding: 'gsm7' | 'ucs2';
  /** GSM-7 septets (extension-table chars like € [ ] { } count 2) or UTF-16 code units for UCS-2 */
  units: number;
  segments: number; // 0 for empty text; 1 when units <= 160 (gsm7) / 70 (ucs2); else ceil(units/153) / ceil(units/67)
  perSegment: number; // 160/153 or 70/67 accordingly
  /** distinct characters that force UCS-2, in order of first appearance (empty for gsm7) */
  ucs2Chars: string[];
};

// GSM 03.38 basic character set in code order (0x1B, the escape to the extension table, left out).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// The extension table: each costs the escape septet plus its own.
const GSM_EXTENSION = '\f^{}\\[~]|€';

/** Septets per UTF-16 code unit: 1 basic, 2 extension, 0 not in the GSM alphabet. */
const SEPTETS = new Uint8Array(0x10000);
for (const ch of GSM_BASIC) SEPTETS[ch.charCodeAt(0)] = 1;
for (const ch of GSM_EXTENSION) SEPTETS[ch.charCodeAt(0)] = 2;

const septetsOf = (code: number) => SEPTETS[code] ?? 0;

const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

export function analyzeSms(text: string): SmsAnalysis {
  if (text.length === 0) return { encoding: 'gsm7', units: 0, segments: 0, perSegment: GSM_SINGLE, ucs2Chars: [] };
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const weight = septetsOf(text.charCodeAt(i));
    if (weight === 0) return analyzeUcs2(text);
    units += weight;
  }
  if (units <= GSM_SINGLE) return { encoding: 'gsm7', units, segments: 1, perSegment: GSM_SINGLE, ucs2Chars: [] };
  const segments = units === text.length ? Math.ceil(units / GSM_PART) : gsmParts(text);
  return { encoding: 'gsm7', units, segments, perSegment: GSM_PART, ucs2Chars: [] };
}

/** Parts of a concatenated message, filled greedily: an escape pair never straddles two parts. */
function gsmParts(text: string): number {
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const weight = septetsOf(text.charCodeAt(i));
    if (used + weight > GSM_PART) {
      parts++;
      used = weight;
    } else {
      used += weight;
    }
  }
  return parts;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function analyzeUcs2(text: string): SmsAnalysis {
  const units = text.length;
  // A surrogate pair (an emoji, say) never straddles two parts either.
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    let weight = 1;
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      weight = 2;
      i++;
    }
    if (used + weight > UCS2_PART) {
      parts++;
      used = weight;
    } else {
      used += weight;
    }
  }
  const ucs2Chars = nonGsmCharacters(text);
  return units <= UCS2_SINGLE
    ? { encoding: 'ucs2', units, segments: 1, perSegment: UCS2_SINGLE, ucs2Chars }
    : { encoding: 'ucs2', units, segments: parts, perSegment: UCS2_PART, ucs2Chars };
}

const COMBINING = /^\p{M}$/u;

/** Code points that belong to the character before them (so 👍🏽, 👨‍👩‍👧, 1️⃣ and flags are reported whole). */
const extendsPrevious = (cp: number, ch: string) =>
  cp === 0x200d ||
  (cp >= 0xfe00 && cp <= 0xfe0f) ||
  (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
  (cp >= 0xe0020 && cp <= 0xe007f) ||
  COMBINING.test(ch);

const isRegionalIndicator = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;

function nonGsmCharacters(text: string): string[] {
  const found = new Set<string>();
  let cluster = '';
  let clusterIsGsm = true;
  let joinNext = false;
  let pendingFlag = false;
  const flush = () => {
    if (cluster !== '' && !clusterIsGsm) found.add(cluster);
    cluster = '';
    clusterIsGsm = true;
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const flagPair: boolean = pendingFlag && isRegionalIndicator(cp);
    if (!(joinNext || flagPair || (cluster !== '' && extendsPrevious(cp, ch)))) flush();
    pendingFlag = isRegionalIndicator(cp) && !flagPair;
    joinNext = cp === 0x200d;
    cluster += ch;
    if (ch.length > 1 || septetsOf(ch.charCodeAt(0)) === 0) clusterIsGsm = false;
  }
  flush();
  return [...found];
}

export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (septetsOf(text.charCodeAt(i)) === 0) return false;
  }
  return true;
}

// Look-alikes that word processors and phones slip in, with the GSM characters people meant.
const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u02bc': "'",
  '\u00b4': "'",
  '`': "'",
  '\u2039': "'",
  '\u203a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2022': '-',
  '\u2026': '...',
  '\u02c6': '^',
  '\u02dc': '~',
  '\u2044': '/',
  '\u2215': '/',
  '\t': ' ',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u205f': ' ',
  '\u3000': ' ',
  '\u200b': '',
  '\u200c': '',
  '\u2060': '',
  '\ufeff': '',
  '\u00ad': '',
};
for (let cp = 0x2000; cp <= 0x200a; cp++) REPLACEMENTS[String.fromCharCode(cp)] = ' ';

/**
 * Suggested GSM replacements for common offenders: smart quotes, en/em dash, ellipsis, non-breaking space…
 * With `accents`, letters the GSM alphabet lacks also lose their accent (á → a, Ó → O); é, ñ, ü and the other GSM
 * letters stay. Emoji and other characters without a GSM look-alike are kept as they are.
 */
export function gsmFriendly(text: string, options: { accents?: boolean } = {}): string {
  let out = '';
  for (const ch of text) {
    const replacement = REPLACEMENTS[ch];
    if (replacement !== undefined) {
      out += replacement;
    } else if (options.accents && ch.length === 1 && septetsOf(ch.charCodeAt(0)) === 0) {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base !== '' && base !== ch && isGsm7(base) ? base : ch;
    } else {
      out += ch;
    }
  }
  return out;
}
