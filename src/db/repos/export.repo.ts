import type { UserTx } from '../as-user.ts';
import type { SqlSession } from '../session.ts';

// Reads everything of one user for the export document, and writes it back on import. Timestamps
// travel as text to the microsecond (JavaScript dates stop at milliseconds), so an export of an
// import is identical to the original.

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const micros = (col: string) => `(extract(epoch from ${col}) * 1000000)::bigint::text`;

/** A page position: (created_at in microseconds, id) of the last row seen. */
export interface PageAfter {
  micros: string;
  id: string;
}

/** The latest applied migration (read by the owner role: schema_migrations has no RLS grants). */
export async function schemaVersion(s: SqlSession): Promise<number> {
  const [row] = await s.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  return row?.v ?? 0;
}

/** The account's exportable fields and settings (never the password hash). */
export async function exportUser(tx: UserTx, userId: string) {
  const [row] = await tx.query<{ id: string; email: string; createdAt: string; timeZone: string }>(
    `SELECT id, email, ${iso('created_at')} AS "createdAt", time_zone AS "timeZone" FROM users WHERE id = $1`,
    [userId],
  );
  return row ?? null;
}

/** Every cluster of the user, oldest first. */
export function exportClusters(tx: UserTx, userId: string) {
  return tx.query<{ id: string; name: string; userNamed: boolean; terms: string[]; createdAt: string; updatedAt: string }>(
    `SELECT id, name, user_named AS "userNamed", terms, ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt"
     FROM clusters WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
}

/** A page of notes, trash included, oldest first (keyset on created_at and id). */
export function exportNotes(tx: UserTx, userId: string, after: PageAfter | null, limit: number) {
  return tx.query<{
    id: string;
    content: string;
    tags: string[];
    clusterId: string | null;
    clusterPinned: boolean;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
    micros: string;
  }>(
    `SELECT id, content, tags, cluster_id AS "clusterId", cluster_pinned AS "clusterPinned",
            ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt",
            CASE WHEN deleted_at IS NULL THEN NULL ELSE ${iso('deleted_at')} END AS "deletedAt", ${micros('created_at')} AS micros
     FROM notes WHERE user_id = $1
       AND ($2::text IS NULL OR (created_at, id) > (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
     ORDER BY created_at, id LIMIT $4`,
    [userId, after?.micros ?? null, after?.id ?? null, limit],
  );
}

/** Every stack with its note ids in order. */
export function exportStacks(tx: UserTx, userId: string) {
  return tx.query<{ id: string; name: string; pinned: boolean; createdAt: string; updatedAt: string; noteIds: string[] }>(
    `SELECT s.id, s.name, s.pinned, ${iso('s.created_at')} AS "createdAt", ${iso('s.updated_at')} AS "updatedAt",
            coalesce((SELECT array_agg(sn.note_id ORDER BY sn.position, sn.added_at) FROM stack_notes sn
                      WHERE sn.stack_id = s.id AND sn.user_id = s.user_id), '{}') AS "noteIds"
     FROM stacks s WHERE s.user_id = $1 ORDER BY s.created_at, s.id`,
    [userId],
  );
}

/** Every insight, oldest week first. */
export function exportInsights(tx: UserTx, userId: string) {
  return tx.query<{ id: string; title: string; content: string; weekStart: string; weekEnd: string; createdAt: string }>(
    `SELECT id, title, content, ${iso('week_start')} AS "weekStart", ${iso('week_end')} AS "weekEnd", ${iso('created_at')} AS "createdAt"
     FROM insights WHERE user_id = $1 ORDER BY week_start, id`,
    [userId],
  );
}

/** The vault header, or null before set-up. */
export async function exportVaultKey(tx: UserTx, userId: string) {
  const [row] = await tx.query<{ wrappedKey: string; kdf: Record<string, unknown>; createdAt: string; updatedAt: string }>(
    `SELECT wrapped_key AS "wrappedKey", kdf, ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt"
     FROM vault_keys WHERE user_id = $1`,
    [userId],
  );
  return row ?? null;
}

/** A page of vault notes, trash included, oldest first. */
export function exportVaultNotes(tx: UserTx, userId: string, after: PageAfter | null, limit: number) {
  return tx.query<{ id: string; ciphertext: string; iv: string; salt: string; createdAt: string; updatedAt: string; deletedAt: string | null; micros: string }>(
    `SELECT id, ciphertext, iv, salt, ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt",
            CASE WHEN deleted_at IS NULL THEN NULL ELSE ${iso('deleted_at')} END AS "deletedAt", ${micros('created_at')} AS micros
     FROM vault_notes WHERE user_id = $1
       AND ($2::text IS NULL OR (created_at, id) > (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
     ORDER BY created_at, id LIMIT $4`,
    [userId, after?.micros ?? null, after?.id ?? null, limit],
  );
}

// Each insert takes rows as one JSON parameter and skips rows whose id is taken (by anyone: the
// unique index sees rows RLS hides); it returns the ids it inserted, so the caller retries the
// others under new ids.
const TABLES = {
  clusters: {
    columns: 'id, user_id, name, user_named, terms, created_at, updated_at',
    select: `r.id, $1::uuid, r."name", r."userNamed", ARRAY(SELECT jsonb_array_elements_text(r.terms)), r."createdAt", r."updatedAt"`,
    record: `id uuid, "name" text, "userNamed" boolean, terms jsonb, "createdAt" timestamptz, "updatedAt" timestamptz`,
  },
  notes: {
    columns: 'id, user_id, content, tags, cluster_id, cluster_pinned, created_at, updated_at, deleted_at',
    select: `r.id, $1::uuid, r.content, ARRAY(SELECT jsonb_array_elements_text(r.tags)), r."clusterId", r."clusterPinned", r."createdAt", r."updatedAt", r."deletedAt"`,
    record: `id uuid, content text, tags jsonb, "clusterId" uuid, "clusterPinned" boolean, "createdAt" timestamptz, "updatedAt" timestamptz, "deletedAt" timestamptz`,
  },
  stacks: {
    columns: 'id, user_id, name, pinned, created_at, updated_at',
    select: `r.id, $1::uuid, r."name", r.pinned, r."createdAt", r."updatedAt"`,
    record: `id uuid, "name" text, pinned boolean, "createdAt" timestamptz, "updatedAt" timestamptz`,
  },
  insights: {
    columns: 'id, user_id, title, content, week_start, week_end, created_at',
    select: `r.id, $1::uuid, r.title, r.content, r."weekStart", r."weekEnd", r."createdAt"`,
    record: `id uuid, title text, content text, "weekStart" timestamptz, "weekEnd" timestamptz, "createdAt" timestamptz`,
  },
  vault_notes: {
    columns: 'id, user_id, ciphertext, iv, salt, created_at, updated_at, deleted_at',
    select: `r.id, $1::uuid, r.ciphertext, r.iv, r.salt, r."createdAt", r."updatedAt", r."deletedAt"`,
    record: `id uuid, ciphertext text, iv text, salt text, "createdAt" timestamptz, "updatedAt" timestamptz, "deletedAt" timestamptz`,
  },
} as const;

/** The tables an import writes rows into by id. */
export type ImportTable = keyof typeof TABLES;

/** Inserts rows (objects keyed as the export document names fields); returns the ids inserted. */
export async function insertRows(tx: UserTx, userId: string, table: ImportTable, rows: object[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const t = TABLES[table];
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO ${table} (${t.columns})
     SELECT ${t.select} FROM jsonb_to_recordset($2::jsonb) AS r(${t.record})
     ON CONFLICT DO NOTHING RETURNING id`,
    [userId, JSON.stringify(rows)],
  );
  return new Set(inserted.map((r) => r.id));
}

/** Which of these ids the user already has in the table (a re-import into the same account). */
export async function ownIds(tx: UserTx, userId: string, table: ImportTable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(`SELECT id FROM ${table} WHERE user_id = $1 AND id = ANY($2::uuid[])`, [userId, ids]);
  return new Set(rows.map((r) => r.id));
}

/** Puts notes into a stack in the given order. */
export async function insertStackNotes(tx: UserTx, userId: string, stackId: string, noteIds: string[]): Promise<void> {
  if (noteIds.length === 0) return;
  await tx.query(
    `INSERT INTO stack_notes (stack_id, note_id, user_id, position)
     SELECT $2, n.id, $1, n.ord - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS n(id, ord)`,
    [userId, stackId, noteIds],
  );
}

/** The weeks the user already has an insight for (one per week), as microseconds. */
export async function insightWeeks(tx: UserTx, userId: string): Promise<Set<string>> {
  const rows = await tx.query<{ w: string }>(`SELECT ${micros('week_start')} AS w FROM insights WHERE user_id = $1`, [userId]);
  return new Set(rows.map((r) => r.w));
}

/** The microseconds of a timestamp (to compare weeks as the database does). */
export async function toMicros(tx: UserTx, stamps: string[]): Promise<string[]> {
  if (stamps.length === 0) return [];
  const rows = await tx.query<{ w: string }>(`SELECT ${micros('t')} AS w FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(t, o) ORDER BY o`, [stamps]);
  return rows.map((r) => r.w);
}

/** Stores the vault header unless the user has one; false when one was there. */
export async function insertVaultKey(tx: UserTx, userId: string, k: { wrappedKey: string; kdf: Record<string, unknown>; createdAt: string; updatedAt: string }): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO vault_keys (user_id, wrapped_key, kdf, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5)
     ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
    [userId, k.wrappedKey, JSON.stringify(k.kdf), k.createdAt, k.updatedAt],
  );
  return rows.length > 0;
}

/** Sets the account's time zone (the settings an export carries). */
export async function setTimeZone(tx: UserTx, userId: string, timeZone: string): Promise<void> {
  await tx.query('UPDATE users SET time_zone = $2 WHERE id = $1', [userId, timeZone]);
}

/** How many rows of each kind the user has (the import's answer, and tests). */
export async function userCounts(tx: UserTx, userId: string): Promise<Record<string, number>> {
  const [row] = await tx.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM notes WHERE user_id = $1)::int AS notes,
            (SELECT count(*) FROM clusters WHERE user_id = $1)::int AS clusters,
            (SELECT count(*) FROM stacks WHERE user_id = $1)::int AS stacks,
            (SELECT count(*) FROM insights WHERE user_id = $1)::int AS insights,
            (SELECT count(*) FROM vault_notes WHERE user_id = $1)::int AS "vaultNotes"`,
    [userId],
  );
  return row!;
}
