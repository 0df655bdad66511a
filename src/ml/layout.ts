/** 2-D map coordinates: UMAP (umap-js) on a sample of clustered notes, every other note placed among its most similar sampled cluster-mates. */
import { UMAP } from 'umap-js';
import { knnCosine } from './knn.js';
import { dot } from './linalg.js';
import { createRng, sampleIndices } from './random.js';
import type { DenseMatrix } from './sparse.js';

/** Layout settings. */
export interface LayoutOptions {
  /** UMAP runs on at most this many notes (the cost driver); the rest are projected. */
  sampleSize?: number;
  nNeighbors?: number;
  nEpochs?: number;
  /** Each projected note is placed at the similarity-weighted mean of this many sampled neighbours. */
  projectNeighbors?: number;
  seed?: number;
}

/**
 * Returns [x, y] per row of `x` (unit-norm features), normalised to [-1, 1]. `labels` (cluster index, −1 = none) keeps projected
 * notes near sampled notes of their own cluster, so the map agrees with the clustering.
 */
export function layout2d(xIn: DenseMatrix, labels: ArrayLike<number>, options: LayoutOptions = {}): Float64Array {
  const { sampleSize = 1200, nNeighbors = 15, nEpochs = 120, projectNeighbors = 5, seed = 1 } = options;
  // Wide features (LSA ⊕ a 1536-d embedding) are first reduced by a sparse random projection: the map only needs neighbourhoods.
  const x = xIn.cols > 256 ? sparseRandomProjection(xIn, 128, seed) : xIn;
  const n = x.rows;
  const d = x.cols;
  const out = new Float64Array(n * 2);
  if (n === 0) return out;
  if (n <= nNeighbors + 2) {
    // Too few notes for UMAP: spread them on a circle.
    for (let i = 0; i < n; i++) {
      out[2 * i] = Math.cos((2 * Math.PI * i) / n) * 0.8;
      out[2 * i + 1] = Math.sin((2 * Math.PI * i) / n) * 0.8;
    }
    return out;
  }
  const rng = createRng(seed ^ 0x2545f491);
  const sample = sampleIndices(n, Math.min(n, sampleSize), rng);
  const sx: DenseMatrix = { rows: sample.length, cols: d, data: new Float64Array(sample.length * d) };
  sample.forEach((r, i) => sx.data.set(x.data.subarray(r * d, r * d + d), i * d));
  const g = knnCosine(sx, nNeighbors - 1);
  const knnIdx: number[][] = [];
  const knnDist: number[][] = [];
  for (let i = 0; i < sx.rows; i++) {
    const idx = [i];
    const dist = [0];
    for (let p = 0; p < g.k; p++) {
      idx.push(g.indices[i * g.k + p]!);
      dist.push(Math.max(0, 1 - g.sims[i * g.k + p]!));
    }
    knnIdx.push(idx);
    knnDist.push(dist);
  }
  const umap = new UMAP({ nComponents: 2, nNeighbors, nEpochs, minDist: 0.1, random: createRng(seed) });
  umap.setPrecomputedKNN(knnIdx, knnDist);
  // umap-js only reads X for its size and transform search once kNN is given; pass light rows.
  const emb = umap.fit(Array.from({ length: sx.rows }, (_, i) => [i]));
  const inSample = new Int32Array(n).fill(-1);
  sample.forEach((r, i) => {
    inSample[r] = i;
    out[2 * r] = emb[i]![0]!;
    out[2 * r + 1] = emb[i]![1]!;
  });
  // Group sampled notes by cluster for projection.
  const byLabel = new Map<number, number[]>();
  sample.forEach((r, i) => {
    const l = labels[r]!;
    let a = byLabel.get(l);
    if (!a) byLabel.set(l, (a = []));
    a.push(i);
  });
  const all = Array.from({ length: sample.length }, (_, i) => i);
  const bestS = new Float64Array(projectNeighbors);
  const bestI = new Int32Array(projectNeighbors);
  for (let r = 0; r < n; r++) {
    if (inSample[r]! >= 0) continue;
    const pool = byLabel.get(labels[r]!) ?? all;
    bestS.fill(-Infinity);
    bestI.fill(-1);
    for (const i of pool) {
      const s = dot(x.data, r * d, sx.data, i * d, d);
      if (s <= bestS[projectNeighbors - 1]!) continue;
      let p = projectNeighbors - 1;
      while (p > 0 && bestS[p - 1]! < s) {
        bestS[p] = bestS[p - 1]!;
        bestI[p] = bestI[p - 1]!;
        p--;
      }
      bestS[p] = s;
      bestI[p] = i;
    }
    let wx = 0;
    let wy = 0;
    let wsum = 0;
    for (let p = 0; p < projectNeighbors; p++) {
      if (bestI[p]! < 0) continue;
      const w = Math.max(1e-3, bestS[p]!) ** 4;
      wx += w * emb[bestI[p]!]![0]!;
      wy += w * emb[bestI[p]!]![1]!;
      wsum += w;
    }
    // Small deterministic offset so projected notes sharing neighbours do not stack on one pixel.
    const jx = (((r * 2654435761) >>> 0) / 4294967296 - 0.5) * 0.05;
    const jy = (((r * 40503 + 12345) >>> 0) % 1000) / 1000 - 0.5;
    out[2 * r] = wsum > 0 ? wx / wsum + jx : 0;
    out[2 * r + 1] = wsum > 0 ? wy / wsum + jy * 0.05 : 0;
  }
  return normalizeCoords(out);
}

/**
 * Achlioptas/Li sparse random projection to `k` dimensions (entries ±1 with probability 1/(2√d), else 0), rows re-normalised:
 * cosine neighbourhoods survive (Johnson–Lindenstrauss) at ~√d/d of the dense cost.
 */
export function sparseRandomProjection(x: DenseMatrix, k: number, seed: number): DenseMatrix {
  const { rows: n, cols: d, data } = x;
  const rng = createRng(seed ^ 0x1b873593);
  const density = 1 / Math.sqrt(d);
  // For each input column, the list of (output column, sign) it feeds.
  const cols: { o: Int32Array; s: Float64Array }[] = [];
  for (let j = 0; j < d; j++) {
    const o: number[] = [];
    const sg: number[] = [];
    for (let c = 0; c < k; c++) {
      if (rng() < density) {
        o.push(c);
        sg.push(rng() < 0.5 ? -1 : 1);
      }
    }
    cols.push({ o: Int32Array.from(o), s: Float64Array.from(sg) });
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    const oo = i * k;
    for (let j = 0; j < d; j++) {
      const v = data[io + j]!;
      if (v === 0) continue;
      const { o, s } = cols[j]!;
      for (let p = 0; p < o.length; p++) out[oo + o[p]!]! += v * s[p]!;
    }
    let norm = 0;
    for (let c = 0; c < k; c++) norm += out[oo + c]! ** 2;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let c = 0; c < k; c++) out[oo + c]! *= inv;
    }
  }
  return { rows: n, cols: k, data: out };
}

/** Centres coordinates and scales them so the 99th-percentile radius is 1 (outliers clipped into [-1, 1]). */
export function normalizeCoords(c: Float64Array): Float64Array {
  const n = c.length / 2;
  if (n === 0) return c;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += c[2 * i]!;
    my += c[2 * i + 1]!;
  }
  mx /= n;
  my /= n;
  const ax: number[] = [];
  for (let i = 0; i < n; i++) {
    c[2 * i]! -= mx;
    c[2 * i + 1]! -= my;
    ax.push(Math.max(Math.abs(c[2 * i]!), Math.abs(c[2 * i + 1]!)));
  }
  ax.sort((a, b) => a - b);
  const scale = ax[Math.min(n - 1, Math.floor(0.99 * n))]! || 1;
  for (let i = 0; i < c.length; i++) c[i] = Math.max(-1, Math.min(1, c[i]! / scale));
  return c;
}
