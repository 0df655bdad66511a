import type { UserTx } from '../as-user.ts';
import { noteColumns, type NoteRow } from './notes.repo.ts';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { notes } from '../schema.ts';

/** One ranked hit: a note id and its score in that ranking. */
export interface Hit {
  id: string;
  score: number;
}

/** Options shared by the rankings. */
export interface RankOptions {
  limit: number;
  tag?: string;
  excludeId?: string;
}

function filters(o: RankOptions, params: unknown[]): string {
  let sql = '';
  if (o.tag) {
    params.push([o.tag]);
    sql += ` AND tags @> $${params.length}::text[]`;
  }
  if (o.excludeId) {
    params.push(o.excludeId);
    sql += ` AND id <> $${params.length}::uuid`;
  }
  return sql;
}

/** How many live, embedded notes the user has, counted up to `cap` (cheap for large users). */
export async function countEmbedded(tx: UserTx, userId: string, cap: number): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM notes WHERE user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL LIMIT $2) s`,
    [userId, cap],
  );
  return row?.n ?? 0;
}

/**
 * Nearest notes by cosine distance. `exact` scans the user's rows (through the user index) and
 * sorts them: always right, fast for a user with up to some thousands of notes. Otherwise the
 * HNSW index with pgvector's iterative scan, which keeps scanning until enough rows pass the
 * per-user filter instead of returning fewer than asked.
 */
export async function nearest(tx: UserTx, userId: string, vector: string, o: RankOptions & { exact: boolean }): Promise<Hit[]> {
  const params: unknown[] = [userId, vector, o.limit];
  const where = `user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL${filters(o, params)}`;
  if (o.exact) {
    // OFFSET 0 keeps the planner from turning the sort into an approximate index scan
    return tx.query<Hit>(
      `SELECT id, 1 - d AS score FROM (SELECT id, embedding <=> $2::vector AS d FROM notes WHERE ${where} OFFSET 0) s
       ORDER BY d, id LIMIT $3`,
      params,
    );
  }
  await tx.query(
    `SELECT set_config('hnsw.ef_search', '200', true), set_config('hnsw.iterative_scan', 'strict_order', true),
            set_config('hnsw.max_scan_tuples', '100000', true)`,
  );
  return tx.query<Hit>(
    `SELECT id, 1 - (embedding <=> $2::vector) AS score FROM notes WHERE ${where} ORDER BY embedding <=> $2::vector LIMIT $3`,
    params,
  );
}

/** The note's own vector, as pgvector text, or null while it waits for one. */
export async function vectorOf(tx: UserTx, userId: string, id: string): Promise<string | null | undefined> {
  const [row] = await tx.query<{ v: string | null }>(
    'SELECT embedding::text AS v FROM notes WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    [id, userId],
  );
  return row ? row.v : undefined;
}

/** Full-text ranking looks at the most recent matches only, so its cost stays bounded. */
const RECENT_MATCHES = 2000;

/**
 * PostgreSQL full-text search over the GIN index of the stored tsvector. Plain words match any of them (ranked by how
 * many and how densely), so a short natural-language query still finds notes; quotes, `-word` and
 * `or` switch to websearch syntax.
 */
export function fulltext(tx: UserTx, userId: string, query: string, o: RankOptions): Promise<Hit[]> {
  const params: unknown[] = [userId, query, o.limit, RECENT_MATCHES];
  const tsquery = /["-]|\bor\b/i.test(query)
    ? `websearch_to_tsquery('english', $2)`
    : `nullif(replace(plainto_tsquery('english', $2)::text, ' & ', ' | '), '')::tsquery`;
  return tx.query<Hit>(
    `SELECT id, ts_rank_cd(search_vector, q, 1) AS score FROM (
       SELECT id, search_vector, created_at, q FROM notes, (SELECT ${tsquery} AS q) query
       WHERE user_id = $1 AND deleted_at IS NULL AND search_vector @@ q${filters(o, params)}
       ORDER BY created_at DESC LIMIT $4) matches
     ORDER BY score DESC, created_at DESC LIMIT $3`,
    params,
  );
}

/** Candidates of hybrid search: their text (the first 20,000 characters) and cosine to the query. */
export function candidates(tx: UserTx, userId: string, ids: string[], vector: string): Promise<{ id: string; text: string; cosine: number }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return tx.query(
    `SELECT id, left(content, 20000) AS text, coalesce(1 - (embedding <=> $3::vector), 0) AS cosine
     FROM notes WHERE user_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
    [userId, ids, vector],
  );
}

/** The live notes behind hits. */
export async function notesByIds(tx: UserTx, userId: string, ids: string[]): Promise<Map<string, NoteRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.orm.select(noteColumns).from(notes).where(and(eq(notes.userId, userId), isNull(notes.deletedAt), inArray(notes.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The notes behind hits, each with a highlighted snippet (terms between \u0001 and \u0002). */
export async function notesWithSnippets(
  tx: UserTx,
  userId: string,
  ids: string[],
  query: string,
): Promise<Map<string, NoteRow & { snippet: string }>> {
  if (ids.length === 0) return new Map();
  const rows = [...(await notesByIds(tx, userId, ids)).values()];
  const snippets = await tx.query<{ id: string; s: string }>(
    `SELECT id, ts_headline('english', left(content, 20000),
              coalesce(nullif(replace(plainto_tsquery('english', $3)::text, ' & ', ' | '), '')::tsquery, plainto_tsquery('english', $3)),
              'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS s
     FROM notes WHERE user_id = $1 AND id = ANY($2::uuid[])`,
    [userId, ids, query],
  );
  const byId = new Map(snippets.map((s) => [s.id, s.s]));
  return new Map(rows.map((r) => [r.id, { ...r, snippet: byId.get(r.id) ?? '' }]));
}
