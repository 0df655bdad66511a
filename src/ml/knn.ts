/** Exact cosine k-nearest-neighbour lists on unit-norm rows, eight pairs scored per pass (O(n²d): run on a sample of a few thousand notes). */
import { dot2x4 } from './linalg.js';
import type { DenseMatrix } from './sparse.js';

/** Neighbour lists: for row i, indices[i*k..] and similarities[i*k..], most similar first (self excluded). */
export interface KnnGraph {
  k: number;
  indices: Int32Array;
  sims: Float32Array;
}

/** Brute-force top-k by dot product (cosine for unit rows). */
export function knnCosine(x: DenseMatrix, k: number): KnnGraph {
  const { rows: n, cols: d, data } = x;
  const kk = Math.min(k, n - 1);
  const indices = new Int32Array(n * kk).fill(-1);
  const sims = new Float32Array(n * kk).fill(-Infinity);
  const insert = (i: number, j: number, s: number) => {
    const o = i * kk;
    if (s <= sims[o + kk - 1]!) return;
    let p = kk - 1;
    while (p > 0 && sims[o + p - 1]! < s) {
      sims[o + p] = sims[o + p - 1]!;
      indices[o + p] = indices[o + p - 1]!;
      p--;
    }
    sims[o + p] = s;
    indices[o + p] = j;
  };
  const both = (i: number, j: number, s: number) => {
    insert(i, j, s);
    insert(j, i, s);
  };
  // Rows in pairs (i, i + 1) against four later rows at a time; single rows by stride 0 (four copies of one row), so every
  // pair is summed in the same order and identical notes tie exactly.
  const q = new Float64Array(8);
  for (let i = 0; i + 1 < n; i += 2) {
    const io = i * d;
    dot2x4(data, io, d, data, io + d, 0, d, q);
    both(i, i + 1, q[0]!);
    let j = i + 2;
    for (; j + 3 < n; j += 4) {
      dot2x4(data, io, d, data, j * d, d, d, q);
      for (let c = 0; c < 4; c++) {
        both(i, j + c, q[c]!);
        both(i + 1, j + c, q[4 + c]!);
      }
    }
    for (; j < n; j++) {
      dot2x4(data, io, d, data, j * d, 0, d, q);
      both(i, j, q[0]!);
      both(i + 1, j, q[4]!);
    }
  }
  return { k: kk, indices, sims };
}
