/** Mean silhouette coefficient (cosine distance) for the eval's k-means baseline; it rises with k on text features, so it cannot pick k (docs/clustering.md). */
import type { DenseMatrix } from './sparse.js';

/** Mean silhouette of the labelled rows (cosine distance 1 − x·y; rows should be unit-norm). O(n²d): pass a sample. */
export function meanSilhouette(x: DenseMatrix, labels: ArrayLike<number>, k: number): number {
  const { rows: n, cols: d, data } = x;
  if (k < 2 || n < 3) return 0;
  const sums = new Float64Array(n * k); // sum of distances from i to every cluster
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let j = i + 1; j < n; j++) {
      const jo = j * d;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[io + t]! * data[jo + t]!;
      const dist = 1 - dot;
      sums[i * k + labels[j]!]! += dist;
      sums[j * k + labels[i]!]! += dist;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i]!;
    if (counts[li]! <= 1) continue; // silhouette of a singleton is 0
    const a = sums[i * k + li]! / (counts[li]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && counts[c]! > 0) b = Math.min(b, sums[i * k + c]! / counts[c]!);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}
