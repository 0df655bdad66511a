/** TF-IDF vectoriser fitted on one user's notes: sublinear tf, smoothed idf, min/max document frequency, optional bigrams. */
import type { Corpus } from './corpus.js';
import { analyzeCorpus } from './corpus.js';
import type { CsrMatrix } from './sparse.js';

/** Vectoriser settings; the defaults are the ones that measured best on the dev notes (docs/clustering.md). */
export interface TfidfOptions {
  /** Drop terms in fewer than this many notes. */
  minDf?: number;
  /** Drop terms in more than this share of notes (boilerplate words). */
  maxDfRatio?: number;
  /** Use 1 + ln(tf) instead of raw counts. */
  sublinearTf?: boolean;
  /** Add adjacent-word bigrams as features. */
  bigrams?: boolean;
  /** Keep at most this many terms, the most frequent by document frequency. */
  maxFeatures?: number;
  /** Global term weight: smoothed idf, or log-entropy (1 + Σ p log p / log n, classic LSA). */
  weighting?: 'idf' | 'entropy';
}

/** A fitted vectoriser: plain data, so it can be stored and used later to place a new note. */
export interface TfidfModel {
  /** Feature keys: a stem, or two stems joined by a space for a bigram. */
  terms: string[];
  idf: Float64Array;
  stemmed: boolean;
  sublinearTf: boolean;
  bigrams: boolean;
}

const DEFAULTS: Required<TfidfOptions> = { minDf: 2, maxDfRatio: 0.5, sublinearTf: true, bigrams: false, maxFeatures: 200_000, weighting: 'idf' };

/** Fits the vocabulary and idf on a corpus and returns the L2-normalised note×term matrix. */
export function fitTfidf(corpus: Corpus, options: TfidfOptions = {}): { model: TfidfModel; matrix: CsrMatrix } {
  const o = { ...DEFAULTS, ...options };
  const n = corpus.docs.length;
  const S = corpus.stems.length;
  // Document frequencies of unigrams and (optionally) bigrams, counted once per note.
  const dfUni = new Int32Array(S);
  const lastSeen = new Int32Array(S).fill(-1);
  const dfBi = new Map<number, number>();
  const seenBi = new Set<number>();
  corpus.docs.forEach((d, i) => {
    for (let t = 0; t < d.ids.length; t++) {
      const id = d.ids[t]!;
      if (lastSeen[id] !== i) {
        lastSeen[id] = i;
        dfUni[id]!++;
      }
    }
    if (o.bigrams) {
      seenBi.clear();
      for (let t = 1; t < d.ids.length; t++) {
        if (!d.joined[t]) continue;
        const key = d.ids[t - 1]! * S + d.ids[t]!;
        if (!seenBi.has(key)) {
          seenBi.add(key);
          dfBi.set(key, (dfBi.get(key) ?? 0) + 1);
        }
      }
    }
  });
  const maxDf = Math.max(o.minDf, Math.floor(o.maxDfRatio * n));
  const cand: { key: number; df: number; bi: boolean }[] = [];
  for (let s = 0; s < S; s++) if (dfUni[s]! >= o.minDf && dfUni[s]! <= maxDf) cand.push({ key: s, df: dfUni[s]!, bi: false });
  for (const [key, df] of dfBi) if (df >= o.minDf && df <= maxDf) cand.push({ key, df, bi: true });
  if (cand.length > o.maxFeatures) {
    cand.sort((a, b) => b.df - a.df || a.key - b.key);
    cand.length = o.maxFeatures;
  }
  const uniCol = new Int32Array(S).fill(-1);
  const biCol = new Map<number, number>();
  const terms: string[] = [];
  const idf = new Float64Array(cand.length);
  cand.forEach((c, col) => {
    if (c.bi) {
      biCol.set(c.key, col);
      terms.push(`${corpus.stems[Math.floor(c.key / S)]} ${corpus.stems[c.key % S]}`);
    } else {
      uniCol[c.key] = col;
      terms.push(corpus.stems[c.key]!);
    }
    idf[col] = Math.log((1 + n) / (1 + c.df)) + 1;
  });
  const model: TfidfModel = { terms, idf, stemmed: corpus.stemmed, sublinearTf: o.sublinearTf, bigrams: o.bigrams };
  const visit = (i: number, add: (col: number) => void) => {
    const d = corpus.docs[i]!;
    for (let t = 0; t < d.ids.length; t++) {
      const c = uniCol[d.ids[t]!]!;
      if (c >= 0) add(c);
      if (o.bigrams && t > 0 && d.joined[t]) {
        const b = biCol.get(d.ids[t - 1]! * S + d.ids[t]!);
        if (b !== undefined) add(b);
      }
    }
  };
  if (o.weighting === 'entropy' && n > 1) {
    // g_t = 1 + Σ_j p_tj ln p_tj / ln n with p_tj = tf_tj / gf_t, from raw counts.
    const raw = buildRows(n, visit, { ...model, idf: new Float64Array(terms.length).fill(1), sublinearTf: false }, false);
    const gf = new Float64Array(terms.length);
    const plogp = new Float64Array(terms.length);
    for (let p = 0; p < raw.data.length; p++) gf[raw.indices[p]!]! += raw.data[p]!;
    for (let p = 0; p < raw.data.length; p++) {
      const c = raw.indices[p]!;
      const q = raw.data[p]! / gf[c]!;
      plogp[c]! += q * Math.log(q);
    }
    for (let c = 0; c < terms.length; c++) idf[c] = Math.max(1e-3, 1 + plogp[c]! / Math.log(n));
  }
  termIndexCache.set(model, new Map(terms.map((t, i) => [t, i]))); // ready for the first assignment
  return { model, matrix: buildRows(n, visit, model) };
}

const termIndexCache = new WeakMap<TfidfModel, Map<string, number>>();

/** Vectorises new notes with a fitted model (unknown words are ignored), e.g. to assign a freshly written note. */
export function transformTfidf(model: TfidfModel, texts: readonly string[]): CsrMatrix {
  const corpus = analyzeCorpus(texts, model.stemmed);
  let col = termIndexCache.get(model);
  if (!col) {
    col = new Map<string, number>();
    model.terms.forEach((t, i) => col!.set(t, i));
    termIndexCache.set(model, col);
  }
  const index = col;
  const stemCol = corpus.stems.map((s) => index.get(s) ?? -1);
  return buildRows(
    texts.length,
    (i, add) => {
      const d = corpus.docs[i]!;
      for (let t = 0; t < d.ids.length; t++) {
        const c = stemCol[d.ids[t]!]!;
        if (c >= 0) add(c);
        if (model.bigrams && t > 0 && d.joined[t]) {
          const b = index.get(`${corpus.stems[d.ids[t - 1]!]} ${corpus.stems[d.ids[t]!]}`);
          if (b !== undefined) add(b);
        }
      }
    },
    model,
  );
}

function buildRows(n: number, visit: (i: number, add: (col: number) => void) => void, model: TfidfModel, normalize = true): CsrMatrix {
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const counts = new Map<number, number>();
  const add = (c: number) => counts.set(c, (counts.get(c) ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    counts.clear();
    visit(i, add);
    const cols = [...counts.keys()].sort((a, b) => a - b);
    let norm = 0;
    const start = val.length;
    for (const c of cols) {
      const tf = counts.get(c)!;
      const w = (model.sublinearTf ? 1 + Math.log(tf) : tf) * model.idf[c]!;
      idx.push(c);
      val.push(w);
      norm += w * w;
    }
    const inv = !normalize ? 1 : norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let p = start; p < val.length; p++) val[p]! *= inv;
    indptr[i + 1] = val.length;
  }
  return { nRows: n, nCols: model.terms.length, indptr, indices: Int32Array.from(idx), data: Float32Array.from(val) };
}
