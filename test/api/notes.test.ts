import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type Answer, type TestServer } from '../helpers/server.ts';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`notes API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(() => server?.close());

    it('creates, reads, edits and lists a note with normalised tags', async () => {
      const u = await signUp(server.url);
      const created = await u.api.post('/api/notes', { content: '# Idea\n\nUse **pgvector**.', tags: [' Ideas ', '#DB', 'ideas'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        content: '# Idea\n\nUse **pgvector**.',
        tags: ['ideas', 'db'],
        clusterId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        deletedAt: null,
      });
      const id = created.body.id;
      expect((await u.api.get(`/api/notes/${id}`)).body).toEqual(created.body);
      const edited = await u.api.patch(`/api/notes/${id}`, { content: 'changed', tags: ['Other'] });
      expect(edited.status).toBe(200);
      expect(edited.body.content).toBe('changed');
      expect(edited.body.tags).toEqual(['other']);
      expect(Date.parse(edited.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
      const list = await u.api.get('/api/notes');
      expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([id]);
      expect(list.body.nextCursor).toBeNull();
    });

    it('trashes, lists the trash, restores, and empties the trash', async () => {
      const u = await signUp(server.url);
      const a = (await u.api.post('/api/notes', { content: 'keep me' })).body;
      const b = (await u.api.post('/api/notes', { content: 'bin me' })).body;
      expect((await u.api.del(`/api/notes/${b.id}`)).status).toBe(204);
      expect((await u.api.get(`/api/notes/${b.id}`)).status).toBe(404);
      expect((await u.api.get('/api/notes')).body.items.map((n: { id: string }) => n.id)).toEqual([a.id]);
      const trash = await u.api.get('/api/trash');
      expect(trash.body.items).toHaveLength(1);
      expect(trash.body.items[0].deletedAt).toEqual(expect.any(String));
      const restored = await u.api.post(`/api/notes/${b.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body.deletedAt).toBeNull();
      expect((await u.api.post(`/api/notes/${b.id}/restore`)).status).toBe(404);
      await u.api.del(`/api/notes/${a.id}`);
      await u.api.del(`/api/notes/${b.id}`);
      expect((await u.api.del('/api/trash')).body).toEqual({ deleted: 2 });
      expect((await u.api.get('/api/trash')).body.items).toEqual([]);
      expect((await u.api.post(`/api/notes/${a.id}/restore`)).status).toBe(404);
    });

    it('filters by tag, cluster and date range, and counts tags of live notes', async () => {
      const u = await signUp(server.url);
      const [cluster] = await asService(server.scratch.db, (tx) =>
        tx.query<{ id: string }>(`INSERT INTO clusters (name, user_id) VALUES ('Databases', $1) RETURNING id`, [u.id]),
      );
      const n1 = (await u.api.post('/api/notes', { content: 'one', tags: ['red', 'blue'] })).body;
      const n2 = (await u.api.post('/api/notes', { content: 'two', tags: ['red'] })).body;
      const n3 = (await u.api.post('/api/notes', { content: 'three', tags: ['green'] })).body;
      await asService(server.scratch.db, (tx) =>
        tx.query(`UPDATE notes SET created_at = '2026-01-10T12:00:00Z' WHERE id = $1`, [n1.id]),
      );
      const moved = await u.api.patch(`/api/notes/${n2.id}`, { clusterId: cluster!.id });
      expect(moved.body.clusterId).toBe(cluster!.id);
      const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((n) => n.id);
      expect(ids(await u.api.get('/api/notes?tag=RED'))).toEqual([n2.id, n1.id]);
      expect(ids(await u.api.get(`/api/notes?clusterId=${cluster!.id}`))).toEqual([n2.id]);
      expect(ids(await u.api.get('/api/notes?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z'))).toEqual([n1.id]);
      expect(ids(await u.api.get('/api/notes?from=2026-02-01T00:00:00Z'))).toEqual([n3.id, n2.id]);
      await u.api.del(`/api/notes/${n3.id}`);
      expect((await u.api.get('/api/tags')).body.items).toEqual([
        { tag: 'red', count: 2 },
        { tag: 'blue', count: 1 },
      ]);
      const unfiled = await u.api.patch(`/api/notes/${n2.id}`, { clusterId: null });
      expect(unfiled.body.clusterId).toBeNull();
    });

    it("isolates users: B gets 404 for every one of A's notes and never sees them listed", async () => {
      const a = await signUp(server.url);
      const b = await signUp(server.url);
      const note = (await a.api.post('/api/notes', { content: 'private thought', tags: ['secret'] })).body;
      await b.api.post('/api/notes', { content: 'b note' });
      const bCluster = await asService(server.scratch.db, (tx) =>
        tx.query<{ id: string }>(`INSERT INTO clusters (name, user_id) VALUES ('B topics', $1) RETURNING id`, [b.id]),
      );
      expect((await b.api.get(`/api/notes/${note.id}`)).status).toBe(404);
      expect((await b.api.patch(`/api/notes/${note.id}`, { content: 'hijack' })).status).toBe(404);
      expect((await b.api.del(`/api/notes/${note.id}`)).status).toBe(404);
      expect((await b.api.post(`/api/notes/${note.id}/restore`)).status).toBe(404);
      expect((await a.api.patch(`/api/notes/${note.id}`, { clusterId: bCluster[0]!.id })).status).toBe(404);
      const bList = (await b.api.get('/api/notes')).body.items;
      expect(bList.map((n: { content: string }) => n.content)).toEqual(['b note']);
      expect((await b.api.get('/api/tags')).body.items.map((t: { tag: string }) => t.tag)).not.toContain('secret');
      expect((await a.api.get(`/api/notes/${note.id}`)).body.content).toBe('private thought');
    });

    it('pages through 1,000 notes with concurrent inserts: every older note exactly once', async () => {
      const u = await signUp(server.url);
      await asService(server.scratch.db, (tx) =>
        tx.query(
          `INSERT INTO notes (content, user_id, created_at)
           SELECT 'bulk ' || g, $1, now() - interval '1 hour' + (g / 3) * interval '1 millisecond'
           FROM generate_series(1, 1000) g`,
          [u.id],
        ),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const [res]: [Answer, unknown] = await Promise.all([
          u.api.get(`/api/notes?limit=37${cursor ? `&cursor=${cursor}` : ''}`),
          u.api.post('/api/notes', { content: `arrived during page ${page}` }),
        ]);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.filter((n: { content: string }) => n.content.startsWith('bulk ')).map((n: { id: string }) => n.id));
        cursor = res.body.nextCursor;
        page++;
      } while (cursor);
      expect(seen).toHaveLength(1000);
      expect(new Set(seen).size).toBe(1000);
    });
  });
}
