import { describe, expect, it } from 'vitest';
import { type AnsweredText, personalize, rankSuggestions, tokenize } from './suggestions.ts';

// Suggested replies are ranked from what people answered before: the closest past question's answer comes first,
// named for the member being answered now.

const HISTORY: AnsweredText[] = [
  {
    question: 'What time does the rally start on Saturday?',
    answer: 'Hi Ana, the rally starts at 10am at City Hall.',
    memberFirstName: 'Ana',
  },
  { question: 'Where can I park near city hall?', answer: 'Parking is free on 5th Street after 9am.', memberFirstName: 'Ben' },
  {
    question: 'Can I bring my kids to the rally?',
    answer: 'Of course Cy, kids are welcome! We will have a kids corner.',
    memberFirstName: 'Cy',
  },
  { question: 'ok thanks', answer: 'You are welcome!', memberFirstName: 'Dee' },
  { question: 'What time does the rally start?', answer: 'Hi Eve, the rally starts at 10am at City Hall.', memberFirstName: 'Eve' },
];

describe('suggested replies', () => {
  it('reads words, not punctuation or filler', () => {
    expect(tokenize("What TIME does the rally start?! It's 10am")).toEqual(['time', 'rally', 'start', "it's", '10am']);
    expect(tokenize('Parking starts')).toEqual(['park', 'start']);
    expect(tokenize('ok thanks')).toEqual([]);
  });

  it('puts the answer to the most similar question first, once, with the current member named', () => {
    const ranked = rankSuggestions('hey what time is the rally starting saturday', HISTORY, { memberFirstName: 'Rosa' });
    expect(ranked[0]?.body).toBe('Hi Rosa, the rally starts at 10am at City Hall.');
    // The same answer given to Ana and to Eve reads the same once personalized: offered once.
    expect(ranked.filter((s) => s.body.includes('10am'))).toHaveLength(1);
    expect(ranked.length).toBeLessThanOrEqual(3);
    expect(ranked.map((s) => s.score)).toEqual([...ranked.map((s) => s.score)].sort((a, b) => b - a));
  });

  it('answers a parking question with the parking answer and a kids question with the kids answer', () => {
    expect(rankSuggestions('is there parking?', HISTORY, { memberFirstName: 'Rosa' })[0]?.body).toBe(
      'Parking is free on 5th Street after 9am.',
    );
    expect(rankSuggestions('Are kids ok at the rally', HISTORY, { memberFirstName: 'Luis' })[0]?.body).toBe(
      'Of course Luis, kids are welcome! We will have a kids corner.',
    );
  });

  it('suggests nothing for a text sharing no meaningful word with the past ones', () => {
    expect(rankSuggestions('ok thanks', HISTORY, { memberFirstName: 'Rosa' })).toEqual([]);
    expect(rankSuggestions('Quantum chromodynamics', HISTORY, { memberFirstName: 'Rosa' })).toEqual([]);
    expect(rankSuggestions('What time?', [], { memberFirstName: 'Rosa' })).toEqual([]);
  });

  it('replaces the earlier member first name as a whole word only, and says "there" for a member without one', () => {
    expect(personalize('Hi Ana, Anatole says hi. ANA!', 'Ana', 'Rosa')).toBe('Hi Rosa, Anatole says hi. Rosa!');
    expect(personalize('Hi Ana', 'Ana', null)).toBe('Hi there');
    expect(personalize('Hi friend', null, 'Rosa')).toBe('Hi friend');
  });
});
