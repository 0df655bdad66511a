/** Seeded pseudo-random numbers, so every clustering step is reproducible from one seed. */

/** Returns a mulberry32 generator in [0, 1): tiny, fast and good enough for sampling and k-means++. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate (Box–Muller), used for the random test matrix of randomized SVD. */
export function gaussian(rng: () => number): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws `m` distinct indices from [0, n) without replacement (partial Fisher–Yates), sorted ascending. */
export function sampleIndices(n: number, m: number, rng: () => number): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return Array.from(idx.subarray(0, m)).sort((a, b) => a - b);
}
