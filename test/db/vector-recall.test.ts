import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import type { Database } from '../../src/db/client.ts';
import { INDEX_SCAN, nearest } from '../../src/db/repos/search.repo.ts';
import { loadConfig } from '../../src/config.ts';
import { createEmbeddingProvider } from '../../src/embeddings/provider.ts';
import { SearchService, type VectorScan } from '../../src/services/search.service.ts';
import { newToken } from '../../src/services/secrets.ts';
import { backends } from '../helpers/databases.ts';
import { indexScansDuring } from '../helpers/db-checks.ts';
import { startTestServer, client, type TestServer } from '../helpers/server.ts';

// Per-user correctness of vector search: an approximate index scan filters by user only after the
// scan, and can return fewer or worse rows than asked. A user's top-10 must match the exact top-10.
// Small user: PostgreSQL 100,000 notes of 100 users, one of them owning 1,000; PGlite (WebAssembly,
// one thread) 5,000 notes of 50 users, one owning 100. Large user: more notes than an exact scan
// suits, and most of the table's vectors (the HNSW index's case).
const SMALL = { pglite: { users: 50, each: 100 }, postgres: { users: 100, each: 1_000 } };
const LARGE = { pglite: { large: 3_000, others: 500 }, postgres: { large: 12_000, others: 1_000 } };
const QUERIES = 20;

/** Bulk-loads users' notes with clustered random vectors (40 centres), then builds the HNSW index once. */
async function loadNotes(db: Database, users: { email: string; notes: number }[]): Promise<void> {
  const values = users.map((u, i) => `('${u.email}', ${u.notes}, ${i})`).join(', ');
  await db.exec(`
    ALTER TABLE notes DISABLE TRIGGER notes_audit;
    DROP INDEX idx_notes_embedding_hnsw;
    CREATE TEMP TABLE wanted (email text, notes int, ord int);
    INSERT INTO wanted VALUES ${values};
    INSERT INTO users (email) SELECT email FROM wanted ORDER BY ord;
    CREATE TEMP TABLE centres AS
      SELECT c, (SELECT array_agg(random() - 0.5) FROM generate_series(1, 1536) WHERE c >= 0) AS v FROM generate_series(0, 39) c;
    INSERT INTO notes (content, user_id, embedding, embedding_model)
      SELECT 'note ' || g, u.id,
             (SELECT array_agg(x + (random() - 0.5) * 0.8) FROM unnest((SELECT v FROM centres WHERE c = g % 40)) x)::vector(1536),
             'synthetic'
      FROM wanted w JOIN users u ON u.email = w.email, generate_series(0, w.notes - 1) g;
    SET maintenance_work_mem = '1GB';
    CREATE INDEX idx_notes_embedding_hnsw ON notes USING hnsw (embedding vector_cosine_ops);
    ANALYZE notes;
  `);
}

/** Checks a user's similar notes against the exact top-10, for the notes of that user asked. */
function recallHarness(server: () => TestServer) {
  const db = () => server().scratch.db;
  const userOf = async (email: string) => (await db().query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]))[0]!.id;
  const exactTop10 = (id: string, owner: string) =>
    asService(db(), async (tx) =>
      (
        await tx.query<{ id: string }>(
          `SELECT n.id FROM notes n, notes q WHERE q.id = $1 AND n.user_id = $2 AND n.id <> q.id AND n.deleted_at IS NULL
           ORDER BY (n.embedding <=> q.embedding) + 0, n.id LIMIT 10`,
          [id, owner],
        )
      ).map((r) => r.id),
    );
  const recall = async (owner: string, top10: (id: string) => Promise<string[]>) => {
    const asked = (await db().query<{ id: string }>('SELECT id FROM notes WHERE user_id = $1 ORDER BY id LIMIT $2', [owner, QUERIES])).map((r) => r.id);
    let hit = 0;
    for (const q of asked) {
      const exact = new Set(await exactTop10(q, owner));
      const got = await top10(q);
      expect(got).toHaveLength(10);
      hit += got.filter((id) => exact.has(id)).length;
    }
    return hit / (asked.length * 10);
  };
  const viaService = (owner: string, scan: VectorScan) => {
    const service = new SearchService(db(), createEmbeddingProvider(loadConfig({})), { scan });
    return recall(owner, async (id) => (await service.similar(owner, id, 10)).items.map((i) => i.note.id));
  };
  return { userOf, recall, viaService };
}

for (const backend of backends) {
  const skip = backend.skip ? ` (${backend.skip})` : '';

  describe.skipIf(backend.skip)(`per-user vector recall for a small user on ${backend.name}${skip}`, () => {
    let server: TestServer;
    let userId: string;
    let token: string;
    const { users, each } = SMALL[backend.name];
    const h = recallHarness(() => server);

    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false });
      const db = server.scratch.db;
      await loadNotes(db, Array.from({ length: users }, (_, i) => ({ email: `bulk${i}@example.com`, notes: each })));
      userId = await h.userOf('bulk7@example.com');
      const owned = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE user_id = $1', [userId]);
      expect(owned[0]!.n).toBe(each);
      const t = newToken('session');
      await asUser(db, userId, (tx) =>
        tx.query(`INSERT INTO auth_tokens (user_id, kind, token_hash, expires_at) VALUES ($1, 'session', $2, now() + interval '1 hour')`, [userId, t.hash]),
      );
      token = t.token;
    }, 900_000);
    afterAll(() => server?.close());

    it('similar notes from the API match the exact top-10 (recall@10 >= 0.99)', async () => {
      const api = client(server.url, token);
      const r = await h.recall(userId, async (id) => (await api.get(`/api/notes/${id}/similar?limit=10`)).body.items.map((i: { note: { id: string } }) => i.note.id));
      expect(r).toBeGreaterThanOrEqual(0.99);
    });

    it('semantic search from the API returns ten of the user\'s own notes', async () => {
      const api = client(server.url, token);
      const res = await api.get('/api/search?mode=semantic&q=note&limit=10');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(10);
      const mine = new Set((await server.scratch.db.query<{ id: string }>('SELECT id FROM notes WHERE user_id = $1', [userId])).map((r) => r.id));
      expect(res.body.items.every((i: { note: { id: string } }) => mine.has(i.note.id))).toBe(true);
    });

    it('is read exactly: the HNSW index alone would not do better for a user with few of the vectors', async () => {
      const chosen = await h.viaService(userId, 'auto');
      const indexed = await h.viaService(userId, 'index');
      expect(chosen).toBe(1);
      expect(indexed).toBeLessThanOrEqual(chosen);
    });
  });

  describe.skipIf(backend.skip)(`per-user vector recall for a large user on ${backend.name}${skip}`, () => {
    let server: TestServer;
    const { large, others } = LARGE[backend.name];
    const h = recallHarness(() => server);

    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false });
      await loadNotes(server.scratch.db, [
        { email: 'large@example.com', notes: large },
        { email: 'other@example.com', notes: others },
      ]);
    }, 900_000);
    afterAll(() => server?.close());

    it('the HNSW index with iterative scans keeps recall@10 >= 0.99, and the automatic choice too', async () => {
      const owner = await h.userOf('large@example.com');
      expect(await h.viaService(owner, 'index')).toBeGreaterThanOrEqual(0.99);
      expect(await h.viaService(owner, 'auto')).toBeGreaterThanOrEqual(0.99);
    });

    it('a pool of 100 nearest goes through the HNSW index in a transaction opened with INDEX_SCAN', async () => {
      const db = server.scratch.db;
      const owner = await h.userOf('large@example.com');
      const [{ v }] = await db.query<{ v: string }>('SELECT embedding::text AS v FROM notes WHERE user_id = $1 LIMIT 1', [owner]);
      const { result: hits, scans } = await indexScansDuring(
        db,
        owner,
        'idx_notes_embedding_hnsw',
        (tx) => nearest(tx, owner, v, { limit: 100, exact: false }),
        INDEX_SCAN,
      );
      expect(hits).toHaveLength(100);
      expect(hits.every((x, i) => i === 0 || x.cosine <= hits[i - 1]!.cosine + 1e-9)).toBe(true);
      expect(scans).toBe(1);
    });

    it("nearest to a note reads the note's vector in the same statement and still goes through the HNSW index", async () => {
      const db = server.scratch.db;
      const owner = await h.userOf('large@example.com');
      const [{ id, v }] = await db.query<{ id: string; v: string }>('SELECT id, embedding::text AS v FROM notes WHERE user_id = $1 LIMIT 1', [owner]);
      const { result: fromNote, scans } = await indexScansDuring(
        db,
        owner,
        'idx_notes_embedding_hnsw',
        (tx) => nearest(tx, owner, { noteId: id }, { limit: 100, excludeId: id, exact: false }),
        INDEX_SCAN,
      );
      const fromVector = await asUser(db, owner, (tx) => nearest(tx, owner, v, { limit: 100, excludeId: id, exact: false }), INDEX_SCAN);
      expect(fromNote).toHaveLength(100);
      expect(fromNote.map((x) => x.id)).toEqual(fromVector.map((x) => x.id));
      expect(scans).toBe(1);
    });

    it('notes at the same distance come in the order of their ids, through the index as read exactly', async () => {
      const db = server.scratch.db;
      const owner = await h.userOf('large@example.com');
      const [{ id: original, v }] = await db.query<{ id: string; v: string }>(
        'SELECT id, embedding::text AS v FROM notes WHERE user_id = $1 ORDER BY id DESC LIMIT 1',
        [owner],
      );
      const twins = await asService(db, (tx) =>
        tx.query<{ id: string }>(
          `INSERT INTO notes (content, user_id, embedding, embedding_model)
           SELECT 'twin ' || g, user_id, embedding, embedding_model FROM notes, generate_series(1, 6) g WHERE id = $1 RETURNING id`,
          [original],
        ),
      );
      const same = [original!, ...twins.map((t) => t.id)].sort();
      for (const exact of [false, true]) {
        const hits = await asUser(db, owner, (tx) => nearest(tx, owner, v, { limit: 10, exact }), exact ? {} : INDEX_SCAN);
        expect(hits.slice(0, 7).map((x) => x.id), exact ? 'exact' : 'index').toEqual(same);
      }
    });

    it('the other user of the same table still gets their own exact top-10', async () => {
      const owner = await h.userOf('other@example.com');
      expect(await h.viaService(owner, 'auto')).toBeGreaterThanOrEqual(0.99);
    });

    it('a tag on few of the notes is read exactly, a tag on many through the index, each in the exact order', async () => {
      const db = server.scratch.db;
      const owner = await h.userOf('large@example.com');
      const tagged = async (tag: string, offset: number, count: number) =>
        (
          await asService(db, (tx) =>
            tx.query<{ id: string }>(
              `UPDATE notes SET tags = ARRAY[$2] WHERE id IN (SELECT id FROM notes WHERE user_id = $1 ORDER BY id OFFSET $3 LIMIT $4) RETURNING id`,
              [owner, tag, offset, count],
            ),
          )
        ).map((r) => r.id);
      const rare = await tagged('rare', 0, 5);
      const common = await tagged('common', 5, 2_500); // more than EXACT_SCAN.small
      const service = new SearchService(db, createEmbeddingProvider(loadConfig({})), { scan: 'auto' });
      expect(await service.readsExactly(owner)).toBe(false);
      expect(await service.readsExactly(owner, 'rare')).toBe(true);
      expect(await service.readsExactly(owner, 'common')).toBe(false);
      const [{ v }] = await db.query<{ v: string }>('SELECT embedding::text AS v FROM notes WHERE id = $1', [common[0]]);
      const exactOrder = (tag: string) =>
        asService(db, async (tx) =>
          (
            await tx.query<{ id: string }>(
              `SELECT id FROM notes WHERE user_id = $1 AND $2 = ANY(tags) ORDER BY (embedding <=> $3::vector) + 0, id LIMIT 10`,
              [owner, tag, v],
            )
          ).map((r) => r.id),
        );
      const asChosen = async (tag: string) => {
        const exact = await service.readsExactly(owner, tag);
        return (await asUser(db, owner, (tx) => nearest(tx, owner, v, { limit: 10, tag, exact }), exact ? {} : INDEX_SCAN)).map((x) => x.id);
      };
      expect(await asChosen('rare')).toEqual(await exactOrder('rare'));
      expect(new Set(await exactOrder('rare'))).toEqual(new Set(rare));
      const viaIndex = new Set(await asChosen('common'));
      expect((await exactOrder('common')).filter((id) => viaIndex.has(id)).length).toBeGreaterThanOrEqual(9);
      const found = await service.search(owner, 'note', 'semantic', 10, 'rare');
      expect(new Set(found.map((r) => r.note.id))).toEqual(new Set(rare));
    });
  });
}
