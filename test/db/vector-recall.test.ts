import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { loadConfig } from '../../src/config.ts';
import { createEmbeddingProvider } from '../../src/embeddings/provider.ts';
import { SearchService } from '../../src/services/search.service.ts';
import { backends } from '../helpers/databases.ts';
import { startTestServer, client, type TestServer } from '../helpers/server.ts';
import { asUser } from '../../src/db/as-user.ts';
import { newToken } from '../../src/services/secrets.ts';

// Per-user correctness of vector search: an approximate index scan filters by user only after the
// scan, and can return fewer or worse rows than asked. A user's top-10 must match the exact top-10.
// PostgreSQL: 100,000 notes of 100 users, one of them owning 1,000. PGlite (WebAssembly, one
// thread): 5,000 notes of 50 users, one owning 100.
const SIZE = { pglite: { total: 5_000, mine: 100 }, postgres: { total: 100_000, mine: 1_000 } };
const QUERIES = 20;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`per-user vector recall on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let userId: string;
    let token: string;
    let queries: string[];
    const { total, mine } = SIZE[backend.name];
    const users = total / mine;

    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false });
      const db = server.scratch.db;
      // bulk load without the index, then build it once (as a restore would)
      await db.exec(`
        ALTER TABLE notes DISABLE TRIGGER notes_audit;
        DROP INDEX idx_notes_embedding_hnsw;
        INSERT INTO users (email) SELECT 'bulk' || g || '@example.com' FROM generate_series(0, ${users - 1}) g;
        CREATE TEMP TABLE centres AS
          SELECT c, (SELECT array_agg(random() - 0.5) FROM generate_series(1, 1536) WHERE c >= 0) AS v FROM generate_series(0, 39) c;
        INSERT INTO notes (content, user_id, embedding, embedding_model)
          SELECT 'note ' || g,
                 (SELECT id FROM users WHERE email = 'bulk' || (g % ${users}) || '@example.com'),
                 (SELECT array_agg(x + (random() - 0.5) * 0.8) FROM unnest((SELECT v FROM centres WHERE c = g % 40)) x)::vector(1536),
                 'synthetic'
          FROM generate_series(0, ${total - 1}) g;
        SET maintenance_work_mem = '1GB';
        CREATE INDEX idx_notes_embedding_hnsw ON notes USING hnsw (embedding vector_cosine_ops);
        ANALYZE notes;
      `);
      [{ id: userId }] = (await db.query<{ id: string }>(`SELECT id FROM users WHERE email = 'bulk7@example.com'`)) as [{ id: string }];
      const owned = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE user_id = $1', [userId]);
      expect(owned[0]!.n).toBe(mine);
      const t = newToken('session');
      await asUser(db, userId, (tx) =>
        tx.query(`INSERT INTO auth_tokens (user_id, kind, token_hash, expires_at) VALUES ($1, 'session', $2, now() + interval '1 hour')`, [userId, t.hash]),
      );
      token = t.token;
      queries = (await db.query<{ id: string }>('SELECT id FROM notes WHERE user_id = $1 ORDER BY id LIMIT $2', [userId, QUERIES])).map((r) => r.id);
    }, 900_000);
    afterAll(() => server?.close());

    const exactTop10 = (id: string) =>
      asService(server.scratch.db, async (tx) =>
        (
          await tx.query<{ id: string }>(
            `SELECT n.id FROM notes n, notes q WHERE q.id = $1 AND n.user_id = $2 AND n.id <> q.id AND n.deleted_at IS NULL
             ORDER BY (n.embedding <=> q.embedding) + 0, n.id LIMIT 10`,
            [id, userId],
          )
        ).map((r) => r.id),
      );

    const recall = async (top10: (id: string) => Promise<string[]>) => {
      let hit = 0;
      for (const q of queries) {
        const exact = new Set(await exactTop10(q));
        const got = await top10(q);
        expect(got).toHaveLength(10);
        hit += got.filter((id) => exact.has(id)).length;
      }
      return hit / (queries.length * 10);
    };

    it('similar notes from the API match the exact top-10 (recall@10 >= 0.99)', async () => {
      const api = client(server.url, token);
      const r = await recall(async (id) => (await api.get(`/api/notes/${id}/similar?limit=10`)).body.items.map((i: { note: { id: string } }) => i.note.id));
      expect(r).toBeGreaterThanOrEqual(0.99);
    });

    it('the HNSW path with iterative scans also keeps recall@10 >= 0.99 for a small user', async () => {
      const viaIndex = new SearchService(server.scratch.db, createEmbeddingProvider(loadConfig({})), { exactScanMax: 0 });
      const r = await recall(async (id) => (await viaIndex.similar(userId, id, 10)).items.map((i) => i.note.id));
      expect(r).toBeGreaterThanOrEqual(0.99);
    });
  });
}
