/** In-memory GloVe vocabulary: word → frequency rank, and Int8-quantised vectors by rank. */

import type { GloveTable } from './glove-parse.ts';

/** Compact, rank-ordered word vectors: row r holds `scales[r] * q[r*dim .. r*dim+dim)`. */
export class GloveStore {
  readonly size: number;
  private readonly index: Map<string, number>;

  constructor(
    readonly words: string[],
    readonly dim: number,
    readonly q: Int8Array,
    readonly scales: Float32Array,
  ) {
    this.size = words.length;
    this.index = new Map(words.map((w, r) => [w, r]));
  }

  /** Frequency rank of a word (0 = most frequent), or -1 when it is not in the vocabulary. */
  rank(word: string): number {
    return this.index.get(word) ?? -1;
  }

  /** Adds `weight * vector(rank)` into `out` (dequantising on the fly, no allocation). */
  addScaled(out: Float64Array, rank: number, weight: number): void {
    const w = weight * this.scales[rank];
    const base = rank * this.dim;
    for (let d = 0; d < this.dim; d++) out[d] += w * this.q[base + d];
  }
}

/** Quantises a float table to one Int8 row per word with a per-row scale (max |x| / 127). */
export function quantiseTable(t: GloveTable): GloveStore {
  const n = t.words.length;
  const q = new Int8Array(n * t.dim);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let max = 0;
    for (let d = 0; d < t.dim; d++) max = Math.max(max, Math.abs(t.vectors[r * t.dim + d]));
    const s = max > 0 ? max / 127 : 1;
    scales[r] = s;
    for (let d = 0; d < t.dim; d++) q[r * t.dim + d] = Math.round(t.vectors[r * t.dim + d] / s);
  }
  return new GloveStore(t.words, t.dim, q, scales);
}
