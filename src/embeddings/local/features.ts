/** Feature blocks of the hybrid vector: rank-IDF lexical terms, the GloVe SIF average, feature hashing. */

import type { GloveStore } from './glove-store.ts';
import { hash32 } from './hashing.ts';
import { stem } from './stem.ts';
import { pseudoRank, rankIdf, sifWeight } from './term-weights.ts';

/** Sparse named features with weights, before hashing into the dense space. */
export type Terms = Map<string, number>;

/** Adds `w` to a sparse feature. */
export function bump(m: Terms, key: string, w: number): void {
  m.set(key, (m.get(key) ?? 0) + w);
}

/** Scales sparse features to unit L2 norm (empty stays empty). */
export function normaliseTerms(m: Terms): Terms {
  let n = 0;
  for (const v of m.values()) n += v * v;
  if (n === 0) return m;
  const inv = 1 / Math.sqrt(n);
  for (const [k, v] of m) m.set(k, v * inv);
  return m;
}

/** Stemmed unigrams (and optional bigrams) weighted by sublinear TF × GloVe-rank IDF. */
export function lexicalTerms(tokens: string[], store: GloveStore, r0: number, bigramWeight: number): Terms {
  const tf = new Map<string, number>();
  const idf = new Map<string, number>();
  const keys = tokens.map((t) => {
    const k = stem(t);
    tf.set(k, (tf.get(k) ?? 0) + 1);
    idf.set(k, Math.max(idf.get(k) ?? 0, rankIdf(pseudoRank(t, store), r0)));
    return k;
  });
  const out: Terms = new Map();
  for (const [k, n] of tf) out.set(k, (1 + Math.log(n)) * idf.get(k)!);
  if (bigramWeight > 0) {
    for (let i = 1; i < keys.length; i++) {
      bump(out, `${keys[i - 1]} ${keys[i]}`, bigramWeight * Math.sqrt(idf.get(keys[i - 1])! * idf.get(keys[i])!));
    }
  }
  return out;
}

/** SIF-weighted average of the GloVe vectors of known tokens (no common-component removal). */
export function sifVector(tokens: string[], store: GloveStore, a: number): Float64Array {
  const v = new Float64Array(store.dim);
  for (const t of tokens) {
    const r = store.rank(t);
    if (r >= 0) store.addScaled(v, r, sifWeight(r, a));
  }
  return v;
}

/** Adds `scale` × sparse features into `out[0, dims)` by signed feature hashing (bucket and sign from one hash). */
export function hashInto(out: Float64Array, dims: number, terms: Terms, scale: number): void {
  for (const [k, v] of terms) {
    const h = hash32(k);
    out[h % dims] += (h & 0x80000000 ? -scale : scale) * v;
  }
}
