// Passphrase -> key-encryption key: Argon2id (hash-wasm, WebAssembly) or PBKDF2-HMAC-SHA256 (Web Crypto).
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';
import { KDF_ID_ARGON2ID, KDF_ID_PBKDF2_SHA256, KDF_SALT_BYTES, u8, u32be, concatBytes, utf8, wipe } from './format.ts';
import { subtle } from './random.ts';

/** Argon2id parameters: memory in KiB, passes, lanes. Output is always 32 bytes, version 0x13. */
export interface Argon2idConfig {
  name: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** PBKDF2-HMAC-SHA256 parameters. Output is always 32 bytes. */
export interface Pbkdf2Config {
  name: 'pbkdf2-sha256';
  iterations: number;
}

/** A KDF choice with its parameters, as stored in the header. */
export type KdfConfig = Argon2idConfig | Pbkdf2Config;

/** The default: Argon2id, 64 MiB, 3 passes, 4 lanes. */
export const ARGON2ID_DEFAULT: Argon2idConfig = Object.freeze({ name: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 });
/** The weakest Argon2id accepted (OWASP: 19 MiB, 2 passes, 1 lane). */
export const ARGON2ID_FLOOR: Argon2idConfig = Object.freeze({ name: 'argon2id', memoryKiB: 19456, iterations: 2, parallelism: 1 });
/** The fallback where WebAssembly is unavailable; also the PBKDF2 floor (OWASP: 600,000). */
export const PBKDF2_DEFAULT: Pbkdf2Config = Object.freeze({ name: 'pbkdf2-sha256', iterations: 600_000 });

/** Upper limits that stop a hostile header from hanging or crashing the client. */
export const KDF_LIMITS = Object.freeze({
  argon2idMaxMemoryKiB: 1024 * 1024, // 1 GiB
  argon2idMaxIterations: 16,
  argon2idMaxParallelism: 16,
  pbkdf2MaxIterations: 10_000_000,
});

/** Bytes of the key-encryption key. */
export const KEK_BYTES = 32;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Validates a KDF config: unknown -> 'unsupported_kdf', below floor -> 'weak_kdf', too big -> 'kdf_limits'. */
export function checkKdfConfig(kdf: unknown): KdfConfig {
  if (typeof kdf !== 'object' || kdf === null) throw new VaultError('malformed', 'kdf must be an object');
  const k = kdf as Record<string, unknown>;
  if (k.name === 'argon2id') {
    const { memoryKiB: m, iterations: t, parallelism: p } = k;
    if (!isInt(m) || !isInt(t) || !isInt(p) || m < 1 || t < 1 || p < 1) {
      throw new VaultError('malformed', 'argon2id parameters must be positive integers');
    }
    if (m < ARGON2ID_FLOOR.memoryKiB || t < ARGON2ID_FLOOR.iterations) {
      throw new VaultError('weak_kdf', 'argon2id parameters are below the floor (19 MiB, 2 passes)');
    }
    if (m > KDF_LIMITS.argon2idMaxMemoryKiB || t > KDF_LIMITS.argon2idMaxIterations || p > KDF_LIMITS.argon2idMaxParallelism) {
      throw new VaultError('kdf_limits', 'argon2id parameters are too large (1 GiB, 16 passes, 16 lanes at most)');
    }
    return { name: 'argon2id', memoryKiB: m, iterations: t, parallelism: p };
  }
  if (k.name === 'pbkdf2-sha256') {
    const t = k.iterations;
    if (!isInt(t) || t < 1) throw new VaultError('malformed', 'pbkdf2 iterations must be a positive integer');
    if (t < PBKDF2_DEFAULT.iterations) throw new VaultError('weak_kdf', 'pbkdf2 iterations are below the floor (600,000)');
    if (t > KDF_LIMITS.pbkdf2MaxIterations) throw new VaultError('kdf_limits', 'pbkdf2 iterations are too large (10,000,000 at most)');
    return { name: 'pbkdf2-sha256', iterations: t };
  }
  throw new VaultError('unsupported_kdf', 'unknown key-derivation function');
}

/** True where WebAssembly exists, i.e. where Argon2id can run. */
export function hasWebAssembly(): boolean {
  return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';
}

/** The KDF a new vault uses here: Argon2id, or PBKDF2 where WebAssembly is unavailable. */
export function defaultKdf(): KdfConfig {
  return hasWebAssembly() ? { ...ARGON2ID_DEFAULT } : { ...PBKDF2_DEFAULT };
}

/** The passphrase's bytes: Unicode NFC, then UTF-8 (no trimming). */
export function passphraseBytes(passphrase: unknown): Bytes {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new VaultError('invalid_argument', 'passphrase must be a non-empty string');
  }
  return utf8(passphrase.normalize('NFC'));
}

/** Raw Argon2id (version 0x13) via hash-wasm; no secret, no associated data. */
export async function argon2idRaw(password: Bytes, salt: Bytes, memoryKiB: number, iterations: number, parallelism: number, hashLength: number): Promise<Bytes> {
  if (!hasWebAssembly()) throw new VaultError('unavailable', 'Argon2id needs WebAssembly, which is unavailable here');
  const { argon2id } = await import('hash-wasm');
  const out = await argon2id({ password, salt, iterations, parallelism, memorySize: memoryKiB, hashLength, outputType: 'binary' });
  const copy = new Uint8Array(out);
  out.fill(0);
  return copy;
}

/** Raw PBKDF2-HMAC-SHA256 via Web Crypto. */
export async function pbkdf2Sha256Raw(password: Bytes, salt: Bytes, iterations: number, lengthBytes: number): Promise<Bytes> {
  const s = subtle();
  const base = await s.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, lengthBytes * 8);
  return new Uint8Array(bits);
}

/** Derives the 32-byte KEK from a passphrase; the caller wipes the result when done. */
export async function deriveKek(passphrase: string, kdf: KdfConfig, salt: Bytes): Promise<Bytes> {
  const cfg = checkKdfConfig(kdf);
  if (salt.length !== KDF_SALT_BYTES) throw new VaultError('malformed', 'kdf salt must be 16 bytes');
  const pw = passphraseBytes(passphrase);
  try {
    return cfg.name === 'argon2id'
      ? await argon2idRaw(pw, salt, cfg.memoryKiB, cfg.iterations, cfg.parallelism, KEK_BYTES)
      : await pbkdf2Sha256Raw(pw, salt, cfg.iterations, KEK_BYTES);
  } finally {
    wipe(pw);
  }
}

/** The KDF part of the key-wrap associated data: id, three u32be parameters, salt. */
export function kdfAadBytes(kdf: KdfConfig, salt: Bytes): Bytes {
  return kdf.name === 'argon2id'
    ? concatBytes(u8(KDF_ID_ARGON2ID), u32be(kdf.memoryKiB), u32be(kdf.iterations), u32be(kdf.parallelism), salt)
    : concatBytes(u8(KDF_ID_PBKDF2_SHA256), u32be(0), u32be(kdf.iterations), u32be(0), salt);
}
