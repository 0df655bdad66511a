import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDevSet, readDevRows, type DevRow } from './dev-set.ts';
import { knownItemScores } from './eval-metrics.ts';
import { loadGloveStore } from './glove-cache.ts';
import { createLocalEmbedder, DEFAULT_VOCAB_LIMIT } from './local-embedder.ts';

// Quality floor on the real GloVe package and the first 300 rows of the dev set.
// Measured (docs/embeddings-local.md): recall@10 0.940, MRR@10 0.874; GloVe SIF alone 0.733 / 0.539.
const DEV_SET = findDevSet();
const SAMPLE = 300;

let cacheDir: string;
let rows: DevRow[] = [];

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'local-quality-test-'));
  if (DEV_SET) rows = await readDevRows(DEV_SET, SAMPLE);
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('real GloVe package', () => {
  it('converts the package JSON once, then loads the cache in well under a second', async () => {
    const first = await loadGloveStore({ cacheDir, vocabLimit: DEFAULT_VOCAB_LIMIT });
    expect(first.built).toBe(true);
    expect(first.store.size).toBe(DEFAULT_VOCAB_LIMIT);
    expect(first.store.dim).toBe(100);
    expect(first.store.rank('the')).toBe(0);
    expect(first.store.rank('computer')).toBeGreaterThan(100);
    const t0 = performance.now();
    const later = await loadGloveStore({ cacheDir, vocabLimit: DEFAULT_VOCAB_LIMIT });
    expect(later.built).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe.skipIf(!DEV_SET)('known-item search quality floor (first 300 dev notes)', () => {
  it('finds the note for its one-line summary', async () => {
    const embedder = createLocalEmbedder({ cacheDir });
    const docs = await embedder.embed(rows.map((r) => r.text));
    const queries = await embedder.embed(rows.map((r) => r.short));
    expect(rows).toHaveLength(SAMPLE);
    const { recall, mrr } = knownItemScores(queries, docs);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(mrr).toBeGreaterThanOrEqual(0.8);
  });
});
