import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { MAX_CIPHERTEXT_CHARS } from '../../src/services/vault.service.ts';
import { ARGON2ID_FLOOR, createVault, decryptNote, encryptNote, newNoteId, toBase64, unlockVault } from '../../src/vault/index.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type Client, type TestServer } from '../helpers/server.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const PASS = 'a vault passphrase for tests';
const b64 = (n: number) => toBase64(randomBytes(n));
/** A well-formed record of random bytes: the server cannot tell it from a real one. */
const junk = () => ({ ciphertext: b64(300), iv: b64(12), salt: b64(32) });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe.skipIf(backend.skip)(`vault API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(() => server?.close());

    /** A signed-up user with a vault set up through the API. */
    const withVault = async () => {
      const u = await signUp(server.url);
      const { header, vaultKey } = await createVault({ passphrase: PASS, userId: u.id, kdf: ARGON2ID_FLOOR, recovery: false });
      const put = await u.api.put('/api/vault/key', header);
      expect(put.status).toBe(200);
      const seal = (noteId: string, revision: number, body: string, title?: string) =>
        encryptNote({ vaultKey, userId: u.id, noteId, revision, plaintext: { title, body } });
      return { ...u, header, vaultKey, seal };
    };

    it('keeps the key envelope exactly as given; 404 before set-up; PUT replaces it', async () => {
      const u = await signUp(server.url);
      const none = await u.api.get('/api/vault/key');
      expect(none.status).toBe(404);
      expect(none.body.error.code).toBe('not_found');
      const first = await createVault({ passphrase: PASS, userId: u.id, kdf: ARGON2ID_FLOOR });
      const put = await u.api.put('/api/vault/key', first.header);
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ ...first.header, createdAt: expect.any(String), updatedAt: expect.any(String) });
      const got = await u.api.get('/api/vault/key');
      expect(JSON.stringify({ wrappedKey: got.body.wrappedKey, kdf: got.body.kdf })).toBe(JSON.stringify(first.header));
      await unlockVault({ header: { wrappedKey: got.body.wrappedKey, kdf: got.body.kdf }, passphrase: PASS, userId: u.id });

      await wait(5);
      const second = await createVault({ passphrase: 'another passphrase', userId: u.id, kdf: { name: 'pbkdf2-sha256', iterations: 600_000 } });
      const replaced = await u.api.put('/api/vault/key', second.header);
      expect(replaced.body).toMatchObject(second.header);
      expect(replaced.body.createdAt).toBe(put.body.createdAt);
      expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThan(Date.parse(put.body.updatedAt));
      expect((await u.api.get('/api/vault/key')).body).toEqual(replaced.body);
    });

    it("stores, reads, lists, replaces and trashes vault notes under the client's id", async () => {
      const u = await withVault();
      const id = newNoteId();
      const v1 = await u.seal(id, 1, 'first body', 'first title');
      const created = await u.api.post('/api/vault/notes', { id, ...v1 });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id, ...v1, createdAt: expect.any(String), updatedAt: expect.any(String) });
      const got = await u.api.get(`/api/vault/notes/${id}`);
      expect(got.body).toEqual(created.body);
      const opened = await decryptNote({ vaultKey: u.vaultKey, userId: u.id, noteId: id, record: got.body });
      expect(opened.plaintext).toEqual({ title: 'first title', body: 'first body' });

      const taken = await u.api.post('/api/vault/notes', { id, ...(await u.seal(id, 1, 'again')) });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('conflict');
      const serverId = await u.api.post('/api/vault/notes', junk());
      expect(serverId.status).toBe(201);
      expect(serverId.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await u.api.get('/api/vault/notes')).body).toEqual({ items: [serverId.body, created.body], nextCursor: null });

      await wait(5);
      const v2 = await u.seal(id, 2, 'second body');
      const replaced = await u.api.put(`/api/vault/notes/${id}`, v2);
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual({ id, ...v2, createdAt: created.body.createdAt, updatedAt: expect.any(String) });
      expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
      const latest = await decryptNote({ vaultKey: u.vaultKey, userId: u.id, noteId: id, record: replaced.body, revision: 2 });
      expect(latest.plaintext.body).toBe('second body');

      expect((await u.api.del(`/api/vault/notes/${id}`)).status).toBe(204);
      for (const res of [await u.api.get(`/api/vault/notes/${id}`), await u.api.put(`/api/vault/notes/${id}`, v2), await u.api.del(`/api/vault/notes/${id}`)]) {
        expect(res.status).toBe(404);
      }
      expect((await u.api.get('/api/vault/notes')).body.items.map((n: { id: string }) => n.id)).toEqual([serverId.body.id]);
      expect((await u.api.post('/api/vault/notes', { id, ...v2 })).status).toBe(409); // a trashed note keeps its id
      const [trashed] = await asService(server.scratch.db, (tx) => tx.query<{ deleted_at: Date }>('SELECT deleted_at FROM vault_notes WHERE id = $1', [id]));
      expect(trashed!.deleted_at).toBeInstanceOf(Date);
    });

    it('takes a 100 KB note, sealed, and pages through notes newest first', async () => {
      const u = await withVault();
      const big = await u.seal(newNoteId(), 1, 'x'.repeat(100 * 1024));
      expect(big.ciphertext.length).toBeLessThanOrEqual(MAX_CIPHERTEXT_CHARS);
      const stored = await u.api.post('/api/vault/notes', big);
      expect(stored.status).toBe(201);
      const made = [stored.body.id];
      for (let i = 0; i < 6; i++) made.push((await u.api.post('/api/vault/notes', junk())).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await u.api.get(`/api/vault/notes?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((n) => n.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...made].reverse());
    });

    it("isolates users: B gets 404 for A's key and vault notes, and cannot touch them", async () => {
      const a = await withVault();
      const b = await signUp(server.url);
      const id = newNoteId();
      const note = (await a.api.post('/api/vault/notes', { id, ...(await a.seal(id, 1, 'A only')) })).body;
      expect((await b.api.get('/api/vault/key')).status).toBe(404);
      expect((await b.api.get(`/api/vault/notes/${id}`)).status).toBe(404);
      expect((await b.api.put(`/api/vault/notes/${id}`, junk())).status).toBe(404);
      expect((await b.api.del(`/api/vault/notes/${id}`)).status).toBe(404);
      expect((await b.api.post('/api/vault/notes', { id, ...junk() })).status).toBe(409); // ids are global; A's note is untouched
      expect((await b.api.get('/api/vault/notes')).body.items).toEqual([]);
      expect((await b.api.put('/api/vault/key', { wrappedKey: b64(62), kdf: { name: 'b' } })).status).toBe(200);
      expect((await a.api.get('/api/vault/key')).body).toMatchObject(a.header);
      expect((await a.api.get(`/api/vault/notes/${id}`)).body).toEqual(note);

      const keys = await asUser(server.scratch.db, b.id, (tx) => tx.query<{ user_id: string }>('SELECT * FROM vault_keys'));
      expect(keys.map((k) => k.user_id)).toEqual([b.id]);
      const changed = await asUser(server.scratch.db, b.id, (tx) => tx.query(`UPDATE vault_keys SET wrapped_key = 'AAAA' WHERE user_id = $1 RETURNING 1`, [a.id]));
      expect(changed).toHaveLength(0);
      await expect(
        asUser(server.scratch.db, b.id, (tx) => tx.query(`INSERT INTO vault_keys (user_id, wrapped_key, kdf) VALUES ($1, 'AAAA', '{}')`, [a.id])),
      ).rejects.toThrow(/row-level security/);

      expect((await a.api.del('/api/me', { password: a.password })).status).toBe(204);
      const left = await asService(server.scratch.db, (tx) =>
        tx.query<{ n: number }>('SELECT (SELECT count(*) FROM vault_keys WHERE user_id = $1) + (SELECT count(*) FROM vault_notes WHERE user_id = $1) AS n', [a.id]),
      );
      expect(Number(left[0]!.n)).toBe(0);
    });

    it('never holds a plaintext: the marker is in no table and no log line', async () => {
      const marker = `blind-marker-${randomUUID()}`;
      const u = await withVault();
      const control = `control-marker-${randomUUID()}`; // a plain note's text: proves the scan sees what is there
      expect((await u.api.post('/api/notes', { content: control })).status).toBe(201);
      const ids = [newNoteId(), newNoteId()];
      const records = [await u.seal(ids[0]!, 1, `body ${marker}`, `title ${marker}`), await u.seal(ids[1]!, 1, marker)];
      for (const [i, id] of ids.entries()) expect((await u.api.post('/api/vault/notes', { id, ...records[i] })).status).toBe(201);
      expect((await u.api.post('/api/vault/notes', { id: ids[0], ...records[0] })).status).toBe(409);
      const v2 = await u.seal(ids[0]!, 2, `edited ${marker}`);
      expect((await u.api.put(`/api/vault/notes/${ids[0]}`, v2)).status).toBe(200);
      expect((await u.api.put(`/api/vault/notes/${ids[1]}`, { ...v2, iv: 'not base64' })).status).toBe(400);
      await u.api.del(`/api/vault/notes/${ids[1]}`);
      const back = (await u.api.get(`/api/vault/notes/${ids[0]}`)).body;
      expect((await decryptNote({ vaultKey: u.vaultKey, userId: u.id, noteId: ids[0]!, record: back })).plaintext.body).toContain(marker);

      const tables = await server.scratch.db.query<{ name: string; service: boolean }>(
        `SELECT format('%I.%I', table_schema, table_name) AS name, has_table_privilege('service_role', format('%I.%I', table_schema, table_name), 'SELECT') AS service
         FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['public.vault_notes', 'public.vault_keys', 'public.audit_log']));
      // every row of every table as text: through the service role where it may read, else as the database owner
      const tablesHolding = async (needle: string) => {
        const found: string[] = [];
        for (const t of tables) {
          const scan = `SELECT count(*)::int AS n FROM ${t.name} r WHERE strpos(r::text, $1) > 0`;
          const [row] = t.service ? await asService(server.scratch.db, (tx) => tx.query<{ n: number }>(scan, [needle])) : await server.scratch.db.query<{ n: number }>(scan, [needle]);
          if (row!.n > 0) found.push(t.name);
        }
        return found.sort();
      };
      expect(await tablesHolding(control)).toEqual(['public.audit_log', 'public.notes']);
      expect(await tablesHolding(marker)).toEqual([]);

      const logs = server.logs.join('');
      expect(logs).toContain('/api/vault/notes'); // the requests were logged...
      for (const secret of [marker, records[0]!.ciphertext, v2.ciphertext, u.header.wrappedKey]) expect(logs).not.toContain(secret); // ...their bodies were not
    });

    describe('bad input', () => {
      let api: Client;
      let noteId: string;
      beforeAll(async () => {
        const u = await withVault();
        api = u.api;
        noteId = (await api.post('/api/vault/notes', junk())).body.id;
      });

      const state = () =>
        asService(server.scratch.db, (tx) =>
          tx.query(
            `SELECT (SELECT string_agg(id::text || md5(ciphertext) || iv || salt || updated_at || coalesce(deleted_at::text, ''), '|' ORDER BY id) FROM vault_notes) AS notes,
                    (SELECT string_agg(user_id::text || wrapped_key || kdf::text || updated_at, '|' ORDER BY user_id) FROM vault_keys) AS keys,
                    (SELECT count(*) FROM audit_log) AS audit`,
          ),
        );

      it('answers every bad input with its 4xx, the error shape, and no change to the database', async () => {
        const r = junk();
        const n = `/api/vault/notes/${noteId}`;
        const key = { wrappedKey: b64(62), kdf: { name: 'argon2id' } };
        let deep: unknown = 1;
        for (let i = 0; i < 20; i++) deep = { d: deep };
        const cases: { name: string; method: string; path: string; body?: unknown; raw?: string; token?: null; status: number; code?: string }[] = [
          { name: 'no credentials', method: 'GET', path: '/api/vault/notes', token: null, status: 401 },
          { name: 'no credentials for the key', method: 'PUT', path: '/api/vault/key', body: key, token: null, status: 401 },
          { name: 'a key without kdf', method: 'PUT', path: '/api/vault/key', body: { wrappedKey: key.wrappedKey }, status: 400 },
          { name: 'an empty wrapped key', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: '' }, status: 400 },
          { name: 'a wrapped key in the URL alphabet', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: '-_-_' }, status: 400 },
          { name: 'a wrapped key without padding', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: 'AAAAAA' }, status: 400 },
          { name: 'a wrapped key with non-zero unused bits', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: 'AB==' }, status: 400 },
          { name: 'a wrapped key with whitespace', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: 'AAAA\nAAAA' }, status: 400 },
          { name: 'a wrapped key too long', method: 'PUT', path: '/api/vault/key', body: { ...key, wrappedKey: b64(3000) }, status: 413, code: 'payload_too_large' },
          { name: 'kdf as an array', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: [] }, status: 400 },
          { name: 'kdf as a string', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: 'argon2id' }, status: 400 },
          { name: 'kdf as null', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: null }, status: 400 },
          { name: 'a NUL in kdf', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: { name: 'a\u0000' } }, status: 400 },
          { name: 'a NUL in a kdf key', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: { 'a\u0000': 1 } }, status: 400 },
          { name: 'a lone surrogate in kdf', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: { name: '\ud800' } }, status: 400 },
          { name: 'kdf nested too deep', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: deep }, status: 400 },
          { name: 'kdf over 2 KB', method: 'PUT', path: '/api/vault/key', body: { ...key, kdf: { name: 'x'.repeat(2100) } }, status: 413 },
          { name: 'an unknown field in the key', method: 'PUT', path: '/api/vault/key', body: { ...key, userId: UNKNOWN }, status: 400 },
          { name: 'malformed JSON', method: 'PUT', path: '/api/vault/key', raw: '{"wrappedKey":', status: 400, code: 'invalid_json' },
          { name: 'a note without iv', method: 'POST', path: '/api/vault/notes', body: { ciphertext: r.ciphertext, salt: r.salt }, status: 400 },
          { name: 'an iv of 16 bytes', method: 'POST', path: '/api/vault/notes', body: { ...r, iv: b64(16) }, status: 400 },
          { name: 'a salt of 16 bytes', method: 'POST', path: '/api/vault/notes', body: { ...r, salt: b64(16) }, status: 400 },
          { name: 'an iv that is not base64', method: 'POST', path: '/api/vault/notes', body: { ...r, iv: 'hello world!' }, status: 400 },
          { name: 'a ciphertext too short to be a record', method: 'POST', path: '/api/vault/notes', body: { ...r, ciphertext: b64(24) }, status: 400 },
          { name: 'a ciphertext in the URL alphabet', method: 'POST', path: '/api/vault/notes', body: { ...r, ciphertext: r.ciphertext.replace(/\+/g, '-').replace(/\//g, '_') + '-_-_' }, status: 400 },
          { name: 'a ciphertext as a number', method: 'POST', path: '/api/vault/notes', body: { ...r, ciphertext: 12345 }, status: 400 },
          { name: 'a ciphertext over 140 KB', method: 'POST', path: '/api/vault/notes', body: { ...r, ciphertext: b64(108_000) }, status: 413, code: 'payload_too_large' },
          { name: 'a body over 256 KB', method: 'POST', path: '/api/vault/notes', body: { ...r, ciphertext: b64(200_000) }, status: 413 },
          { name: 'an id of the wrong shape', method: 'POST', path: '/api/vault/notes', body: { ...r, id: '42' }, status: 400 },
          { name: 'SQL as an id', method: 'POST', path: '/api/vault/notes', body: { ...r, id: "x'); DELETE FROM vault_notes; --" }, status: 400 },
          { name: 'a taken id', method: 'POST', path: '/api/vault/notes', body: { ...r, id: noteId }, status: 409, code: 'conflict' },
          { name: 'a plaintext field', method: 'POST', path: '/api/vault/notes', body: { ...r, content: 'secret' }, status: 400 },
          { name: 'an id in a replacement', method: 'PUT', path: n, body: { ...r, id: UNKNOWN }, status: 400 },
          { name: 'a replacement with a bad salt', method: 'PUT', path: n, body: { ...r, salt: 'AAAA' }, status: 400 },
          { name: 'a replacement of an unknown note', method: 'PUT', path: `/api/vault/notes/${UNKNOWN}`, body: r, status: 404 },
          { name: 'a note id of the wrong shape', method: 'GET', path: '/api/vault/notes/42', status: 400 },
          { name: 'an unknown note', method: 'GET', path: `/api/vault/notes/${UNKNOWN}`, status: 404, code: 'not_found' },
          { name: 'deleting an unknown note', method: 'DELETE', path: `/api/vault/notes/${UNKNOWN}`, status: 404 },
          { name: 'limit 0', method: 'GET', path: '/api/vault/notes?limit=0', status: 400 },
          { name: 'limit too large', method: 'GET', path: '/api/vault/notes?limit=101', status: 400 },
          { name: 'an invalid cursor', method: 'GET', path: '/api/vault/notes?cursor=nope', status: 400, code: 'invalid_cursor' },
          { name: 'an unknown query parameter', method: 'GET', path: '/api/vault/notes?all=1', status: 400 },
        ];
        const before = await state();
        for (const c of cases) {
          const res = await api.request(c.method, c.path, { body: c.body, raw: c.raw, token: c.token });
          expect(res.status, c.name).toBe(c.status);
          expect(res.body, c.name).toEqual({ error: { code: c.code ?? expect.any(String), message: expect.any(String) } });
        }
        expect(await state()).toEqual(before);
      });
    });
  });
}
