/** Corpus-independent term weights derived from GloVe frequency rank (Zipf: IDF ≈ log rank). */

import type { GloveStore } from './glove-store.ts';

/** Size of the full GloVe 6B vocabulary; unknown words are treated as rarer than all of it. */
export const FULL_VOCAB = 400_000;

/** Rank assigned to tokens GloVe does not know: wink drops single characters, so they get priors. */
export function pseudoRank(token: string, store: GloveStore): number {
  const r = store.rank(token);
  if (r >= 0) return r;
  if (token.length > 1) return 2 * FULL_VOCAB;
  if (token === 'a' || token === 'i') return 5; // stop words
  if (/\p{N}/u.test(token)) return 1_000; // a lone digit: a version or a count
  return 10_000; // a lone letter (C, R, X) or an emoji: fairly informative
}

/** IDF prior from rank: log(1 + rank / r0); r0 small keeps the curve flat for rare words. */
export function rankIdf(rank: number, r0: number): number {
  return Math.log1p(rank / r0);
}

/** SIF weight a / (a + p(w)) with p(w) from Zipf's law over the vocabulary. */
export function sifWeight(rank: number, a: number): number {
  const p = 1 / ((rank + 1) * (Math.log(FULL_VOCAB) + 0.5772));
  return a / (a + p);
}
