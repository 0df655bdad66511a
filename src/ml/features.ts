/** Note features: log-entropy TF-IDF reduced by randomized SVD (LSA), optionally concatenated with the app's dense embeddings. */
import type { Corpus } from './corpus.js';
import { analyzeCorpus } from './corpus.js';
import { normalizeRows } from './kmeans.js';
import { createRng, sampleIndices } from './random.js';
import type { CsrMatrix, DenseMatrix } from './sparse.js';
import { csrRows, denseZeros } from './sparse.js';
import type { SvdModel } from './svd.js';
import { projectSvd, randomizedSvd } from './svd.js';
import type { TfidfModel, TfidfOptions } from './tfidf.js';
import { fitTfidf, transformTfidf } from './tfidf.js';

/** How to build features; defaults are the measured best on the dev notes (docs/clustering.md). */
export interface FeatureOptions {
  /** LSA dimensions. */
  dims?: number;
  tfidf?: TfidfOptions;
  /** Share of squared norm given to the embedding block when embeddings are present (0 = LSA only, 1 = embeddings only). */
  embeddingWeight?: number;
  /** Fit the SVD on at most this many notes (then project all): keeps LSA cost flat for 100k notes. */
  svdSampleSize?: number;
  powerIterations?: number;
  /** Use embeddings only if at least this share of notes has one. */
  minEmbeddingCoverage?: number;
  seed?: number;
}

/** Everything needed to turn a new note into the same feature space (store it with the clustering). */
export interface FeatureModel {
  tfidf: TfidfModel;
  svd: SvdModel;
  /** 0 when no embeddings were used. */
  embeddingWeight: number;
  embeddingDim: number;
  /** Total feature length: LSA dims + embeddingDim. */
  dim: number;
}

const DEFAULTS = {
  dims: 200,
  embeddingWeight: 0.1,
  svdSampleSize: 5000,
  powerIterations: 2,
  minEmbeddingCoverage: 0.5,
  seed: 1,
};

/** Default TF-IDF settings for clustering: log-entropy weights measured better than idf for LSA here. */
export const CLUSTER_TFIDF: TfidfOptions = { minDf: 2, maxDfRatio: 0.5, sublinearTf: true, weighting: 'entropy', maxFeatures: 20_000 };

/** Builds unit-norm feature rows for all notes (LSA block, plus weighted embedding block when enough notes have one). */
export function buildFeatures(
  texts: readonly string[],
  embeddings: readonly (ArrayLike<number> | undefined | null)[] | undefined,
  options: FeatureOptions = {},
  corpusIn?: Corpus,
): { x: DenseMatrix; model: FeatureModel; corpus: Corpus } {
  const o = { ...DEFAULTS, ...options };
  const corpus = corpusIn ?? analyzeCorpus(texts);
  const { model: tfidf, matrix } = fitTfidf(corpus, { ...CLUSTER_TFIDF, ...o.tfidf });
  const n = texts.length;
  const fitRows = n > o.svdSampleSize ? csrRows(matrix, sampleIndices(n, o.svdSampleSize, createRng(o.seed ^ 0x5f3759df))) : matrix;
  const dims = Math.max(1, Math.min(o.dims, tfidf.terms.length, n));
  // Fit on the sample's own columns only (terms absent from it get zero loadings): term-space work then scales with the
  // sample's vocabulary, not the whole user's.
  const { compact, columns } = compactColumns(fitRows);
  const svd = expandComponents(randomizedSvd(compact, dims, { seed: o.seed, powerIterations: o.powerIterations }), columns, matrix.nCols);
  const lsa = normalizeRows(projectSvd(svd, matrix));
  const withEmb = embeddings ? embeddings.filter((e) => e && e.length > 0).length : 0;
  const useEmb = embeddings !== undefined && o.embeddingWeight > 0 && withEmb >= o.minEmbeddingCoverage * n && withEmb > 0;
  if (!useEmb) {
    return { x: lsa, model: { tfidf, svd, embeddingWeight: 0, embeddingDim: 0, dim: lsa.cols }, corpus };
  }
  const embeddingDim = embeddings!.find((e) => e && e.length > 0)!.length;
  const model: FeatureModel = { tfidf, svd, embeddingWeight: o.embeddingWeight, embeddingDim, dim: lsa.cols + embeddingDim };
  const x: DenseMatrix = { rows: n, cols: model.dim, data: new Float64Array(n * model.dim) };
  for (let i = 0; i < n; i++) {
    combineInto(x.data, i * model.dim, lsa.data, i * lsa.cols, lsa.cols, embeddings![i], model);
  }
  return { x, model, corpus };
}

/** Features of one new note in a stored model's space, for assignToNearest. */
export function noteFeatures(model: FeatureModel, text: string, embedding?: ArrayLike<number> | null): Float64Array {
  const lsa = normalizeRows(projectSvd(model.svd, transformTfidf(model.tfidf, [text])));
  const out = new Float64Array(model.dim);
  combineInto(out, 0, lsa.data, 0, lsa.cols, model.embeddingWeight > 0 ? embedding : undefined, model);
  return out;
}

function compactColumns(a: CsrMatrix): { compact: CsrMatrix; columns: Int32Array } {
  const map = new Int32Array(a.nCols).fill(-1);
  const cols: number[] = [];
  for (const c of a.indices) if (map[c] === -1) map[c] = 1;
  for (let c = 0; c < a.nCols; c++) if (map[c] === 1) map[c] = cols.push(c) - 1;
  const indices = Int32Array.from(a.indices, (c) => map[c]!);
  return { compact: { ...a, nCols: cols.length, indices }, columns: Int32Array.from(cols) };
}

function expandComponents(svd: SvdModel, columns: Int32Array, nCols: number): SvdModel {
  const k = svd.components.cols;
  const full = denseZeros(nCols, k);
  columns.forEach((c, i) => full.data.set(svd.components.data.subarray(i * k, i * k + k), c * k));
  return { components: full, singularValues: svd.singularValues };
}

function combineInto(
  out: Float64Array,
  oo: number,
  lsa: Float64Array,
  lo: number,
  lsaDim: number,
  emb: ArrayLike<number> | undefined | null,
  model: FeatureModel,
): void {
  const hasEmb = !!emb && emb.length === model.embeddingDim && model.embeddingDim > 0;
  let en = 0;
  if (hasEmb) for (let j = 0; j < emb.length; j++) en += emb[j]! * emb[j]!;
  const useEmb = hasEmb && en > 0;
  // Without an embedding the note keeps its LSA direction at full length; with one, squared norms split w : 1−w.
  const a = useEmb ? Math.sqrt(1 - model.embeddingWeight) : 1;
  for (let j = 0; j < lsaDim; j++) out[oo + j] = a * lsa[lo + j]!;
  if (useEmb) {
    const b = Math.sqrt(model.embeddingWeight / en);
    for (let j = 0; j < model.embeddingDim; j++) out[oo + lsaDim + j] = b * emb[j]!;
  }
}
