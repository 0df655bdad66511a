/**
 * Measures the offline `local` embeddings provider on the dev set (semantic cosine search only):
 * recall@10 / MRR@10 for known-item search (query = row.short, target = row.text), k-means NMI,
 * embedding speed, query latency, and first / later model load times.
 *
 *   npx tsx scripts/eval-search-local.ts [--data FILE] [--cache-dir DIR] [--nmi-seeds N] [--variants]
 *
 * Without --cache-dir a fresh temporary cache is used (and removed), so the first start is measured.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { kmeans } from 'ml-kmeans';
import { findDevSet, readDevRows, type DevRow } from '../src/embeddings/local/dev-set.ts';
import { knownItemScores, nmi } from '../src/embeddings/local/eval-metrics.ts';
import {
  createLocalEmbedder,
  DEFAULT_PARAMS,
  DEFAULT_VOCAB_LIMIT,
  embedText,
  loadGloveStore,
  LOCAL_MODEL_ID,
  makeModel,
  type LocalParams,
} from '../src/embeddings/local/index.ts';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    'cache-dir': { type: 'string' },
    'nmi-seeds': { type: 'string', default: '3' },
    variants: { type: 'boolean', default: false },
  },
});

/** Variants measured for docs/embeddings-local.md (each relative to DEFAULT_PARAMS). */
const VARIANTS: { name: string; params: Partial<LocalParams>; vocabLimit?: number }[] = [
  { name: 'GloVe SIF only (lexical share 0: 100 useful dims)', params: { sifShare: 1, simhashShare: 0 } },
  { name: 'lexical only, D=512', params: { dims: 512, sifShare: 0, simhashShare: 0 } },
  { name: 'lexical only, D=1024', params: { dims: 1024, sifShare: 0, simhashShare: 0 } },
  { name: 'lexical only, D=1536', params: { sifShare: 0, simhashShare: 0 } },
  { name: 'lexical only, D=1536, no camel-case parts', params: { sifShare: 0, simhashShare: 0, camel: false } },
  { name: 'lexical only, D=1536, IDF r0=10', params: { sifShare: 0, simhashShare: 0, r0: 10 } },
  { name: 'lexical only, D=1536, + bigrams 0.3', params: { sifShare: 0, simhashShare: 0, bigramWeight: 0.3 } },
  { name: 'lexical + SIF 0.1', params: { sifShare: 0.1, simhashShare: 0 } },
  { name: 'lexical + SIF 0.2', params: { simhashShare: 0 } },
  { name: 'lexical + SIF 0.3', params: { sifShare: 0.3, simhashShare: 0 } },
  { name: 'lexical + SIF 0.2 + SimHash 0.2 (chosen)', params: {} },
  { name: 'chosen, SimHash 10 bits', params: { simhashBits: 10 } },
  { name: 'chosen, D=1024', params: { dims: 1024 } },
  { name: 'chosen, vocabulary top 50k', params: {}, vocabLimit: 50_000 },
  { name: 'chosen, vocabulary all 341k', params: {}, vocabLimit: 400_000 },
];

/** Milliseconds taken by an async step, with its result. */
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

/** Mean NMI of k-means (k = number of labels, k-means++) over several seeds. */
function kmeansNmi(vectors: Float32Array[], labels: string[], seeds: number): number {
  const k = new Set(labels).size;
  const data = vectors.map((v) => Array.from(v));
  let sum = 0;
  for (let seed = 1; seed <= seeds; seed++) sum += nmi(kmeans(data, k, { seed, initialization: 'kmeans++' }).clusters, labels);
  return sum / seeds;
}

const fmt = (x: number, d = 3) => x.toFixed(d);

async function main(): Promise<void> {
  const file = args.data ?? findDevSet();
  if (!file) throw new Error('dev-notes.jsonl not found: pass --data FILE or set MINDSTORM_DEV_NOTES');
  const rows = await readDevRows(file);
  const cacheDir = args['cache-dir'] ?? (await mkdtemp(path.join(os.tmpdir(), 'mindstorm-eval-')));
  const texts = rows.map((r) => r.text);
  const queries = rows.map((r) => r.short);
  const labels = rows.map((r) => r.label);
  try {
    const [, firstLoad] = await timed(() => createLocalEmbedder({ cacheDir }).warmUp());
    const embedder = createLocalEmbedder({ cacheDir });
    const [, laterLoad] = await timed(() => embedder.warmUp());
    const [docs, coldMs] = await timed(() => embedder.embed(texts));
    const [, warmMs] = await timed(() => embedder.embed(texts));
    const latencies: number[] = [];
    const qv: Float32Array[] = [];
    for (const q of queries) {
      const [[v], ms] = await timed(() => embedder.embed([q]));
      qv.push(v);
      latencies.push(ms);
    }
    latencies.sort((a, b) => a - b);
    const { recall, mrr } = knownItemScores(qv, docs);
    const seeds = Number(args['nmi-seeds']);
    console.log(`model ${LOCAL_MODEL_ID}, D=${embedder.dimensions}, vocabulary top ${DEFAULT_VOCAB_LIMIT}, ${rows.length} notes`);
    console.log(`recall@10 ${fmt(recall)}  MRR@10 ${fmt(mrr)}`);
    if (seeds > 0) console.log(`k-means NMI (k=${new Set(labels).size}, mean of ${seeds} seeds) ${fmt(kmeansNmi(docs, labels, seeds))}`);
    console.log(`speed: ${fmt((rows.length / coldMs) * 1000, 0)} notes/s first pass, ${fmt((rows.length / warmMs) * 1000, 0)} notes/s warm`);
    const pct = (q: number) => fmt(latencies[Math.floor((latencies.length - 1) * q)]);
    console.log(`query latency (one query per call): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);
    console.log(`model load: first start ${fmt(firstLoad, 0)} ms (JSON → cache), later start ${fmt(laterLoad, 0)} ms (cache)`);
    if (args.variants) await printVariants(cacheDir, rows, labels, seeds);
  } finally {
    if (!args['cache-dir']) await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Prints the Markdown table of VARIANTS (recall@10, MRR@10, NMI, first-pass notes/s). */
async function printVariants(cacheDir: string, rows: DevRow[], labels: string[], seeds: number): Promise<void> {
  console.log('\n| variant | D | recall@10 | MRR@10 | NMI | notes/s |\n|---|---|---|---|---|---|');
  for (const v of VARIANTS) {
    const p: LocalParams = { ...DEFAULT_PARAMS, ...v.params };
    const { store } = await loadGloveStore({ cacheDir, vocabLimit: v.vocabLimit ?? DEFAULT_VOCAB_LIMIT });
    const model = makeModel(store, p);
    const t0 = performance.now();
    const docs = rows.map((r) => embedText(r.text, model, p));
    const speed = (rows.length / (performance.now() - t0)) * 1000;
    const { recall, mrr } = knownItemScores(rows.map((r) => embedText(r.short, model, p)), docs);
    const score = seeds > 0 ? fmt(kmeansNmi(docs, labels, seeds)) : '-';
    console.log(`| ${v.name} | ${p.dims} | ${fmt(recall)} | ${fmt(mrr)} | ${score} | ${fmt(speed, 0)} |`);
  }
}

await main();
