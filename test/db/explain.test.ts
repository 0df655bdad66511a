import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '../../src/db/as-user.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { vectorLiteral } from './seed.ts';

// The guide's three queries, on a table big enough that the planner prefers the indexes:
// 200 users with 100 notes each (20,000 notes), 20 clusters each; one user's notes carry embeddings.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`query plans on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let user: string;

    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      await scratch.db.exec(`
        ALTER TABLE notes DISABLE TRIGGER notes_audit;
        INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 200) g;
        INSERT INTO clusters (name, user_id) SELECT 'cluster ' || g, u.id FROM users u, generate_series(1, 20) g;
        INSERT INTO notes (content, tags, user_id, cluster_id, created_at)
          SELECT 'note ' || g || ' about things', ARRAY['t' || (g % 7)], u.id,
                 (SELECT c.id FROM clusters c WHERE c.user_id = u.id AND c.name = 'cluster ' || (1 + g % 20)),
                 now() - g * interval '1 minute'
          FROM users u, generate_series(1, 100) g;
        ALTER TABLE notes ENABLE TRIGGER notes_audit;
      `);
      [{ id: user }] = (await scratch.db.query<{ id: string }>(`SELECT id FROM users WHERE email = 'u1@example.com'`)) as [{ id: string }];
      await scratch.db.query(`UPDATE notes SET embedding = $1 WHERE user_id = $2`, [vectorLiteral(3), user]);
      await scratch.db.exec('ANALYZE');
    }, 300_000);
    afterAll(() => scratch?.drop());

    const plan = async (sql: string, params: unknown[]) =>
      (await asUser(scratch.db, user, (tx) => tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)))
        .map((r) => r['QUERY PLAN'])
        .join('\n');

    it('similar notes for a user use an index on notes, not a sequential scan', async () => {
      const p = await plan(
        `SELECT id, content, 1 - (embedding <=> $1) AS similarity FROM notes WHERE user_id = $2 ORDER BY embedding <=> $1 LIMIT 10`,
        [vectorLiteral(5), user],
      );
      expect(p).toMatch(/Index (Only )?Scan.* on notes|Bitmap Index Scan on idx_notes_/);
      expect(p).not.toMatch(/Seq Scan on notes/);
    });

    it("a user's latest notes walk the user + time index", async () => {
      const p = await plan(`SELECT * FROM notes WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20`, [user]);
      expect(p).toMatch(/Index Scan Backward using idx_notes_user_created/);
      expect(p).not.toMatch(/Seq Scan/);
    });

    it('clusters with note counts use the per-user and per-cluster indexes', async () => {
      const p = await plan(
        `SELECT c.*, COUNT(n.id) AS note_count FROM clusters c LEFT JOIN notes n ON c.id = n.cluster_id
         WHERE c.user_id = $1 GROUP BY c.id ORDER BY c.created_at DESC`,
        [user],
      );
      expect(p).toMatch(/idx_clusters_user/);
      expect(p).not.toMatch(/Seq Scan on notes/);
    });
  });
}
