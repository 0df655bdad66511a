import type { UserTx } from '../as-user.ts';

/** A note waiting for its vector. */
export interface PendingNote {
  id: string;
  userId: string;
  content: string;
}

/**
 * Up to `limit` live notes that need a vector: without one, or (with `staleModel`) made by another
 * model. Nothing is locked: the vectors are stored only if the text is still the same (saveVectors).
 */
export function pendingNotes(tx: UserTx, limit: number, staleModel?: string): Promise<PendingNote[]> {
  const where = staleModel
    ? 'deleted_at IS NULL AND embedding_model IS DISTINCT FROM $2'
    : 'embedding IS NULL AND deleted_at IS NULL';
  return tx.query<PendingNote>(
    `SELECT id, user_id AS "userId", content FROM notes WHERE ${where}
     ORDER BY updated_at, id LIMIT $1`,
    staleModel ? [limit, staleModel] : [limit],
  );
}

/** Cached vectors (as pgvector text) for these users' content hashes. */
export async function cachedVectors(
  tx: UserTx,
  model: string,
  keys: { userId: string; hash: Buffer }[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{ user_id: string; h: string; v: string }>(
    `SELECT c.user_id, encode(c.content_hash, 'hex') AS h, c.embedding::text AS v
     FROM embedding_cache c JOIN unnest($2::uuid[], $3::bytea[]) AS k(user_id, hash)
       ON c.user_id = k.user_id AND c.content_hash = k.hash
     WHERE c.model = $1`,
    [model, keys.map((k) => k.userId), keys.map((k) => k.hash)],
  );
  return new Map(rows.map((r) => [`${r.user_id}:${r.h}`, r.v]));
}

/** Remembers vectors by user, model and content hash. */
export async function cacheVectors(tx: UserTx, model: string, entries: { userId: string; hash: Buffer; vector: string }[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO embedding_cache (user_id, model, content_hash, embedding)
     SELECT u, $1, h, v::vector FROM unnest($2::uuid[], $3::bytea[], $4::text[]) AS t(u, h, v)
     ON CONFLICT DO NOTHING`,
    [model, entries.map((e) => e.userId), entries.map((e) => e.hash), entries.map((e) => e.vector)],
  );
}

/** Stores the notes' vectors and their model, for notes whose text has not changed meanwhile. */
export async function saveVectors(tx: UserTx, model: string, items: { id: string; content: string; vector: string }[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await tx.query(
    `UPDATE notes n SET embedding = v.e::vector, embedding_model = $4
     FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, e, content)
     WHERE n.id = v.id AND n.content = v.content AND n.deleted_at IS NULL RETURNING n.id`,
    [items.map((i) => i.id), items.map((i) => i.vector), items.map((i) => i.content), model],
  );
  return rows.length;
}

/** How many live notes wait for a vector (all users), or were made by another model. */
export async function countWaiting(tx: UserTx, staleModel?: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    staleModel
      ? 'SELECT count(*)::int AS n FROM notes WHERE deleted_at IS NULL AND embedding_model IS DISTINCT FROM $1'
      : 'SELECT count(*)::int AS n FROM notes WHERE embedding IS NULL AND deleted_at IS NULL',
    staleModel ? [staleModel] : [],
  );
  return row?.n ?? 0;
}
