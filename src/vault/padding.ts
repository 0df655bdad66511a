// Length hiding for note payloads: a 4-byte length prefix, then zero padding up to Padmé(max(n, 256)).
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';

/** Padded sizes never go below this many bytes, so short notes all look alike. */
export const MIN_PADDED_BYTES = 256;
/** Largest payload (length prefix included) that can be padded: 64 MiB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** Padmé (Nikitin et al., PETS 2019): rounds L up so at most O(log log L) low bits are free; overhead <= 12%. */
export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 2 || length > 0x7fffffff) {
    throw new VaultError('invalid_argument', 'padme length out of range');
  }
  const e = 31 - Math.clz32(length); // floor(log2 L)
  const s = 31 - Math.clz32(e) + 1; // floor(log2 E) + 1
  const lastBits = e - s;
  const mask = 2 ** lastBits - 1;
  return Math.ceil(length / (mask + 1)) * (mask + 1);
}

/** Size of the padded buffer for `n` content bytes (the 4-byte prefix included in n). */
export function paddedSize(n: number): number {
  return padme(Math.max(n, MIN_PADDED_BYTES));
}

/** Returns u32be(len(content)) || content || zeros, of length paddedSize(4 + len(content)). */
export function pad(content: Bytes): Bytes {
  const n = 4 + content.length;
  if (n > MAX_PAYLOAD_BYTES) throw new VaultError('invalid_argument', 'note is too large (64 MiB at most)');
  const out = new Uint8Array(paddedSize(n));
  new DataView(out.buffer).setUint32(0, content.length, false);
  out.set(content, 4);
  return out;
}

/** Inverse of pad; refuses any buffer that pad could not have produced ('malformed'). */
export function unpad(padded: Bytes): Bytes {
  const bad = (): never => {
    throw new VaultError('malformed', 'note payload padding is invalid');
  };
  if (padded.length < 4) return bad();
  const len = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0, false);
  const n = 4 + len;
  if (n > padded.length || n > MAX_PAYLOAD_BYTES || paddedSize(n) !== padded.length) return bad();
  for (let i = n; i < padded.length; i++) if (padded[i] !== 0) return bad();
  return padded.subarray(4, n);
}
