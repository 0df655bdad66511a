import type { UserTx } from '../as-user.ts';

// Deleting what has outlived its keep: the retention_policies table says how long, and this file
// holds the only DELETE statements the retention job runs (as the service role).

/** One row of retention_policies. */
export interface RetentionPolicy {
  tableName: string;
  ageColumn: string;
  /** PostgreSQL interval text, e.g. '1 year' or '30 days'. */
  keepFor: string;
}

/**
 * The (table, age column) pairs retention may purge. A policy row naming anything else is ignored:
 * an edited policy must never turn into `DELETE FROM users` or purge live notes by created_at.
 */
export const PURGEABLE: Readonly<Record<string, string>> = {
  insights: 'created_at',
  audit_log: 'changed_at',
  notes: 'deleted_at',
  vault_notes: 'deleted_at',
  job_runs: 'started_at',
};

/** Whether a policy names a pair retention may purge. */
export const isPurgeable = (p: RetentionPolicy) => PURGEABLE[p.tableName] === p.ageColumn;

/** The retention policies, in a stable order. */
export function listPolicies(tx: UserTx): Promise<RetentionPolicy[]> {
  return tx.query<RetentionPolicy>(
    `SELECT table_name AS "tableName", age_column AS "ageColumn", keep_for::text AS "keepFor"
     FROM retention_policies ORDER BY table_name, age_column`,
  );
}

/**
 * Deletes up to `batch` rows older than the policy allows at `now` (interval arithmetic in UTC, so
 * '30 days' is 30 calendar days whatever the server's zone); returns how many went.
 */
export async function purgeBatch(tx: UserTx, policy: RetentionPolicy, now: Date, batch: number): Promise<number> {
  if (!isPurgeable(policy)) throw new Error(`retention may not purge ${policy.tableName}.${policy.ageColumn}`);
  const table = policy.tableName;
  const column = PURGEABLE[table]!;
  await tx.query(`SELECT set_config('TimeZone', 'UTC', true)`);
  const [row] = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM ${table} WHERE id IN (
         SELECT id FROM ${table} WHERE ${column} < $1::timestamptz - $2::interval ORDER BY ${column} LIMIT $3
       ) RETURNING 1
     ) SELECT count(*)::int AS n FROM gone`,
    [now.toISOString(), policy.keepFor, batch],
  );
  return row?.n ?? 0;
}
