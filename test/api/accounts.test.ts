import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { backends } from '../helpers/databases.ts';
import { client, signUp, startTestServer, type TestServer } from '../helpers/server.ts';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`accounts, sessions and tokens on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(() => server?.close());

    it('signs up with a normalised email, answers the token and sets an HttpOnly SameSite cookie', async () => {
      const res = await client(server.url).post('/api/auth/signup', { email: '  Mixed.Case@Example.COM ', password: 'ten chars!!' });
      expect(res.status).toBe(201);
      expect(res.body.user.email).toBe('mixed.case@example.com');
      expect(res.body.user).toEqual({ id: expect.any(String), email: 'mixed.case@example.com', createdAt: expect.any(String) });
      expect(res.body.token).toMatch(/^mss_[A-Za-z0-9_-]{43}$/);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/mindstorm_session=mss_/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);

      const again = await client(server.url).post('/api/auth/signup', { email: 'MIXED.case@example.com', password: 'another password' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    });

    it('refuses short passwords and bad emails', async () => {
      const short = await client(server.url).post('/api/auth/signup', { email: 'short@example.com', password: 'nine char' });
      expect(short.status).toBe(400);
      expect(short.body.error.message).toMatch(/at least 10 characters/);
      const bad = await client(server.url).post('/api/auth/signup', { email: 'not-an-email', password: 'long enough password' });
      expect(bad.status).toBe(400);
    });

    it('stores only a scrypt hash of the password and a SHA-256 of the token', async () => {
      const u = await signUp(server.url, 'my secret passphrase');
      const [row] = await asService(server.scratch.db, (tx) =>
        tx.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [u.id]),
      );
      expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row!.password_hash).not.toContain('my secret passphrase');
      const tokens = await asService(server.scratch.db, (tx) =>
        tx.query<{ h: string }>(`SELECT encode(token_hash, 'hex') AS h FROM auth_tokens WHERE user_id = $1`, [u.id]),
      );
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.h).toHaveLength(64);
      expect(JSON.stringify(tokens)).not.toContain(u.token.slice(4, 20));
    });

    it('signs in, with the same 401 for an unknown email and a wrong password', async () => {
      const u = await signUp(server.url);
      const ok = await client(server.url).post('/api/auth/login', { email: u.email.toUpperCase(), password: u.password });
      expect(ok.status).toBe(200);
      expect(ok.body.user.id).toBe(u.id);
      const wrong = await client(server.url).post('/api/auth/login', { email: u.email, password: 'not the password' });
      const unknown = await client(server.url).post('/api/auth/login', { email: 'nobody@example.com', password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('authenticates with the bearer token and with the cookie; logout ends the session', async () => {
      const u = await signUp(server.url);
      expect((await u.api.get('/api/me')).body.email).toBe(u.email);
      const viaCookie = await client(server.url).get('/api/me', { headers: { cookie: `mindstorm_session=${u.token}` } });
      expect(viaCookie.status).toBe(200);
      expect((await u.api.post('/api/auth/logout')).status).toBe(204);
      const after = await u.api.get('/api/me');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('unauthorized');
      expect((await client(server.url).get('/api/me')).status).toBe(401);
    });

    it('refuses an expired session', async () => {
      const u = await signUp(server.url);
      await asService(server.scratch.db, (tx) =>
        tx.query(`UPDATE auth_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [u.id]),
      );
      expect((await u.api.get('/api/me')).status).toBe(401);
    });

    it('creates, lists and revokes personal API tokens, shown once', async () => {
      const u = await signUp(server.url);
      const created = await u.api.post('/api/tokens', { name: 'script' });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^msk_/);
      const apiClient = client(server.url, created.body.token);
      expect((await apiClient.get('/api/me')).body.id).toBe(u.id);
      const list = await u.api.get('/api/tokens');
      expect(list.body.items).toEqual([{ id: created.body.id, name: 'script', createdAt: expect.any(String), lastUsedAt: expect.any(String) }]);
      expect(JSON.stringify(list.body)).not.toContain(created.body.token);
      expect((await u.api.del(`/api/tokens/${created.body.id}`)).status).toBe(204);
      expect((await apiClient.get('/api/me')).status).toBe(401);
      expect((await u.api.del(`/api/tokens/${created.body.id}`)).status).toBe(404);
    });

    it("answers 404 for another user's token", async () => {
      const a = await signUp(server.url);
      const b = await signUp(server.url);
      const t = await a.api.post('/api/tokens', { name: 'mine' });
      expect((await b.api.del(`/api/tokens/${t.body.id}`)).status).toBe(404);
      expect((await b.api.get('/api/tokens')).body.items).toEqual([]);
      expect((await client(server.url, t.body.token).get('/api/me')).status).toBe(200);
    });

    it('changes the password: other sessions end, this one stays, the old password fails', async () => {
      const u = await signUp(server.url);
      const other = await client(server.url).post('/api/auth/login', { email: u.email, password: u.password });
      const otherApi = client(server.url, other.body.token);
      expect((await otherApi.get('/api/me')).status).toBe(200);
      const wrong = await u.api.post('/api/me/password', { currentPassword: 'wrong password', newPassword: 'brand new password' });
      expect(wrong.status).toBe(403);
      expect((await u.api.post('/api/me/password', { currentPassword: u.password, newPassword: 'brand new password' })).status).toBe(204);
      expect((await otherApi.get('/api/me')).status).toBe(401);
      expect((await u.api.get('/api/me')).status).toBe(200);
      expect((await client(server.url).post('/api/auth/login', { email: u.email, password: u.password })).status).toBe(401);
      expect((await client(server.url).post('/api/auth/login', { email: u.email, password: 'brand new password' })).status).toBe(200);
    });

    it('deletes the account only with the password, and everything of theirs goes', async () => {
      const u = await signUp(server.url);
      await u.api.post('/api/notes', { content: 'to be erased' });
      await u.api.post('/api/tokens', { name: 't' });
      expect((await u.api.del('/api/me', { password: 'wrong password' })).status).toBe(403);
      expect((await u.api.del('/api/me', { password: u.password })).status).toBe(204);
      const left = await asService(server.scratch.db, (tx) =>
        tx.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM users WHERE id = $1) + (SELECT count(*) FROM notes WHERE user_id = $1)
                + (SELECT count(*) FROM auth_tokens WHERE user_id = $1) AS n`,
          [u.id],
        ),
      );
      expect(left[0]!.n).toBe(0);
      expect((await u.api.get('/api/me')).status).toBe(401);
    });

    it('never writes passwords or tokens to the logs', async () => {
      const u = await signUp(server.url, 'a very recognisable passphrase');
      await client(server.url).post('/api/auth/login', { email: u.email, password: 'a very recognisable passphrase' });
      await u.api.get('/api/me');
      const logs = server.logs.join('');
      expect(logs).toContain('/api/me');
      expect(logs).not.toContain('recognisable');
      expect(logs).not.toContain(u.token);
    });
  });
}

describe('sign-in rate limits (PGlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  it('locks an account after 10 failures, with the same answer for an unknown email', async () => {
    const u = await signUp(server.url);
    for (let i = 0; i < 10; i++) {
      expect((await client(server.url).post('/api/auth/login', { email: u.email, password: `wrong ${i} password` })).status).toBe(401);
      await client(server.url).post('/api/auth/login', { email: 'ghost@example.com', password: `wrong ${i} password` });
    }
    const locked = await client(server.url).post('/api/auth/login', { email: u.email, password: u.password });
    expect(locked.status).toBe(429);
    const ghost = await client(server.url).post('/api/auth/login', { email: 'ghost@example.com', password: 'anything at all' });
    expect(ghost.body).toEqual(locked.body);
    // another account from the same address is not locked out by this one
    const v = await signUp(server.url);
    expect((await client(server.url).post('/api/auth/login', { email: v.email, password: v.password })).status).toBe(200);
  });

  it('limits attempts per address: 100 in 15 minutes', async () => {
    let last = 0;
    for (let i = 0; i < 80; i++) {
      last = (await client(server.url).post('/api/auth/login', { email: `n${i}@example.com`, password: 'whatever password' })).status;
    }
    expect(last).toBe(429); // 22 attempts above plus these 80 pass the 100 mark
  });
});
