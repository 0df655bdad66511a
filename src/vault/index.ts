// MindStorm's end-to-end encrypted vault format, shared by the web UI and the CLI (Web Crypto + hash-wasm only).
// The format is specified in docs/vault.md.
export { VaultError, isVaultError, type VaultErrorCode } from './errors.ts';
export { toBase64, fromBase64 } from './base64.ts';
export { FORMAT_VERSION } from './format.ts';
export { newNoteId } from './random.ts';
export {
  ARGON2ID_DEFAULT, ARGON2ID_FLOOR, PBKDF2_DEFAULT, KDF_LIMITS, checkKdfConfig, defaultKdf,
  type KdfConfig, type Argon2idConfig, type Pbkdf2Config,
} from './kdf.ts';
export { parseHeader, serializeHeader, type VaultEnvelope, type EnvelopeKdf, type ParsedHeader, type KeyWrap } from './header.ts';
export { formatRecoveryKey, parseRecoveryKey } from './recovery-key.ts';
export {
  createVault, unlockVault, unlockWithRecoveryKey, changePassphrase, resetRecoveryKey, hasRecoveryKey,
  type VaultKey, type CreateVaultOptions, type ChangePassphraseOptions,
} from './vault.ts';
export {
  encryptNote, decryptNote, peekNoteRecord,
  type NotePlaintext, type VaultNoteRecord, type EncryptNoteOptions, type DecryptNoteOptions,
} from './note-crypto.ts';
export { RevisionTracker, type RevisionStore, type RevisionCheck } from './revision-tracker.ts';
export { padme } from './padding.ts';
