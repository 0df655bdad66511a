import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { backends } from '../helpers/databases.ts';
import { client, signUp, startTestServer, type Client, type TestServer } from '../helpers/server.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  token?: string | null;
  status: number;
  code?: string;
}

const SQL = "x'); DROP TABLE notes; --";
const HTML = '<script>alert(1)</script>';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`bad input on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let api: Client;
    let noteId: string;
    let revoked: string;
    let expired: string;

    beforeAll(async () => {
      server = await startTestServer(backend.name);
      const u = await signUp(server.url);
      api = u.api;
      noteId = (await api.post('/api/notes', { content: 'the original', tags: ['kept'] })).body.id;
      const t = await api.post('/api/tokens', { name: 'soon revoked' });
      await api.del(`/api/tokens/${t.body.id}`);
      revoked = t.body.token;
      const e = await signUp(server.url);
      await asService(server.scratch.db, (tx) => tx.query(`UPDATE auth_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [e.id]));
      expired = e.token;
    });
    afterAll(() => server?.close());

    const state = () =>
      asService(server.scratch.db, (tx) =>
        tx.query(
          `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM auth_tokens) AS tokens,
                  (SELECT count(*) FROM audit_log) AS audit,
                  (SELECT string_agg(id || content || array_to_string(tags, ',') || coalesce(cluster_id::text, '') || coalesce(deleted_at::text, ''), '|' ORDER BY id) FROM notes) AS notes`,
        ),
      );

    const cases = (): Case[] => [
      { name: 'malformed JSON', method: 'POST', path: '/api/notes', raw: '{"content":', status: 400, code: 'invalid_json' },
      { name: 'JSON that is not an object', method: 'POST', path: '/api/notes', raw: '"just a string"', status: 400, code: 'validation_failed' },
      { name: 'empty JSON body', method: 'POST', path: '/api/notes', raw: '', status: 400, code: 'validation_failed' },
      { name: 'content of the wrong type', method: 'POST', path: '/api/notes', body: { content: 5 }, status: 400, code: 'validation_failed' },
      { name: 'tags of the wrong type', method: 'POST', path: '/api/notes', body: { content: 'x', tags: 'a,b' }, status: 400 },
      { name: 'a tag of the wrong type', method: 'POST', path: '/api/notes', body: { content: 'x', tags: [1] }, status: 400 },
      { name: 'missing content', method: 'POST', path: '/api/notes', body: { tags: ['a'] }, status: 400 },
      { name: 'blank content', method: 'POST', path: '/api/notes', body: { content: '   \n ' }, status: 400 },
      { name: 'an unknown field', method: 'POST', path: '/api/notes', body: { content: 'x', userId: '00000000-0000-4000-8000-000000000000' }, status: 400 },
      { name: 'an empty tag', method: 'POST', path: '/api/notes', body: { content: 'x', tags: ['  '] }, status: 400 },
      { name: 'too many tags', method: 'POST', path: '/api/notes', body: { content: 'x', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, status: 400 },
      { name: 'a tag too long', method: 'POST', path: '/api/notes', body: { content: 'x', tags: ['t'.repeat(65)] }, status: 400 },
      { name: 'a NUL character', method: 'POST', path: '/api/notes', body: { content: 'a\u0000b' }, status: 400 },
      { name: 'a 1 MB body', method: 'POST', path: '/api/notes', body: { content: 'a'.repeat(1_000_000) }, status: 413, code: 'payload_too_large' },
      { name: 'content over 100 KB', method: 'POST', path: '/api/notes', body: { content: 'é'.repeat(51_300) }, status: 413, code: 'payload_too_large' },
      { name: 'an edit over 100 KB', method: 'PATCH', path: `/api/notes/${noteId}`, body: { content: 'b'.repeat(102_401) }, status: 413 },
      { name: 'a non-UTF-8 body', method: 'POST', path: '/api/notes', raw: Buffer.from([0x7b, 0x22, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, code: 'invalid_encoding' },
      { name: 'a body that is not JSON', method: 'POST', path: '/api/notes', raw: 'content=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
      { name: 'an invalid cursor', method: 'GET', path: '/api/notes?cursor=not-a-cursor', status: 400, code: 'invalid_cursor' },
      { name: 'a cursor with SQL in it', method: 'GET', path: `/api/notes?cursor=${Buffer.from(`1.${SQL}`).toString('base64url')}`, status: 400, code: 'invalid_cursor' },
      { name: 'limit 0', method: 'GET', path: '/api/notes?limit=0', status: 400 },
      { name: 'limit too large', method: 'GET', path: '/api/notes?limit=1000', status: 400 },
      { name: 'limit not a number', method: 'GET', path: '/api/notes?limit=ten', status: 400 },
      { name: 'a date that is not a date', method: 'GET', path: '/api/notes?from=yesterday', status: 400 },
      { name: 'SQL in a date', method: 'GET', path: `/api/notes?to=${encodeURIComponent(SQL)}`, status: 400 },
      { name: 'a cluster id of the wrong shape', method: 'GET', path: '/api/notes?clusterId=42', status: 400 },
      { name: 'an unknown query parameter', method: 'GET', path: '/api/notes?sort=oldest', status: 400 },
      { name: 'a note id of the wrong shape', method: 'GET', path: '/api/notes/42', status: 400 },
      { name: 'SQL as a note id', method: 'GET', path: `/api/notes/${encodeURIComponent("1' OR '1'='1")}`, status: 400 },
      { name: 'HTML as a note id', method: 'DELETE', path: `/api/notes/${encodeURIComponent(HTML)}`, status: 400 },
      { name: 'an unknown note', method: 'GET', path: '/api/notes/00000000-0000-4000-8000-000000000000', status: 404, code: 'not_found' },
      { name: 'an unknown cluster in a patch', method: 'PATCH', path: `/api/notes/${noteId}`, body: { clusterId: '00000000-0000-4000-8000-000000000000' }, status: 404 },
      { name: 'a patch with a wrong type', method: 'PATCH', path: `/api/notes/${noteId}`, body: { tags: [{}] }, status: 400 },
      { name: 'SQL as an email at sign-up', method: 'POST', path: '/api/auth/signup', body: { email: `a@b.c${SQL}`, password: 'long enough password' }, token: null, status: 400 },
      { name: 'HTML as an email at sign-up', method: 'POST', path: '/api/auth/signup', body: { email: HTML, password: 'long enough password' }, token: null, status: 400 },
      { name: 'sign-up with a missing password', method: 'POST', path: '/api/auth/signup', body: { email: 'x@example.com' }, token: null, status: 400 },
      { name: 'sign-in with a number as password', method: 'POST', path: '/api/auth/login', body: { email: 'x@example.com', password: 1234567890 }, token: null, status: 400 },
      { name: 'SQL at sign-in', method: 'POST', path: '/api/auth/login', body: { email: `' OR 1=1 --`, password: `' OR 1=1 --` }, token: null, status: 401 },
      { name: 'a token name of the wrong type', method: 'POST', path: '/api/tokens', body: { name: ['x'] }, status: 400 },
      { name: 'a blank token name', method: 'POST', path: '/api/tokens', body: { name: '  ' }, status: 400 },
      { name: 'a token id of the wrong shape', method: 'DELETE', path: '/api/tokens/abc', status: 400 },
      { name: 'no credentials', method: 'GET', path: '/api/notes', token: null, status: 401, code: 'unauthorized' },
      { name: 'a malformed Authorization header', method: 'GET', path: '/api/notes', headers: { authorization: 'Basic Zm9vOmJhcg==' }, token: null, status: 401 },
      { name: 'a made-up token', method: 'GET', path: '/api/notes', token: `mss_${'A'.repeat(43)}`, status: 401 },
      { name: 'SQL as a token', method: 'GET', path: '/api/notes', token: `' OR 1=1 --`, status: 401 },
      { name: 'a revoked token', method: 'GET', path: '/api/notes', token: revoked, status: 401 },
      { name: 'an expired session', method: 'GET', path: '/api/notes', token: expired, status: 401 },
      { name: 'an expired session writing', method: 'POST', path: '/api/notes', body: { content: 'x' }, token: expired, status: 401 },
      { name: 'an unknown route', method: 'GET', path: '/api/nothing-here', status: 404 },
    ];

    it('answers every bad input with its 4xx, the error shape, and no change to the database', async () => {
      const before = await state();
      for (const c of cases()) {
        const res = await api.request(c.method, c.path, { body: c.body, raw: c.raw, headers: c.headers, token: c.token });
        expect(res.status, c.name).toBe(c.status);
        expect(res.headers.get('content-type'), c.name).toMatch(/application\/json/);
        expect(res.body, c.name).toEqual({ error: { code: c.code ?? expect.any(String), message: expect.any(String) } });
      }
      expect(await state()).toEqual(before);
      expect((await api.get(`/api/notes/${noteId}`)).body.content).toBe('the original');
    });

    it('stores SQL and HTML in free-text fields verbatim, as data', async () => {
      const note = await api.post('/api/notes', { content: `${SQL}\n${HTML}`, tags: [SQL, HTML] });
      expect(note.status).toBe(201);
      expect(note.body.content).toBe(`${SQL}\n${HTML}`);
      expect(note.body.tags).toEqual([SQL.toLowerCase(), HTML]);
      expect((await api.get(`/api/notes?tag=${encodeURIComponent(HTML)}`)).body.items).toHaveLength(1);
      const token = await api.post('/api/tokens', { name: HTML });
      expect(token.body.name).toBe(HTML);
      expect((await api.get('/api/notes')).status).toBe(200); // the table is still there
    });

    it('answers a request without a server error even when the client hangs up', async () => {
      const res = await client(server.url).request('POST', '/api/auth/login', { raw: '{"email": "a@b.c", "password": ' });
      expect(res.status).toBe(400);
    });
  });
}
