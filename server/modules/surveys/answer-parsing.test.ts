import { describe, expect, it } from 'vitest';
import { answerHint, normalizeAnswer, type ParsableQuestion, parseAnswer, questionText, readNumber } from './answer-parsing.ts';

// How a member's text reads as an answer: what people really type back, and what must not count.

const choice: ParsableQuestion = {
  kind: 'choice',
  choices: [
    { key: 'A', label: 'Transit' },
    { key: 'B', label: 'Bike' },
    { key: 'C', label: 'Car' },
    { key: 'D', label: 'Walk everywhere' },
  ],
};
const scale: ParsableQuestion = { kind: 'scale', min: 1, max: 5 };
const nps: ParsableQuestion = { kind: 'nps' };
const yesNo: ParsableQuestion = { kind: 'yes_no' };
const text: ParsableQuestion = { kind: 'text' };

const value = (q: ParsableQuestion, raw: string) => {
  const parsed = parseAnswer(q, raw);
  return parsed.ok ? parsed.value : null;
};

describe('normalizeAnswer', () => {
  it('folds case and accents and trims punctuation and emoji off the ends', () => {
    expect(normalizeAnswer('  Sí!! ')).toBe('si');
    expect(normalizeAnswer('👍 Yes 🎉')).toBe('yes');
    expect(normalizeAnswer('(b)')).toBe('b');
    expect(normalizeAnswer('walk   everywhere...')).toBe('walk everywhere');
  });
});

describe('readNumber', () => {
  it.each([
    ['5', 5],
    [' 10 ', 10],
    ['five', 5],
    ['Four', 4],
    ['4/5', 4],
    ['4 / 5', 4],
    ['4 out of 5', 4],
    ['4 stars', 4],
    ['four stars', 4],
    ['four out of five', 4],
    ["I'd say 4", 4],
    ['probably three', 3],
    ['1 star', 1],
    ['#3', 3],
    ['3!', 3],
    ['tres', 3],
  ])('reads %j as %d', (raw, n) => {
    expect(readNumber(raw)).toBe(n);
  });

  it.each([
    '4.5',
    'four and a half',
    '-1',
    '',
    'lots',
    '3 4',
    'no one knows',
    'between 3 and 4',
    'take the 7 bus to work every single day',
  ])('does not read %j', (raw) => {
    expect(readNumber(raw)).toBeNull();
  });
});

describe('multiple choice', () => {
  it.each([
    ['1', 'A'],
    ['one', 'A'],
    ['A', 'A'],
    ['a', 'A'],
    ['a)', 'A'],
    ['(b)', 'B'],
    ['B.', 'B'],
    ['option c', 'C'],
    ['3', 'C'],
    ['Transit', 'A'],
    ['transit!', 'A'],
    ['TRANSIT 🚌', 'A'],
    ['bike', 'B'],
    ['I mostly walk everywhere', 'D'],
    ['walk', 'D'],
    ['4', 'D'],
  ])('reads %j as %s', (raw, key) => {
    expect(value(choice, raw)).toBe(key);
  });

  it.each(['5', '0', 'E', 'z', 'maybe', 'transit or bike', 'hello there', '🚲'])('refuses %j', (raw) => {
    expect(value(choice, raw)).toBeNull();
  });
});

describe('scale', () => {
  it.each([
    ['5', '5'],
    ['five', '5'],
    ['4/5', '4'],
    ['4 stars', '4'],
    [' 1 ', '1'],
    ['3!!', '3'],
    ['2 👍', '2'],
  ])('reads %j as %s', (raw, n) => {
    expect(value(scale, raw)).toBe(n);
  });

  it.each(['0', '6', '10', 'lots', 'yes', '-2', '2.5'])('refuses %j (out of range or no number)', (raw) => {
    expect(value(scale, raw)).toBeNull();
  });

  it('respects its own range', () => {
    const wide: ParsableQuestion = { kind: 'scale', min: 0, max: 10 };
    expect(value(wide, '0')).toBe('0');
    expect(value(wide, '10')).toBe('10');
    expect(value(wide, '11')).toBeNull();
  });
});

describe('NPS', () => {
  it.each([
    ['0', '0'],
    [' 10 ', '10'],
    ['ten', '10'],
    ['9/10', '9'],
    ['7.', '7'],
  ])('reads %j as %s', (raw, n) => {
    expect(value(nps, raw)).toBe(n);
  });

  it.each(['11', '100', '-1', 'great'])('refuses %j', (raw) => {
    expect(value(nps, raw)).toBeNull();
  });
});

describe('yes / no', () => {
  it.each(['yes', 'yes!', 'Y', 'yeah', 'yep', 'YUP', 'sí', 'si', 'Yes please', 'sure', '👍 yes'])('reads %j as yes', (raw) => {
    expect(value(yesNo, raw)).toBe('yes');
  });

  it.each(['no', 'NO!', 'n', 'nope', 'nah', 'Nope, sorry', 'no thanks'])('reads %j as no', (raw) => {
    expect(value(yesNo, raw)).toBe('no');
  });

  it.each(['maybe', '1', 'what?', 'nobody asked', 'yesterday'])('refuses %j', (raw) => {
    expect(value(yesNo, raw)).toBeNull();
  });
});

describe('free text', () => {
  it('keeps the words as written, whitespace collapsed', () => {
    expect(value(text, '  More   bus lanes on Main St!  ')).toBe('More bus lanes on Main St!');
  });

  it('refuses an empty text and cuts a very long one', () => {
    expect(value(text, '   ')).toBeNull();
    expect(value(text, 'x'.repeat(5_000))?.length).toBe(1_000);
  });
});

describe('the texts members get', () => {
  it('lists choices with their letters and says how to answer a scale', () => {
    expect(questionText({ ...choice, prompt: 'How do you get to work?' })).toBe(
      'How do you get to work?\nA) Transit\nB) Bike\nC) Car\nD) Walk everywhere',
    );
    expect(questionText({ ...scale, prompt: 'How safe?' })).toBe('How safe? (reply 1-5)');
    expect(questionText({ ...yesNo, prompt: 'Coming?' })).toBe('Coming? (reply YES or NO)');
  });

  it('hints at what a valid answer looks like', () => {
    expect(answerHint(scale)).toBe('Please reply with a number from 1 to 5');
    expect(answerHint(nps)).toBe('Please reply with a number from 0 to 10');
    expect(answerHint(choice)).toBe('Please reply with a letter from A to D');
    expect(answerHint(yesNo)).toBe('Please reply YES or NO');
  });
});
