/**
 * Words members text that carry a meaning of their own (DESIGN.md §5), so no community, action or survey may take
 * them as a join keyword. Texting reuses these lists to recognise opt-outs, opt-ins and requests for help.
 */
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'PARAR', 'BAJA'] as const;
export const OPT_IN_WORDS = ['START', 'UNSTOP', 'YES'] as const;
export const HELP_WORDS = ['HELP', 'INFO', 'AYUDA'] as const;

export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set<string>([...OPT_OUT_WORDS, ...OPT_IN_WORDS, ...HELP_WORDS]);

/** A keyword once normalised: 2–20 letters or digits, upper-cased. */
export const KEYWORD_PATTERN = /^[A-Za-z0-9]{2,20}$/;

/**
 * The stored form of a keyword, and of a word a member texts: accents dropped, punctuation and emoji dropped,
 * upper-cased ("  Clímate! " → "CLIMATE"). Spaces inside are kept so that two words stay an error, not one word.
 */
export const normalizeKeyword = (value: string) =>
  value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .trim()
    .toUpperCase();

export const isReservedKeyword = (value: string) => RESERVED_KEYWORDS.has(normalizeKeyword(value));

/** What is wrong with a keyword as typed (the same sentence in the API's field errors and the dashboard's hints). */
export function keywordProblem(value: string): string | null {
  const keyword = normalizeKeyword(value);
  if (!KEYWORD_PATTERN.test(keyword)) return 'must be 2 to 20 letters or digits, e.g. CLIMATE';
  if (RESERVED_KEYWORDS.has(keyword)) return 'is reserved for opt-out, opt-in and help (STOP, START, HELP …); choose another word';
  return null;
}
