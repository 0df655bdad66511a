/** clusterNotes: a user's notes → named topic clusters, unclustered outliers and 2-D map coordinates (pure, seeded). */
import { findCommunities } from './communities.js';
import type { FeatureModel, FeatureOptions } from './features.js';
import { buildFeatures } from './features.js';
import type { LayoutOptions } from './layout.js';
import { layout2d } from './layout.js';
import { dot, dot4, normalizeInPlace } from './linalg.js';
import type { NamingOptions } from './naming.js';
import { nameClusters } from './naming.js';
import { createRng, sampleIndices } from './random.js';
import type { DenseMatrix } from './sparse.js';

/** One note as the clustering sees it. */
export interface NoteInput {
  id: string;
  /** Markdown text. */
  text: string;
  /** Optional unit-norm embedding from the app's model (any fixed dimension ≤ 1536). */
  embedding?: ArrayLike<number> | null;
}

/** Clustering settings; every default was chosen by measurement on the dev notes (docs/clustering.md). */
export interface ClusterOptions {
  seed?: number;
  features?: FeatureOptions;
  /** Notes in the kNN graph (cost ∝ size² × dims); scaled down for wide features. Others join by nearest centroid. */
  graphSampleSize?: number;
  /** Neighbours per note in the graph. */
  neighbors?: number;
  /** Louvain resolution: > 1 gives more, smaller clusters. */
  resolution?: number;
  /** Clusters smaller than max(this, minClusterShare·n) are dissolved. */
  minClusterSize?: number;
  minClusterShare?: number;
  /**
   * A note whose cosine similarity to its nearest centroid is below this stays unclustered. Default: relative, `thresholdFactor`
   * × the median similarity of all notes to their nearest centroid (so it adapts to note length and feature width).
   */
  assignThreshold?: number;
  thresholdFactor?: number;
  /** Spherical k-means passes over all notes after the graph step (0 = keep graph clusters as they are). */
  refineIterations?: number;
  /** false skips the 2-D map. */
  layout?: LayoutOptions | false;
  naming?: NamingOptions;
}

/** A topic cluster. */
export interface NoteCluster {
  /** Key within this run (c1 = largest); matchClusters maps keys to persistent ids. */
  key: string;
  noteIds: string[];
  /** Unit-norm centroid in the feature space of `model`, used by assignToNearest. */
  centroid: Float32Array;
  name: string;
  /** Ranked distinctive terms behind the name. */
  terms: string[];
}

/** Output of clusterNotes. */
export interface ClusteringResult {
  clusters: NoteCluster[];
  unclustered: string[];
  /** Map position per note id, roughly in [-1, 1]. */
  coords: Map<string, [number, number]>;
  /** Feature model for placing new notes (noteFeatures) in the centroids' space. */
  model: FeatureModel;
  /** The similarity threshold used for this run: pass it to assignToNearest. */
  threshold: number;
  timings: Record<string, number>;
}

const DEFAULTS = {
  seed: 1,
  graphSampleSize: 4000,
  neighbors: 20,
  resolution: 1,
  minClusterSize: 5,
  minClusterShare: 0.004,
  thresholdFactor: 0.45,
  refineIterations: 0,
};

/** Clusters one user's notes; deterministic for a given seed and input order. */
export function clusterNotes(notes: readonly NoteInput[], options: ClusterOptions = {}): ClusteringResult {
  const o = { ...DEFAULTS, ...options };
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
  };
  const n = notes.length;
  const texts = notes.map((nt) => nt.text);
  const embeddings = notes.some((nt) => nt.embedding && nt.embedding.length > 0) ? notes.map((nt) => nt.embedding) : undefined;
  const { x, model, corpus } = buildFeatures(texts, embeddings, { seed: o.seed, ...o.features });
  lap('features');
  const d = x.cols;

  // 1. Topics from the kNN graph of a sample.
  const graphN = Math.min(n, Math.max(500, Math.round(o.graphSampleSize * Math.sqrt(200 / Math.max(d, 1)))));
  const sample = sampleIndices(n, graphN, createRng(o.seed ^ 0x68e31da4));
  const sx = takeRows(x, sample);
  const comm = n >= 3 ? findCommunities(sx, { neighbors: o.neighbors, resolution: o.resolution, seed: o.seed }) : new Int32Array(n);
  lap('graph');
  const minSize = Math.max(2, o.minClusterSize, Math.ceil(o.minClusterShare * n));
  const minSampleSize = Math.max(2, Math.ceil((minSize * graphN) / Math.max(n, 1)));
  const nComm = comm.length ? Math.max(...comm) + 1 : 0;
  const kept = Array.from({ length: nComm }, (_, c) => c).filter((c) => countOf(comm, c) >= minSampleSize);
  const allCentroids = centroidsOf(sx, comm, nComm);
  let centroids = kept.map((c) => allCentroids[c]!);

  // 2. Every note (sampled or not) joins its nearest topic centroid if similar enough: measured better than keeping the
  //    graph's own labels (NMI 0.450 vs 0.435). Optional spherical k-means refinement; tiny clusters dissolve.
  let labels: Int32Array = new Int32Array(n);
  let sims: Float64Array = new Float64Array(n);
  let threshold = o.assignThreshold ?? 0;
  for (let iter = 0; ; iter++) {
    ({ labels, sims } = nearest(x, centroids));
    const k = centroids.length;
    if (iter === 0 && o.assignThreshold === undefined) threshold = o.thresholdFactor * median(sims);
    // Zero-feature notes (no known words) have similarity 0 and never join a cluster.
    for (let i = 0; i < n; i++) if (sims[i]! < threshold || !(sims[i]! > 0)) labels[i] = -1;
    const counts = new Int32Array(k);
    for (const l of labels) if (l >= 0) counts[l]!++;
    const refining = iter < o.refineIterations;
    const small = [...counts].some((c) => c < minSize);
    if (!refining && !small) break;
    if (iter > o.refineIterations + 20) break;
    const next = centroidsOf(x, labels, k);
    centroids = next.filter((_c, i) => counts[i]! >= minSize);
    if (centroids.length === 0) break;
  }
  const k = centroids.length;
  lap('assign');

  // Order clusters by size, recompute centroids from all members.
  const members: number[][] = Array.from({ length: k }, () => []);
  const unclusteredIdx: number[] = [];
  for (let i = 0; i < n; i++) (labels[i]! >= 0 ? members[labels[i]!]! : unclusteredIdx).push(i);
  const order = members.map((m, i) => [m.length, i] as const).filter(([len]) => len > 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
  const finalMembers = order.map((i) => members[i]!);
  const finalLabels = new Int32Array(n).fill(-1);
  finalMembers.forEach((m, c) => m.forEach((i) => (finalLabels[i] = c)));
  const finalCentroids = centroidsOf(x, finalLabels, finalMembers.length);

  const names = nameClusters(corpus, finalMembers, texts, o.naming);
  lap('naming');

  const coords = new Map<string, [number, number]>();
  if (o.layout !== false) {
    const xy = layout2d(x, finalLabels, { seed: o.seed, ...o.layout });
    for (let i = 0; i < n; i++) coords.set(notes[i]!.id, [xy[2 * i]!, xy[2 * i + 1]!]);
  }
  lap('layout');

  return {
    clusters: finalMembers.map((m, c) => ({
      key: `c${c + 1}`,
      noteIds: m.map((i) => notes[i]!.id),
      centroid: Float32Array.from(finalCentroids[c]!),
      name: names[c]!.name,
      terms: names[c]!.terms,
    })),
    unclustered: unclusteredIdx.map((i) => notes[i]!.id),
    coords,
    model,
    threshold,
    timings,
  };
}

function median(a: Float64Array): number {
  const finite = Array.from(a).filter(Number.isFinite).sort((x, y) => x - y);
  return finite.length ? finite[Math.floor(finite.length / 2)]! : 0;
}

function takeRows(x: DenseMatrix, rows: readonly number[]): DenseMatrix {
  const d = x.cols;
  if (rows.length === x.rows) return x;
  const out: DenseMatrix = { rows: rows.length, cols: d, data: new Float64Array(rows.length * d) };
  rows.forEach((r, i) => out.data.set(x.data.subarray(r * d, r * d + d), i * d));
  return out;
}

function countOf(labels: Int32Array, c: number): number {
  let s = 0;
  for (const l of labels) if (l === c) s++;
  return s;
}

/** Unit-norm mean of the rows with each label (labels < 0 ignored). */
function centroidsOf(x: DenseMatrix, labels: ArrayLike<number>, k: number): Float64Array[] {
  const d = x.cols;
  const out = Array.from({ length: k }, () => new Float64Array(d));
  for (let i = 0; i < x.rows; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    const c = out[l]!;
    const o = i * d;
    for (let j = 0; j < d; j++) c[j]! += x.data[o + j]!;
  }
  out.forEach((c) => normalizeInPlace(c));
  return out;
}

/** Nearest centroid by cosine for every row (centroids packed so four are scored per pass over a row). */
function nearest(x: DenseMatrix, centroids: readonly Float64Array[]): { labels: Int32Array; sims: Float64Array } {
  const n = x.rows;
  const d = x.cols;
  const k = centroids.length;
  const packed = new Float64Array(k * d);
  centroids.forEach((c, i) => packed.set(c, i * d));
  const labels = new Int32Array(n).fill(-1);
  const sims = new Float64Array(n).fill(-Infinity);
  const q = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bl = -1;
    let c = 0;
    for (; c + 3 < k; c += 4) {
      dot4(x.data, i * d, packed, c * d, d, d, q);
      for (let t = 0; t < 4; t++) {
        if (q[t]! > best) {
          best = q[t]!;
          bl = c + t;
        }
      }
    }
    for (; c < k; c++) {
      const s = dot(x.data, i * d, packed, c * d, d);
      if (s > best) {
        best = s;
        bl = c;
      }
    }
    labels[i] = bl;
    sims[i] = best;
  }
  return { labels, sims };
}
