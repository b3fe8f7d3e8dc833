/**
 * Words members text that carry a meaning of their own (DESIGN.md §5), so no community, action or survey may take
 * them as a join keyword. Texting reuses these lists to recognise opt-outs, opt-ins and requests for help.
 */
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'PARAR', 'BAJA'] as const;
export const OPT_IN_WORDS = ['START', 'UNSTOP', 'YES'] as const;
export const HELP_WORDS = ['HELP', 'INFO', 'AYUDA'] as const;

export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set<string>([...OPT_OUT_WORDS, ...OPT_IN_WORDS, ...HELP_WORDS]);

/** A join keyword: 2–20 letters or digits, stored and matched upper-cased. */
export const KEYWORD_PATTERN = /^[A-Za-z0-9]{2,20}$/;

export const normalizeKeyword = (value: string) => value.trim().toUpperCase();

export const isReservedKeyword = (value: string) => RESERVED_KEYWORDS.has(normalizeKeyword(value));
