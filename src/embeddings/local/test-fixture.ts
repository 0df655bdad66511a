/** Test support: writes a tiny GloVe JSON in wink's layout, so tests never parse the 294 MB file. */

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mulberry32 } from './hashing.ts';

/** Fixture vocabulary in frequency order; related words get related vectors (same topic base). */
export const FIXTURE_WORDS = [
  'the', ',', '.', 'of', 'and', 'to', 'in', '"', 'for', 'is', 'on', 'that', 'with', 'it', 'this',
  'note', 'notes', 'search', 'text', 'file', 'files', 'code', 'function', 'web', 'browser',
  'cat', 'cats', 'kitten', 'dog', 'puppy', 'music', 'song', 'guitar', 'database', 'server',
];

const TOPIC: Record<string, number> = { cat: 1, cats: 1, kitten: 1, dog: 1, puppy: 1, music: 2, song: 2, guitar: 2, database: 3, server: 3 };

/** Deterministic 100-d vectors: random per word, plus a shared component for words of one topic. */
export function fixtureVectors(dim = 100): number[][] {
  const rnd = mulberry32(42);
  const topics = [0, 1, 2, 3].map(() => Array.from({ length: dim }, () => rnd() - 0.5));
  return FIXTURE_WORDS.map((w) => {
    const own = Array.from({ length: dim }, () => rnd() - 0.5);
    const t = TOPIC[w];
    return own.map((x, d) => (t ? 0.4 * x + topics[t][d] : x));
  });
}

/** Writes the fixture in wink's layout (`"w":[v0..v99, l2norm, rank]`, with an escaped key and exponents). */
export async function writeGloveFixture(dir: string): Promise<string> {
  const vecs = fixtureVectors();
  const entries = FIXTURE_WORDS.map((w, rank) => {
    const v = vecs[rank];
    const norm = Math.hypot(...v);
    const nums = v.map((x, d) => (d === 0 ? x.toExponential(6) : x.toFixed(6)));
    return `${JSON.stringify(w)}:[${nums.join(',')},${norm.toFixed(8)},${rank}]`;
  });
  // Reverse the order of entries: the parser must place rows by their stored rank, not file order.
  const json =
    `{"precision":8,"l2NormIndex":100,"wordIndex":101,"size":${FIXTURE_WORDS.length},"dimensions":100,` +
    `"words":${JSON.stringify(FIXTURE_WORDS)},"vectors":{${entries.reverse().join(',')}},"unkVector":[0]}`;
  const file = path.join(dir, 'glove-fixture.json');
  await writeFile(file, json);
  return file;
}
