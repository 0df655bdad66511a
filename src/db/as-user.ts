import type { Database } from './client.ts';
import { ormFor, type Orm } from './orm.ts';
import type { SqlSession } from './session.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A transaction in which PostgreSQL's row-level security sees one user (or the service). */
export interface UserTx extends SqlSession {
  /** The user whose rows are visible; null for the service role. */
  readonly userId: string | null;
  /** Drizzle, bound to this transaction. */
  readonly orm: Orm;
}

async function inRole<T>(db: Database, role: string, claims: object, userId: string | null, fn: (tx: UserTx) => Promise<T>) {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('request.jwt.claims', $1, true), set_config('role', $2, true)`, [
      JSON.stringify(claims),
      role,
    ]);
    return fn({ ...tx, userId, orm: ormFor(tx) });
  });
}

/**
 * Runs fn in a transaction as role `authenticated` with the user's JWT claims set, so that the
 * RLS policies themselves filter every row: a missing WHERE cannot leak another user's data.
 */
export function asUser<T>(db: Database, userId: string, fn: (tx: UserTx) => Promise<T>): Promise<T> {
  if (!UUID.test(userId)) throw new Error('asUser needs a user id (uuid)');
  return inRole(db, 'authenticated', { sub: userId, role: 'authenticated' }, userId, fn);
}

/** Runs fn in a transaction as `service_role`: system work (jobs, sign-in) that sees all users. */
export function asService<T>(db: Database, fn: (tx: UserTx) => Promise<T>): Promise<T> {
  return inRole(db, 'service_role', { role: 'service_role' }, null, fn);
}
