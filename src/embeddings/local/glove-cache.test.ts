import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheFormatError, decodeStore, encodeStore, loadGloveStore } from './glove-cache.ts';
import { parseWinkGlove } from './glove-parse.ts';
import { quantiseTable } from './glove-store.ts';
import { FIXTURE_WORDS, fixtureVectors, writeGloveFixture } from './test-fixture.ts';

let dir: string;
let source: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'glove-cache-test-'));
  source = await writeGloveFixture(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseWinkGlove', () => {
  it('orders rows by stored rank and reads escaped keys and exponents', async () => {
    const t = parseWinkGlove(await readFile(source));
    expect(t.dim).toBe(100);
    expect(t.words).toEqual(FIXTURE_WORDS);
    const want = fixtureVectors();
    for (const r of [0, 7, FIXTURE_WORDS.length - 1]) {
      for (let d = 0; d < 100; d++) expect(t.vectors[r * 100 + d]).toBeCloseTo(want[r][d], 5);
    }
  });

  it('keeps only the most frequent words under a limit', async () => {
    const t = parseWinkGlove(await readFile(source), 5);
    expect(t.words).toEqual(FIXTURE_WORDS.slice(0, 5));
    expect(t.vectors).toHaveLength(500);
  });
});

describe('binary store', () => {
  it('round-trips through encode/decode with small quantisation error', async () => {
    const t = parseWinkGlove(await readFile(source));
    const s = decodeStore(encodeStore(quantiseTable(t)));
    expect(s.words).toEqual(FIXTURE_WORDS);
    expect(s.rank('kitten')).toBe(FIXTURE_WORDS.indexOf('kitten'));
    expect(s.rank('nope')).toBe(-1);
    const v = new Float64Array(100);
    s.addScaled(v, 3, 1);
    for (let d = 0; d < 100; d++) expect(Math.abs(v[d] - t.vectors[300 + d])).toBeLessThan(0.01);
  });

  it('rejects foreign or truncated files', () => {
    expect(() => decodeStore(new Uint8Array(64))).toThrow(CacheFormatError);
    const good = encodeStore(quantiseTable({ words: ['a', 'b'], dim: 2, vectors: new Float32Array([1, 0, 0, 1]) }));
    expect(() => decodeStore(good.subarray(0, 20))).toThrow(CacheFormatError);
  });
});

describe('loadGloveStore', () => {
  it('converts once, writes the cache atomically, then reuses it', async () => {
    const cacheDir = path.join(dir, 'models');
    const first = await loadGloveStore({ cacheDir, vocabLimit: 1000, sourceFile: source });
    expect(first.built).toBe(true);
    expect(await readdir(cacheDir)).toEqual([path.basename(first.file)]); // no temp file left behind
    const mtime = (await stat(first.file)).mtimeMs;
    const second = await loadGloveStore({ cacheDir, vocabLimit: 1000, sourceFile: source });
    expect(second.built).toBe(false);
    expect(second.file).toBe(first.file);
    expect((await stat(first.file)).mtimeMs).toBe(mtime);
    expect(second.store.words).toEqual(first.store.words);
    expect(Array.from(second.store.q)).toEqual(Array.from(first.store.q));
  });

  it('uses a different file per vocabulary limit', async () => {
    const a = await loadGloveStore({ cacheDir: dir, vocabLimit: 10, sourceFile: source });
    const b = await loadGloveStore({ cacheDir: dir, vocabLimit: 20, sourceFile: source });
    expect(a.file).not.toBe(b.file);
    expect(a.store.size).toBe(10);
    expect(b.store.size).toBe(20);
  });

  it('rebuilds a corrupt cache file', async () => {
    const { file } = await loadGloveStore({ cacheDir: dir, vocabLimit: 1000, sourceFile: source });
    await writeFile(file, 'garbage');
    const again = await loadGloveStore({ cacheDir: dir, vocabLimit: 1000, sourceFile: source });
    expect(again.built).toBe(true);
    expect(again.store.words).toEqual(FIXTURE_WORDS);
  });
});
