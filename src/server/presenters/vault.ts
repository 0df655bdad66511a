import type { VaultKeyRow, VaultNoteRow } from '../../db/repos/vault.repo.ts';

/** The vault header exactly as the client stored it, with its timestamps. */
export const presentVaultKey = (k: VaultKeyRow) => ({
  wrappedKey: k.wrappedKey,
  kdf: k.kdf,
  createdAt: k.createdAt.toISOString(),
  updatedAt: k.updatedAt.toISOString(),
});

/** A vault note as the API shows it: the opaque record and its timestamps. */
export const presentVaultNote = (n: VaultNoteRow) => ({
  id: n.id,
  ciphertext: n.ciphertext,
  iv: n.iv,
  salt: n.salt,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
});
