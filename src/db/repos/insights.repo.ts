import type { UserTx } from '../as-user.ts';

// Weekly insights: the facts of one user's week (from notes, clusters and embeddings; never the
// vault) and the insights themselves. Instants are passed as ISO strings, the same on both backends.

/** An insight as stored. */
export interface InsightRow {
  id: string;
  title: string;
  content: string;
  weekStart: Date;
  weekEnd: Date;
  createdAt: Date;
}

/** One note of the week, with how central it is to its theme and to the whole week (cosine). */
export interface WeekNote {
  id: string;
  /** The note's first 2,000 characters: enough for an excerpt. */
  content: string;
  tags: string[];
  clusterId: string | null;
  createdAt: Date;
  words: number;
  /** Cosine similarity to the centre of the week's notes of the same theme; null without vectors. */
  centrality: number | null;
  /** Cosine similarity to the centre of all the week's notes; null without vectors. */
  weekCentrality: number | null;
}

/** A theme's notes this week, in the four weeks before, and ever before the week. */
export interface ThemeCount {
  clusterId: string;
  name: string;
  week: number;
  previous: number;
  before: number;
}

/** The older note nearest the centre of one of the week's themes. */
export interface EchoRow {
  id: string;
  content: string;
  createdAt: Date;
  clusterId: string | null;
  similarity: number;
}

/** An instant range [start, end). */
export interface Span {
  start: Date;
  end: Date;
}

const insightColumns = `id, title, content, week_start AS "weekStart", week_end AS "weekEnd", created_at AS "createdAt"`;
const iso = (d: Date) => d.toISOString();

/** The live notes written in the span (at most `limit`), oldest first. */
export function weekNotes(tx: UserTx, userId: string, span: Span, limit = 10_000): Promise<WeekNote[]> {
  return tx.query<WeekNote>(
    `WITH week AS (
       SELECT id, left(content, 2000) AS content, tags, cluster_id, created_at, embedding,
              coalesce(array_length(regexp_split_to_array(nullif(btrim(regexp_replace(content, '[^[:alnum:][:space:]]+', '', 'g')), ''), '\\s+'), 1), 0) AS words
       FROM notes WHERE user_id = $1 AND deleted_at IS NULL AND created_at >= $2 AND created_at < $3
     ),
     theme AS (SELECT cluster_id, avg(embedding) AS c FROM week WHERE embedding IS NOT NULL AND cluster_id IS NOT NULL GROUP BY cluster_id),
     whole AS (SELECT avg(embedding) AS c FROM week WHERE embedding IS NOT NULL)
     SELECT w.id, w.content, w.tags, w.cluster_id AS "clusterId", w.created_at AS "createdAt", w.words,
            1 - (w.embedding <=> t.c) AS centrality, 1 - (w.embedding <=> whole.c) AS "weekCentrality"
     FROM week w LEFT JOIN theme t ON t.cluster_id = w.cluster_id CROSS JOIN whole
     ORDER BY w.created_at, w.id LIMIT $4`,
    [userId, iso(span.start), iso(span.end), limit],
  );
}

/** How many live notes were written in each span. */
export async function countNotes(tx: UserTx, userId: string, spans: Span[]): Promise<number[]> {
  const rows = await tx.query<{ i: number; n: number }>(
    `SELECT b.i::int AS i, count(n.id)::int AS n
     FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS b(s, e, i)
     LEFT JOIN notes n ON n.user_id = $1 AND n.deleted_at IS NULL AND n.created_at >= b.s AND n.created_at < b.e
     GROUP BY b.i ORDER BY b.i`,
    [userId, spans.map((s) => iso(s.start)), spans.map((s) => iso(s.end))],
  );
  return rows.map((r) => r.n);
}

/** The themes with notes in the week, with their counts before it (`since` opens the comparison window). */
export function themeCounts(tx: UserTx, userId: string, week: Span, since: Date): Promise<ThemeCount[]> {
  return tx.query<ThemeCount>(
    `SELECT c.id AS "clusterId", c.name,
            count(*) FILTER (WHERE n.created_at >= $2)::int AS week,
            count(*) FILTER (WHERE n.created_at >= $4 AND n.created_at < $2)::int AS previous,
            count(*) FILTER (WHERE n.created_at < $2)::int AS before
     FROM notes n JOIN clusters c ON c.id = n.cluster_id AND c.user_id = n.user_id
     WHERE n.user_id = $1 AND n.deleted_at IS NULL AND n.created_at < $3
     GROUP BY c.id, c.name HAVING count(*) FILTER (WHERE n.created_at >= $2) > 0
     ORDER BY week DESC, c.name`,
    [userId, iso(week.start), iso(week.end), iso(since)],
  );
}

/** Each tag used from `since` to the week's end: notes this week and before it. */
export function tagCounts(tx: UserTx, userId: string, week: Span, since: Date): Promise<{ tag: string; week: number; previous: number }[]> {
  return tx.query(
    `SELECT tag, count(*) FILTER (WHERE created_at >= $2)::int AS week, count(*) FILTER (WHERE created_at < $2)::int AS previous
     FROM notes, unnest(tags) AS tag
     WHERE user_id = $1 AND deleted_at IS NULL AND created_at >= $4 AND created_at < $3
     GROUP BY tag ORDER BY tag`,
    [userId, iso(week.start), iso(week.end), iso(since)],
  );
}

/**
 * The older note (written before the week) nearest in meaning to the centre of one of the week's
 * five biggest themes (notes outside a theme form one group): an exact scan of the user's vectors.
 */
export async function echoNote(tx: UserTx, userId: string, week: Span): Promise<EchoRow | null> {
  const [row] = await tx.query<EchoRow>(
    `WITH groups AS (
       SELECT cluster_id, avg(embedding) AS c FROM notes
       WHERE user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL AND created_at >= $2 AND created_at < $3
       GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id LIMIT 5
     ),
     past AS (
       SELECT id, embedding FROM notes
       WHERE user_id = $1 AND deleted_at IS NULL AND embedding IS NOT NULL AND created_at < $2 OFFSET 0
     ),
     best AS (
       SELECT p.id, g.cluster_id, 1 - (p.embedding <=> g.c) AS similarity FROM past p CROSS JOIN groups g
       ORDER BY p.embedding <=> g.c, p.id LIMIT 1
     )
     SELECT n.id, left(n.content, 2000) AS content, n.created_at AS "createdAt", best.cluster_id AS "clusterId", best.similarity
     FROM best JOIN notes n ON n.id = best.id`,
    [userId, iso(week.start), iso(week.end)],
  );
  return row && Number.isFinite(row.similarity) ? row : null;
}

/** Writes the week's insight, replacing the one there was; with `keep`, an existing one stays and null is returned. */
export async function saveInsight(
  tx: UserTx,
  userId: string,
  insight: { title: string; content: string; week: Span; createdAt: Date },
  keep = false,
): Promise<InsightRow | null> {
  const onConflict = keep
    ? 'DO NOTHING'
    : 'DO UPDATE SET title = EXCLUDED.title, content = EXCLUDED.content, week_end = EXCLUDED.week_end, created_at = EXCLUDED.created_at';
  const [row] = await tx.query<InsightRow>(
    `INSERT INTO insights (user_id, title, content, week_start, week_end, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, week_start) ${onConflict} RETURNING ${insightColumns}`,
    [userId, insight.title, insight.content, iso(insight.week.start), iso(insight.week.end), iso(insight.createdAt)],
  );
  return row ?? null;
}

/** The user's insights, the newest week first. */
export function listInsights(tx: UserTx, userId: string, limit: number): Promise<InsightRow[]> {
  return tx.query<InsightRow>(`SELECT ${insightColumns} FROM insights WHERE user_id = $1 ORDER BY week_start DESC, id LIMIT $2`, [userId, limit]);
}

/** One insight of the user's, or null. */
export async function getInsight(tx: UserTx, userId: string, id: string): Promise<InsightRow | null> {
  const [row] = await tx.query<InsightRow>(`SELECT ${insightColumns} FROM insights WHERE user_id = $1 AND id = $2`, [userId, id]);
  return row ?? null;
}

/** The time zones users live in (service role): the weekly job works zone by zone. */
export async function userTimeZones(tx: UserTx): Promise<string[]> {
  const rows = await tx.query<{ tz: string }>('SELECT DISTINCT time_zone AS tz FROM users ORDER BY 1');
  return rows.map((r) => r.tz);
}

/** Users of a zone who wrote in the week and have no insight for it yet (service role). */
export async function usersDue(tx: UserTx, timeZone: string, week: Span): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `SELECT u.id FROM users u
     WHERE u.time_zone = $1
       AND EXISTS (SELECT 1 FROM notes n WHERE n.user_id = u.id AND n.deleted_at IS NULL AND n.created_at >= $2 AND n.created_at < $3)
       AND NOT EXISTS (SELECT 1 FROM insights i WHERE i.user_id = u.id AND i.week_start = $2)
     ORDER BY u.id`,
    [timeZone, iso(week.start), iso(week.end)],
  );
  return rows.map((r) => r.id);
}
