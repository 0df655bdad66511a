import { drizzle, type PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import * as schema from './schema.ts';
import type { SqlSession } from './session.ts';

/** Drizzle's typed query builder, bound to one session or transaction. */
export type Orm = PgRemoteDatabase<typeof schema>;

/**
 * Binds Drizzle to a session through its proxy driver, so typed queries run inside our own
 * transactions (and so under the RLS role and claims that as-user set) on either backend.
 */
export function ormFor(session: SqlSession): Orm {
  return drizzle(
    async (text, params, method) => ({
      rows: method === 'all' ? await session.queryArrays(text, params) : await session.query(text, params),
    }),
    { schema },
  );
}
