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

/** Per-word work is memoised: a vocabulary repeats across notes and queries. Bounded, then reset. */
const MEMO_LIMIT = 200_000;
const stemOf = new Map<string, string>();
const gramsOf = new Map<string, string[]>();

function memo<T>(map: Map<string, T>, key: string, make: (k: string) => T): T {
  let v = map.get(key);
  if (v === undefined) {
    if (map.size >= MEMO_LIMIT) map.clear();
    map.set(key, (v = make(key)));
  }
  return v;
}

function wordGrams(w: string): string[] {
  const x = `^${w}$`;
  if (x.length <= 3) return [x];
  const out: string[] = [];
  for (let i = 0; i + 3 <= x.length; i++) out.push(x.slice(i, i + 3));
  return out;
}

/** A text's words (stop words out) as stems and as character trigrams with word boundaries. */
function terms(text: string): { stems: string[]; grams: string[] } {
  const stems: string[] = [];
  const grams: string[] = [];
  for (const w of tokenise(text, true)) {
    if (STOP_WORDS.has(w)) continue;
    stems.push(memo(stemOf, w, stem));
    for (const g of memo(gramsOf, w, wordGrams)) grams.push(g);
  }
  return { stems, grams };
}

/** Query-term counts of one document (of stems and of trigrams) and its lengths in each. */
interface DocCounts {
  stems: Float64Array;
  grams: Float64Array;
  stemLength: number;
  gramLength: number;
}

/** Recently seen notes' words: a note is often a candidate of many searches. Bounded LRU. */
const WORDS_LIMIT = 20_000;
const wordsOfNote = new Map<string, { text: string; words: string[] }>();

function wordsOf(id: string, text: string): string[] {
  const hit = wordsOfNote.get(id);
  if (hit && hit.text === text) {
    wordsOfNote.delete(id);
    wordsOfNote.set(id, hit); // most recently used last
    return hit.words;
  }
  const words = tokenise(text, true).filter((w) => !STOP_WORDS.has(w));
  wordsOfNote.set(id, { text, words });
  if (wordsOfNote.size > WORDS_LIMIT) wordsOfNote.delete(wordsOfNote.keys().next().value!);
  return words;
}

/** Counts only the query's terms in a document, without materialising its terms. */
function countTerms(id: string, text: string, stemIndex: Map<string, number>, gramIndex: Map<string, number>): DocCounts {
  const c: DocCounts = { stems: new Float64Array(stemIndex.size), grams: new Float64Array(gramIndex.size), stemLength: 0, gramLength: 0 };
  for (const w of wordsOf(id, text)) {
    c.stemLength++;
    const si = stemIndex.get(memo(stemOf, w, stem));
    if (si !== undefined) c.stems[si]!++;
    for (const g of memo(gramsOf, w, wordGrams)) {
      c.gramLength++;
      const gi = gramIndex.get(g);
      if (gi !== undefined) c.grams[gi]!++;
    }
  }
  return c;
}

/** BM25 from query-term counts, with document frequencies from the documents themselves. */
function bm25(counts: Float64Array[], lengths: number[], k1 = 1.2, b = 0.75): number[] {
  const n = counts.length;
  if (n === 0) return [];
  const terms = counts[0]!.length;
  const avg = lengths.reduce((a, l) => a + l, 0) / n || 1;
  const idf = Array.from({ length: terms }, (_, i) => {
    const df = counts.reduce((a, c) => a + (c[i]! > 0 ? 1 : 0), 0);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  });
  return counts.map((c, j) => {
    const norm = k1 * (1 - b + (b * lengths[j]!) / avg);
    let s = 0;
    for (let i = 0; i < terms; i++) if (c[i]! > 0) s += (idf[i]! * c[i]! * (k1 + 1)) / (c[i]! + norm);
    return s;
  });
}

/**
 * BM25 of the query against each document, with document frequencies taken from the pool itself:
 * the candidates of one search stand in for the user's collection, so no statistics are kept.
 */
export function poolBm25(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const index = new Map([...new Set(query)].map((t, i) => [t, i]));
  const counts = docs.map((d) => {
    const c = new Float64Array(index.size);
    for (const t of d) {
      const i = index.get(t);
      if (i !== undefined) c[i]!++;
    }
    return c;
  });
  return bm25(counts, docs.map((d) => d.length), k1, b);
}

/**
 * Orders the pooled candidates of hybrid search: cosine similarity (meaning) plus BM25 over word
 * stems (exact terms, weighted by rarity) plus BM25 over character trigrams (compounds, names).
 */
export function rerank(query: string, candidates: Candidate[], weights = RERANK_WEIGHTS): { id: string; score: number }[] {
  const q = terms(query);
  const stemIndex = new Map([...new Set(q.stems)].map((t, i) => [t, i]));
  const gramIndex = new Map([...new Set(q.grams)].map((t, i) => [t, i]));
  const docs = candidates.map((c) => countTerms(c.id, c.text, stemIndex, gramIndex));
  const byWords = bm25(docs.map((d) => d.stems), docs.map((d) => d.stemLength));
  const byTrigrams = bm25(docs.map((d) => d.grams), docs.map((d) => d.gramLength));
  return candidates
    .map((c, i) => ({ id: c.id, score: c.cosine + weights.words * byWords[i]! + weights.trigrams * byTrigrams[i]! }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
