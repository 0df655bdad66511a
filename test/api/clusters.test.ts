import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { findDevSet, readDevRows, type DevRow } from '../../src/embeddings/local/dev-set.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type Client, type TestServer } from '../helpers/server.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const LABELS = ['web', 'science', 'x11'];

interface Cluster {
  id: string;
  name: string;
  noteCount: number;
  userNamed: boolean;
}

// 20 notes each of three dev-set labels with clear topics (long descriptions), plus held-out rows.
async function fixture(): Promise<{ notes: DevRow[]; heldOut: DevRow; newTopic: DevRow[]; other: DevRow[] }> {
  const file = findDevSet();
  if (!file) throw new Error('dev-notes.jsonl not found: set MINDSTORM_DEV_NOTES or put shared/data/dev-notes.jsonl beside the repository');
  const all = await readDevRows(file);
  const rows = all.filter((r) => r.text.length > 400);
  const of = (label: string) => rows.filter((r) => r.label === label);
  return {
    notes: LABELS.flatMap((l) => of(l).slice(0, 20)),
    heldOut: of('science').slice(20).find((r) => /genom/i.test(r.text))!,
    newTopic: all.filter((r) => r.label === 'kernel').slice(0, 16),
    other: [...of('text').slice(0, 12), ...of('localization').slice(0, 12)],
  };
}

const byId = (items: Cluster[]) => new Map(items.map((c) => [c.id, c]));

for (const backend of backends) {
  describe.skipIf(backend.skip)(`clusters on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let a: Awaited<ReturnType<typeof signUp>>;
    let b: Awaited<ReturnType<typeof signUp>>;
    let data: Awaited<ReturnType<typeof fixture>>;
    const label = new Map<string, string>(); // note id → label

    const clusters = async (api: Client = a.api): Promise<Cluster[]> => (await api.get('/api/clusters')).body.items;
    const clusterOfNotes = async (api: Client = a.api): Promise<Map<string, string | null>> => {
      const out = new Map<string, string | null>();
      for (let cursor: string | null = null; ; ) {
        const page: { body: { items: { id: string; clusterId: string | null }[]; nextCursor: string | null } } = await api.get(`/api/notes?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        for (const n of page.body.items) out.set(n.id, n.clusterId);
        cursor = page.body.nextCursor;
        if (!cursor) return out;
      }
    };
    // The cluster holding most notes of a label.
    const home = async (l: string) => {
      const counts = new Map<string, number>();
      for (const [id, c] of await clusterOfNotes()) if (c && label.get(id) === l) counts.set(c, (counts.get(c) ?? 0) + 1);
      return [...counts].sort((x, y) => y[1] - x[1])[0]![0];
    };
    const auditRows = async () =>
      (await asService(server.scratch.db, (tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'notes'`)))[0]!.n;

    // Each of user a's notes and map placements, with the transaction that wrote its current version.
    const rowVersions = () =>
      asService(server.scratch.db, (tx) =>
        tx.query(
          `SELECT 'note ' || id AS row, xmin::text AS v FROM notes WHERE user_id = $1
           UNION ALL SELECT 'placement ' || note_id, xmin::text FROM note_placements WHERE user_id = $1 ORDER BY 1`,
          [a.id],
        ),
      );

    beforeAll(async () => {
      data = await fixture();
      server = await startTestServer(backend.name, { startWorker: false });
      a = await signUp(server.url);
      b = await signUp(server.url);
      for (const r of data.notes) label.set((await a.api.post('/api/notes', { content: r.text })).body.id, r.label);
      for (const r of data.other) await b.api.post('/api/notes', { content: r.text });
      await server.app.embeddingWorker.drain();
    });
    afterAll(() => server?.close());

    it('clusters a user\'s notes once embedded, with distinct, non-numeric names, by topic', async () => {
      const items = await clusters();
      expect(items.length).toBeGreaterThanOrEqual(2);
      expect(items.length).toBeLessThanOrEqual(8);
      for (const c of items) {
        expect(c).toEqual({ id: expect.any(String), name: expect.any(String), noteCount: expect.any(Number), userNamed: false, terms: expect.any(Array), createdAt: expect.any(String), updatedAt: expect.any(String) });
        expect(c.name).toMatch(/\p{L}{2}/u);
        expect(c.name).not.toMatch(/^\W*(cluster|topic|group)?\W*\d+\W*$/i);
      }
      expect(new Set(items.map((c) => c.name.toLowerCase())).size).toBe(items.length);
      const total = items.reduce((s, c) => s + c.noteCount, 0);
      expect(total).toBeGreaterThanOrEqual(50);
      // each label lives mostly in one cluster, and the three labels in different ones
      const notes = await clusterOfNotes();
      const homes = new Set<string>();
      for (const l of LABELS) {
        const h = await home(l);
        homes.add(h);
        const inHome = [...notes].filter(([id, c]) => label.get(id) === l && c === h).length;
        expect(inHome, l).toBeGreaterThanOrEqual(14);
      }
      expect(homes.size).toBe(3);
      // the notes list filters by cluster, and the map has a point per note
      const first = items[0]!;
      expect((await a.api.get(`/api/notes?clusterId=${first.id}&limit=100`)).body.items).toHaveLength(first.noteCount);
      const map = (await a.api.get('/api/clusters/map')).body.points;
      expect(map).toHaveLength(60);
      for (const p of map) {
        expect(Math.abs(p.x)).toBeLessThanOrEqual(1.5);
        expect(Math.abs(p.y)).toBeLessThanOrEqual(1.5);
        expect(p.clusterId).toBe(notes.get(p.noteId));
      }
      // the other user was clustered on their own notes only
      const theirs = await clusters(b.api);
      expect(theirs.length).toBeGreaterThanOrEqual(1);
      expect(theirs.every((c) => !items.some((m) => m.id === c.id))).toBe(true);
    });

    it('re-clustering unchanged notes changes no ids, names or memberships, and writes no audit rows', async () => {
      const before = await clusters();
      const notesBefore = await clusterOfNotes();
      const audit = await auditRows();
      const versions = await rowVersions();
      const res = await a.api.post('/api/clusters/recluster');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ notes: 60, clusters: before.length, kept: before.length, created: 0, retired: 0, filed: 0 });
      expect(await rowVersions()).toEqual(versions); // not one row written
      expect(res.body.clustered + res.body.unclustered).toBe(60);
      expect(await clusters()).toEqual(before);
      expect(await clusterOfNotes()).toEqual(notesBefore);
      expect(await auditRows()).toBe(audit); // clustering's own placements are derived data
    });

    it("keeps a user's name through re-clustering", async () => {
      const target = await home('science');
      const renamed = await a.api.patch(`/api/clusters/${target}`, { name: '  Lab notebook  ' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: target, name: 'Lab notebook', userNamed: true });
      expect((await a.api.post('/api/clusters/recluster')).status).toBe(200);
      expect(byId(await clusters()).get(target)).toMatchObject({ name: 'Lab notebook', userNamed: true });
      expect((await a.api.get(`/api/clusters/${target}`)).body.name).toBe('Lab notebook');
    });

    it("keeps a user's moves through re-clustering (into another cluster, and out of every cluster), audited", async () => {
      const science = await home('science');
      const x11 = await home('x11');
      const notes = await clusterOfNotes();
      const [moved, freed] = [...notes].filter(([id, c]) => label.get(id) === 'science' && c === science).map(([id]) => id);
      const audit = await auditRows();
      expect((await a.api.patch(`/api/notes/${moved}`, { clusterId: x11 })).body.clusterId).toBe(x11);
      expect((await a.api.patch(`/api/notes/${freed}`, { clusterId: null })).body.clusterId).toBeNull();
      expect(await auditRows()).toBe(audit + 2); // a user's move is an edit
      const res = await a.api.post('/api/clusters/recluster');
      expect(res.status).toBe(200);
      const after = await clusterOfNotes();
      expect(after.get(moved!)).toBe(x11);
      expect(after.get(freed!)).toBeNull();
      expect(byId(await clusters()).has(science)).toBe(true);
    });

    it('places a newly embedded note in its nearest cluster at once, without a full re-clustering', async () => {
      const [stamp] = await asService(server.scratch.db, (tx) => tx.query<{ t: string }>(`SELECT fitted_at::text AS t FROM cluster_models WHERE user_id = $1`, [a.id]));
      const note = (await a.api.post('/api/notes', { content: data.heldOut.text })).body;
      expect(note.clusterId).toBeNull();
      await server.app.embeddingWorker.drain();
      const placed = (await a.api.get(`/api/notes/${note.id}`)).body;
      expect(placed.clusterId).toBe(await home('science'));
      const [after] = await asService(server.scratch.db, (tx) => tx.query<{ t: string }>(`SELECT fitted_at::text AS t FROM cluster_models WHERE user_id = $1`, [a.id]));
      expect(after!.t).toBe(stamp!.t);
      const point = (await a.api.get('/api/clusters/map')).body.points.find((p: { noteId: string }) => p.noteId === note.id);
      expect(point).toMatchObject({ clusterId: placed.clusterId, x: expect.any(Number), y: expect.any(Number) });
      label.set(note.id, 'science');
    });

    it('re-clusters in full once enough has changed: a new topic appears, kept clusters keep ids and names', async () => {
      const [before] = await asService(server.scratch.db, (tx) => tx.query<{ t: string }>(`SELECT fitted_at::text AS t FROM cluster_models WHERE user_id = $1`, [a.id]));
      const old = await clusters();
      // 16 new notes on another topic: 17 of 77 notes changed since the last run is over 20%
      for (const r of data.newTopic) label.set((await a.api.post('/api/notes', { content: r.text })).body.id, r.label);
      await server.app.embeddingWorker.drain();
      const [after] = await asService(server.scratch.db, (tx) => tx.query<{ t: string; n: number }>(`SELECT fitted_at::text AS t, note_count AS n FROM cluster_models WHERE user_id = $1`, [a.id]));
      expect(after!.t).not.toBe(before!.t);
      expect(after!.n).toBe(77);
      const now = byId(await clusters());
      for (const c of old) expect(now.get(c.id)?.name, c.name).toBe(c.name);
      const kernel = now.get(await home('kernel'))!;
      expect(old.some((c) => c.id === kernel.id)).toBe(false);
      expect(kernel.noteCount).toBeGreaterThanOrEqual(12);
    });

    it('merges one cluster into another: the notes move and stay, the first cluster goes', async () => {
      const web = await home('web');
      const x11 = await home('x11');
      const before = byId(await clusters());
      const webNotes = [...(await clusterOfNotes())].filter(([, c]) => c === web).map(([id]) => id);
      const res = await a.api.post(`/api/clusters/${web}/merge`, { into: x11 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: x11, name: before.get(x11)!.name, noteCount: before.get(x11)!.noteCount + before.get(web)!.noteCount });
      expect((await a.api.get(`/api/clusters/${web}`)).status).toBe(404);
      expect((await a.api.post('/api/clusters/recluster')).status).toBe(200);
      const after = await clusterOfNotes();
      expect(webNotes.every((id) => after.get(id) === x11)).toBe(true);
      expect(byId(await clusters()).has(web)).toBe(false);
    });

    it('cleans up orphaned clusters, but not a named one holding pinned notes in the trash', async () => {
      const [empty, named] = await asService(server.scratch.db, async (tx) => [
        (await tx.query<{ id: string }>(`INSERT INTO clusters (user_id, name) VALUES ($1, 'Nothing here') RETURNING id`, [a.id]))[0]!.id,
        (await tx.query<{ id: string }>(`INSERT INTO clusters (user_id, name, user_named) VALUES ($1, 'Keep me', true) RETURNING id`, [a.id]))[0]!.id,
      ]);
      const note = (await a.api.post('/api/notes', { content: 'A note for the trash.' })).body.id;
      await a.api.patch(`/api/notes/${note}`, { clusterId: named });
      await a.api.del(`/api/notes/${note}`);
      const theirs = await clusters(b.api);
      expect(await server.app.clusters.cleanupOrphanedClusters()).toBe(1);
      const mine = byId(await clusters());
      expect(mine.has(empty)).toBe(false);
      expect(mine.get(named)).toMatchObject({ name: 'Keep me', noteCount: 0 });
      expect(await clusters(b.api)).toEqual(theirs);
      expect(await server.app.clusters.cleanupOrphanedClusters()).toBe(0);
    });

    it("keeps users apart: another user's cluster is 404 everywhere", async () => {
      const mine = (await clusters())[0]!;
      const theirs = (await clusters(b.api))[0]!;
      const bNote = [...(await clusterOfNotes(b.api)).keys()][0]!;
      const before = { a: await clusters(), b: await clusters(b.api), bNotes: await clusterOfNotes(b.api) };
      expect((await b.api.get(`/api/clusters/${mine.id}`)).status).toBe(404);
      expect((await b.api.patch(`/api/clusters/${mine.id}`, { name: 'Mine now' })).status).toBe(404);
      expect((await b.api.post(`/api/clusters/${mine.id}/merge`, { into: theirs.id })).status).toBe(404);
      expect((await b.api.post(`/api/clusters/${theirs.id}/merge`, { into: mine.id })).status).toBe(404);
      expect((await b.api.patch(`/api/notes/${bNote}`, { clusterId: mine.id })).status).toBe(404);
      expect((await b.api.get(`/api/notes?clusterId=${mine.id}`)).body.items).toEqual([]);
      const bMap = (await b.api.get('/api/clusters/map')).body.points;
      expect(bMap.every((p: { noteId: string }) => before.bNotes.has(p.noteId))).toBe(true);
      expect({ a: await clusters(), b: await clusters(b.api), bNotes: await clusterOfNotes(b.api) }).toEqual(before);
    });

    it('answers bad input with its 4xx and the error shape, and changes nothing', async () => {
      const [c1, c2] = await clusters();
      const note = [...(await clusterOfNotes()).keys()][0]!;
      const state = async () => ({ clusters: await clusters(), notes: await clusterOfNotes() });
      const before = await state();
      const cases: [string, string, string, unknown, number, string][] = [
        ['id not a uuid', 'GET', '/api/clusters/nope', undefined, 400, 'validation_failed'],
        ['rename: id not a uuid', 'PATCH', '/api/clusters/nope', { name: 'x' }, 400, 'validation_failed'],
        ['rename: no name', 'PATCH', `/api/clusters/${c1!.id}`, {}, 400, 'validation_failed'],
        ['rename: empty name', 'PATCH', `/api/clusters/${c1!.id}`, { name: '' }, 400, 'validation_failed'],
        ['rename: blank name', 'PATCH', `/api/clusters/${c1!.id}`, { name: '   ' }, 400, 'validation_failed'],
        ['rename: long name', 'PATCH', `/api/clusters/${c1!.id}`, { name: 'x'.repeat(101) }, 400, 'validation_failed'],
        ['rename: number', 'PATCH', `/api/clusters/${c1!.id}`, { name: 5 }, 400, 'validation_failed'],
        ['rename: NUL', 'PATCH', `/api/clusters/${c1!.id}`, { name: 'a\u0000b' }, 400, 'validation_failed'],
        ['rename: extra field', 'PATCH', `/api/clusters/${c1!.id}`, { name: 'ok', id: UNKNOWN }, 400, 'validation_failed'],
        ['rename: taken name', 'PATCH', `/api/clusters/${c1!.id}`, { name: c2!.name.toUpperCase() }, 409, 'conflict'],
        ['rename: unknown cluster', 'PATCH', `/api/clusters/${UNKNOWN}`, { name: 'x' }, 404, 'not_found'],
        ['merge: no into', 'POST', `/api/clusters/${c1!.id}/merge`, {}, 400, 'validation_failed'],
        ['merge: into not a uuid', 'POST', `/api/clusters/${c1!.id}/merge`, { into: 'x' }, 400, 'validation_failed'],
        ['merge: into itself', 'POST', `/api/clusters/${c1!.id}/merge`, { into: c1!.id }, 400, 'validation_failed'],
        ['merge: into unknown', 'POST', `/api/clusters/${c1!.id}/merge`, { into: UNKNOWN }, 404, 'not_found'],
        ['merge: unknown source', 'POST', `/api/clusters/${UNKNOWN}/merge`, { into: c1!.id }, 404, 'not_found'],
        ['move: not a uuid', 'PATCH', `/api/notes/${note}`, { clusterId: 'c1' }, 400, 'validation_failed'],
        ['move: unknown cluster', 'PATCH', `/api/notes/${note}`, { clusterId: UNKNOWN }, 404, 'not_found'],
      ];
      for (const [name, method, path, body, status, code] of cases) {
        const res = await a.api.request(method, path, { body });
        expect(res.status, name).toBe(status);
        expect(res.body, name).toEqual({ error: { code, message: expect.any(String) } });
      }
      const raw = await a.api.request('PATCH', `/api/clusters/${c1!.id}`, { raw: '{"name": ' });
      expect(raw.body.error.code).toBe('invalid_json');
      for (const path of ['/api/clusters', '/api/clusters/map']) expect((await a.api.get(path, { token: null })).status).toBe(401);
      expect((await a.api.post('/api/clusters/recluster', undefined, { token: null })).status).toBe(401);
      expect(await state()).toEqual(before);
    });
  });
}
