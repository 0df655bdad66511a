import type { UserTx } from '../as-user.ts';
import type { SqlSession } from '../session.ts';

/** A cluster as listed: the guide's "clusters with note counts" (live notes only). */
export interface ClusterRow {
  id: string;
  name: string;
  userNamed: boolean;
  terms: string[];
  noteCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What clustering needs of a note: its text and, when the features use them, its vector (pgvector text). */
export interface ClusterInputNote {
  id: string;
  content: string;
  embedding: string | null;
}

/** A stored cluster with its live members (for stable re-clustering). */
export interface StoredClusterRow {
  id: string;
  name: string;
  userNamed: boolean;
  noteIds: string[];
}

/** A user's stored feature model and when it was fitted. */
export interface ModelRow {
  model: Buffer;
  threshold: number;
  embeddingModel: string | null;
  noteCount: number;
  /** timestamptz as PostgreSQL's text, to the microsecond (a Date would stop at milliseconds). */
  fittedAt: string;
}

/** One note's place after clustering: cluster (null = unclustered) and map position. */
export interface Placement {
  id: string;
  clusterId: string | null;
  x: number | null;
  y: number | null;
}

const vector = (dims?: number) => (dims && dims < 1536 ? `subvector(embedding, 1, ${Math.trunc(dims)})::text` : 'embedding::text');

/** A cluster to write: centroid as Float32 bytes, and its centre on the map. */
export interface ClusterWrite {
  id: string;
  name: string;
  terms: string[];
  centroid: Buffer | null;
  x: number | null;
  y: number | null;
}

const clusterCols = `c.id, c.name, c.user_named AS "userNamed", c.terms, c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;
// Live notes per cluster of the user, in one pass over the user's notes: cluster_id is in no index of notes, so that
// clustering's writes of it are HOT updates (migration 0012).
const counts = `LEFT JOIN (SELECT cluster_id, count(*)::int AS n FROM notes WHERE user_id = $1 AND deleted_at IS NULL AND cluster_id IS NOT NULL
  GROUP BY cluster_id) k ON k.cluster_id = c.id`;
const countCol = `coalesce(k.n, 0) AS "noteCount"`;

/** Marks this transaction's writes of these columns as clustering's own (no updated_at, no audit row). */
export async function markDerived(tx: UserTx, columns: string[]): Promise<void> {
  await tx.query(`SELECT set_config('mindstorm.derived_columns', $1, true)`, [columns.join(',')]);
}

/** Serialises clustering work on one user across processes until the transaction ends. */
export async function lockUser(tx: UserTx, userId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('mindstorm.clusters'), hashtext($1))`, [userId]);
}

/** The user's clusters with their live note counts, newest first (the guide's query). */
export function listClusters(tx: UserTx, userId: string): Promise<ClusterRow[]> {
  return tx.query<ClusterRow>(
    `SELECT ${clusterCols}, ${countCol} FROM clusters c ${counts} WHERE c.user_id = $1 ORDER BY c.created_at DESC, c.id`,
    [userId],
  );
}

/** One cluster of the user's, or null. */
export async function getCluster(tx: UserTx, userId: string, id: string): Promise<ClusterRow | null> {
  const [row] = await tx.query<ClusterRow>(`SELECT ${clusterCols}, ${countCol} FROM clusters c ${counts} WHERE c.user_id = $1 AND c.id = $2`, [userId, id]);
  return row ?? null;
}

/** Whether another of the user's clusters already has this name (case-insensitive). */
export async function nameTaken(tx: UserTx, userId: string, name: string, exceptId: string): Promise<boolean> {
  const rows = await tx.query(`SELECT 1 FROM clusters WHERE user_id = $1 AND lower(name) = lower($2) AND id <> $3`, [userId, name, exceptId]);
  return rows.length > 0;
}

/** Sets a user-given name: re-clustering keeps it from now on. */
export async function renameCluster(tx: UserTx, userId: string, id: string, name: string): Promise<boolean> {
  const rows = await tx.query(`UPDATE clusters SET name = $3, user_named = true WHERE id = $1 AND user_id = $2 RETURNING id`, [id, userId, name]);
  return rows.length > 0;
}

/** Centroids (Float32 bytes) and map centres of the user's clusters; with sizes (live notes) when asked (merging). */
export function centroids(
  tx: UserTx,
  userId: string,
  withSizes = false,
): Promise<{ id: string; centroid: Buffer | null; x: number | null; y: number | null; size: number }[]> {
  const size = withSizes ? countCol.replace('"noteCount"', 'size') : '0 AS size';
  return tx.query(`SELECT c.id, c.centroid, c.map_x AS x, c.map_y AS y, ${size} FROM clusters c ${withSizes ? counts : ''} WHERE c.user_id = $1 ORDER BY c.id`, [userId]);
}

/** Moves every note of one cluster into another, pinned there (a merge is the user's move), and deletes the first. */
export async function mergeInto(tx: UserTx, userId: string, fromId: string, intoId: string, centroid: Buffer | null): Promise<void> {
  await tx.query(`UPDATE notes SET cluster_id = $3, cluster_pinned = true WHERE user_id = $1 AND cluster_id = $2`, [userId, fromId, intoId]);
  if (centroid) await tx.query(`UPDATE clusters SET centroid = $3 WHERE id = $1 AND user_id = $2`, [intoId, userId, centroid]);
  await tx.query(`DELETE FROM clusters WHERE id = $1 AND user_id = $2`, [fromId, userId]);
}

/** The user's live notes in a stable order (created_at, id), with vectors of `embeddingModel` only when asked. */
export function inputNotes(tx: UserTx, userId: string, embeddingModel: string | null, dims?: number): Promise<ClusterInputNote[]> {
  const embedding = embeddingModel ? `CASE WHEN embedding_model = $2 THEN ${vector(dims)} END` : 'NULL::text';
  return tx.query<ClusterInputNote>(
    `SELECT id, content, ${embedding} AS embedding FROM notes WHERE user_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
    embeddingModel ? [userId, embeddingModel] : [userId],
  );
}

/** Notes the user filed by hand (live ones): note id → cluster id, null meaning "in no cluster". */
export async function pinnedNotes(tx: UserTx, userId: string): Promise<Map<string, string | null>> {
  const rows = await tx.query<{ id: string; clusterId: string | null }>(
    `SELECT id, cluster_id AS "clusterId" FROM notes WHERE user_id = $1 AND cluster_pinned AND deleted_at IS NULL`,
    [userId],
  );
  return new Map(rows.map((r) => [r.id, r.clusterId]));
}

/** The user's clusters with their live members, for matchClusters. */
export function storedClusters(tx: UserTx, userId: string): Promise<StoredClusterRow[]> {
  return tx.query<StoredClusterRow>(
    `SELECT c.id, c.name, c.user_named AS "userNamed",
            coalesce(array_agg(n.id ORDER BY n.id) FILTER (WHERE n.id IS NOT NULL), '{}') AS "noteIds"
     FROM clusters c LEFT JOIN notes n ON n.cluster_id = c.id AND n.user_id = c.user_id AND n.deleted_at IS NULL
     WHERE c.user_id = $1 GROUP BY c.id ORDER BY c.created_at, c.id`,
    [userId],
  );
}

/** The transaction's timestamp, as text to the microsecond: what "clustered at" means for notes read in it. */
export async function now(tx: UserTx): Promise<string> {
  const [row] = await tx.query<{ t: string }>('SELECT now()::text AS t');
  return row!.t;
}

/** Deletes clusters the new run retired, except a user-named one that still holds pinned (trashed) notes. */
export async function deleteRetired(tx: UserTx, userId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx.query(
    `DELETE FROM clusters c WHERE c.user_id = $1 AND c.id = ANY($2::uuid[])
       AND NOT (c.user_named AND EXISTS (SELECT 1 FROM notes n WHERE n.cluster_id = c.id AND n.user_id = c.user_id AND n.cluster_pinned))
     RETURNING c.id`,
    [userId, ids],
  );
  return rows.length;
}

/** Inserts new clusters and refreshes kept ones; a user-given name is never overwritten. */
export async function upsertClusters(tx: UserTx, userId: string, items: ClusterWrite[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `INSERT INTO clusters (id, user_id, name, terms, centroid, map_x, map_y)
     SELECT v.id, $1, v.name, ARRAY(SELECT jsonb_array_elements_text(v.terms)), decode(v.centroid, 'hex'), v.x, v.y
     FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::real[], $7::real[]) AS v(id, name, terms, centroid, x, y)
     ON CONFLICT (id) DO UPDATE SET
       name = CASE WHEN clusters.user_named THEN clusters.name ELSE EXCLUDED.name END,
       terms = EXCLUDED.terms, centroid = coalesce(EXCLUDED.centroid, clusters.centroid),
       map_x = coalesce(EXCLUDED.map_x, clusters.map_x), map_y = coalesce(EXCLUDED.map_y, clusters.map_y)`,
    [
      userId,
      items.map((c) => c.id),
      items.map((c) => c.name),
      items.map((c) => JSON.stringify(c.terms)),
      items.map((c) => (c.centroid ? c.centroid.toString('hex') : null)),
      items.map((c) => c.x),
      items.map((c) => c.y),
    ],
  );
}

/**
 * Files notes in the clusters clustering chose, writing only notes whose cluster changes (each notes row written costs an
 * HNSW re-insertion). A pinned note keeps its cluster; one changed after `seenAt` is left for the next placement.
 */
export async function fileNotes(tx: UserTx, userId: string, items: Placement[], seenAt: string): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await tx.query(
    `UPDATE notes n SET cluster_id = v.c FROM unnest($2::uuid[], $3::uuid[]) AS v(id, c)
     WHERE n.id = v.id AND n.user_id = $1 AND n.deleted_at IS NULL AND NOT n.cluster_pinned
       AND n.cluster_id IS DISTINCT FROM v.c AND n.updated_at <= $4::timestamptz RETURNING n.id`,
    [userId, items.map((i) => i.id), items.map((i) => i.clusterId), seenAt],
  );
  return rows.length;
}

/**
 * Records where and when notes were placed. `replace` (a full run, which places every note) drops the placements of notes
 * not in `items` and writes only points that moved: a re-run that moved nothing writes nothing. Otherwise (incremental
 * placement) every item is written, and a null position keeps the note's old point.
 */
export async function savePlacements(tx: UserTx, userId: string, items: Placement[], at: string, replace: boolean): Promise<void> {
  const ids = items.map((i) => i.id);
  if (replace) {
    await tx.query(
      `DELETE FROM note_placements p WHERE p.user_id = $1 AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[]) AS v(id) WHERE v.id = p.note_id)`,
      [userId, ids],
    );
  }
  if (items.length === 0) return;
  const update = replace
    ? `map_x = EXCLUDED.map_x, map_y = EXCLUDED.map_y
       WHERE (note_placements.map_x, note_placements.map_y) IS DISTINCT FROM (EXCLUDED.map_x, EXCLUDED.map_y)`
    : 'map_x = coalesce(EXCLUDED.map_x, note_placements.map_x), map_y = coalesce(EXCLUDED.map_y, note_placements.map_y)';
  await tx.query(
    `INSERT INTO note_placements (note_id, user_id, map_x, map_y, placed_at)
     SELECT v.id, $1, v.x, v.y, $5::timestamptz FROM unnest($2::uuid[], $3::real[], $4::real[]) AS v(id, x, y)
       JOIN notes n ON n.id = v.id AND n.user_id = $1
     ON CONFLICT (note_id) DO UPDATE SET placed_at = EXCLUDED.placed_at, ${update}`,
    [userId, ids, items.map((i) => i.x), items.map((i) => i.y), at],
  );
}

/**
 * Live embedded notes written or changed since the last full run and not placed since (new or edited notes), oldest
 * first. The full run places every live note, so nothing older can be unplaced.
 */
export function unplacedNotes(tx: UserTx, userId: string, limit: number, embeddingModel: string | null, dims?: number) {
  const embedding = embeddingModel ? `CASE WHEN n.embedding_model = $3 THEN ${vector(dims).replace('embedding', 'n.embedding')} END` : 'NULL::text';
  return tx.query<ClusterInputNote & { clusterId: string | null }>(
    `SELECT n.id, n.content, n.cluster_id AS "clusterId", ${embedding} AS embedding FROM notes n
     WHERE n.user_id = $1 AND n.deleted_at IS NULL AND NOT n.cluster_pinned AND n.embedding IS NOT NULL
       AND n.updated_at > (SELECT m.fitted_at FROM cluster_models m WHERE m.user_id = $1)
       AND NOT EXISTS (SELECT 1 FROM note_placements p WHERE p.note_id = n.id AND p.placed_at >= n.updated_at)
     ORDER BY n.updated_at, n.id LIMIT $2`,
    embeddingModel ? [userId, limit, embeddingModel] : [userId, limit],
  );
}

/** The user's stored model, or null before the first clustering. */
export async function getModel(tx: UserTx, userId: string): Promise<ModelRow | null> {
  const [row] = await tx.query<Omit<ModelRow, 'model'> & { model: string }>(
    `SELECT encode(model, 'hex') AS model, threshold, embedding_model AS "embeddingModel", note_count AS "noteCount", fitted_at::text AS "fittedAt"
     FROM cluster_models WHERE user_id = $1`,
    [userId],
  );
  return row ? { ...row, model: Buffer.from(row.model, 'hex') } : null;
}

/** When the user's model was fitted (cheap: no model bytes). */
export async function modelStamp(tx: UserTx, userId: string): Promise<Omit<ModelRow, 'model'> | null> {
  const [row] = await tx.query<Omit<ModelRow, 'model'>>(
    `SELECT threshold, embedding_model AS "embeddingModel", note_count AS "noteCount", fitted_at::text AS "fittedAt"
     FROM cluster_models WHERE user_id = $1`,
    [userId],
  );
  return row ?? null;
}

/**
 * Stores the user's fitted model. Its bytes (megabytes) travel as hex text, here and in getModel: PGlite took 0.5 s to
 * pass 2.3 MB as a bytea parameter, 0.05 s as text.
 */
export async function saveModel(tx: UserTx, userId: string, m: ModelRow): Promise<void> {
  await tx.query(
    `INSERT INTO cluster_models (user_id, model, threshold, embedding_model, note_count, fitted_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5, $6::timestamptz)
     ON CONFLICT (user_id) DO UPDATE SET model = EXCLUDED.model, threshold = EXCLUDED.threshold,
       embedding_model = EXCLUDED.embedding_model, note_count = EXCLUDED.note_count, fitted_at = EXCLUDED.fitted_at`,
    [userId, m.model.toString('hex'), m.threshold, m.embeddingModel, m.noteCount, m.fittedAt],
  );
}

/** Live notes, how many have a vector, and how many were written or changed after the user's last full clustering. */
export async function changeCounts(tx: UserTx, userId: string): Promise<{ live: number; embedded: number; changed: number }> {
  const [row] = await tx.query<{ live: number; embedded: number; changed: number }>(
    `SELECT count(*)::int AS live, count(n.embedding)::int AS embedded,
            count(*) FILTER (WHERE m.fitted_at IS NULL OR n.updated_at > m.fitted_at)::int AS changed
     FROM notes n LEFT JOIN cluster_models m ON m.user_id = n.user_id
     WHERE n.user_id = $1 AND n.deleted_at IS NULL`,
    [userId],
  );
  return row!;
}

/** Map points: every live note with a position, and its cluster. */
export function mapPoints(tx: UserTx, userId: string): Promise<{ noteId: string; x: number; y: number; clusterId: string | null }[]> {
  return tx.query(
    `SELECT n.id AS "noteId", p.map_x AS x, p.map_y AS y, n.cluster_id AS "clusterId"
     FROM note_placements p JOIN notes n ON n.id = p.note_id AND n.user_id = p.user_id
     WHERE p.user_id = $1 AND n.deleted_at IS NULL AND p.map_x IS NOT NULL AND p.map_y IS NOT NULL ORDER BY n.created_at, n.id`,
    [userId],
  );
}

/**
 * The guide's orphaned-cluster clean-up, per user (or every user, as the service role): clusters without live notes go,
 * except one the user named that still holds notes they pinned there (in the trash, so they may come back).
 */
export async function deleteOrphans(tx: UserTx, userId: string | null): Promise<string[]> {
  const rows = await tx.query(
    `DELETE FROM clusters c WHERE ($1::uuid IS NULL OR c.user_id = $1)
       AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.cluster_id = c.id AND n.user_id = c.user_id AND n.deleted_at IS NULL)
       AND NOT (c.user_named AND EXISTS (SELECT 1 FROM notes n WHERE n.cluster_id = c.id AND n.user_id = c.user_id AND n.cluster_pinned))
     RETURNING c.user_id`,
    [userId],
  );
  return (rows as { user_id: string }[]).map((r) => r.user_id);
}

/**
 * Refreshes the planner's statistics of the tables clustering writes, after a full run (which follows many new or changed
 * notes). Without them the planner does not know how many notes a user has: placing one new note scanned all 10,000 of
 * the user's notes (15–40 ms) instead of looking it up (1 ms). PGlite runs no autovacuum at all; on PostgreSQL this
 * covers the minute or so before autovacuum analyzes a bulk import. Runs as the database owner, outside any user's
 * transaction (80 ms at 10k notes on PGlite); a server user that does not own the tables gets a warning, not an error.
 */
export async function analyzeClusteredTables(s: SqlSession): Promise<void> {
  await s.exec('ANALYZE notes, note_placements, clusters');
}
