// Reading a member's SMS answer to one survey question. Pure functions: no database, no clock.
//
// People answer by text the way they talk: "1", "one", "A", "a)", "(b)", "B.", the option's own words ("transit!"),
// "yes!", "Y", "yeah", "sí", "4/5", "4 stars", " 10 ". Stray punctuation and emoji around the answer are ignored;
// anything we cannot read with confidence is invalid (the engine asks again once, then hands the text to a person).

export type Choice = { key: string; label: string };

/** What a question needs to read an answer: its kind and its options. */
export type ParsableQuestion =
  | { kind: 'choice'; choices: readonly Choice[] }
  | { kind: 'scale'; min: number; max: number }
  | { kind: 'nps' }
  | { kind: 'text' }
  | { kind: 'yes_no' };

/** The stored value: a choice key, a number as text, 'yes' / 'no', or the member's words. */
export type ParsedAnswer = { ok: true; value: string } | { ok: false };

export const DEFAULT_SCALE = { min: 1, max: 5 } as const;
export const MAX_TEXT_ANSWER = 1_000;

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  // Spanish, for the members who answer in it.
  cero: 0,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
};

const YES = new Set(['yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'ok', 'okay', 'si', 'claro', 'absolutely', 'definitely']);
const NO = new Set(['no', 'n', 'nope', 'nah', 'not really', 'no thanks', 'no thank you', 'never']);

/** Lower case, accents folded ("sí" → "si"), whitespace collapsed, punctuation, symbols and emoji trimmed off the ends. */
export function normalizeAnswer(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

const NUMBER = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
const NUMBER_WITH_UNIT = new RegExp(`^${NUMBER}(?:\\s*(?:/|out of|of|de)\\s*${NUMBER}|\\s*(?:stars?|estrellas?|points?|pts?|puntos?))?$`);
/** Words that make a number in a sentence something other than a whole answer ("four and a half"). */
const FRACTION = new Set(['half', 'medio', 'media', 'point', 'punto']);
/** Numbers as words that are too often something else in a sentence ("no one", "una vez") to be read there. */
const AMBIGUOUS_IN_SENTENCE = new Set(['one', 'uno', 'una', 'zero', 'cero']);
const SENTENCE_WORDS = 6;

const toNumber = (token: string): number | null => (/^\d{1,3}$/.test(token) ? Number(token) : (NUMBER_WORDS[token] ?? null));

/**
 * A whole number written as digits or a word, alone or as "4/5", "four out of five", "4 stars", "#4", or the one
 * number of a short sentence ("I'd say 4", "probably three"); else null.
 */
export function readNumber(text: string): number | null {
  // "-1" is no answer on any of our scales (trimming would make it "1").
  if (/^\s*[-−]\s*\d/.test(text)) return null;
  const t = normalizeAnswer(text);
  const match = NUMBER_WITH_UNIT.exec(t);
  if (match) return toNumber(match[1] as string);
  const words = t.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
  if (words.length > SENTENCE_WORDS || words.some((word) => FRACTION.has(word)) || /\d[.,]\d/.test(t)) return null;
  const numbers = words.filter((word) => !AMBIGUOUS_IN_SENTENCE.has(word)).flatMap((word) => toNumber(word) ?? []);
  return numbers.length === 1 ? (numbers[0] as number) : null;
}

/** "a", "a)", "(b)", "B.", "option b" → the letter's index (0 for A); else null. */
function readLetter(text: string): number | null {
  const t = normalizeAnswer(text).replace(/^(?:option|opcion|letter)\s+/, '');
  return /^[a-z]$/.test(t) ? t.charCodeAt(0) - 97 : null;
}

/** Reads a member's text as an answer to the question, or says it cannot. */
export function parseAnswer(question: ParsableQuestion, raw: string): ParsedAnswer {
  const text = normalizeAnswer(raw);
  switch (question.kind) {
    case 'text': {
      const words = raw.trim().replace(/\s+/g, ' ');
      return words === '' ? { ok: false } : { ok: true, value: words.slice(0, MAX_TEXT_ANSWER) };
    }
    case 'yes_no': {
      if (YES.has(text)) return { ok: true, value: 'yes' };
      if (NO.has(text)) return { ok: true, value: 'no' };
      // "1" / "2" when the question listed "1 Yes, 2 No" is not our format; a bare first word still counts ("yes please").
      const first = text.split(/[^\p{L}\p{N}]+/u)[0] ?? '';
      if (['yes', 'yeah', 'yep', 'si'].includes(first)) return { ok: true, value: 'yes' };
      if (['no', 'nope', 'nah'].includes(first)) return { ok: true, value: 'no' };
      return { ok: false };
    }
    case 'scale':
    case 'nps': {
      const { min, max } = question.kind === 'nps' ? { min: 0, max: 10 } : question;
      const n = readNumber(raw);
      return n !== null && n >= min && n <= max ? { ok: true, value: String(n) } : { ok: false };
    }
    case 'choice': {
      const choices = question.choices;
      const letter = readLetter(raw);
      if (letter !== null && letter < choices.length) return { ok: true, value: (choices[letter] as Choice).key };
      const n = readNumber(raw);
      if (n !== null) return n >= 1 && n <= choices.length ? { ok: true, value: (choices[n - 1] as Choice).key } : { ok: false };
      // The option's own words: the whole label, or a label that is the only one the text names.
      const exact = choices.find((c) => normalizeAnswer(c.label) === text);
      if (exact) return { ok: true, value: exact.key };
      if (text.length >= 3) {
        const named = choices.filter((c) => {
          const label = normalizeAnswer(c.label);
          return label.length >= 3 && (label.startsWith(text) || new RegExp(`\\b${escapeRegExp(label)}\\b`).test(text));
        });
        if (named.length === 1) return { ok: true, value: (named[0] as Choice).key };
      }
      return { ok: false };
    }
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Option keys of a choice question: A, B, C … in order. */
export const choiceKey = (index: number) => String.fromCharCode(65 + index);

/** The question as texted: its prompt and how to answer ("A) Transit B) Bikes", "Reply 1 to 5"). */
export function questionText(question: ParsableQuestion & { prompt: string }): string {
  switch (question.kind) {
    case 'choice':
      return `${question.prompt}\n${question.choices.map((c) => `${c.key}) ${c.label}`).join('\n')}`;
    case 'scale':
      return `${question.prompt} (reply ${question.min}-${question.max})`;
    case 'nps':
      return `${question.prompt} (reply 0-10)`;
    case 'yes_no':
      return `${question.prompt} (reply YES or NO)`;
    case 'text':
      return question.prompt;
  }
}

/** The hint sent with a question asked again after an answer we could not read. */
export function answerHint(question: ParsableQuestion): string {
  switch (question.kind) {
    case 'choice':
      return `Please reply with a letter from A to ${choiceKey(question.choices.length - 1)}`;
    case 'scale':
      return `Please reply with a number from ${question.min} to ${question.max}`;
    case 'nps':
      return 'Please reply with a number from 0 to 10';
    case 'yes_no':
      return 'Please reply YES or NO';
    case 'text':
      return 'Please reply with a few words';
  }
}
