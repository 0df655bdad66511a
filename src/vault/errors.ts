// The vault's one error class. `code` is stable and meant for programs; `message` is for people.

/** Every reason the vault format refuses or fails, as a stable string code. */
export type VaultErrorCode =
  /** Wrong passphrase or recovery key, or a tampered header: deliberately indistinguishable. */
  | 'unlock_failed'
  /** A note record failed authentication: tampered, moved to another note or user, or wrong key. */
  | 'decrypt_failed'
  /** The header or note carries a format version this client does not know. */
  | 'unsupported_version'
  /** The header names a key-derivation function this client does not know. */
  | 'unsupported_kdf'
  /** The header's KDF parameters are below the security floor (downgrade attempt or old data). */
  | 'weak_kdf'
  /** The header's KDF parameters are absurdly large (refused to avoid a denial of service). */
  | 'kdf_limits'
  /** Wrong shape, bad base64, wrong lengths, bad padding or payload. */
  | 'malformed'
  /** A note's authenticated revision differs from the revision the caller expected. */
  | 'revision_mismatch'
  /** A recovery key string has the wrong length, characters or checksum (likely a typo). */
  | 'invalid_recovery_key'
  /** The caller passed an unusable argument (empty passphrase, bad note id, bad revision...). */
  | 'invalid_argument'
  /** The platform lacks Web Crypto, or WebAssembly for Argon2id. */
  | 'unavailable';

/** The error every vault function throws for vault-level failures; never carries secrets. */
export class VaultError extends Error {
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
  }
}

/** True when `err` is a VaultError, optionally with the given code. */
export function isVaultError(err: unknown, code?: VaultErrorCode): err is VaultError {
  return err instanceof VaultError && (code === undefined || err.code === code);
}
