import type { UserTx } from '../as-user.ts';
import type { SqlSession } from '../session.ts';

// The record of scheduled work: one job_runs row per job and slot. The unique (job, slot) key is
// what makes a slot run once however many servers share the database.

/** Where a run stands. */
export type RunStatus = 'running' | 'succeeded' | 'retrying' | 'failed';

/** One run of a job (a slot), with its latest attempt. */
export interface JobRunRow {
  id: number;
  job: string;
  slot: string;
  status: RunStatus;
  attempts: number;
  startedAt: Date;
  finishedAt: Date | null;
  nextAttemptAt: Date | null;
  rowsAffected: number | null;
  error: string | null;
  instance: string;
}

const cols = (t = '') => `${t}id, ${t}job, ${t}slot, ${t}status, ${t}attempts, ${t}started_at AS "startedAt",
  ${t}finished_at AS "finishedAt", ${t}next_attempt_at AS "nextAttemptAt", ${t}rows_affected AS "rowsAffected", ${t}error, ${t}instance`;
const columns = cols();
const iso = (d: Date) => d.toISOString();

/** Claims a slot for this process; null when some process has claimed it already. */
export async function claimSlot(s: SqlSession, job: string, slot: string, startedAt: Date, instance: string): Promise<JobRunRow | null> {
  const [row] = await s.query<JobRunRow>(
    `INSERT INTO job_runs (job, slot, status, attempts, started_at, instance) VALUES ($1, $2, 'running', 1, $3, $4)
     ON CONFLICT (job, slot) DO NOTHING RETURNING ${columns}`,
    [job, slot, iso(startedAt), instance],
  );
  return row ?? null;
}

/** Starts the next attempt of a failed run whose back-off has passed; null when none is due. */
export async function restartDueRetry(s: SqlSession, job: string, now: Date, instance: string): Promise<JobRunRow | null> {
  const [row] = await s.query<JobRunRow>(
    `UPDATE job_runs SET status = 'running', attempts = attempts + 1, started_at = $2, finished_at = NULL,
            next_attempt_at = NULL, instance = $3
     WHERE id = (SELECT id FROM job_runs WHERE job = $1 AND status = 'retrying' AND next_attempt_at <= $2
                 ORDER BY slot DESC LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${columns}`,
    [job, iso(now), instance],
  );
  return row ?? null;
}

/** Records how an attempt ended. */
export async function finishRun(
  s: SqlSession,
  id: number,
  end: { status: Exclude<RunStatus, 'running'>; finishedAt: Date; rowsAffected?: number | null; error?: string | null; nextAttemptAt?: Date | null },
): Promise<void> {
  await s.query(
    `UPDATE job_runs SET status = $2, finished_at = $3, rows_affected = $4, error = $5, next_attempt_at = $6 WHERE id = $1`,
    [id, end.status, iso(end.finishedAt), end.rowsAffected ?? null, end.error ?? null, end.nextAttemptAt ? iso(end.nextAttemptAt) : null],
  );
}

/**
 * Runs left 'running' by a process that stopped mid-run (seen under the job's advisory lock, so no
 * live process holds them): each counts as a failed attempt, retried at once while attempts remain.
 */
export async function interruptStale(s: SqlSession, job: string, now: Date, maxAttempts: number): Promise<number> {
  const rows = await s.query(
    `UPDATE job_runs SET status = CASE WHEN attempts < $3 AND slot NOT LIKE 'manual:%' THEN 'retrying' ELSE 'failed' END,
            finished_at = $2, next_attempt_at = $2, error = 'interrupted: the process running it stopped'
     WHERE job = $1 AND status = 'running' RETURNING id`,
    [job, iso(now), maxAttempts],
  );
  return rows.length;
}

/** Gives up the retries of older slots once a newer slot has been claimed: the new run does the same work. */
export async function closeSuperseded(s: SqlSession, job: string, slot: string, now: Date): Promise<number> {
  const rows = await s.query(
    `UPDATE job_runs SET status = 'failed', finished_at = $3, next_attempt_at = NULL,
            error = coalesce(error, '') || ' (not retried: the run of ' || $2 || ' superseded it)'
     WHERE job = $1 AND status = 'retrying' AND slot < $2 AND slot NOT LIKE 'manual:%' RETURNING id`,
    [job, slot, iso(now)],
  );
  return rows.length;
}

/** The latest run of each job, and when each last succeeded. */
export async function lastRuns(s: SqlSession): Promise<Map<string, { last: JobRunRow; lastSuccessAt: Date | null }>> {
  const rows = await s.query<JobRunRow & { lastSuccessAt: Date | null }>(
    `SELECT DISTINCT ON (r.job) ${cols('r.')},
            (SELECT max(finished_at) FROM job_runs o WHERE o.job = r.job AND o.status = 'succeeded') AS "lastSuccessAt"
     FROM job_runs r ORDER BY r.job, r.started_at DESC, r.id DESC`,
  );
  return new Map(rows.map(({ lastSuccessAt, ...last }) => [last.job, { last, lastSuccessAt }]));
}

/** When the job's last successful run started (work since then is new), or null. */
export async function lastSuccessStart(s: SqlSession, job: string): Promise<Date | null> {
  const [row] = await s.query<{ t: Date | null }>(`SELECT max(started_at) AS t FROM job_runs WHERE job = $1 AND status = 'succeeded'`, [job]);
  return row?.t ?? null;
}

/** Every run of a job, newest first (for tests and the command line). */
export function runsOf(s: SqlSession, job: string, limit = 1000): Promise<JobRunRow[]> {
  return s.query<JobRunRow>(`SELECT ${columns} FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, [job, limit]);
}

/** Users with a note written, changed or trashed since the instant (all users with notes for null; service role). */
export async function usersWithChangedNotes(tx: UserTx, since: Date | null): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `SELECT DISTINCT user_id AS id FROM notes WHERE $1::timestamptz IS NULL OR updated_at >= $1 ORDER BY 1`,
    [since ? iso(since) : null],
  );
  return rows.map((r) => r.id);
}
