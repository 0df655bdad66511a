import { stem } from '../embeddings/local/stem.ts';
import { tokenise } from '../embeddings/local/tokenise.ts';
import { STOP_WORDS } from '../ml/stopwords.ts';

/** A candidate of hybrid search: its text and cosine similarity to the query. */
export interface Candidate {
  id: string;
  text: string;
  cosine: number;
}

/** Weights of the lexical signals added to the cosine (measured on dev-notes: docs/search.md). */
export const RERANK_WEIGHTS = { words: 0.06, trigrams: 0.02 };

const words = (text: string) => tokenise(text, true).filter((w) => !STOP_WORDS.has(w));
const stems = (text: string) => words(text).map(stem);

/** Character trigrams of each word, with word boundaries: catch compounds and name variants. */
function trigrams(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const x = `^${w}$`;
    if (x.length <= 3) out.push(x);
    else for (let i = 0; i + 3 <= x.length; i++) out.push(x.slice(i, i + 3));
  }
  return out;
}

/**
 * BM25 of the query against each document, with document frequencies taken from the pool itself:
 * the candidates of one search stand in for the user's collection, so no statistics are kept.
 */
export function poolBm25(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const n = docs.length;
  if (n === 0) return [];
  const df = new Map<string, number>();
  let total = 0;
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    total += d.length;
    return tf;
  });
  const avg = total / n || 1;
  const terms = [...new Set(query)];
  return docs.map((d, i) => {
    let s = 0;
    for (const t of terms) {
      const f = tfs[i]!.get(t);
      if (!f) continue;
      const nt = df.get(t)!;
      s += (Math.log(1 + (n - nt + 0.5) / (nt + 0.5)) * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avg));
    }
    return s;
  });
}

/**
 * Orders the pooled candidates of hybrid search: cosine similarity (meaning) plus BM25 over word
 * stems (exact terms, weighted by rarity) plus BM25 over character trigrams (compounds, names).
 */
export function rerank(query: string, candidates: Candidate[], weights = RERANK_WEIGHTS): { id: string; score: number }[] {
  const byWords = poolBm25(candidates.map((c) => stems(c.text)), stems(query));
  const byTrigrams = poolBm25(candidates.map((c) => trigrams(c.text)), trigrams(query));
  return candidates
    .map((c, i) => ({ id: c.id, score: c.cosine + weights.words * byWords[i]! + weights.trigrams * byTrigrams[i]! }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
