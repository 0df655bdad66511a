// Constants and byte layouts of vault format version 1 (see docs/vault.md), and small byte helpers.
import { VaultError } from './errors.ts';

/** The only format version this client reads and writes. */
export const FORMAT_VERSION = 1;

/** Sizes in bytes. */
export const VAULT_KEY_BYTES = 32;
export const KDF_SALT_BYTES = 16;
export const RECOVERY_SALT_BYTES = 16;
export const NOTE_SALT_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const WRAPPED_KEY_BYTES = VAULT_KEY_BYTES + TAG_BYTES;
/** Longest user id (UTF-8 bytes) accepted in associated data. */
export const MAX_USER_ID_BYTES = 1024;

/** Domain-separation labels and HKDF info strings (ASCII). */
export const LABEL_KEY_WRAP = 'mindstorm/vault/v1/key-wrap';
export const LABEL_NOTE = 'mindstorm/vault/v1/note';
export const INFO_NOTE_KEY = 'mindstorm/vault/v1/note-key';
export const INFO_RECOVERY_KEK = 'mindstorm/vault/v1/recovery-kek';
export const LABEL_RECOVERY_CHECK = 'mindstorm/vault/v1/recovery-key';

/** Key-wrap slots, written into the wrap's associated data. */
export const SLOT_PASSPHRASE = 1;
export const SLOT_RECOVERY = 2;

/** KDF identifiers used inside associated data. */
export const KDF_ID_ARGON2ID = 1;
export const KDF_ID_PBKDF2_SHA256 = 2;

/** Bytes backed by a plain ArrayBuffer (what Web Crypto accepts as BufferSource). */
export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Bytes[]): Bytes {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One unsigned byte. */
export function u8(n: number): Bytes {
  return Uint8Array.of(n & 0xff);
}

/** 16-bit big-endian unsigned integer. */
export function u16be(n: number): Bytes {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}

/** 32-bit big-endian unsigned integer. */
export function u32be(n: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, false);
  return out;
}

/** 64-bit big-endian unsigned integer from a safe integer. */
export function u64be(n: number): Bytes {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

/** Reads a 64-bit big-endian unsigned integer; values above 2^53 - 1 throw 'malformed'. */
export function readU64be(bytes: Bytes, offset: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, false);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new VaultError('malformed', 'revision out of range');
  return Number(v);
}

/** A string's UTF-8 bytes prefixed by their 16-bit big-endian length. */
export function lengthPrefixed(text: string): Bytes {
  const b = utf8(text);
  return concatBytes(u16be(b.length), b);
}

/** Checks and returns a user id usable in associated data. */
export function checkUserId(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0 || utf8(userId).length > MAX_USER_ID_BYTES) {
    throw new VaultError('invalid_argument', 'userId must be a non-empty string of at most 1024 UTF-8 bytes');
  }
  return userId;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a note id (a UUID) and returns its canonical lowercase form, as used in associated data. */
export function canonicalNoteId(noteId: unknown): string {
  const id = typeof noteId === 'string' ? noteId.toLowerCase() : '';
  if (!UUID_RE.test(id)) throw new VaultError('invalid_argument', 'noteId must be a UUID');
  return id;
}

/** Checks a revision: an integer from 0 to 2^53 - 1. */
export function checkRevision(revision: unknown): number {
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new VaultError('invalid_argument', 'revision must be a non-negative safe integer');
  }
  return revision;
}

/** Overwrites a buffer with zeros (best effort: JavaScript may hold copies elsewhere). */
export function wipe(...buffers: (Bytes | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
