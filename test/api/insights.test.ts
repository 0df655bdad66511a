import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { EMPTY_WEEK } from '../../src/services/insights.service.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type TestServer } from '../helpers/server.ts';
import { addCluster, addNote, clock, vec } from '../jobs/fixtures.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  token?: null;
  status: number;
  code?: string;
  message?: RegExp;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`insights and settings API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let ann: Awaited<ReturnType<typeof signUp>>;
    let bob: Awaited<ReturnType<typeof signUp>>;
    const time = clock('2026-03-31T10:00:00Z');
    let annBread: string;

    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false, now: time.now });
      ann = await signUp(server.url);
      bob = await signUp(server.url);
      const db = server.scratch.db;
      const bread = await addCluster(db, ann.id, 'Sourdough bread');
      annBread = await addNote(db, ann.id, { content: 'Feed the starter the night before.', at: '2026-03-24T20:00:00Z', tags: ['cooking'], clusterId: bread, vector: vec({ 0: 1 }) });
      await addNote(db, ann.id, { content: 'Knead the dough.', at: '2026-03-26T20:00:00Z', tags: ['cooking'], clusterId: bread, vector: vec({ 0: 1, 1: 0.3 }) });
      await addNote(db, ann.id, { content: 'An earlier week.', at: '2026-03-10T20:00:00Z' });
      await addNote(db, bob.id, { content: 'Zanzibar is Bob\u2019s private word.', at: '2026-03-24T20:00:00Z', tags: ['bobtag'] });
    });
    afterAll(() => server?.close());

    it('settings: the time zone is UTC by default and can be changed to a known zone', async () => {
      expect((await ann.api.get('/api/me/settings')).body).toEqual({ timeZone: 'UTC' });
      const changed = await ann.api.patch('/api/me/settings', { timeZone: 'europe/berlin' });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ timeZone: 'Europe/Berlin' });
      expect((await ann.api.get('/api/me/settings')).body).toEqual({ timeZone: 'Europe/Berlin' });
      expect((await bob.api.get('/api/me/settings')).body).toEqual({ timeZone: 'UTC' });
    });

    it('generates the last complete week by default (201), in the user\'s zone', async () => {
      const res = await ann.api.post('/api/insights/generate', {});
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        title: 'Week of 23 March 2026: Sourdough bread',
        content: expect.stringContaining('**2 notes** this week'),
        weekStart: '2026-03-22T23:00:00.000Z',
        weekEnd: '2026-03-29T22:00:00.000Z',
        createdAt: '2026-03-31T10:00:00.000Z',
      });
      expect(res.body.content).toContain(`](/notes/${annBread})`);
      expect(res.body.content).not.toMatch(/Zanzibar|bobtag/);
    });

    it('regenerating replaces the insight; the list is newest week first', async () => {
      const first = (await ann.api.get('/api/insights')).body.items[0];
      time.advance(60_000);
      const again = await ann.api.post('/api/insights/generate', { weekStart: '2026-03-23' });
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.id);
      expect(again.body.createdAt).toBe('2026-03-31T10:01:00.000Z');
      const older = await ann.api.request('POST', '/api/insights/generate', { raw: JSON.stringify({ weekStart: '2026-03-09' }) });
      expect(older.status).toBe(201);
      const list = await ann.api.get('/api/insights');
      expect(list.body.items.map((i: { weekStart: string }) => i.weekStart)).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-08T23:00:00.000Z']);
      expect((await ann.api.get(`/api/insights/${first.id}`)).body).toEqual(again.body);
      expect((await ann.api.get('/api/insights?limit=1')).body.items).toHaveLength(1);
    });

    it("isolates users: another user's insights are not theirs to see, and their notes never enter one", async () => {
      const annInsight = (await ann.api.get('/api/insights')).body.items[0];
      expect((await bob.api.get(`/api/insights/${annInsight.id}`)).status).toBe(404);
      expect((await bob.api.get('/api/insights')).body).toEqual({ items: [] });
      const bobs = await bob.api.request('POST', '/api/insights/generate');
      expect(bobs.status).toBe(201);
      expect(bobs.body.weekStart).toBe('2026-03-23T00:00:00.000Z');
      expect(bobs.body.content).toContain('**1 note** this week');
      expect(bobs.body.content).not.toMatch(/Sourdough|starter|dough/);
      expect((await bob.api.get('/api/insights')).body.items).toHaveLength(1);
      expect((await ann.api.get('/api/insights')).body.items).toHaveLength(2);
    });

    it('the server\'s scheduler writes the insights of users due, once', async () => {
      time.set('2026-04-06T00:10:00Z');
      await addNote(server.scratch.db, bob.id, { content: 'a note of the week of 30 March', at: '2026-04-01T10:00:00Z' });
      const results = await server.app.scheduler.tick();
      expect(results.find((r) => r.job === 'weekly-insights')!.outcome).toMatchObject({ status: 'succeeded', rowsAffected: 1 });
      expect((await server.app.scheduler.tick()).find((r) => r.job === 'weekly-insights')!.outcome).toBe('idle');
      expect((await bob.api.get('/api/insights')).body.items.map((i: { weekStart: string }) => i.weekStart)[0]).toBe('2026-03-30T00:00:00.000Z');
      const status = await server.app.scheduler.status();
      expect(status.map((s) => s.name).slice(0, 5)).toEqual(['weekly-insights', 'retention', 'orphaned-clusters', 'recluster', 'embedding-backfill']);
      expect(status[0]!.lastRun).toMatchObject({ status: 'succeeded', rowsAffected: 1 });
      time.set('2026-03-31T10:00:00Z');
    });

    it('answers bad input with its 4xx and the error shape, and changes nothing', async () => {
      const state = () =>
        asService(server.scratch.db, (tx) =>
          tx.query(`SELECT (SELECT string_agg(id || title || created_at, '|' ORDER BY id) FROM insights) AS i,
                           (SELECT string_agg(id || time_zone, '|' ORDER BY id) FROM users) AS u`),
        );
      const before = await state();
      const cases: Case[] = [
        { name: 'a Tuesday', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2026-03-24' }, status: 400, code: 'validation_failed', message: /must be a Monday/ },
        { name: 'a date in another format', method: 'POST', path: '/api/insights/generate', body: { weekStart: '23/03/2026' }, status: 400, code: 'validation_failed' },
        { name: 'a date that does not exist', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2026-02-30' }, status: 400, code: 'validation_failed' },
        { name: 'a timestamp', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2026-03-23T00:00:00Z' }, status: 400 },
        { name: 'a number', method: 'POST', path: '/api/insights/generate', body: { weekStart: 20260323 }, status: 400 },
        { name: 'a week not yet ended', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2026-03-30' }, status: 400, message: /has not ended yet/ },
        { name: 'a week in the future', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2027-01-04' }, status: 400 },
        { name: 'a week without notes', method: 'POST', path: '/api/insights/generate', body: { weekStart: '2026-01-05' }, status: 404, code: 'not_found', message: new RegExp(`^${EMPTY_WEEK}$`) },
        { name: 'an unknown field', method: 'POST', path: '/api/insights/generate', body: { week: '2026-03-23' }, status: 400 },
        { name: 'a JSON array', method: 'POST', path: '/api/insights/generate', raw: '[]', status: 400 },
        { name: 'malformed JSON', method: 'POST', path: '/api/insights/generate', raw: '{"weekStart":', status: 400, code: 'invalid_json' },
        { name: 'SQL as a week', method: 'POST', path: '/api/insights/generate', body: { weekStart: "2026-03-23'; DROP TABLE insights; --" }, status: 400 },
        { name: 'no credentials', method: 'POST', path: '/api/insights/generate', body: {}, token: null, status: 401 },
        { name: 'no credentials to list', method: 'GET', path: '/api/insights', token: null, status: 401 },
        { name: 'limit 0', method: 'GET', path: '/api/insights?limit=0', status: 400 },
        { name: 'limit too large', method: 'GET', path: '/api/insights?limit=201', status: 400 },
        { name: 'an unknown query parameter', method: 'GET', path: '/api/insights?week=1', status: 400 },
        { name: 'an insight id of the wrong shape', method: 'GET', path: '/api/insights/42', status: 400 },
        { name: 'an unknown insight', method: 'GET', path: '/api/insights/00000000-0000-4000-8000-000000000000', status: 404 },
        { name: 'an unknown time zone', method: 'PATCH', path: '/api/me/settings', body: { timeZone: 'Mars/Olympus_Mons' }, status: 400, message: /not a known time zone/ },
        { name: 'an offset for a zone', method: 'PATCH', path: '/api/me/settings', body: { timeZone: '+01:00' }, status: 400 },
        { name: 'SQL as a zone', method: 'PATCH', path: '/api/me/settings', body: { timeZone: "UTC'; DROP TABLE users; --" }, status: 400 },
        { name: 'a zone of the wrong type', method: 'PATCH', path: '/api/me/settings', body: { timeZone: 1 }, status: 400 },
        { name: 'a zone too long', method: 'PATCH', path: '/api/me/settings', body: { timeZone: `Europe/${'x'.repeat(100)}` }, status: 400 },
        { name: 'an unknown setting', method: 'PATCH', path: '/api/me/settings', body: { theme: 'dark' }, status: 400 },
        { name: 'settings without credentials', method: 'GET', path: '/api/me/settings', token: null, status: 401 },
      ];
      for (const c of cases) {
        const res = await ann.api.request(c.method, c.path, { body: c.body, raw: c.raw, token: c.token });
        expect(res.status, c.name).toBe(c.status);
        expect(res.body, c.name).toEqual({ error: { code: c.code ?? expect.any(String), message: expect.any(String) } });
        if (c.message) expect(res.body.error.message, c.name).toMatch(c.message);
      }
      expect(await state()).toEqual(before);
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await ann.api.get('/api/openapi.json')).body;
      for (const [method, path] of [['get', '/api/insights'], ['post', '/api/insights/generate'], ['get', '/api/insights/{id}'], ['get', '/api/me/settings'], ['patch', '/api/me/settings']]) {
        expect(doc.paths?.[path!]?.[method!]?.summary, `${method} ${path}`).toEqual(expect.any(String));
      }
    });
  });
}
