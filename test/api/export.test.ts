import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.ts';
import { client, signUp, startTestServer, type TestServer } from '../helpers/server.ts';
import { comparable, seedData } from '../ops/seed-account.ts';

type Doc = Record<string, any>;
// What must come across unchanged: everything but the account's own identity and the export's time.
const content = (d: Doc) => {
  const { user, ...rest } = comparable(d as never) as Doc;
  return { ...rest, timeZone: user.settings.timeZone };
};
const counts = async (server: TestServer, userId: string) =>
  (
    await server.scratch.db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM notes WHERE user_id = $1) AS notes, (SELECT count(*)::int FROM stack_notes WHERE user_id = $1) AS "stackNotes",
              (SELECT count(*)::int FROM vault_notes WHERE user_id = $1) AS "vaultNotes", (SELECT count(*)::int FROM clusters WHERE user_id = $1) AS clusters`,
      [userId],
    )
  )[0]!;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`export and import API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let one: TestServer;
    let two: TestServer;
    beforeAll(async () => {
      [one, two] = await Promise.all([startTestServer(backend.name, { startWorker: false }), startTestServer(backend.name, { startWorker: false })]);
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
    });

    it('exports everything of the user and nothing of anyone else, without secrets', async () => {
      const a = await signUp(one.url);
      const b = await signUp(one.url);
      await seedData(one.scratch.db, a.id, a.email);
      await seedData(one.scratch.db, b.id, b.email, 2);
      await a.api.post('/api/notes', { content: 'written through the API', tags: ['api'] });
      const res = await a.api.get('/api/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="mindstorm-export-\d{4}-\d{2}-\d{2}\.json"$/);
      const doc = res.body as Doc;
      expect(doc).toMatchObject({ format: 'mindstorm-export', version: 1, user: { id: a.id, email: a.email, settings: { timeZone: 'Europe/Berlin' } } });
      expect(doc.counts).toEqual({ clusters: 2, notes: 8, stacks: 1, insights: 2, vaultNotes: 2 });
      expect(doc.notes.filter((n: Doc) => n.trashed).map((n: Doc) => n.deletedAt)).toEqual(['2024-04-01T12:00:00.000001Z']);
      expect(doc.notes[0].createdAt).toBe('2024-02-01T08:00:00.100000Z');
      expect(doc.stacks[0].noteIds).toHaveLength(3);
      expect(doc.vault.key.wrappedKey).toBe('AAAA');
      const text = JSON.stringify(doc);
      for (const secret of ['scrypt$', b.email, 'token', 'embedding', 'password']) expect(text).not.toContain(secret);
      expect((await client(one.url).get('/api/export')).status).toBe(401);
    });

    it("brings A's export into a fresh instance as C: C has exactly A's data, ids kept", async () => {
      const a = await signUp(one.url);
      await seedData(one.scratch.db, a.id, a.email);
      const exported = (await a.api.get('/api/export')).body as Doc;
      const c = await signUp(two.url);
      const imported = await c.api.post('/api/import', exported);
      expect(imported.status).toBe(200);
      expect(imported.body.imported).toEqual({ clusters: 2, notes: 7, stacks: 1, insights: 2, vaultNotes: 2, vaultKey: true });
      expect(imported.body.newIds).toEqual({ clusters: 0, notes: 0, stacks: 0, insights: 0, vaultNotes: 0 });
      expect(imported.body.warnings.join(' ')).toMatch(/encrypted for another account id/);
      const again = (await c.api.get('/api/export')).body as Doc;
      expect(again.user).toMatchObject({ id: c.id, email: c.email });
      expect(content(again)).toEqual(content(exported));
      // no one else on the new instance got anything
      const d = await signUp(two.url);
      expect((await d.api.get('/api/export')).body.counts).toEqual({ clusters: 0, notes: 0, stacks: 0, insights: 0, vaultNotes: 0 });
    });

    it('on the same instance, taken ids get new ones and every reference follows', async () => {
      const a = await signUp(one.url);
      const seeded = await seedData(one.scratch.db, a.id, a.email);
      const exported = (await a.api.get('/api/export')).body as Doc;
      const d = await signUp(one.url);
      const res = await d.api.post('/api/import', exported);
      expect(res.status).toBe(200);
      expect(res.body.newIds).toEqual({ clusters: 2, notes: 7, stacks: 1, insights: 2, vaultNotes: 2 });
      const mine = (await d.api.get('/api/export')).body as Doc;
      const ids = new Set(mine.notes.map((n: Doc) => n.id));
      expect(seeded.noteIds.some((id) => ids.has(id))).toBe(false);
      expect(mine.stacks[0].noteIds.every((id: string) => ids.has(id))).toBe(true);
      const byId = new Map(mine.notes.map((n: Doc) => [n.id, n.content]));
      expect(mine.stacks[0].noteIds.map((id: string) => byId.get(id))).toEqual(exported.stacks[0].noteIds.map((id: string) => exported.notes.find((n: Doc) => n.id === id).content));
      const clusterIds = new Set(mine.clusters.map((c: Doc) => c.id));
      expect(mine.notes.filter((n: Doc) => n.clusterId).every((n: Doc) => clusterIds.has(n.clusterId))).toBe(true);
      const strip = (x: Doc) => ({ ...x, id: undefined, clusterId: x.clusterId ? 'set' : null });
      expect(mine.notes.map(strip)).toEqual(exported.notes.map(strip));
      expect(await counts(one, a.id)).toEqual({ notes: 7, stackNotes: 3, vaultNotes: 2, clusters: 2 }); // A untouched
    });

    it('re-imported into the account that made it, brings back what was lost and leaves the rest as it is', async () => {
      const a = await signUp(one.url);
      const seeded = await seedData(one.scratch.db, a.id, a.email);
      const exported = (await a.api.get('/api/export')).body as Doc;
      await one.scratch.db.query('DELETE FROM notes WHERE id = $1', [seeded.noteIds[0]]); // the mistake (also leaves its stack)
      await one.scratch.db.query('DELETE FROM vault_notes WHERE id = $1', [seeded.vaultNoteIds[0]]);
      const res = await a.api.post('/api/import', exported);
      expect(res.status).toBe(200);
      expect(res.body.imported).toEqual({ clusters: 0, notes: 1, stacks: 0, insights: 0, vaultNotes: 1, vaultKey: false });
      expect(res.body.alreadyPresent).toEqual({ clusters: 2, notes: 6, stacks: 1, insights: 2, vaultNotes: 1 });
      expect(res.body.newIds).toEqual({ clusters: 0, notes: 0, stacks: 0, insights: 0, vaultNotes: 0 });
      expect(res.body.warnings).toEqual([]);
      const after = (await a.api.get('/api/export')).body as Doc;
      // the note is back under its id (its vault record stays readable); the stack keeps its current notes
      expect(after.notes).toEqual(exported.notes);
      expect(after.vault).toEqual(exported.vault);
      expect(after.stacks[0].noteIds).toEqual(exported.stacks[0].noteIds.filter((id: string) => id !== seeded.noteIds[0]));
    });

    it('refuses a corrupted, truncated or foreign document with a clear 400, changing nothing', async () => {
      const a = await signUp(one.url);
      await seedData(one.scratch.db, a.id, a.email);
      const text = JSON.stringify((await a.api.get('/api/export')).body);
      const c = await signUp(two.url);
      const before = await counts(two, c.id);
      const corrupted = JSON.parse(text);
      corrupted.notes[2].content += ' (changed)';
      const answers = [
        await c.api.post('/api/import', corrupted),
        await c.api.request('POST', '/api/import', { raw: text.slice(0, Math.floor(text.length / 2)) }),
        await c.api.post('/api/import', { hello: 'world' }),
        await c.api.post('/api/import', { ...JSON.parse(text), notes: JSON.parse(text).notes.slice(1) }),
        await c.api.post('/api/import', { ...JSON.parse(text), version: 2 }),
      ];
      expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
      expect(answers[0]!.body.error).toEqual({ code: 'validation_failed', message: 'not a valid MindStorm export: the checksum does not match its contents (the file was changed or damaged)' });
      expect(answers[1]!.body.error.code).toBe('invalid_json');
      expect(answers[2]!.body.error.code).toBe('validation_failed');
      expect(answers[3]!.body.error.message).toMatch(/checksum|counts/);
      expect(await counts(two, c.id)).toEqual(before);
    });

    it('takes documents far above the API-wide 256 KB limit (up to 50 MB), and refuses larger ones with 413', async () => {
      const a = await signUp(one.url);
      const big = 'x'.repeat(60 * 1024);
      await one.scratch.db.query(`INSERT INTO notes (user_id, content) SELECT $1, $2 || g FROM generate_series(1, 20) g`, [a.id, big]);
      const exported = (await a.api.get('/api/export')).body as Doc;
      expect(JSON.stringify(exported).length).toBeGreaterThan(1_000_000);
      const c = await signUp(two.url);
      const res = await c.api.post('/api/import', exported);
      expect(res.status).toBe(200);
      expect(res.body.imported.notes).toBe(20);
      const huge = await c.api.request('POST', '/api/import', { raw: `{"format":"mindstorm-export","pad":"${'y'.repeat(51 * 1024 * 1024)}"}` });
      expect(huge.status).toBe(413);
      expect((await c.api.post('/api/notes', { content: 'z'.repeat(300 * 1024) })).status).toBe(413); // other routes keep their limit
    });
  });
}
