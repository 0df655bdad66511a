import type { Database } from '../db/client.ts';
import { asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/vault.repo.ts';
import type { VaultKeyRow, VaultNoteRow, VaultRecord } from '../db/repos/vault.repo.ts';
import { AppError, notFound } from '../errors.ts';
import { decodeCursor, encodeCursor } from './notes.service.ts';

/** Base64 characters of a vault note's ciphertext: a 100 KB note, padded and sealed (docs/vault.md), fits. */
export const MAX_CIPHERTEXT_CHARS = 140 * 1024;
/** The KDF settings are a few named numbers and a salt; 2 KB of JSON is plenty. */
export const MAX_KDF_BYTES = 2048;
/** The wrap block is 62 or 138 bytes in format version 1; room for later versions, not for payloads. */
export const MAX_WRAPPED_KEY_CHARS = 1024;

function checkSize(what: string, size: number, max: number, unit: string): void {
  if (size > max) throw new AppError('payload_too_large', `${what} is too large: at most ${max} ${unit}`);
}

function checkRecord(record: VaultRecord): VaultRecord {
  checkSize('ciphertext', record.ciphertext.length, MAX_CIPHERTEXT_CHARS, 'base64 characters');
  return { ciphertext: record.ciphertext, iv: record.iv, salt: record.salt };
}

/**
 * The vault's storage: the key envelope and encrypted notes, kept as opaque strings. Nothing
 * here decrypts, indexes, embeds or logs them; the client does all the cryptography.
 */
export class VaultService {
  constructor(private readonly db: Database) {}

  /** The user's vault header; not_found before set-up. */
  async getKey(userId: string): Promise<VaultKeyRow> {
    const key = await asUser(this.db, userId, (tx) => repo.getVaultKey(tx, userId));
    if (!key) throw notFound('vault key');
    return key;
  }

  /** Sets up the vault, or replaces its header (a passphrase change or new recovery key). */
  putKey(userId: string, wrappedKey: string, kdf: Record<string, unknown>): Promise<VaultKeyRow> {
    checkSize('wrappedKey', wrappedKey.length, MAX_WRAPPED_KEY_CHARS, 'base64 characters');
    checkSize('kdf', Buffer.byteLength(JSON.stringify(kdf), 'utf8'), MAX_KDF_BYTES, 'bytes of JSON');
    return asUser(this.db, userId, (tx) => repo.putVaultKey(tx, userId, wrappedKey, kdf));
  }

  /** A page of live vault notes, newest first (the same cursor scheme as notes). */
  async list(userId: string, cursor: string | undefined, limit: number) {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await asUser(this.db, userId, (tx) => repo.listVaultNotes(tx, userId, after, limit));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ micros: _m, ...note }) => note),
      nextCursor: rows.length > limit && last ? encodeCursor({ micros: last.micros, id: last.id }) : null,
    };
  }

  /** Stores a new vault note under the id the client encrypted it for; conflict when the id is taken. */
  async create(userId: string, id: string | undefined, record: VaultRecord): Promise<VaultNoteRow> {
    const clean = checkRecord(record);
    const note = await asUser(this.db, userId, (tx) => repo.insertVaultNote(tx, userId, id?.toLowerCase(), clean));
    if (!note) throw new AppError('conflict', 'a vault note with this id already exists');
    return note;
  }

  /** One live vault note. */
  async get(userId: string, id: string): Promise<VaultNoteRow> {
    const note = await asUser(this.db, userId, (tx) => repo.getVaultNote(tx, userId, id));
    if (!note) throw notFound('vault note');
    return note;
  }

  /** Replaces a vault note's record with a newer save. */
  async replace(userId: string, id: string, record: VaultRecord): Promise<VaultNoteRow> {
    const clean = checkRecord(record);
    const note = await asUser(this.db, userId, (tx) => repo.replaceVaultNote(tx, userId, id, clean));
    if (!note) throw notFound('vault note');
    return note;
  }

  /** Moves a vault note to the trash (purged after 30 days). */
  async trash(userId: string, id: string): Promise<void> {
    if (!(await asUser(this.db, userId, (tx) => repo.trashVaultNote(tx, userId, id)))) throw notFound('vault note');
  }
}
