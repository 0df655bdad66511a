import { escapeLiteral } from 'pg';
import type { Database } from './client.ts';
import { ormFor, type Orm } from './orm.ts';
import type { SqlSession, TransactionOptions } from './session.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A transaction in which PostgreSQL's row-level security sees one user (or the service). */
export interface UserTx extends SqlSession {
  /** The user whose rows are visible; null for the service role. */
  readonly userId: string | null;
  /** Drizzle, bound to this transaction. */
  readonly orm: Orm;
}

/** Settings of one transaction (SET LOCAL), by name. */
export type TxSettings = Readonly<Record<string, string>>;

/** How asUser opens its transaction: `settings` as SET LOCAL; `oneStatement` as SqlSession.transaction has it. */
export interface TxOptions extends Pick<TransactionOptions, 'oneStatement'> {
  settings?: TxSettings;
}

async function inRole<T>(db: Database, role: string, claims: object, userId: string | null, fn: (tx: UserTx) => Promise<T>, opts: TxOptions) {
  // the claims hold a validated uuid and fixed words, so they can open the transaction in its first round trip
  const values = { 'request.jwt.claims': JSON.stringify(claims), role, ...opts.settings };
  const begin = `SELECT ${Object.entries(values).map(([k, v]) => `set_config(${escapeLiteral(k)}, ${escapeLiteral(v)}, true)`).join(', ')}`;
  return db.transaction(
    (tx) => {
      let orm: Orm | undefined; // made on first use: binding Drizzle walks the whole schema
      return fn({ ...tx, userId, get orm() { return (orm ??= ormFor(tx)); } });
    },
    { begin, oneStatement: opts.oneStatement },
  );
}

/**
 * Runs fn in a transaction as role `authenticated` with the user's JWT claims set, so that the
 * RLS policies themselves filter every row: a missing WHERE cannot leak another user's data.
 * `settings` (fixed names and values written by MindStorm, never user input) hold for the whole
 * transaction; `oneStatement` (fn sends one statement) saves two round trips on PostgreSQL.
 */
export function asUser<T>(db: Database, userId: string, fn: (tx: UserTx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  if (!UUID.test(userId)) throw new Error('asUser needs a user id (uuid)');
  return inRole(db, 'authenticated', { sub: userId, role: 'authenticated' }, userId, fn, opts);
}

/** Runs fn in a transaction as `service_role`: system work (jobs, sign-in) that sees all users. */
export function asService<T>(db: Database, fn: (tx: UserTx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  return inRole(db, 'service_role', { role: 'service_role' }, null, fn, opts);
}
