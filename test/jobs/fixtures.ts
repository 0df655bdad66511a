import type { SqlSession } from '../../src/db/session.ts';

/** A 1536-d vector literal with the given entries (the rest zero): directions chosen by hand. */
export function vec(entries: Record<number, number>): string {
  const v = new Array<number>(1536).fill(0);
  for (const [i, x] of Object.entries(entries)) v[Number(i)] = x;
  return `[${v.join(',')}]`;
}

/** An account, written as the database owner (no RLS in the way). */
export async function addUser(s: SqlSession, email: string, timeZone = 'UTC'): Promise<string> {
  const [row] = await s.query<{ id: string }>('INSERT INTO users (email, time_zone) VALUES ($1, $2) RETURNING id', [email, timeZone]);
  return row!.id;
}

/** A cluster of the user's. */
export async function addCluster(s: SqlSession, userId: string, name: string): Promise<string> {
  const [row] = await s.query<{ id: string }>('INSERT INTO clusters (name, user_id) VALUES ($1, $2) RETURNING id', [name, userId]);
  return row!.id;
}

/** A note written at a given instant (and possibly filed, embedded or trashed). */
export async function addNote(
  s: SqlSession,
  userId: string,
  n: { content: string; at: string; tags?: string[]; clusterId?: string | null; vector?: string | null; deletedAt?: string },
): Promise<string> {
  const [row] = await s.query<{ id: string }>(
    `INSERT INTO notes (content, tags, user_id, cluster_id, embedding, created_at, updated_at, deleted_at)
     VALUES ($1, $2, $3, $4, $5::vector, $6, $6, $7) RETURNING id`,
    [n.content, n.tags ?? [], userId, n.clusterId ?? null, n.vector ?? null, n.at, n.deletedAt ?? null],
  );
  return row!.id;
}

/** A movable clock for services and schedulers. */
export function clock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso: string) => void (t = new Date(iso).getTime()),
    advance: (ms: number) => void (t += ms),
  };
}
