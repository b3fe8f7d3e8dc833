import { HELP_WORDS, OPT_IN_WORDS, OPT_OUT_WORDS } from '../../../common/keywords.ts';

// What a member's text means for compliance (DESIGN.md §5), decided before keywords, surveys or the inbox see it.
//
// The rules, in the order they are tried:
// 1. A keyword alone: the message is one keyword (any case, with stray punctuation or emoji, possibly repeated:
//    "Stop.", "STOP!!", "¡BAJA!", "stop stop"; "opt out" and "stop all" are OPTOUT and STOPALL) → opt_out, opt_in or
//    help. YES opts in only a member who is opted out: from anyone else it is an ordinary reply (→ none).
// 2. A plain-words opt-out → natural_opt_out, honoured like STOP ("any reasonable means"): an opt-out keyword with
//    only courtesy words around it ("stop please", "unsubscribe thanks"), or a clear request not to be texted
//    ("please stop texting me", "remove me from your list", "no more texts", "lose my number", "no más",
//    "dejen de escribirme", "quítenme de la lista"…), anywhere in the message unless the word right before it negates
//    it ("please don't remove me" → none). "remove me" counts when it is the whole request or names the list.
// 3. Something that may be an opt-out but is not clear → possible_opt_out: flagged for a person, the member stays
//    subscribed. That is: "wrong number"; "leave me alone"; "not interested" / "no me interesa"; "enough" / "basta";
//    spam complaints; "how did you get my number"; a message of nothing but profanity; STOP, QUIT, UNSUBSCRIBE,
//    OPTOUT, REVOKE or PARAR as the first or last word of a short message ("who is this? stop", "stop it", "I quit"),
//    but not in the middle of a sentence ("We must STOP this bill" → none) nor "stop by"; any opt-out keyword as a
//    sentence of its own beside others ("Cancel. Who is this?"); "unsubscribe" or "opt out" in a longer message;
//    "remove me from" something other than the list.
// 4. Anything else → none. Deliberately so: "no" alone and "no thanks" (ordinary answers to a question — surveys
//    ask them), "cancel my rsvp" (CANCEL with an object is about that object: the inbox handles it; only "cancel
//    the texts" / "cancel my subscription" opts out), "the end", "who is this?".
//
// Matching ignores case and accents; apostrophes vanish ("don't" = "dont") and other punctuation separates words.

export type InboundIntent =
  | { kind: 'opt_out'; language: 'en' | 'es'; word: string }
  | { kind: 'opt_in'; language: 'en' | 'es'; word: string }
  | { kind: 'help'; language: 'en' | 'es'; word: string }
  | { kind: 'natural_opt_out'; language: 'en' | 'es'; phrase: string } // plain-words opt-out: honoured
  | { kind: 'possible_opt_out'; language: 'en' | 'es'; phrase: string } // ambiguous: flag for a person, do not opt out
  | { kind: 'none' };

type Language = 'en' | 'es';
type Rule = { language: Language; pattern: RegExp };

const lower = (words: readonly string[]) => new Set(words.map((word) => word.toLowerCase()));
const OPT_OUT = lower(OPT_OUT_WORDS);
const OPT_IN = lower(OPT_IN_WORDS);
const HELP = lower(HELP_WORDS);
const SPANISH_WORDS = new Set(['parar', 'baja', 'ayuda']);
/** Opt-out keywords that are rarely anything else, so a short message starting or ending with one is flagged. */
const STRONG_OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'optout', 'quit', 'revoke', 'parar']);
const SHORT_MESSAGE_WORDS = 5;
const NOT_OPT_OUT_AFTER_STOP = new Set(['by', 'in', 'over', 'at', 'and']);

const COURTESY_EN = new Set('please pls plz thanks thank you thx ty now ok okay already asap sorry just'.split(' '));
const COURTESY_ES = new Set(['por', 'favor', 'porfa', 'gracias', 'ya', 'ahora', 'ok']);

const NEGATIONS: Record<Language, ReadonlySet<string>> = {
  en: new Set(['dont', 'not', 'never', 'didnt', 'wont', 'doesnt', 'shouldnt', 'cant', 'cannot']),
  es: new Set(['no', 'nunca']),
};

const TEXTS = '(?:texts?|txts?|messages?|msgs?|sms|text messages|alerts|notifications)';
const LIST = '(?:list|lists|text list|texting list|mailing list|contact list|contacts|database|system|texts|messages|group|program)';
const DETERMINER = '(?:(?:the|this|these|those|your|ur|all|any|all the|all your|all of the|all of your|all these|every|my) )?';
const ME_OR_NUMBER = '(?:me|my (?:number|phone|phone number|cell|cell number|info|information|name|contact))';
const COURTESY_TAIL = '(?: (?:please|pls|plz|now|thanks|thank you|thx|asap|already|too|as well))*';
const MENSAJES = '(?:mensajes?|textos?|sms|msjs?|mensajitos|notificaciones)';
const QUITENME =
  '(?:quitenme|quitame|quiteme|quitarme|sacame|saquenme|saqueme|sacarme|borrenme|borrame|borreme|borrarme|eliminenme|eliminame|elimineme|eliminarme)';

const rule = (language: Language, source: string): Rule => ({ language, pattern: new RegExp(`\\b(?:${source})\\b`, 'g') });

const NATURAL: Rule[] = [
  rule('en', '(?:stop|quit|cease) (?:texting|txting|texing|messaging|msging|sending|contacting|spamming|bothering|harassing|calling)'),
  rule('en', `(?:stop|quit|cancel|no more) ${DETERMINER}${TEXTS}`),
  rule('en', `stop (?:receiving|getting) ${DETERMINER}${TEXTS}`),
  rule('en', `cancel my (?:subscription|texts|text alerts|alerts)`),
  rule('en', `(?:remove|delete|take|drop|erase|scratch) ${ME_OR_NUMBER} (?:off|from|out of) ${DETERMINER}${LIST}`),
  rule('en', `(?:take ${ME_OR_NUMBER} off|remove ${ME_OR_NUMBER} from) (?:the|this|your|ur) list`),
  rule(
    'en',
    `^(?:(?:please|pls|plz|ok|okay|just|kindly|can you|could you) )*(?:(?:remove|delete|erase|unsub) ${ME_OR_NUMBER}|take ${ME_OR_NUMBER} off)${COURTESY_TAIL}$`,
  ),
  rule('en', '(?:unsubscribe|unsub|unenroll) me|opt me out|optout me|take me off$'),
  rule('en', `(?:unsubscribe|unsub|optout|opt out)(?: me)? (?:from|of) ${DETERMINER}${LIST}`),
  rule(
    'en',
    '(?:i want to|i wanna|i would like to|id like to|i need to|i wish to|i want|how do i|how can i|how to|let me|can i|can you|could you|please|pls|i) (?:unsubscribe|unsub|opt out|optout|opt out of this|stop receiving|stop getting)',
  ),
  rule(
    'en',
    '(?:dont|do not|never|no longer) (?:ever )?(?:text|txt|message|msg|contact|sms|send me|call or text|text or call)(?: me| this number| us)(?: anymore| again| ever)?',
  ),
  rule('en', '(?:dont|do not) (?:ever )?(?:text|txt|message|msg|contact) (?:anymore|again)'),
  rule(
    'en',
    `(?:dont|do not|no longer) (?:want|wish|need)(?: to)?(?: (?:receive|get|keep getting|be on))?(?: ${DETERMINER}(?:more |any more |anymore )?)?(?:${TEXTS}|list)`,
  ),
  rule('en', '(?:lose|forget|delete|remove|erase) my (?:number|phone number|cell|cell number|info|information|contact)'),
  rule('en', `^no more${COURTESY_TAIL}$`),
  rule('es', '^no mas(?: (?:por favor|porfa|gracias|ya))*$'),
  rule('es', `no (?:mas|quiero mas|quiero recibir mas|deseo recibir mas) ${MENSAJES}`),
  rule(
    'es',
    'no me (?:manden|mandes|mande|envien|envies|envie|escriban|escribas|escriba|textees|texteen|contacten|contactes|contacte|molesten|llamen)',
  ),
  rule('es', `no (?:quiero|deseo|necesito) (?:(?:recibir|seguir recibiendo|mas|sus|tus|los|estos|esos|ningun|ningunos) )*${MENSAJES}`),
  rule('es', 'no (?:quiero|deseo) (?:estar|seguir) en (?:(?:la|su|sus|tu|esta|esa) )?lista'),
  rule(
    'es',
    '(?:dejen|deja|deje|dejar|paren|para|pare|parar) de (?:escribirme|mandarme|enviarme|textearme|contactarme|molestarme|llamarme|escribir|mandar|enviar|textear|molestar)',
  ),
  rule(
    'es',
    `${QUITENME} (?:de )?(?:(?:la|su|sus|tu|tus|esta|este|esa|ese|los|el) )?(?:lista|listas|grupo|mensajes|base de datos|sistema|contactos|registro)`,
  ),
  rule('es', `^(?:por favor )?${QUITENME}(?: (?:por favor|gracias|ya))*$`),
  rule('es', '(?:darme|darse|dame|denme|deme) de baja'),
];

const POSSIBLE: Rule[] = [
  rule('en', 'wrong (?:number|num|no|person|text)'),
  rule('en', 'leave me alone|leave me be|go away|get lost|back off'),
  rule('en', '(?:not|no longer) (?:interested|intrested)|no interest'),
  rule('en', '^(?:enough|enough already|thats enough|that is enough|enough is enough)$'),
  rule('en', 'spam|spamming|spammer|spammy|report(?:ing|ed)? (?:you|u|this)'),
  rule('en', '(?:how|where) did (?:you|u|yall|you guys|they) get (?:my|this) (?:number|phone|cell|phone number)'),
  rule('en', 'unsubscribe|unsub|opt out|optout'),
  rule('en', '^(?:please |pls )?remove(?: please)?$'),
  rule('en', `(?:remove|delete|take) ${ME_OR_NUMBER} (?:off|from)`),
  rule('es', 'numero equivocado|numero incorrecto|se equivocaron de numero'),
  rule('es', 'dejenme en paz|dejame en paz|dejeme en paz'),
  rule('es', 'no me interesa|no me interesan|no estoy interesad[oa]'),
  rule('es', '^(?:ya )?basta(?: ya)?$|^(?:para|pare|paren|cancelar)$'),
  rule('es', '(?:como|donde) (?:consiguieron|obtuvieron|sacaron|consiguio|obtuvo) (?:mi|este) numero'),
];

const PROFANITY_ES = ['mierda', 'chinga', 'chingate', 'chingada', 'pendejo', 'pendeja', 'pendejos', 'cabron', 'cabrona', 'puta', 'puto'];
const SPANISH_PROFANITY = new Set([...PROFANITY_ES, 'carajo', 'joder', 'verga', 'idiota', 'estupido', 'estupida']);
const PROFANITY = new Set([
  ...['fuck', 'fucking', 'fuckoff', 'fck', 'fk', 'fuk', 'fu', 'f', 'stfu', 'gtfo', 'wtf', 'shit', 'bullshit', 'ass', 'asshole', 'bitch'],
  ...['bastard', 'dick', 'damn', 'crap', 'piss', 'screw', 'cunt', 'motherfucker', 'mf', 'hell', 'jerk'],
  ...SPANISH_PROFANITY,
]);
/** Words that may stand beside profanity in a message that is nothing but an insult ("go to hell", "vete a la mierda"). */
const PROFANITY_FILLER = new Set([
  ...['off', 'you', 'u', 'ya', 'yourself', 'the', 'go', 'to', 'this', 'all', 'of', 'me', 'up', 'and', 'a'],
  ...['vete', 'al', 'la', 'tu', 'madre', 'que', 'te', 'den', 'vayan'],
]);

/** Lower case, no accents, no apostrophes, punctuation and emoji as spaces, single spaces. */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const words = (normalized: string) => (normalized === '' ? [] : normalized.split(' '));

/** Joins the two-word spellings of keywords: "opt out" → "optout", "stop all" → "stopall". */
function mergeKeywordPairs(tokens: string[]): string[] {
  const merged: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const pair = `${tokens[i]}${tokens[i + 1] ?? ''}`;
    if (i + 1 < tokens.length && OPT_OUT.has(pair)) {
      merged.push(pair);
      i++;
    } else {
      merged.push(tokens[i] ?? '');
    }
  }
  return merged;
}

/** The keyword when the message is nothing but that keyword (once or repeated). */
function loneKeyword(tokens: string[]): string | null {
  const first = tokens[0];
  if (first === undefined || !tokens.every((token) => token === first)) return null;
  return first;
}

const languageOf = (word: string): Language => (SPANISH_WORDS.has(word) ? 'es' : 'en');

function isNegated(text: string, index: number, language: Language): boolean {
  const before = text.slice(0, index).trimEnd();
  const previous = before.slice(before.lastIndexOf(' ') + 1);
  return NEGATIONS[language].has(previous);
}

function findPhrase(text: string, rules: Rule[]): { language: Language; phrase: string } | null {
  for (const { language, pattern } of rules) {
    for (const match of text.matchAll(pattern)) {
      if (!isNegated(text, match.index, language)) return { language, phrase: match[0] };
    }
  }
  return null;
}

/** An opt-out keyword with nothing but courtesy words around it: "stop please", "baja por favor". */
function courteousKeyword(tokens: string[]): { language: Language; phrase: string } | null {
  const keyword = tokens.find((token) => OPT_OUT.has(token));
  if (keyword === undefined) return null;
  let language = languageOf(keyword);
  for (const token of tokens) {
    if (OPT_OUT.has(token)) continue;
    if (COURTESY_ES.has(token) && !COURTESY_EN.has(token)) language = 'es';
    else if (!COURTESY_EN.has(token)) return null;
  }
  return { language, phrase: tokens.join(' ') };
}

function possibleOptOut(body: string, text: string, tokens: string[]): { language: Language; phrase: string } | null {
  if (/\bwrong\s*#/i.test(body)) return { language: 'en', phrase: 'wrong #' };
  const phrase = findPhrase(text, POSSIBLE);
  if (phrase) return phrase;

  if (tokens.some((token) => PROFANITY.has(token)) && tokens.every((token) => PROFANITY.has(token) || PROFANITY_FILLER.has(token))) {
    return { language: tokens.some((token) => SPANISH_PROFANITY.has(token)) ? 'es' : 'en', phrase: text };
  }

  if (tokens.length <= SHORT_MESSAGE_WORDS) {
    const first = tokens[0] ?? '';
    const last = tokens[tokens.length - 1] ?? '';
    const second = tokens[1] ?? '';
    if (STRONG_OPT_OUT.has(first) && !(first === 'stop' && NOT_OPT_OUT_AFTER_STOP.has(second))) {
      return { language: languageOf(first), phrase: text };
    }
    const beforeLast = tokens[tokens.length - 2] ?? '';
    if (STRONG_OPT_OUT.has(last) && !NEGATIONS.en.has(beforeLast)) return { language: languageOf(last), phrase: text };
  }

  // A keyword as a sentence of its own beside others: "Cancel. Who is this?"
  const sentences = body.split(/[.!?;,:\n¡¿]+/).map((sentence) => mergeKeywordPairs(words(normalize(sentence))));
  for (const sentence of sentences) {
    const keyword = loneKeyword(sentence);
    if (keyword !== null && OPT_OUT.has(keyword)) return { language: languageOf(keyword), phrase: keyword };
  }
  return null;
}

export function classifyInbound(body: string, member: { optedOut: boolean }): InboundIntent {
  const text = normalize(body);
  const tokens = mergeKeywordPairs(words(text));
  if (tokens.length === 0) return { kind: 'none' };

  const keyword = loneKeyword(tokens);
  if (keyword !== null) {
    const word = keyword.toUpperCase();
    const language = languageOf(keyword);
    if (OPT_OUT.has(keyword)) return { kind: 'opt_out', language, word };
    if (OPT_IN.has(keyword)) {
      // YES from someone who is subscribed answers a question; only an opted-out member means "resubscribe" by it.
      if (keyword === 'yes' && !member.optedOut) return { kind: 'none' };
      return { kind: 'opt_in', language, word };
    }
    if (HELP.has(keyword)) return { kind: 'help', language, word };
  }

  const natural = courteousKeyword(tokens) ?? findPhrase(text, NATURAL);
  if (natural) return { kind: 'natural_opt_out', ...natural };

  const possible = possibleOptOut(body, text, tokens);
  if (possible) return { kind: 'possible_opt_out', ...possible };
  return { kind: 'none' };
}
