import { describe, expect, it } from 'vitest';
import { analyzeSms } from '../../../common/sms-encoding.ts';
import { classifyInbound, type InboundIntent } from './compliance.ts';
import { complianceTexts, defaultComplianceTexts, withFirstMessageFooter } from './compliance-texts.ts';

type Case = [rule: string, body: string, expected: InboundIntent | InboundIntent['kind'], member?: { optedOut: boolean }];

const subscribed = { optedOut: false };
const optedOut = { optedOut: true };

const CASES: Case[] = [
  // 1. Keywords alone
  ['opt-out words alone, any case, stray punctuation', 'STOP', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out words alone, any case, stray punctuation', 'Stop.', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out words alone, any case, stray punctuation', 'STOP!!', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out words alone, any case, stray punctuation', '  stop \n', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out words alone, any case, stray punctuation', 'sToP 🛑😡', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out words alone, any case, stray punctuation', '"stop"', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out word repeated is still alone', 'stop stop', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['opt-out word repeated is still alone', 'STOP. STOP!', { kind: 'opt_out', language: 'en', word: 'STOP' }],
  ['every opt-out word counts', 'stopall', { kind: 'opt_out', language: 'en', word: 'STOPALL' }],
  ['every opt-out word counts', 'Unsubscribe', { kind: 'opt_out', language: 'en', word: 'UNSUBSCRIBE' }],
  ['every opt-out word counts', 'cancel', { kind: 'opt_out', language: 'en', word: 'CANCEL' }],
  ['every opt-out word counts', 'END', { kind: 'opt_out', language: 'en', word: 'END' }],
  ['every opt-out word counts', 'quit!', { kind: 'opt_out', language: 'en', word: 'QUIT' }],
  ['every opt-out word counts', 'revoke', { kind: 'opt_out', language: 'en', word: 'REVOKE' }],
  ['every opt-out word counts', 'OptOut', { kind: 'opt_out', language: 'en', word: 'OPTOUT' }],
  ['two-word spellings of OPTOUT and STOPALL', 'opt-out', { kind: 'opt_out', language: 'en', word: 'OPTOUT' }],
  ['two-word spellings of OPTOUT and STOPALL', 'Stop all', { kind: 'opt_out', language: 'en', word: 'STOPALL' }],
  ['Spanish opt-out words, with inverted punctuation', '¡BAJA!', { kind: 'opt_out', language: 'es', word: 'BAJA' }],
  ['Spanish opt-out words, with inverted punctuation', 'parar', { kind: 'opt_out', language: 'es', word: 'PARAR' }],
  ['START and UNSTOP always opt in', 'START', { kind: 'opt_in', language: 'en', word: 'START' }, subscribed],
  ['START and UNSTOP always opt in', 'unstop!', { kind: 'opt_in', language: 'en', word: 'UNSTOP' }, optedOut],
  ['START and UNSTOP always opt in', 'Start', { kind: 'opt_in', language: 'en', word: 'START' }, optedOut],
  ['YES re-subscribes only an opted-out member', 'Yes', { kind: 'opt_in', language: 'en', word: 'YES' }, optedOut],
  ['YES re-subscribes only an opted-out member', 'YES!', 'none', subscribed],
  ['HELP, INFO and AYUDA ask for help', 'help', { kind: 'help', language: 'en', word: 'HELP' }],
  ['HELP, INFO and AYUDA ask for help', 'Info?', { kind: 'help', language: 'en', word: 'INFO' }],
  ['HELP, INFO and AYUDA ask for help', '¿Ayuda?', { kind: 'help', language: 'es', word: 'AYUDA' }],
  ['an opted-out member texting STOP again is still an opt-out', 'STOP', { kind: 'opt_out', language: 'en', word: 'STOP' }, optedOut],

  // 2. Plain-words opt-outs, honoured
  [
    'an opt-out word with only courtesy words is honoured',
    'Stop please',
    { kind: 'natural_opt_out', language: 'en', phrase: 'stop please' },
  ],
  ['an opt-out word with only courtesy words is honoured', 'unsubscribe, thanks!', 'natural_opt_out'],
  [
    'an opt-out word with only courtesy words is honoured',
    'Baja por favor',
    { kind: 'natural_opt_out', language: 'es', phrase: 'baja por favor' },
  ],
  ['plain-language opt-outs are honoured', 'Please stop texting me', { kind: 'natural_opt_out', language: 'en', phrase: 'stop texting' }],
  ['plain-language opt-outs are honoured', 'STOP TEXTING ME!!!', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Remove me from your list', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'remove me', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Take me off this list.', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Take my number off your list please', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'unsubscribe me', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Unsubscribe from this list', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Don’t text me anymore', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'do not contact me', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'No more texts', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'no more', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'lose my number', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'stop messaging me', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'I want to opt out', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'how do I unsubscribe?', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'I don’t want these texts', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'Please cancel my subscription', 'natural_opt_out'],
  ['plain-language opt-outs are honoured', 'I support you but stop texting me at work, it’s too much', 'natural_opt_out'],
  [
    'Spanish plain-language opt-outs are honoured',
    'No más mensajes',
    { kind: 'natural_opt_out', language: 'es', phrase: 'no mas mensajes' },
  ],
  ['Spanish plain-language opt-outs are honoured', 'no me manden más', 'natural_opt_out'],
  ['Spanish plain-language opt-outs are honoured', 'Ya no quiero recibir mensajes', 'natural_opt_out'],
  ['Spanish plain-language opt-outs are honoured', 'Dejen de escribirme', 'natural_opt_out'],
  [
    'Spanish plain-language opt-outs are honoured',
    'Quítenme de la lista',
    { kind: 'natural_opt_out', language: 'es', phrase: 'quitenme de la lista' },
  ],
  ['Spanish plain-language opt-outs are honoured', '¡No más!', { kind: 'natural_opt_out', language: 'es', phrase: 'no mas' }],
  ['Spanish plain-language opt-outs are honoured', 'quiero darme de baja', 'natural_opt_out'],
  ['a negated request is not an opt-out', 'Please don’t remove me from the list!', 'none'],
  ['a negated request is not an opt-out', 'No dejen de escribirme', 'none'],

  // 3. Possible opt-outs, flagged
  [
    '"who is this? stop" is flagged, not honoured',
    'who is this? stop',
    { kind: 'possible_opt_out', language: 'en', phrase: 'who is this stop' },
  ],
  ['a short message starting or ending with STOP is flagged', 'stop it', 'possible_opt_out'],
  ['a short message starting or ending with STOP is flagged', 'I quit', 'possible_opt_out'],
  ['an opt-out word as a sentence of its own is flagged', 'Cancel. I already told you I can’t come to any more events', 'possible_opt_out'],
  ['wrong number is flagged', 'Wrong number', { kind: 'possible_opt_out', language: 'en', phrase: 'wrong number' }],
  ['wrong number is flagged', 'wrong #', 'possible_opt_out'],
  ['wrong number is flagged', 'Número equivocado', { kind: 'possible_opt_out', language: 'es', phrase: 'numero equivocado' }],
  ['a bare "remove" is flagged', 'Remove', 'possible_opt_out'],
  ['leave me alone is flagged', 'leave me alone', 'possible_opt_out'],
  ['not interested is flagged', 'Not interested.', 'possible_opt_out'],
  ['not interested is flagged', 'No me interesa', { kind: 'possible_opt_out', language: 'es', phrase: 'no me interesa' }],
  ['enough alone is flagged', 'Enough!', 'possible_opt_out'],
  ['enough alone is flagged', 'Ya basta', 'possible_opt_out'],
  ['profanity-only replies are flagged', 'F*** off', 'possible_opt_out'],
  ['profanity-only replies are flagged', 'go to hell', 'possible_opt_out'],
  ['profanity-only replies are flagged', 'vete a la mierda', { kind: 'possible_opt_out', language: 'es', phrase: 'vete a la mierda' }],
  ['a spam complaint is flagged', 'this is spam', 'possible_opt_out'],
  ['asking how we got the number is flagged', 'How did you get my number?', 'possible_opt_out'],
  [
    '"unsubscribe" inside a longer message is flagged',
    'My husband wants to know if he should unsubscribe his old phone',
    'possible_opt_out',
  ],
  ['"remove me from" something else is flagged', 'Remove me from the Saturday canvass', 'possible_opt_out'],

  // 4. Not opt-outs
  ['"We must STOP this bill" is not an opt-out', 'We must STOP this bill', 'none'],
  ['the words inside ordinary sentences are not opt-outs', 'What time does the meeting end?', 'none'],
  ['the words inside ordinary sentences are not opt-outs', 'At the end, text me the address', 'none'],
  ['the words inside ordinary sentences are not opt-outs', 'Help me find the rally location', 'none'],
  ['the words inside ordinary sentences are not opt-outs', 'stop by the office at 5?', 'none'],
  ['the words inside ordinary sentences are not opt-outs', 'Queremos que baja la renta', 'none'],
  ['CANCEL with an object is about that object', 'cancel my rsvp', 'none'],
  ['"no" alone is an ordinary answer', 'No', 'none'],
  ['"no" alone is an ordinary answer', 'no thanks', 'none'],
  ['an ordinary reply is none', 'See you Saturday! 🙌', 'none'],
  ['an ordinary reply is none', 'who is this?', 'none'],
  ['an empty or emoji-only message is none', '   ', 'none'],
  ['an empty or emoji-only message is none', '👍', 'none'],
];

describe('classifyInbound', () => {
  it('has a case for every rule', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s: %j', (_rule, body, expected, member = subscribed) => {
    const intent = classifyInbound(body, member);
    if (typeof expected === 'string') expect(intent.kind).toBe(expected);
    else expect(intent).toEqual(expected);
  });

  it('reports the language of plain-word opt-outs so the confirmation can be in Spanish', () => {
    expect(classifyInbound('no me escriban', subscribed)).toMatchObject({ kind: 'natural_opt_out', language: 'es' });
    expect(classifyInbound('stop texting me', subscribed)).toMatchObject({ kind: 'natural_opt_out', language: 'en' });
  });
});

describe('compliance texts', () => {
  const workspace = { name: 'Riverside Tenants', help_text: '', opt_out_text: '', opt_in_text: '', first_message_footer: '' };

  it('defaults name the workspace and say how to stop and resubscribe', () => {
    const texts = defaultComplianceTexts('Riverside Tenants', 'en');
    expect(texts).toEqual({
      helpText: 'Riverside Tenants: reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.',
      optOutText: "You're unsubscribed from Riverside Tenants and will get no more texts. Reply START to resubscribe.",
      optInText: "Riverside Tenants: you're resubscribed. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.",
      firstMessageFooter: 'Riverside Tenants: Reply STOP to opt out',
    });
  });

  it('Spanish defaults say BAJA, and every default stays GSM-7', () => {
    const texts = defaultComplianceTexts('Inquilinos Unidos', 'es-MX');
    expect(texts.firstMessageFooter).toBe('Inquilinos Unidos: Responde BAJA para darte de baja');
    expect(texts.helpText).toContain('responde BAJA para darte de baja');
    expect(texts.optOutText).toContain('START');
    for (const text of Object.values(texts)) expect(analyzeSms(text).encoding, text).toBe('gsm7');
    for (const text of Object.values(defaultComplianceTexts('Inquilinos Unidos', 'en'))) expect(analyzeSms(text).encoding).toBe('gsm7');
  });

  it('the workspace’s own wording wins; empty fields fall back to the member’s language', () => {
    const own = { ...workspace, help_text: 'Call us at 555-0100. Reply STOP to end.', opt_out_text: '  ' };
    const english = complianceTexts(own, 'en');
    expect(english.helpText).toBe('Call us at 555-0100. Reply STOP to end.');
    expect(english.optOutText).toBe(defaultComplianceTexts('Riverside Tenants', 'en').optOutText);
    const spanish = complianceTexts(own, 'es');
    expect(spanish.helpText).toBe('Call us at 555-0100. Reply STOP to end.');
    expect(spanish.optOutText).toBe(defaultComplianceTexts('Riverside Tenants', 'es').optOutText);
    expect(spanish.firstMessageFooter).toBe('Riverside Tenants: Responde BAJA para darte de baja');
  });

  it('the first message gets the footer on its own line', () => {
    expect(withFirstMessageFooter('Rally Saturday at noon!  ', 'Riverside Tenants: Reply STOP to opt out', 'Riverside Tenants')).toBe(
      'Rally Saturday at noon!\nRiverside Tenants: Reply STOP to opt out',
    );
  });

  it('a first message that already names the org and says STOP is left alone', () => {
    const body = 'Riverside tenants here: rally Saturday. Text STOP to opt out.';
    expect(withFirstMessageFooter(body, 'Riverside Tenants: Reply STOP to opt out', 'Riverside Tenants')).toBe(body);
    const spanish = 'Inquilinos Unidos: marcha el sábado. Responde BAJA para darte de baja';
    expect(withFirstMessageFooter(spanish, 'Inquilinos Unidos: Responde BAJA para darte de baja', 'Inquilinos Unidos')).toBe(spanish);
  });

  it('naming the org without saying STOP, or saying STOP without the name, still gets the footer', () => {
    const footer = 'Riverside Tenants: Reply STOP to opt out';
    expect(withFirstMessageFooter('Riverside Tenants rally Saturday', footer, 'Riverside Tenants')).toBe(
      `Riverside Tenants rally Saturday\n${footer}`,
    );
    expect(withFirstMessageFooter('Help us STOP the eviction', footer, 'Riverside Tenants')).toBe(`Help us STOP the eviction\n${footer}`);
  });
});
