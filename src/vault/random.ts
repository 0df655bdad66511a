// The single source of randomness for keys, salts and IVs: crypto.getRandomValues.
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';

/** Returns `n` cryptographically random bytes. */
export function randomBytes(n: number): Bytes {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new VaultError('unavailable', 'Web Crypto (crypto.getRandomValues) is not available');
  }
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) c.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}

/** Returns the platform's SubtleCrypto, or throws 'unavailable' (e.g. a page served over plain HTTP). */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new VaultError('unavailable', 'Web Crypto (crypto.subtle) is not available; a secure context is required');
  return s;
}

/** Creates a new vault note id: a random UUID v4, chosen by the client so it can be bound before upload. */
export function newNoteId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
