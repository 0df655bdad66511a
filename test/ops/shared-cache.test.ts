import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCache, type Cache } from '../../src/cache/cache.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { buildApp } from '../../src/server/app.ts';
import type { App } from '../../src/server/types.ts';
import { scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { client, signUp } from '../helpers/server.ts';

const redisUrl = process.env.TEST_REDIS_URL;
const skip = !process.env.TEST_DATABASE_URL
  ? 'not run: TEST_DATABASE_URL is not set'
  : !redisUrl
    ? 'not run: TEST_REDIS_URL is not set (no Redis for the shared cache)'
    : false;

/** Two stateless instances on one PostgreSQL and one Redis, as behind a load balancer. */
describe.skipIf(skip)(`two instances sharing Redis${skip ? ` (${skip})` : ''}`, () => {
  let scratch: Scratch;
  const instances: { app: App; db: Database; cache: Cache; url: string }[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase('postgres');
    const prefix = `mindstorm-test-${randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const db = await openDatabase({ databaseUrl: scratch.url!, pool: { max: 3 } });
      const cache = redisCache(redisUrl!, prefix);
      const app = await buildApp({ db, cache, config: loadConfig({ LOG_LEVEL: 'silent' }), logger: pino({ level: 'silent' }), startWorker: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      instances.push({ app, db, cache, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` });
    }
  });
  afterAll(async () => {
    for (const i of instances) {
      await i.app.close();
      await i.cache.close();
      await i.db.close();
    }
    await scratch?.drop();
  });

  it('a write on one instance is visible at once on the other (cached tag counts)', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const u = await signUp(a.url);
    const onA = client(a.url, u.token);
    const onB = client(b.url, u.token);
    await onA.post('/api/notes', { content: 'first', tags: ['alpha'] });
    expect((await onA.get('/api/tags')).body.items).toEqual([{ tag: 'alpha', count: 1 }]); // now cached
    await onB.post('/api/notes', { content: 'second', tags: ['alpha', 'beta'] });
    expect((await onA.get('/api/tags')).body.items).toEqual([
      { tag: 'alpha', count: 2 },
      { tag: 'beta', count: 1 },
    ]);
  });

  it('a cluster renamed on one instance is renamed at once on the other (cached cluster list)', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const u = await signUp(a.url);
    await a.db.query(`INSERT INTO clusters (name, user_id) VALUES ('Databases', $1)`, [u.id]);
    const listed = await client(a.url, u.token).get('/api/clusters');
    expect(listed.body.items.map((c: { name: string }) => c.name)).toEqual(['Databases']); // now cached
    await client(b.url, u.token).patch(`/api/clusters/${listed.body.items[0].id}`, { name: 'Storage engines' });
    expect((await client(a.url, u.token).get('/api/clusters')).body.items.map((c: { name: string }) => c.name)).toEqual(['Storage engines']);
  });

  it('a session ended on one instance is refused at once by the other', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const u = await signUp(a.url);
    expect((await client(a.url, u.token).get('/api/me')).status).toBe(200); // cached on A's side too
    expect((await client(b.url, u.token).post('/api/auth/logout')).status).toBe(204);
    expect((await client(a.url, u.token).get('/api/me')).status).toBe(401);
    const t = await client(a.url).post('/api/auth/login', { email: u.email, password: u.password });
    const token = await client(a.url, t.body.token).post('/api/tokens', { name: 'script' });
    expect((await client(b.url, token.body.token).get('/api/me')).status).toBe(200);
    await client(a.url, t.body.token).del(`/api/tokens/${token.body.id}`);
    expect((await client(b.url, token.body.token).get('/api/me')).status).toBe(401);
  });
});
