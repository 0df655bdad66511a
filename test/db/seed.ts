import type { SqlSession } from '../../src/db/session.ts';

/** A 1536-d vector literal whose direction is set by `seed` (for similarity tests). */
export function vectorLiteral(seed: number): string {
  const v = Array.from({ length: 1536 }, (_, i) => Math.sin(seed * 7.1 + i * 0.37) + (i % 11 === seed % 11 ? 1 : 0));
  return `[${v.map((x) => x.toFixed(5)).join(',')}]`;
}

/** One user's rows in every user table, written as the database owner (no RLS in the way). */
export async function seedUser(s: SqlSession, email: string, n = 3): Promise<string> {
  const [user] = await s.query<{ id: string }>('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
  const id = user!.id;
  const [cluster] = await s.query<{ id: string }>(
    'INSERT INTO clusters (name, user_id) VALUES ($1, $2) RETURNING id',
    [`${email} topics`, id],
  );
  for (let i = 0; i < n; i++) {
    await s.query(
      'INSERT INTO notes (content, tags, embedding, user_id, cluster_id) VALUES ($1, $2, $3, $4, $5)',
      [`note ${i} of ${email}`, [`t${i}`, 'shared'], vectorLiteral(i), id, cluster!.id],
    );
  }
  await s.query('INSERT INTO stacks (name, pinned, user_id) VALUES ($1, true, $2)', [`${email} stack`, id]);
  await s.query(
    `INSERT INTO insights (title, content, week_start, week_end, user_id)
     VALUES ($1, 'content', '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z', $2)`,
    [`${email} week`, id],
  );
  await s.query(`INSERT INTO vault_notes (ciphertext, iv, salt, user_id) VALUES ('Y2lwaGVy', 'aXY=', 'c2FsdA==', $1)`, [id]);
  return id;
}

/** The five user tables of the guide. */
export const USER_TABLES = ['notes', 'clusters', 'stacks', 'insights', 'vault_notes'] as const;
