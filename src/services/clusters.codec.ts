/** Compact binary forms of a user's clustering state: the fitted feature model and the centroids. */
import type { FeatureModel } from '../ml/features.js';

const MAGIC = 0x4d53434d; // "MSCM"
const VERSION = 1;

interface Header {
  terms: string[];
  k: number;
  stemmed: boolean;
  sublinearTf: boolean;
  bigrams: boolean;
  embeddingWeight: number;
  embeddingDim: number;
  singularValues: number[];
}

/**
 * Encodes a feature model in a few MB at most: terms with no LSA loading are dropped (exact: the LSA block is
 * re-normalised, so only the direction of a note's projection matters), idf as Float32 and each term's loadings as
 * Int8 with one Float32 scale per term (cosine error < 1e-3 on the dev notes, see clusters tests).
 */
export function encodeModel(model: FeatureModel): Buffer {
  const { components } = model.svd;
  const k = components.cols;
  const keep: number[] = [];
  for (let t = 0; t < components.rows; t++) {
    for (let j = 0; j < k; j++) {
      if (components.data[t * k + j] !== 0) {
        keep.push(t);
        break;
      }
    }
  }
  const header: Header = {
    terms: keep.map((t) => model.tfidf.terms[t]!),
    k,
    stemmed: model.tfidf.stemmed,
    sublinearTf: model.tfidf.sublinearTf,
    bigrams: model.tfidf.bigrams,
    embeddingWeight: model.embeddingWeight,
    embeddingDim: model.embeddingDim,
    singularValues: Array.from(model.svd.singularValues),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const n = keep.length;
  const headLen = 12 + json.length;
  const pad = (4 - (headLen % 4)) % 4;
  const out = Buffer.alloc(headLen + pad + 8 * n + n * k);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let o = headLen + pad;
  const idf = new Float32Array(n);
  const scales = new Float32Array(n);
  const q = new Int8Array(n * k);
  keep.forEach((t, i) => {
    idf[i] = model.tfidf.idf[t]!;
    let max = 0;
    for (let j = 0; j < k; j++) max = Math.max(max, Math.abs(components.data[t * k + j]!));
    scales[i] = max / 127;
    for (let j = 0; j < k; j++) q[i * k + j] = Math.round((components.data[t * k + j]! / max) * 127);
  });
  Buffer.from(idf.buffer).copy(out, o);
  o += 4 * n;
  Buffer.from(scales.buffer).copy(out, o);
  o += 4 * n;
  Buffer.from(q.buffer).copy(out, o);
  return out;
}

/** Decodes encodeModel's bytes into a FeatureModel that noteFeatures/assignNote accept. */
export function decodeModel(buf: Uint8Array): FeatureModel {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.readUInt32LE(0) !== MAGIC || b.readUInt32LE(4) !== VERSION) throw new Error('not a stored cluster model (or a newer version)');
  const jsonLen = b.readUInt32LE(8);
  const header = JSON.parse(b.toString('utf8', 12, 12 + jsonLen)) as Header;
  const n = header.terms.length;
  const k = header.k;
  let o = 12 + jsonLen;
  o += (4 - (o % 4)) % 4;
  const copy = (bytes: number) => {
    const ab = new ArrayBuffer(bytes);
    new Uint8Array(ab).set(b.subarray(o, o + bytes));
    o += bytes;
    return ab;
  };
  const idf = new Float32Array(copy(4 * n));
  const scales = new Float32Array(copy(4 * n));
  const q = new Int8Array(copy(n * k));
  const data = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) data[i * k + j] = q[i * k + j]! * scales[i]!;
  return {
    tfidf: { terms: header.terms, idf: Float64Array.from(idf), stemmed: header.stemmed, sublinearTf: header.sublinearTf, bigrams: header.bigrams },
    svd: { components: { rows: n, cols: k, data }, singularValues: Float64Array.from(header.singularValues) },
    embeddingWeight: header.embeddingWeight,
    embeddingDim: header.embeddingDim,
    dim: k + header.embeddingDim,
  };
}

/** A centroid as stored in clusters.centroid: Float32, little-endian. */
export function encodeVector(v: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(4 * v.length);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i]!, 4 * i);
  return out;
}

/** Reads a stored centroid. */
export function decodeVector(buf: Uint8Array): Float32Array {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(4 * i);
  return out;
}

/** Parses pgvector's text form ("[1,2,3]"), keeping the first `dims` values. */
export function parseVector(text: string, dims?: number): Float32Array {
  const parts = text.slice(1, -1).split(',');
  const n = dims === undefined ? parts.length : Math.min(dims, parts.length);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = +parts[i]!;
  return out;
}
