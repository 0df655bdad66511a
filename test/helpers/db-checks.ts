import { expect } from 'vitest';
import { asService, asUser, type TxOptions, type UserTx } from '../../src/db/as-user.ts';
import type { Database } from '../../src/db/client.ts';

async function scansOf(db: Database, index: string): Promise<number> {
  const [row] = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_stat_clear_snapshot()');
    return tx.query<{ n: number }>(`SELECT idx_scan::int AS n FROM pg_stat_user_indexes WHERE indexrelname = $1`, [index]);
  });
  return row!.n;
}

/** Runs fn in a transaction of the user's and counts the scans of `index` it made (pg_stat_user_indexes). */
export async function indexScansDuring<T>(
  db: Database,
  userId: string,
  index: string,
  fn: (tx: UserTx) => Promise<T>,
  opts: TxOptions = {},
): Promise<{ result: T; scans: number }> {
  await db.query('SELECT pg_stat_force_next_flush()');
  const before = await scansOf(db, index);
  const result = await asUser(
    db,
    userId,
    async (tx) => {
      const r = await fn(tx);
      await tx.query('SELECT pg_stat_force_next_flush()'); // the statistics are written when the session idles
      return r;
    },
    opts,
  );
  await new Promise((r) => setTimeout(r, 50));
  return { result, scans: (await scansOf(db, index)) - before };
}

/**
 * Checks that a statement calling one of the policies' SECURITY DEFINER functions returns nothing for
 * a session signed in as nobody, and is refused to the service role and to anonymous callers.
 */
export async function expectSignedInOnly(db: Database, sql: string): Promise<void> {
  const none = await db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('role', 'authenticated', true)`); // signed in as nobody
    return tx.query(sql);
  });
  expect(none).toEqual([]);
  await expect(asService(db, (tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
  await expect(
    db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('role', 'anon', true)`);
      return tx.query(sql);
    }),
  ).rejects.toThrow(/permission denied/);
}
