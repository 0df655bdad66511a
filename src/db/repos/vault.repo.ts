import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { UserTx } from '../as-user.ts';
import { vaultKeys, vaultNotes } from '../schema.ts';
import type { NoteCursor } from './notes.repo.ts';

/** The user's vault header, stored as the client gave it. */
export interface VaultKeyRow {
  wrappedKey: string;
  kdf: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** An encrypted note: the server holds only these opaque base64 strings. */
export interface VaultNoteRow {
  id: string;
  ciphertext: string;
  iv: string;
  salt: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What a client uploads for a vault note. */
export type VaultRecord = Pick<VaultNoteRow, 'ciphertext' | 'iv' | 'salt'>;

const keyColumns = { wrappedKey: vaultKeys.wrappedKey, kdf: vaultKeys.kdf, createdAt: vaultKeys.createdAt, updatedAt: vaultKeys.updatedAt };

const noteColumns = {
  id: vaultNotes.id,
  ciphertext: vaultNotes.ciphertext,
  iv: vaultNotes.iv,
  salt: vaultNotes.salt,
  createdAt: vaultNotes.createdAt,
  updatedAt: vaultNotes.updatedAt,
};

// created_at to the microsecond, as text: JavaScript dates stop at milliseconds.
const createdMicros = sql<string>`(extract(epoch from ${vaultNotes.createdAt}) * 1000000)::bigint::text`;

const live = (userId: string, id: string) => and(eq(vaultNotes.id, id), eq(vaultNotes.userId, userId), isNull(vaultNotes.deletedAt));

/** The user's vault header, or null before set-up. */
export async function getVaultKey(tx: UserTx, userId: string): Promise<VaultKeyRow | null> {
  const rows = await tx.orm.select(keyColumns).from(vaultKeys).where(eq(vaultKeys.userId, userId));
  return rows[0] ?? null;
}

/** Creates or replaces the user's vault header. */
export async function putVaultKey(tx: UserTx, userId: string, wrappedKey: string, kdf: Record<string, unknown>): Promise<VaultKeyRow> {
  const [row] = await tx.orm
    .insert(vaultKeys)
    .values({ userId, wrappedKey, kdf })
    .onConflictDoUpdate({ target: vaultKeys.userId, set: { wrappedKey, kdf } })
    .returning(keyColumns);
  return row!;
}

/** Stores a new vault note under the client's id; null when that id is taken (by anyone, live or trashed). */
export async function insertVaultNote(tx: UserTx, userId: string, id: string | undefined, record: VaultRecord): Promise<VaultNoteRow | null> {
  const rows = await tx.orm
    .insert(vaultNotes)
    .values({ ...(id && { id }), userId, ...record })
    .onConflictDoNothing({ target: vaultNotes.id })
    .returning(noteColumns);
  return rows[0] ?? null;
}

/** One live vault note of the user's. */
export async function getVaultNote(tx: UserTx, userId: string, id: string): Promise<VaultNoteRow | null> {
  const rows = await tx.orm.select(noteColumns).from(vaultNotes).where(live(userId, id));
  return rows[0] ?? null;
}

/** Replaces a live vault note's record (a new save: new ciphertext, iv and salt). */
export async function replaceVaultNote(tx: UserTx, userId: string, id: string, record: VaultRecord): Promise<VaultNoteRow | null> {
  const rows = await tx.orm.update(vaultNotes).set(record).where(live(userId, id)).returning(noteColumns);
  return rows[0] ?? null;
}

/** Moves a live vault note to the trash (purged by retention after 30 days). */
export async function trashVaultNote(tx: UserTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx.orm
    .update(vaultNotes)
    .set({ deletedAt: sql`now()` })
    .where(live(userId, id))
    .returning({ id: vaultNotes.id });
  return rows.length > 0;
}

/** A page of live vault notes, newest first, after the cursor; one more than limit tells there is more. */
export function listVaultNotes(tx: UserTx, userId: string, cursor: NoteCursor | null, limit: number): Promise<(VaultNoteRow & { micros: string })[]> {
  return tx.orm
    .select({ ...noteColumns, micros: createdMicros })
    .from(vaultNotes)
    .where(
      and(
        eq(vaultNotes.userId, userId),
        isNull(vaultNotes.deletedAt),
        cursor
          ? sql`(${vaultNotes.createdAt}, ${vaultNotes.id}) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(vaultNotes.createdAt), desc(vaultNotes.id))
    .limit(limit + 1);
}
