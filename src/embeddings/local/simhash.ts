/** SimHash codes of GloVe word vectors: soft matching of near-synonyms through shared hashed features. */

import { bump, type Terms } from './features.ts';
import type { GloveStore } from './glove-store.ts';
import { mulberry32 } from './hashing.ts';
import { rankIdf } from './term-weights.ts';

/** Fixed random hyperplanes for SimHash over word vectors: `tables` codes of `bits` bits each. */
export class SimHasher {
  private readonly planes: Float64Array;
  /** codes[rank * tables + t], filled lazily; known[rank] = 1 once computed. */
  private readonly codeTable: Uint32Array;
  private readonly known: Uint8Array;
  private readonly scratch: Float64Array;

  constructor(
    readonly store: GloveStore,
    readonly tables: number,
    readonly bits: number,
    seed = 0x5eed,
  ) {
    const rnd = mulberry32(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    this.planes = Float64Array.from({ length: tables * bits * store.dim }, gauss);
    this.codeTable = new Uint32Array(store.size * tables);
    this.known = new Uint8Array(store.size);
    this.scratch = new Float64Array(store.dim);
  }

  /** Code of the word at `rank` in table `t`: words with close vectors share codes with high probability. */
  code(rank: number, t: number): number {
    if (!this.known[rank]) this.fill(rank);
    return this.codeTable[rank * this.tables + t];
  }

  /** Computes all table codes of one word (signs of its projections on the hyperplanes). */
  private fill(rank: number): void {
    const { dim } = this.store;
    const v = this.scratch.fill(0);
    this.store.addScaled(v, rank, 1);
    for (let t = 0; t < this.tables; t++) {
      let code = 0;
      for (let b = 0; b < this.bits; b++) {
        const p = (t * this.bits + b) * dim;
        let s = 0;
        for (let d = 0; d < dim; d++) s += this.planes[p + d] * v[d];
        code = (code << 1) | (s > 0 ? 1 : 0);
      }
      this.codeTable[rank * this.tables + t] = code;
    }
    this.known[rank] = 1;
  }

  /** Soft-match features: each known word votes for its codes with sublinear TF × rank IDF. */
  terms(tokens: string[], r0: number): Terms {
    const tf = new Map<number, number>();
    for (const tok of tokens) {
      const r = this.store.rank(tok);
      if (r >= 0) tf.set(r, (tf.get(r) ?? 0) + 1);
    }
    const out: Terms = new Map();
    for (const [r, n] of tf) {
      const w = (1 + Math.log(n)) * rankIdf(r, r0);
      for (let t = 0; t < this.tables; t++) bump(out, `~${t}:${this.code(r, t)}`, w);
    }
    return out;
  }
}
