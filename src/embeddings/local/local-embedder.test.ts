import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dot } from './eval-metrics.ts';
import {
  createLocalEmbedder,
  DB_DIMENSIONS,
  DEFAULT_PARAMS,
  DEFAULT_VOCAB_LIMIT,
  LOCAL_MODEL_ID,
  modelId,
  type LocalEmbedder,
} from './local-embedder.ts';
import { writeGloveFixture } from './test-fixture.ts';

let dir: string;
let source: string;
let embedder: LocalEmbedder;

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));
const make = (params = {}) => createLocalEmbedder({ cacheDir: path.join(dir, 'models'), sourceFile: source, params });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'local-embedder-test-'));
  source = await writeGloveFixture(dir);
  embedder = make();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ODD_INPUTS = [
  '',
  '   \n\t ',
  '!!! ... --- ### ***',
  '🎉🚀🔥',
  '# Heading\n\n- [ ] todo with **bold** and [a link](https://example.com/page?q=1#x)\n\n> quote',
  '```ts\nconst x: Map<string, number> = new Map(); // getUserName(snake_case)\n```',
  '日本語のノート、中文笔记、한국어 메모, Привет',
  'the of and to in', // stop words only
  'a',
  'x'.repeat(5000),
  'cat '.repeat(20_000),
];

describe('local embedder', () => {
  it('describes itself and loads nothing before first use', async () => {
    const lazy = make();
    expect(lazy.model).toMatch(/^local-hybrid-v1-custom-/); // the fixture source is not the standard model
    expect(modelId({ ...DEFAULT_PARAMS }, DEFAULT_VOCAB_LIMIT)).toBe(LOCAL_MODEL_ID);
    expect(modelId({ ...DEFAULT_PARAMS, dims: 1024 }, DEFAULT_VOCAB_LIMIT)).not.toBe(LOCAL_MODEL_ID);
    expect(lazy.dimensions).toBe(DEFAULT_PARAMS.dims);
    expect(lazy.dimensions).toBeLessThanOrEqual(DB_DIMENSIONS);
    expect(await lazy.embed([])).toEqual([]);
    await expect(readdir(path.join(dir, 'models'))).rejects.toThrow(); // no cache dir yet
  });

  it('returns one finite unit vector of the right size for every input, odd ones included', async () => {
    const vs = await embedder.embed(ODD_INPUTS);
    expect(vs).toHaveLength(ODD_INPUTS.length);
    for (const v of vs) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(embedder.dimensions);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic and independent of the batch and of the embedder instance', async () => {
    const text = 'My cat and the kitten search notes in a web browser.';
    const [alone] = await embedder.embed([text]);
    const batch = await embedder.embed(['music database', text, 'dog']);
    const [other] = await make().embed([text]);
    expect(Array.from(batch[1])).toEqual(Array.from(alone));
    expect(Array.from(other)).toEqual(Array.from(alone));
  });

  it('ranks texts sharing words and topics above unrelated ones', async () => {
    const [q, same, topical, unrelated] = await embedder.embed([
      'kitten notes',
      'Notes about my kitten and other notes.',
      'cats and a puppy',
      'guitar song for the server database',
    ]);
    expect(dot(q, same)).toBeGreaterThan(dot(q, topical));
    expect(dot(q, topical)).toBeGreaterThan(dot(q, unrelated));
  });

  it('tells different texts apart, but gives all word-less texts one fixed vector', async () => {
    const [a, b, empty, punct] = await embedder.embed(['music', 'database', '', '?!']);
    expect(dot(a, b)).toBeLessThan(0.9);
    expect(Array.from(empty)).toEqual(Array.from(punct));
  });

  it('embeds a short query well under 5 ms and a long note quickly', async () => {
    await embedder.embed(['warm up']);
    let t0 = performance.now();
    for (let i = 0; i < 100; i++) await embedder.embed([`search my notes about the kitten number ${i}`]);
    expect((performance.now() - t0) / 100).toBeLessThan(5);
    t0 = performance.now();
    await embedder.embed(['word '.repeat(100_000)]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('honours a smaller dimension and rejects impossible settings', async () => {
    const [v] = await make({ dims: 256 }).embed(['cat']);
    expect(v).toHaveLength(256);
    expect(() => make({ dims: 2048 })).toThrow();
    await expect(make({ sifShare: 0.9, simhashShare: 0.2 }).embed(['cat'])).rejects.toThrow(/sum to at most 1/);
  });
});
