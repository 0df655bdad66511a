import { and, arrayContains, desc, eq, gte, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { UserTx } from '../as-user.ts';
import { clusters, notes } from '../schema.ts';

/** A note as the product sees it (the embedding stays in the database). */
export interface NoteRow {
  id: string;
  content: string;
  tags: string[];
  clusterId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** Where a page of notes starts: the (created_at in microseconds, id) of the last note seen. */
export interface NoteCursor {
  micros: string;
  id: string;
}

/** Filters of the notes list. */
export interface NoteFilters {
  tag?: string;
  clusterId?: string;
  from?: Date;
  to?: Date;
}

export const noteColumns = {
  id: notes.id,
  content: notes.content,
  tags: notes.tags,
  clusterId: notes.clusterId,
  createdAt: notes.createdAt,
  updatedAt: notes.updatedAt,
  deletedAt: notes.deletedAt,
};

// created_at to the microsecond, as text: JavaScript dates stop at milliseconds.
const createdMicros = sql<string>`(extract(epoch from ${notes.createdAt}) * 1000000)::bigint::text`;

/** Writes a new note. */
export async function insertNote(tx: UserTx, userId: string, content: string, tags: string[]): Promise<NoteRow> {
  const [row] = await tx.orm.insert(notes).values({ userId, content, tags }).returning(noteColumns);
  return row!;
}

/** One note of the user's, live or (with trashed) in the trash. */
export async function getNote(tx: UserTx, userId: string, id: string, trashed = false): Promise<NoteRow | null> {
  const rows = await tx.orm
    .select(noteColumns)
    .from(notes)
    .where(and(eq(notes.id, id), eq(notes.userId, userId), trashed ? isNotNull(notes.deletedAt) : isNull(notes.deletedAt)));
  return rows[0] ?? null;
}

/** Whether the user has this cluster. */
export async function clusterExists(tx: UserTx, userId: string, clusterId: string): Promise<boolean> {
  const rows = await tx.orm.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.id, clusterId), eq(clusters.userId, userId)));
  return rows.length > 0;
}

/**
 * Changes a live note; a new content drops the stale embedding. Setting clusterId is the user's move: the note is
 * pinned there (null: in no cluster) and re-clustering leaves it. Null when there is no such note.
 */
export async function updateNote(
  tx: UserTx,
  userId: string,
  id: string,
  patch: { content?: string; tags?: string[]; clusterId?: string | null },
): Promise<NoteRow | null> {
  const set: Partial<typeof notes.$inferInsert> = { ...patch };
  if (patch.clusterId !== undefined) set.clusterPinned = true;
  if (patch.content !== undefined) {
    // the vector (and the model that made it) stays only if the text is the same
    set.embedding = sql`CASE WHEN ${notes.content} = ${patch.content} THEN ${notes.embedding} END` as never;
    set.embeddingModel = sql`CASE WHEN ${notes.content} = ${patch.content} THEN ${notes.embeddingModel} END` as never;
  }
  const rows = await tx.orm
    .update(notes)
    .set(set)
    .where(and(eq(notes.id, id), eq(notes.userId, userId), isNull(notes.deletedAt)))
    .returning(noteColumns);
  return rows[0] ?? null;
}

/** Moves a live note to the trash. */
export async function trashNote(tx: UserTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx.orm
    .update(notes)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(notes.id, id), eq(notes.userId, userId), isNull(notes.deletedAt)))
    .returning({ id: notes.id });
  return rows.length > 0;
}

/** Brings a note back from the trash. */
export async function restoreNote(tx: UserTx, userId: string, id: string): Promise<NoteRow | null> {
  const rows = await tx.orm
    .update(notes)
    .set({ deletedAt: null })
    .where(and(eq(notes.id, id), eq(notes.userId, userId), isNotNull(notes.deletedAt)))
    .returning(noteColumns);
  return rows[0] ?? null;
}

/** A page of live notes, newest first, after the cursor; one more than limit tells there is more. */
export async function listNotes(
  tx: UserTx,
  userId: string,
  filters: NoteFilters,
  cursor: NoteCursor | null,
  limit: number,
): Promise<(NoteRow & { micros: string })[]> {
  const where: (SQL | undefined)[] = [
    eq(notes.userId, userId),
    isNull(notes.deletedAt),
    filters.tag ? arrayContains(notes.tags, [filters.tag]) : undefined,
    filters.clusterId ? eq(notes.clusterId, filters.clusterId) : undefined,
    filters.from ? gte(notes.createdAt, filters.from) : undefined,
    filters.to ? lt(notes.createdAt, filters.to) : undefined,
    cursor
      ? sql`(${notes.createdAt}, ${notes.id}) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`
      : undefined,
  ];
  return tx.orm
    .select({ ...noteColumns, micros: createdMicros })
    .from(notes)
    .where(and(...where))
    .orderBy(desc(notes.createdAt), desc(notes.id))
    .limit(limit + 1);
}

/** The trash, most recently deleted first. */
export function listTrash(tx: UserTx, userId: string, limit: number): Promise<NoteRow[]> {
  return tx.orm
    .select(noteColumns)
    .from(notes)
    .where(and(eq(notes.userId, userId), isNotNull(notes.deletedAt)))
    .orderBy(desc(notes.deletedAt), desc(notes.id))
    .limit(limit);
}

/** Deletes every trashed note of the user for good; returns how many. */
export async function emptyTrash(tx: UserTx, userId: string): Promise<number> {
  const rows = await tx.orm
    .delete(notes)
    .where(and(eq(notes.userId, userId), isNotNull(notes.deletedAt)))
    .returning({ id: notes.id });
  return rows.length;
}

/** Each tag of the user's live notes with how many notes carry it, commonest first. */
export async function tagCounts(tx: UserTx, userId: string): Promise<{ tag: string; count: number }[]> {
  return tx.query<{ tag: string; count: number }>(
    `SELECT tag, count(*)::int AS count FROM notes, unnest(tags) AS tag
     WHERE user_id = $1 AND deleted_at IS NULL GROUP BY tag ORDER BY count DESC, tag`,
    [userId],
  );
}
