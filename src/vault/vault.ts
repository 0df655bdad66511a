// Creating, unlocking and re-keying a vault. The vault key lives in memory as a non-extractable HKDF CryptoKey;
// its raw bytes exist only briefly inside createVault / changePassphrase / resetRecoveryKey and are wiped after.
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';
import {
  FORMAT_VERSION, INFO_RECOVERY_KEK, IV_BYTES, KDF_SALT_BYTES, RECOVERY_SALT_BYTES, VAULT_KEY_BYTES,
  checkUserId, utf8, wipe,
} from './format.ts';
import { type ParsedHeader, type KeyWrap, type VaultEnvelope, parseHeader, passphraseWrapAad, recoveryWrapAad, serializeHeader } from './header.ts';
import { checkKdfConfig, defaultKdf, deriveKek, passphraseBytes, type KdfConfig } from './kdf.ts';
import { randomBytes, subtle } from './random.ts';
import { generateRecoveryKey, parseRecoveryKey } from './recovery-key.ts';

/** The unlocked vault key: a non-extractable HKDF CryptoKey that can only derive per-note keys. */
export type VaultKey = CryptoKey;

/** Imports 32 raw bytes as the in-memory vault key (non-extractable HKDF key material). */
export async function importVaultKey(raw: Bytes): Promise<VaultKey> {
  if (raw.length !== VAULT_KEY_BYTES) throw new VaultError('invalid_argument', 'a vault key has 32 bytes');
  return subtle().importKey('raw', raw, 'HKDF', false, ['deriveKey', 'deriveBits']);
}

async function importKek(kekBytes: Bytes): Promise<CryptoKey> {
  return subtle().importKey('raw', kekBytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt', 'unwrapKey']);
}

async function recoveryKek(recoveryBytes: Bytes, salt: Bytes): Promise<CryptoKey> {
  const s = subtle();
  const ikm = await s.importKey('raw', recoveryBytes, 'HKDF', false, ['deriveKey']);
  return s.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8(INFO_RECOVERY_KEK) },
    ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt', 'unwrapKey'],
  );
}

async function seal(kek: CryptoKey, rawVaultKey: Bytes, aad: Bytes, iv: Bytes): Promise<KeyWrap> {
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, kek, rawVaultKey);
  return { iv, ciphertext: new Uint8Array(ct) };
}

const unlockFailed = () => new VaultError('unlock_failed', 'could not unlock the vault: wrong passphrase or recovery key, or the vault header was altered');

/** Opens a wrap directly into a non-extractable vault key; any failure is 'unlock_failed'. */
async function openAsVaultKey(kek: CryptoKey, wrap: KeyWrap, aad: Bytes): Promise<VaultKey> {
  try {
    return await subtle().unwrapKey('raw', wrap.ciphertext, kek, { name: 'AES-GCM', iv: wrap.iv, additionalData: aad, tagLength: 128 }, 'HKDF', false, ['deriveKey', 'deriveBits']);
  } catch {
    throw unlockFailed();
  }
}

/** Opens a wrap to raw bytes (only for re-wrapping); any failure is 'unlock_failed'. Caller wipes. */
async function openRaw(kek: CryptoKey, wrap: KeyWrap, aad: Bytes): Promise<Bytes> {
  let raw: Bytes;
  try {
    raw = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: wrap.iv, additionalData: aad, tagLength: 128 }, kek, wrap.ciphertext));
  } catch {
    throw unlockFailed();
  }
  if (raw.length !== VAULT_KEY_BYTES) throw unlockFailed();
  return raw;
}

/** @internal Wraps raw vault key bytes for the passphrase slot with a given KEK and IV (tests, re-keying). */
export async function sealPassphraseSlot(rawVaultKey: Bytes, kekBytes: Bytes, kdf: KdfConfig, kdfSalt: Bytes, userId: string, iv: Bytes): Promise<KeyWrap> {
  return seal(await importKek(kekBytes), rawVaultKey, passphraseWrapAad(FORMAT_VERSION, kdf, kdfSalt, userId), iv);
}

/** @internal Wraps raw vault key bytes for the recovery slot with a given recovery key, salt and IV. */
export async function sealRecoverySlot(rawVaultKey: Bytes, recoveryBytes: Bytes, salt: Bytes, userId: string, iv: Bytes): Promise<KeyWrap & { salt: Bytes }> {
  const wrap = await seal(await recoveryKek(recoveryBytes, salt), rawVaultKey, recoveryWrapAad(FORMAT_VERSION, salt, userId), iv);
  return { salt, ...wrap };
}

/** @internal unlockVault after key derivation: opens the passphrase slot of a parsed header with a KEK. */
export async function unlockWithKek(parsed: ParsedHeader, kekBytes: Bytes, userId: string): Promise<VaultKey> {
  const aad = passphraseWrapAad(parsed.version, parsed.kdf, parsed.kdfSalt, checkUserId(userId));
  return openAsVaultKey(await importKek(kekBytes), parsed.passphraseWrap, aad);
}

async function newPassphraseSlot(rawVaultKey: Bytes, passphrase: string, kdf: KdfConfig, userId: string) {
  const kdfSalt = randomBytes(KDF_SALT_BYTES);
  const kekBytes = await deriveKek(passphrase, kdf, kdfSalt);
  try {
    return { kdfSalt, wrap: await sealPassphraseSlot(rawVaultKey, kekBytes, kdf, kdfSalt, userId, randomBytes(IV_BYTES)) };
  } finally {
    wipe(kekBytes);
  }
}

/** Options for createVault. */
export interface CreateVaultOptions {
  passphrase: string;
  userId: string;
  /** Defaults to Argon2id 64 MiB / 3 passes / 4 lanes (PBKDF2 600,000 where WebAssembly is unavailable). */
  kdf?: KdfConfig;
  /** Also make a recovery key (default true). */
  recovery?: boolean;
}

/** Creates a vault: a random 256-bit vault key wrapped under the passphrase (and a new recovery key). */
export async function createVault(opts: CreateVaultOptions): Promise<{ header: VaultEnvelope; vaultKey: VaultKey; recoveryKey?: string }> {
  const userId = checkUserId(opts.userId);
  wipe(passphraseBytes(opts.passphrase));
  const kdf = checkKdfConfig(opts.kdf ?? defaultKdf());
  const raw = randomBytes(VAULT_KEY_BYTES);
  try {
    const { kdfSalt, wrap } = await newPassphraseSlot(raw, opts.passphrase, kdf, userId);
    const parsed: ParsedHeader = { version: FORMAT_VERSION, kdf, kdfSalt, passphraseWrap: wrap };
    let recoveryKey: string | undefined;
    if (opts.recovery ?? true) {
      const rk = await generateRecoveryKey();
      try {
        parsed.recoveryWrap = await sealRecoverySlot(raw, rk.bytes, randomBytes(RECOVERY_SALT_BYTES), userId, randomBytes(IV_BYTES));
      } finally {
        wipe(rk.bytes);
      }
      recoveryKey = rk.text;
    }
    const vaultKey = await importVaultKey(raw);
    return recoveryKey === undefined ? { header: serializeHeader(parsed), vaultKey } : { header: serializeHeader(parsed), vaultKey, recoveryKey };
  } finally {
    wipe(raw);
  }
}

/** Unlocks with the passphrase. Wrong passphrase or altered header: VaultError 'unlock_failed'. */
export async function unlockVault(opts: { header: VaultEnvelope; passphrase: string; userId: string }): Promise<VaultKey> {
  const parsed = parseHeader(opts.header);
  const userId = checkUserId(opts.userId);
  const kekBytes = await deriveKek(opts.passphrase, parsed.kdf, parsed.kdfSalt);
  try {
    return await unlockWithKek(parsed, kekBytes, userId);
  } finally {
    wipe(kekBytes);
  }
}

/** Unlocks with the recovery key string. Wrong key, no recovery slot or altered header: 'unlock_failed'. */
export async function unlockWithRecoveryKey(opts: { header: VaultEnvelope; recoveryKey: string; userId: string }): Promise<VaultKey> {
  const parsed = parseHeader(opts.header);
  const userId = checkUserId(opts.userId);
  const r = parsed.recoveryWrap;
  if (!r) throw unlockFailed();
  const bytes = await parseRecoveryKey(opts.recoveryKey);
  try {
    return await openAsVaultKey(await recoveryKek(bytes, r.salt), r, recoveryWrapAad(parsed.version, r.salt, userId));
  } finally {
    wipe(bytes);
  }
}

/** Raw vault key bytes from the old passphrase or the recovery key; caller wipes. */
async function openForRekey(parsed: ParsedHeader, userId: string, auth: { oldPassphrase?: string; recoveryKey?: string }): Promise<Bytes> {
  if ((auth.oldPassphrase === undefined) === (auth.recoveryKey === undefined)) {
    throw new VaultError('invalid_argument', 'give exactly one of oldPassphrase or recoveryKey');
  }
  if (auth.oldPassphrase !== undefined) {
    const kekBytes = await deriveKek(auth.oldPassphrase, parsed.kdf, parsed.kdfSalt);
    try {
      return await openRaw(await importKek(kekBytes), parsed.passphraseWrap, passphraseWrapAad(parsed.version, parsed.kdf, parsed.kdfSalt, userId));
    } finally {
      wipe(kekBytes);
    }
  }
  const r = parsed.recoveryWrap;
  if (!r) throw unlockFailed();
  const bytes = await parseRecoveryKey(auth.recoveryKey!);
  try {
    return await openRaw(await recoveryKek(bytes, r.salt), r, recoveryWrapAad(parsed.version, r.salt, userId));
  } finally {
    wipe(bytes);
  }
}

/** Options for changePassphrase: authenticate with the old passphrase or the recovery key. */
export interface ChangePassphraseOptions {
  header: VaultEnvelope;
  userId: string;
  newPassphrase: string;
  oldPassphrase?: string;
  recoveryKey?: string;
  /** New KDF (e.g. to upgrade PBKDF2 to Argon2id); defaults to the header's current KDF. */
  kdf?: KdfConfig;
}

/**
 * Re-wraps the same vault key under a new passphrase (fresh KDF salt and IV). Notes are untouched and the
 * recovery wrap is kept as is, so the recovery key keeps working. Returns the new header and the vault key.
 */
export async function changePassphrase(opts: ChangePassphraseOptions): Promise<{ header: VaultEnvelope; vaultKey: VaultKey }> {
  const parsed = parseHeader(opts.header);
  const userId = checkUserId(opts.userId);
  wipe(passphraseBytes(opts.newPassphrase));
  const kdf = checkKdfConfig(opts.kdf ?? parsed.kdf);
  const raw = await openForRekey(parsed, userId, opts);
  try {
    const { kdfSalt, wrap } = await newPassphraseSlot(raw, opts.newPassphrase, kdf, userId);
    const next: ParsedHeader = { ...parsed, kdf, kdfSalt, passphraseWrap: wrap };
    return { header: serializeHeader(next), vaultKey: await importVaultKey(raw) };
  } finally {
    wipe(raw);
  }
}

/** Replaces (or adds) the recovery key; the old recovery key stops working. Returns the new string, shown once. */
export async function resetRecoveryKey(opts: { header: VaultEnvelope; passphrase: string; userId: string }): Promise<{ header: VaultEnvelope; recoveryKey: string }> {
  const parsed = parseHeader(opts.header);
  const userId = checkUserId(opts.userId);
  const raw = await openForRekey(parsed, userId, { oldPassphrase: opts.passphrase });
  const rk = await generateRecoveryKey();
  try {
    const recoveryWrap = await sealRecoverySlot(raw, rk.bytes, randomBytes(RECOVERY_SALT_BYTES), userId, randomBytes(IV_BYTES));
    return { header: serializeHeader({ ...parsed, recoveryWrap }), recoveryKey: rk.text };
  } finally {
    wipe(raw, rk.bytes);
  }
}

/** True when the header carries a recovery wrap (validates the header). */
export function hasRecoveryKey(header: VaultEnvelope): boolean {
  return parseHeader(header).recoveryWrap !== undefined;
}
