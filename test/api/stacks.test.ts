import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type Client, type TestServer } from '../helpers/server.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const ids = (items: { id: string }[]) => items.map((i) => i.id);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe.skipIf(backend.skip)(`stacks API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(() => server?.close());

    const notes = async (api: Client, n: number): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await api.post('/api/notes', { content: `note ${i}` })).body.id);
      return out;
    };

    it('creates, reads, renames, pins, lists and deletes a stack; its notes stay', async () => {
      const u = await signUp(server.url);
      const created = await u.api.post('/api/stacks', { name: '  Reading list  ' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Reading list',
        pinned: false,
        noteCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;
      expect((await u.api.get(`/api/stacks/${id}`)).body).toEqual({ ...created.body, notes: [] });
      await wait(5);
      const patched = await u.api.patch(`/api/stacks/${id}`, { name: 'To read', pinned: true });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id, name: 'To read', pinned: true });
      expect(Date.parse(patched.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
      expect((await u.api.patch(`/api/stacks/${id}`, {})).body).toEqual(patched.body);
      expect((await u.api.get('/api/stacks')).body.items).toEqual([patched.body]);

      const [n1] = await notes(u.api, 1);
      await u.api.put(`/api/stacks/${id}/notes`, { noteIds: [n1] });
      expect((await u.api.del(`/api/stacks/${id}`)).status).toBe(204);
      expect((await u.api.get(`/api/stacks/${id}`)).status).toBe(404);
      expect((await u.api.del(`/api/stacks/${id}`)).status).toBe(404);
      expect((await u.api.get(`/api/notes/${n1}`)).status).toBe(200);
      expect((await u.api.get('/api/stacks')).body.items).toEqual([]);
    });

    it('lists pinned stacks first, then the most recently changed', async () => {
      const u = await signUp(server.url);
      const make = async (name: string) => (await u.api.post('/api/stacks', { name })).body.id as string;
      const a = await make('A');
      const b = await make('B');
      const c = await make('C');
      const list = async () => ids((await u.api.get('/api/stacks')).body.items);
      expect(await list()).toEqual([c, b, a]);
      await u.api.patch(`/api/stacks/${a}`, { pinned: true });
      expect(await list()).toEqual([a, c, b]);
      const [n] = await notes(u.api, 1);
      await u.api.post(`/api/stacks/${b}/notes`, { noteId: n }); // a membership change counts as a change
      expect(await list()).toEqual([a, b, c]);
      await u.api.patch(`/api/stacks/${c}`, { name: 'C renamed' });
      expect(await list()).toEqual([a, c, b]);
    });

    it('sets, reorders, appends and removes notes; each change moves updatedAt', async () => {
      const u = await signUp(server.url);
      const [n1, n2, n3, n4] = await notes(u.api, 4);
      const stack = (await u.api.post('/api/stacks', { name: 'Order' })).body;
      const other = (await u.api.post('/api/stacks', { name: 'Also holds n1' })).body;
      const path = `/api/stacks/${stack.id}/notes`;

      await wait(5);
      const set = await u.api.put(path, { noteIds: [n1, n2, n3] });
      expect(set.status).toBe(200);
      expect(ids(set.body.notes)).toEqual([n1, n2, n3]);
      expect(set.body.noteCount).toBe(3);
      expect(set.body.notes[0]).toMatchObject({ id: n1, content: 'note 0', tags: [] });
      expect(Date.parse(set.body.updatedAt)).toBeGreaterThan(Date.parse(stack.updatedAt));

      await wait(5);
      const reordered = await u.api.put(path, { noteIds: [n3, n1] });
      expect(ids(reordered.body.notes)).toEqual([n3, n1]);
      expect(Date.parse(reordered.body.updatedAt)).toBeGreaterThan(Date.parse(set.body.updatedAt));
      expect((await u.api.get(`/api/notes/${n2}`)).status).toBe(200); // removed from the stack, not deleted

      expect((await u.api.put(`/api/stacks/${other.id}/notes`, { noteIds: [n1] })).status).toBe(200);
      await wait(5);
      const appended = await u.api.post(path, { noteId: n4 });
      expect(appended.status).toBe(200);
      expect(ids(appended.body.notes)).toEqual([n3, n1, n4]);
      expect(Date.parse(appended.body.updatedAt)).toBeGreaterThan(Date.parse(reordered.body.updatedAt));
      const again = await u.api.post(path, { noteId: n4 });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');

      await wait(5);
      expect((await u.api.del(`${path}/${n1}`)).status).toBe(204);
      const after = (await u.api.get(`/api/stacks/${stack.id}`)).body;
      expect(ids(after.notes)).toEqual([n3, n4]);
      expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(appended.body.updatedAt));
      expect((await u.api.del(`${path}/${n1}`)).status).toBe(404);
      expect(ids((await u.api.get(`/api/stacks/${other.id}`)).body.notes)).toEqual([n1]); // a note can be in many stacks

      expect(ids((await u.api.put(path, { noteIds: [] })).body.notes)).toEqual([]);
    });

    it('refuses repeated or unknown notes in a PUT and changes nothing', async () => {
      const u = await signUp(server.url);
      const [n1, n2] = await notes(u.api, 2);
      const stack = (await u.api.post('/api/stacks', { name: 'Kept' })).body;
      const path = `/api/stacks/${stack.id}/notes`;
      const before = (await u.api.put(path, { noteIds: [n1, n2] })).body;
      const dup = await u.api.put(path, { noteIds: [n2, n2] });
      expect(dup.status).toBe(400);
      expect(dup.body.error.code).toBe('validation_failed');
      const caseDup = await u.api.put(path, { noteIds: [n1, n1.toUpperCase()] });
      expect(caseDup.status).toBe(400);
      const unknown = await u.api.put(path, { noteIds: [n2, UNKNOWN] });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
      expect((await u.api.get(`/api/stacks/${stack.id}`)).body).toEqual(before);
      expect((await u.api.put(`/api/stacks/${UNKNOWN}/notes`, { noteIds: [] })).status).toBe(404);
      expect((await u.api.post(`/api/stacks/${UNKNOWN}/notes`, { noteId: n1 })).status).toBe(404);
    });

    it('hides trashed notes (not listed, not counted) and shows them again when restored', async () => {
      const u = await signUp(server.url);
      const [n1, n2, n3] = await notes(u.api, 3);
      const stack = (await u.api.post('/api/stacks', { name: 'Trash test' })).body;
      const path = `/api/stacks/${stack.id}/notes`;
      await u.api.put(path, { noteIds: [n1, n2, n3] });
      await u.api.del(`/api/notes/${n2}`);
      const hidden = (await u.api.get(`/api/stacks/${stack.id}`)).body;
      expect(ids(hidden.notes)).toEqual([n1, n3]);
      expect(hidden.noteCount).toBe(2);
      expect((await u.api.get('/api/stacks')).body.items[0].noteCount).toBe(2);
      expect((await u.api.post(path, { noteId: n2 })).status).toBe(404); // a trashed note cannot be added
      expect((await u.api.put(path, { noteIds: [n2] })).status).toBe(404);

      expect(ids((await u.api.put(path, { noteIds: [n3, n1] })).body.notes)).toEqual([n3, n1]); // the trashed one stays a member
      await u.api.post(`/api/notes/${n2}/restore`);
      const restored = (await u.api.get(`/api/stacks/${stack.id}`)).body;
      expect(ids(restored.notes).sort()).toEqual([n1, n2, n3].sort());
      expect(restored.noteCount).toBe(3);

      await u.api.del(`/api/notes/${n1}`);
      await u.api.del('/api/trash'); // deleted for good: its memberships go with it
      const rows = await asService(server.scratch.db, (tx) => tx.query('SELECT note_id FROM stack_notes WHERE stack_id = $1', [stack.id]));
      expect(rows.map((r) => (r as { note_id: string }).note_id).sort()).toEqual([n2, n3].sort());
    });

    it("isolates users: B gets 404 for A's stacks, and no stack can hold another user's note", async () => {
      const a = await signUp(server.url);
      const b = await signUp(server.url);
      const [aNote] = await notes(a.api, 1);
      const [bNote] = await notes(b.api, 1);
      const aStack = (await a.api.post('/api/stacks', { name: 'A private' })).body;
      const bStack = (await b.api.post('/api/stacks', { name: 'B own' })).body;
      await a.api.put(`/api/stacks/${aStack.id}/notes`, { noteIds: [aNote] });

      const p = `/api/stacks/${aStack.id}`;
      expect((await b.api.get(p)).status).toBe(404);
      expect((await b.api.patch(p, { name: 'hijacked' })).status).toBe(404);
      expect((await b.api.del(p)).status).toBe(404);
      expect((await b.api.put(`${p}/notes`, { noteIds: [bNote] })).status).toBe(404);
      expect((await b.api.post(`${p}/notes`, { noteId: bNote })).status).toBe(404);
      expect((await b.api.del(`${p}/notes/${aNote}`)).status).toBe(404);
      expect(ids((await b.api.get('/api/stacks')).body.items)).toEqual([bStack.id]);
      // through the API: B's note in A's stack, or A's note in B's stack
      expect((await a.api.put(`${p}/notes`, { noteIds: [aNote, bNote] })).status).toBe(404);
      expect((await a.api.post(`${p}/notes`, { noteId: bNote })).status).toBe(404);
      expect((await b.api.put(`/api/stacks/${bStack.id}/notes`, { noteIds: [aNote] })).status).toBe(404);
      const aView = (await a.api.get(p)).body;
      expect(aView.name).toBe('A private');
      expect(ids(aView.notes)).toEqual([aNote]);

      // and in SQL, as `authenticated`: the composite foreign key and the policies refuse it
      const insert = 'INSERT INTO stack_notes (stack_id, note_id, user_id, position) VALUES ($1, $2, $3, 9)';
      await expect(asUser(server.scratch.db, a.id, (tx) => tx.query(insert, [aStack.id, bNote, a.id]))).rejects.toThrow(/foreign key/);
      await expect(asUser(server.scratch.db, a.id, (tx) => tx.query(insert, [aStack.id, bNote, b.id]))).rejects.toThrow(/row-level security/);
      await expect(asUser(server.scratch.db, a.id, (tx) => tx.query(insert, [bStack.id, aNote, a.id]))).rejects.toThrow(/foreign key/);
      const seen = await asUser(server.scratch.db, b.id, (tx) => tx.query<{ user_id: string }>('SELECT * FROM stack_notes'));
      expect(seen.every((r) => r.user_id === b.id)).toBe(true);
      const moved = await asUser(server.scratch.db, b.id, (tx) => tx.query('UPDATE stack_notes SET position = 0 WHERE stack_id = $1 RETURNING 1', [aStack.id]));
      expect(moved).toHaveLength(0);
    });

    describe('bad input', () => {
      let api: Client;
      let stackId: string;
      let noteId: string;
      beforeAll(async () => {
        const u = await signUp(server.url);
        api = u.api;
        noteId = (await api.post('/api/notes', { content: 'member' })).body.id;
        stackId = (await api.post('/api/stacks', { name: 'the original' })).body.id;
        await api.put(`/api/stacks/${stackId}/notes`, { noteIds: [noteId] });
      });

      const state = () =>
        asService(server.scratch.db, (tx) =>
          tx.query(
            `SELECT (SELECT string_agg(id::text || name || pinned || updated_at, '|' ORDER BY id) FROM stacks) AS stacks,
                    (SELECT string_agg(stack_id::text || note_id::text || position, '|' ORDER BY stack_id, note_id) FROM stack_notes) AS members,
                    (SELECT count(*) FROM notes) AS notes, (SELECT count(*) FROM audit_log) AS audit`,
          ),
        );

      it('answers every bad input with its 4xx, the error shape, and no change to the database', async () => {
        const s = `/api/stacks/${stackId}`;
        const cases: { name: string; method: string; path: string; body?: unknown; raw?: string; token?: null; status: number }[] = [
          { name: 'no credentials', method: 'GET', path: '/api/stacks', token: null, status: 401 },
          { name: 'a missing name', method: 'POST', path: '/api/stacks', body: {}, status: 400 },
          { name: 'a blank name', method: 'POST', path: '/api/stacks', body: { name: '   ' }, status: 400 },
          { name: 'a name over 100 characters', method: 'POST', path: '/api/stacks', body: { name: 'é'.repeat(101) }, status: 400 },
          { name: 'a name of the wrong type', method: 'POST', path: '/api/stacks', body: { name: 5 }, status: 400 },
          { name: 'a NUL in a name', method: 'POST', path: '/api/stacks', body: { name: 'a\u0000b' }, status: 400 },
          { name: 'pinned as a string', method: 'POST', path: '/api/stacks', body: { name: 'x', pinned: 'yes' }, status: 400 },
          { name: 'an unknown field', method: 'POST', path: '/api/stacks', body: { name: 'x', userId: UNKNOWN }, status: 400 },
          { name: 'malformed JSON', method: 'POST', path: '/api/stacks', raw: '{"name":', status: 400 },
          { name: 'a stack id of the wrong shape', method: 'GET', path: '/api/stacks/42', status: 400 },
          { name: 'an unknown stack', method: 'GET', path: `/api/stacks/${UNKNOWN}`, status: 404 },
          { name: 'a blank name in a patch', method: 'PATCH', path: s, body: { name: '' }, status: 400 },
          { name: 'pinned as null in a patch', method: 'PATCH', path: s, body: { pinned: null }, status: 400 },
          { name: 'an unknown field in a patch', method: 'PATCH', path: s, body: { noteCount: 3 }, status: 400 },
          { name: 'an unknown stack in a patch', method: 'PATCH', path: `/api/stacks/${UNKNOWN}`, body: { name: 'x' }, status: 404 },
          { name: 'noteIds missing', method: 'PUT', path: `${s}/notes`, body: {}, status: 400 },
          { name: 'noteIds not an array', method: 'PUT', path: `${s}/notes`, body: { noteIds: noteId }, status: 400 },
          { name: 'a note id of the wrong shape', method: 'PUT', path: `${s}/notes`, body: { noteIds: ['42'] }, status: 400 },
          { name: 'SQL as a note id', method: 'PUT', path: `${s}/notes`, body: { noteIds: ["x'); DELETE FROM stack_notes; --"] }, status: 400 },
          { name: 'a repeated note', method: 'PUT', path: `${s}/notes`, body: { noteIds: [noteId, noteId] }, status: 400 },
          { name: 'too many notes', method: 'PUT', path: `${s}/notes`, body: { noteIds: Array.from({ length: 1001 }, () => UNKNOWN) }, status: 400 },
          { name: 'an unknown note', method: 'PUT', path: `${s}/notes`, body: { noteIds: [UNKNOWN] }, status: 404 },
          { name: 'an unknown note to append', method: 'POST', path: `${s}/notes`, body: { noteId: UNKNOWN }, status: 404 },
          { name: 'a note already in the stack', method: 'POST', path: `${s}/notes`, body: { noteId }, status: 409 },
          { name: 'noteIds given to append', method: 'POST', path: `${s}/notes`, body: { noteIds: [noteId] }, status: 400 },
          { name: 'a member id of the wrong shape', method: 'DELETE', path: `${s}/notes/abc`, status: 400 },
          { name: 'a note not in the stack', method: 'DELETE', path: `${s}/notes/${UNKNOWN}`, status: 404 },
        ];
        const before = await state();
        for (const c of cases) {
          const res = await api.request(c.method, c.path, { body: c.body, raw: c.raw, token: c.token });
          expect(res.status, c.name).toBe(c.status);
          expect(res.body, c.name).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
        }
        expect(await state()).toEqual(before);
      });
    });
  });
}
