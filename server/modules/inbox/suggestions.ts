// Suggested replies: when a member writes "what time does the rally start?", people in this workspace have probably
// answered that question before. Past member texts that a person answered are ranked by TF-IDF cosine similarity to
// the member's last text, and the answers that followed the closest ones are offered, with the earlier member's first
// name swapped for this member's. Pure functions: the service reads the pairs, this file only ranks them.

/** A member's text and the answer a person gave to it. */
export type AnsweredText = { question: string; answer: string; memberFirstName: string | null };

export type Suggestion = { body: string; score: number };

// Words that say nothing about what a text is about, in the languages members write in most.
const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in is it its me my no not of on or so that the ' +
    'their there they this to was we were what when where which who will with you your yes ok okay hi hello hey thanks ' +
    'el la los las de del y que en un una es por para con no si me mi se lo al'
  ).split(' '),
);

/** A crude English stem, enough for "parking" to meet "park" and "starts" to meet "start". */
function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Lower-cased, stemmed words of two letters or more (accents kept), without stopwords; numbers count ("7pm", "2"). */
export function tokenize(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .normalize('NFC')
      .match(/[\p{L}\p{N}']+/gu) ?? [];
  return words
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map(stem);
}

type Vector = Map<string, number>;

function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

function weigh(counts: Map<string, number>, idf: (term: string) => number): Vector {
  const vector: Vector = new Map();
  let norm = 0;
  for (const [term, count] of counts) {
    const weight = (1 + Math.log(count)) * idf(term);
    vector.set(term, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [term, weight] of vector) vector.set(term, weight / norm);
  return vector;
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The answer as it would read to this member: the first name of the member it was written for becomes theirs. */
export function personalize(answer: string, previousFirstName: string | null, currentFirstName: string | null): string {
  const previous = previousFirstName?.trim();
  if (!previous || previous.length < 2) return answer;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(previous)}(?![\\p{L}\\p{N}])`, 'giu');
  const replacement = currentFirstName?.trim() || 'there';
  return answer.replace(pattern, () => replacement);
}

/**
 * Up to `limit` answers to past texts most like `text`, best first; answers that read the same once personalized are
 * offered once (with the best score). Texts sharing no meaningful word with `text` are never suggested.
 */
export function rankSuggestions(
  text: string,
  history: readonly AnsweredText[],
  options: { memberFirstName: string | null; limit?: number; minScore?: number },
): Suggestion[] {
  const limit = options.limit ?? 3;
  const minScore = options.minScore ?? 0.1;
  const queryCounts = termCounts(tokenize(text));
  if (queryCounts.size === 0 || history.length === 0) return [];

  const documents = history.map((pair) => termCounts(tokenize(pair.question)));
  const documentFrequency = new Map<string, number>();
  for (const counts of documents) for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  // Smoothed IDF: a word every past text has still weighs a little, a word none has weighs the most.
  const total = documents.length;
  const idf = (term: string) => Math.log((1 + total) / (1 + (documentFrequency.get(term) ?? 0))) + 1;

  const query = weigh(queryCounts, idf);
  const best = new Map<string, number>();
  documents.forEach((counts, index) => {
    const pair = history[index];
    if (!pair || counts.size === 0) return;
    const score = cosine(query, weigh(counts, idf));
    if (score < minScore) return;
    const body = personalize(pair.answer, pair.memberFirstName, options.memberFirstName).trim();
    if (body === '') return;
    if (score > (best.get(body) ?? 0)) best.set(body, score);
  });
  return [...best.entries()]
    .map(([body, score]) => ({ body, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || a.body.localeCompare(b.body))
    .slice(0, limit);
}
