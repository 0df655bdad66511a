/** English Porter2 stemming (the stemmer shipped in wink-eng-lite-web-model), memoised for speed. */

import { createRequire } from 'node:module';

const porter2 = createRequire(import.meta.url)('wink-eng-lite-web-model/dist/porter-stemmer.js') as (w: string) => string;
const MEMO_LIMIT = 200_000;
const memo = new Map<string, string>();

/** Stem of a lower-case word; non-Latin words and very short or very long words pass through unchanged. */
export function stem(word: string): string {
  if (word.length < 4 || word.length > 30 || !/^[a-z]+$/.test(word)) return word;
  let s = memo.get(word);
  if (s === undefined) {
    s = porter2(word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, s);
  }
  return s;
}
