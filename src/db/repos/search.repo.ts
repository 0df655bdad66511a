import type { TxOptions, UserTx } from '../as-user.ts';
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

/**
 * The rankings' conditions beyond the user's live notes. A tag is either looked up (`lookup`: the
 * notes with a vector that embedded_tagged_notes() finds through the tag index, migrations 0018 and
 * 0019; under the policies no index serves `tags @> ...`) for the exact scan, which starts from the
 * tagged notes; or tested on each row (`test`) for the HNSW scan, which filters the rows it walks.
 */
function filters(o: RankOptions, params: unknown[], tag: 'lookup' | 'test'): string {
  let sql = '';
  if (o.tag) {
    params.push([o.tag]);
    sql += tag === 'lookup' ? ` AND id IN (SELECT embedded_tagged_notes($${params.length}::text[]))` : ` AND tags @> $${params.length}::text[]`;
  }
  if (o.excludeId) {
    params.push(o.excludeId);
    sql += ` AND id <> $${params.length}::uuid`;
  }
  return sql;
}

/**
 * How many live, embedded notes the user has (with `tag`, if given), counted up to `cap` (cheap for
 * large users). With a tag, the lookup itself stops at the cap: embedded_tagged_notes() counts the
 * notes of the transaction's user (auth.uid(), which asUser set to `userId`).
 */
export async function countEmbedded(tx: UserTx, userId: string, cap: number, tag?: string): Promise<number> {
  const [row] = await (tag === undefined
    ? tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM notes WHERE user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL LIMIT $2) s`,
        [userId, cap],
      )
    : tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM embedded_tagged_notes($1::text[], $2)`, [[tag], cap]));
  return row?.n ?? 0;
}

/** The planner's estimate of the rows of notes, all users' (0 until the table was first analysed). */
export async function estimatedNotes(tx: UserTx): Promise<number> {
  const [row] = await tx.query<{ n: number }>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'public.notes'::regclass`);
  return row?.n ?? 0;
}

/**
 * A note in one of hybrid search's pools: the note itself (its content cut at POOL_TEXT_CHARS, `cut`
 * when it was longer), so that the pool needs no further read.
 */
export interface PooledNote extends Hit {
  note: NoteRow;
  cut: boolean;
}

/** A note found by meaning (nearest()), with its cosine to the query, which is also its score. */
export interface PoolHit extends PooledNote {
  cosine: number;
}

/** How much of a pooled note's content is read: reranking and snippets look at no more. */
export const POOL_TEXT_CHARS = 20_000;

/** A timestamp as milliseconds since the epoch, as a JavaScript Date holds it (cheaper to read than its text). */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * What hybrid search reads of a pooled note (its live columns as NoteRow has them), beside its score.
 * A text of no more bytes than POOL_TEXT_CHARS has no more characters either, so most notes are
 * taken whole without counting their characters (UTF-8 is counted a character at a time).
 */
const POOL_COLUMNS = `CASE WHEN octet_length(content) <= ${POOL_TEXT_CHARS} THEN content ELSE left(content, ${POOL_TEXT_CHARS}) END AS content,
  octet_length(content) > ${POOL_TEXT_CHARS} AND length(content) > ${POOL_TEXT_CHARS} AS cut, tags,
  cluster_id AS "clusterId", ${epochMs('created_at')} AS "createdMs", ${epochMs('updated_at')} AS "updatedMs"`;

/** A pooled note's columns (POOL_COLUMNS and its id), as read. */
type PoolRow = Pick<NoteRow, 'id' | 'content' | 'tags' | 'clusterId'> & { cut: boolean; createdMs: number; updatedMs: number };

function pooledNote(r: PoolRow, score: number): PooledNote {
  const note: NoteRow = {
    id: r.id,
    content: r.content,
    tags: r.tags,
    clusterId: r.clusterId,
    createdAt: new Date(r.createdMs),
    updatedAt: new Date(r.updatedMs),
    deletedAt: null,
  };
  return { id: r.id, score, cut: r.cut, note };
}

/**
 * The options (asUser's) of a transaction for nearest() through the HNSW index: its settings are
 * pgvector's iterative scan, which keeps scanning until enough rows pass the per-user filter instead
 * of returning fewer than asked, and `enable_sort` off, without which the planner prefers, for a
 * pool of a hundred, to sort every row of the user (~10 µs a row: each vector is 6 KB), ten times
 * slower than the index. Only for transactions whose statements need no sort (a sort priced as
 * disabled could also bring JIT compilation).
 */
export const INDEX_SCAN: TxOptions = {
  settings: {
    'hnsw.ef_search': '150',
    'hnsw.iterative_scan': 'strict_order',
    'hnsw.max_scan_tuples': '100000',
    enable_sort: 'off',
  },
};

/** What nearest() measures from: a query's vector (pgvector text), or one of the user's notes. */
export type NearTo = string | { noteId: string };

/**
 * Nearest notes by cosine distance, each with its note. `exact` scans the user's rows (through the
 * user index) and sorts them: always right, fast for a user with up to some thousands of notes.
 * Otherwise the HNSW index, in a transaction opened with INDEX_SCAN. From a note, its vector is read
 * inside the statement (pgvector's index scan takes it from the subquery, computed once); a note
 * that is not the user's live note, or has no vector yet, gives no rows.
 */
export async function nearest(tx: UserTx, userId: string, near: NearTo, o: RankOptions & { exact: boolean }): Promise<PoolHit[]> {
  const fromNote = typeof near !== 'string';
  const params: unknown[] = [userId, fromNote ? near.noteId : near, o.limit];
  const to = fromNote ? '(SELECT embedding FROM notes WHERE id = $2::uuid AND user_id = $1 AND deleted_at IS NULL)' : '$2::vector';
  const where = `user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL${fromNote ? ` AND ${to} IS NOT NULL` : ''}${filters(o, params, o.exact ? 'lookup' : 'test')}`;
  // Both read each distance once (each computation reads the 6 KB vector from TOAST). The exact
  // scan sorts the distances alone and reads the kept notes' columns after (26% faster at 10,000);
  // OFFSET 0 keeps the planner from turning its sort into an approximate index scan.
  const rows = await tx.query<PoolRow & { d: number }>(
    o.exact
      ? `SELECT n.id, s.d, ${POOL_COLUMNS}
         FROM (SELECT id, d FROM (SELECT id, embedding <=> ${to} AS d FROM notes WHERE ${where} OFFSET 0) a ORDER BY d, id LIMIT $3) s
         JOIN notes n ON n.id = s.id`
      : `SELECT id, embedding <=> ${to} AS d, ${POOL_COLUMNS} FROM notes WHERE ${where} ORDER BY d LIMIT $3`,
    params,
  );
  // In the order of their cosines, ties by id. The index orders rows by its own distance
  // (single-precision inner products of the normalised vectors it stores), which can differ slightly
  // from the row's cosine, so near-ties could come back out of order (once in CI); the exact scan's
  // join returns its rows in no promised order.
  return rows
    .map((r) => ({ ...pooledNote(r, 1 - r.d), cosine: 1 - r.d }))
    .sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether the user's live note has its vector (`ready`), waits for one (`pending`), or is not there (`missing`). */
export async function vectorState(tx: UserTx, userId: string, id: string): Promise<'ready' | 'pending' | 'missing'> {
  const [row] = await tx.query<{ ready: boolean }>(
    'SELECT embedding IS NOT NULL AS ready FROM notes WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    [id, userId],
  );
  return row ? (row.ready ? 'ready' : 'pending') : 'missing';
}

/** Full-text ranking looks at the most recent matches only, so its cost stays bounded. */
const RECENT_MATCHES = 2000;

/**
 * PostgreSQL full-text search over the GIN index of the stored tsvector. Plain words match any of them (ranked by how
 * many and how densely), so a short natural-language query still finds notes; quotes, `-word` and
 * `or` switch to websearch syntax. The matches come ranked from ranked_matches() (migrations 0014,
 * 0016: the index cannot serve this condition under row-level security): the most recent `recent`
 * of them ranked, the best `limit` kept, each hit with its note.
 */
export async function fulltext(tx: UserTx, userId: string, query: string, o: RankOptions & { recent?: number }): Promise<PooledNote[]> {
  const params: unknown[] = [userId, query, o.limit, o.recent ?? RECENT_MATCHES, o.tag ?? null];
  const tsquery = WEBSEARCH.test(query)
    ? `websearch_to_tsquery('english', $2)`
    : `nullif(replace(plainto_tsquery('english', $2)::text, ' & ', ' | '), '')::tsquery`;
  const rows = await tx.query<PoolRow & { score: number }>(
    `SELECT n.id, m.score, ${POOL_COLUMNS}
     FROM (SELECT ${tsquery} AS q) query, ranked_matches(q, $4, $3, $5) m JOIN notes n ON n.id = m.id
     WHERE n.user_id = $1 AND n.deleted_at IS NULL
     ORDER BY m.score DESC, n.created_at DESC`,
    params,
  );
  return rows.map((r) => pooledNote(r, r.score));
}

/**
 * Websearch syntax: a quoted phrase, a word excluded with a leading `-`, or `or` between words. A
 * hyphen inside a word (`full-featured`) is plain text.
 */
const WEBSEARCH = /"|(?:^|\s)-[^\s-]|\bor\b/i;

/** The live notes behind hits. */
export async function notesByIds(tx: UserTx, userId: string, ids: string[]): Promise<Map<string, NoteRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.orm.select(noteColumns).from(notes).where(and(eq(notes.userId, userId), isNull(notes.deletedAt), inArray(notes.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}
