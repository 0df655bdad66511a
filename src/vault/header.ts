// The vault header ("key envelope"): its API shape {wrappedKey, kdf}, parsing with refusal rules, and wrap AAD.
import type { Bytes } from './format.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { VaultError } from './errors.ts';
import {
  FORMAT_VERSION, IV_BYTES, KDF_SALT_BYTES, LABEL_KEY_WRAP, RECOVERY_SALT_BYTES, SLOT_PASSPHRASE, SLOT_RECOVERY,
  WRAPPED_KEY_BYTES, concatBytes, lengthPrefixed, u8, utf8,
} from './format.ts';
import { checkKdfConfig, kdfAadBytes, type KdfConfig } from './kdf.ts';

/** The header exactly as stored by `PUT /api/vault/key`: JSON-safe, opaque to the server. */
export interface VaultEnvelope {
  /** base64 of the binary wrap block: version, flags, passphrase wrap, optional recovery wrap. */
  wrappedKey: string;
  /** The passphrase KDF: name, base64 16-byte salt, parameters. */
  kdf: EnvelopeKdf;
}

/** The `kdf` member of the envelope. */
export type EnvelopeKdf =
  | { name: 'argon2id'; salt: string; params: { memoryKiB: number; iterations: number; parallelism: number } }
  | { name: 'pbkdf2-sha256'; salt: string; params: { iterations: number } };

/** One AES-256-GCM wrap of the vault key. */
export interface KeyWrap {
  iv: Bytes;
  /** 32-byte encrypted vault key followed by the 16-byte tag. */
  ciphertext: Bytes;
}

/** The header decoded and validated. */
export interface ParsedHeader {
  version: number;
  kdf: KdfConfig;
  kdfSalt: Bytes;
  passphraseWrap: KeyWrap;
  recoveryWrap?: KeyWrap & { salt: Bytes };
}

const FLAG_RECOVERY = 0x01;
const BASE_LEN = 2 + IV_BYTES + WRAPPED_KEY_BYTES; // 62
const RECOVERY_LEN = RECOVERY_SALT_BYTES + IV_BYTES + WRAPPED_KEY_BYTES; // 76

function exactKeys(obj: unknown, keys: string[], what: string): Record<string, unknown> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new VaultError('malformed', `${what} must be an object`);
  const have = Object.keys(obj).sort();
  const want = [...keys].sort();
  if (have.length !== want.length || have.some((k, i) => k !== want[i])) {
    throw new VaultError('malformed', `${what} must have exactly the members ${want.join(', ')}`);
  }
  return obj as Record<string, unknown>;
}

/**
 * Decodes and validates an envelope. Refuses unknown versions ('unsupported_version'), unknown KDFs
 * ('unsupported_kdf'), weak ('weak_kdf') or absurd ('kdf_limits') parameters and bad shapes ('malformed'),
 * before any expensive work, so a server cannot downgrade or stall the client.
 */
export function parseHeader(envelope: unknown): ParsedHeader {
  const env = exactKeys(envelope, ['wrappedKey', 'kdf'], 'vault header');
  if (typeof env.wrappedKey !== 'string') throw new VaultError('malformed', 'wrappedKey must be a base64 string');
  const blob = fromBase64(env.wrappedKey, 'wrappedKey');
  if (blob.length < 1) throw new VaultError('malformed', 'wrappedKey is empty');
  if (blob[0] !== FORMAT_VERSION) throw new VaultError('unsupported_version', `unknown vault format version ${blob[0]}`);

  if (typeof env.kdf !== 'object' || env.kdf === null) throw new VaultError('malformed', 'kdf must be an object');
  const name = (env.kdf as Record<string, unknown>).name;
  if (name !== 'argon2id' && name !== 'pbkdf2-sha256') throw new VaultError('unsupported_kdf', 'unknown key-derivation function');
  const k = exactKeys(env.kdf, ['name', 'salt', 'params'], 'kdf');
  const params = exactKeys(k.params, name === 'argon2id' ? ['memoryKiB', 'iterations', 'parallelism'] : ['iterations'], 'kdf.params');
  const kdf = checkKdfConfig({ ...params, name });
  if (typeof k.salt !== 'string') throw new VaultError('malformed', 'kdf.salt must be a base64 string');
  const kdfSalt = fromBase64(k.salt, 'kdf.salt');
  if (kdfSalt.length !== KDF_SALT_BYTES) throw new VaultError('malformed', 'kdf.salt must be 16 bytes');

  const flags = blob[1];
  if (flags === undefined || (flags & ~FLAG_RECOVERY) !== 0) throw new VaultError('malformed', 'wrappedKey has unknown flags');
  const hasRecovery = (flags & FLAG_RECOVERY) !== 0;
  if (blob.length !== BASE_LEN + (hasRecovery ? RECOVERY_LEN : 0)) throw new VaultError('malformed', 'wrappedKey has the wrong length');

  let o = 2;
  const take = (n: number) => blob.slice(o, (o += n));
  const passphraseWrap = { iv: take(IV_BYTES), ciphertext: take(WRAPPED_KEY_BYTES) };
  const parsed: ParsedHeader = { version: FORMAT_VERSION, kdf, kdfSalt, passphraseWrap };
  if (hasRecovery) {
    const salt = take(RECOVERY_SALT_BYTES);
    parsed.recoveryWrap = { salt, iv: take(IV_BYTES), ciphertext: take(WRAPPED_KEY_BYTES) };
  }
  return parsed;
}

/** Encodes a parsed header back to the API shape (the inverse of parseHeader). */
export function serializeHeader(h: ParsedHeader): VaultEnvelope {
  const r = h.recoveryWrap;
  const blob = concatBytes(
    u8(h.version), u8(r ? FLAG_RECOVERY : 0), h.passphraseWrap.iv, h.passphraseWrap.ciphertext,
    ...(r ? [r.salt, r.iv, r.ciphertext] : []),
  );
  const salt = toBase64(h.kdfSalt);
  const kdf: EnvelopeKdf = h.kdf.name === 'argon2id'
    ? { name: 'argon2id', salt, params: { memoryKiB: h.kdf.memoryKiB, iterations: h.kdf.iterations, parallelism: h.kdf.parallelism } }
    : { name: 'pbkdf2-sha256', salt, params: { iterations: h.kdf.iterations } };
  return { wrappedKey: toBase64(blob), kdf };
}

/** AAD of the passphrase wrap: label, version, slot 1, KDF id and parameters, KDF salt, user id. */
export function passphraseWrapAad(version: number, kdf: KdfConfig, kdfSalt: Bytes, userId: string): Bytes {
  return concatBytes(utf8(LABEL_KEY_WRAP), u8(version), u8(SLOT_PASSPHRASE), kdfAadBytes(kdf, kdfSalt), lengthPrefixed(userId));
}

/** AAD of the recovery wrap: label, version, slot 2, recovery salt, user id. */
export function recoveryWrapAad(version: number, recoverySalt: Bytes, userId: string): Bytes {
  return concatBytes(utf8(LABEL_KEY_WRAP), u8(version), u8(SLOT_RECOVERY), recoverySalt, lengthPrefixed(userId));
}
