import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { UserTx } from '../as-user.ts';
import { notes, stackNotes, stacks } from '../schema.ts';
import { noteColumns, type NoteRow } from './notes.repo.ts';

/** A stack as the product sees it: its live notes counted, trashed ones not. */
export interface StackRow {
  id: string;
  name: string;
  pinned: boolean;
  noteCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const stackColumns = {
  id: stacks.id,
  name: stacks.name,
  pinned: stacks.pinned,
  // spelt out: Drizzle writes a lone column unqualified, which inside this subquery would mean notes.id
  noteCount: sql<number>`(SELECT count(*)::int FROM stack_notes sn JOIN notes n ON n.id = sn.note_id
    WHERE sn.stack_id = stacks.id AND n.deleted_at IS NULL)`,
  createdAt: stacks.createdAt,
  updatedAt: stacks.updatedAt,
};

/** The user's stacks: pinned first, then the most recently changed. */
export function listStacks(tx: UserTx, userId: string): Promise<StackRow[]> {
  return tx.orm
    .select(stackColumns)
    .from(stacks)
    .where(eq(stacks.userId, userId))
    .orderBy(desc(stacks.pinned), desc(stacks.updatedAt), desc(stacks.id));
}

/** One stack of the user's, or null. */
export async function getStack(tx: UserTx, userId: string, id: string): Promise<StackRow | null> {
  const rows = await tx.orm.select(stackColumns).from(stacks).where(and(eq(stacks.id, id), eq(stacks.userId, userId)));
  return rows[0] ?? null;
}

/** Locks a stack for a membership change, so concurrent changes apply one after the other; false when absent. */
export async function lockStack(tx: UserTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx.orm
    .select({ id: stacks.id })
    .from(stacks)
    .where(and(eq(stacks.id, id), eq(stacks.userId, userId)))
    .for('update');
  return rows.length > 0;
}

/** Writes a new, empty stack; returns its id. */
export async function insertStack(tx: UserTx, userId: string, name: string, pinned: boolean): Promise<string> {
  const [row] = await tx.orm.insert(stacks).values({ userId, name, pinned }).returning({ id: stacks.id });
  return row!.id;
}

/** Renames or (un)pins a stack; false when there is no such stack. */
export async function updateStack(tx: UserTx, userId: string, id: string, patch: { name?: string; pinned?: boolean }): Promise<boolean> {
  const rows = await tx.orm
    .update(stacks)
    .set(patch)
    .where(and(eq(stacks.id, id), eq(stacks.userId, userId)))
    .returning({ id: stacks.id });
  return rows.length > 0;
}

/** Marks a stack as changed now (a membership or order change touches no stack column). */
export async function touchStack(tx: UserTx, userId: string, id: string): Promise<void> {
  await tx.orm
    .update(stacks)
    .set({ updatedAt: sql`now()` })
    .where(and(eq(stacks.id, id), eq(stacks.userId, userId)));
}

/** Deletes a stack and its memberships; the notes stay. */
export async function deleteStack(tx: UserTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx.orm
    .delete(stacks)
    .where(and(eq(stacks.id, id), eq(stacks.userId, userId)))
    .returning({ id: stacks.id });
  return rows.length > 0;
}

/** The stack's live notes in their order. */
export function stackNoteRows(tx: UserTx, userId: string, stackId: string): Promise<NoteRow[]> {
  return tx.orm
    .select(noteColumns)
    .from(stackNotes)
    .innerJoin(notes, eq(notes.id, stackNotes.noteId))
    .where(and(eq(stackNotes.stackId, stackId), eq(stackNotes.userId, userId), isNull(notes.deletedAt)))
    .orderBy(asc(stackNotes.position), asc(stackNotes.addedAt), asc(stackNotes.noteId));
}

/** Which of these ids are live notes of the user's. */
export async function liveNoteIds(tx: UserTx, userId: string, ids: string[]): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    'SELECT id FROM notes WHERE id = ANY($1::uuid[]) AND user_id = $2 AND deleted_at IS NULL',
    [ids, userId],
  );
  return rows.map((r) => r.id);
}

/**
 * Makes the stack's live notes exactly noteIds, in that order. Trashed members are left alone:
 * they stay in the stack, unseen, until restored or deleted for good.
 */
export async function setStackNotes(tx: UserTx, userId: string, stackId: string, noteIds: string[]): Promise<void> {
  await tx.query(
    `DELETE FROM stack_notes sn USING notes n
     WHERE sn.stack_id = $1 AND sn.user_id = $2 AND n.id = sn.note_id AND n.deleted_at IS NULL
       AND NOT (sn.note_id = ANY($3::uuid[]))`,
    [stackId, userId, noteIds],
  );
  await tx.query(
    `INSERT INTO stack_notes (stack_id, note_id, user_id, position)
     SELECT $1, t.id, $2, t.ord FROM unnest($3::uuid[]) WITH ORDINALITY AS t(id, ord)
     ON CONFLICT (stack_id, note_id) DO UPDATE SET position = excluded.position`,
    [stackId, userId, noteIds],
  );
}

/** Puts a note at the end of the stack; false when it is there already. */
export async function appendStackNote(tx: UserTx, userId: string, stackId: string, noteId: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO stack_notes (stack_id, note_id, user_id, position)
     SELECT $1, $3, $2, coalesce(max(position), 0) + 1 FROM stack_notes WHERE stack_id = $1 AND user_id = $2
     ON CONFLICT (stack_id, note_id) DO NOTHING RETURNING note_id`,
    [stackId, userId, noteId],
  );
  return rows.length > 0;
}

/** Takes a note (live or trashed) out of the stack; false when it was not in it. */
export async function removeStackNote(tx: UserTx, userId: string, stackId: string, noteId: string): Promise<boolean> {
  const rows = await tx.orm
    .delete(stackNotes)
    .where(and(eq(stackNotes.stackId, stackId), eq(stackNotes.noteId, noteId), eq(stackNotes.userId, userId)))
    .returning({ noteId: stackNotes.noteId });
  return rows.length > 0;
}
