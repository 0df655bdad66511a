/** Exact cosine k-nearest-neighbour lists on unit-norm rows, four pairs scored per pass (O(n²d): run on a sample of a few thousand notes). */
import { dot, dot4 } from './linalg.js';
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
  const q = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    let j = i + 1;
    for (; j + 3 < n; j += 4) {
      dot4(data, io, data, j * d, d, d, q);
      for (let c = 0; c < 4; c++) {
        insert(i, j + c, q[c]!);
        insert(j + c, i, q[c]!);
      }
    }
    for (; j < n; j++) {
      const s = dot(data, io, data, j * d, d);
      insert(i, j, s);
      insert(j, i, s);
    }
  }
  return { k: kk, indices, sims };
}
