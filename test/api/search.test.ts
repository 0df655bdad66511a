import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { loadConfig } from '../../src/config.ts';
import { createEmbeddingProvider, type EmbeddingProvider } from '../../src/embeddings/provider.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * The real local provider, counting the texts it is asked to embed; `down` makes it fail, and
 * `inProcess` (the local provider's, by default) says whether search treats it as in-process or remote.
 */
function countingProvider(): EmbeddingProvider & { texts: string[]; down: boolean; inProcess: boolean } {
  const real = createEmbeddingProvider(loadConfig({}));
  const texts: string[] = [];
  const provider = {
    model: real.model,
    dimensions: real.dimensions,
    inProcess: real.inProcess ?? false,
    texts,
    down: false,
    embed: (t: string[]) => {
      if (provider.down) return Promise.reject(new Error('provider unreachable'));
      texts.push(...t);
      return real.embed(t);
    },
  };
  return provider;
}

const NOTES = [
  { content: 'My car needs new tires and an oil change before the road trip.', tags: ['errands'] },
  { content: 'Bake sourdough bread: feed the starter the night before, then a long cold proof.', tags: ['cooking'] },
  { content: 'pgvector stores embeddings in PostgreSQL and answers nearest-neighbour queries.', tags: ['databases'] },
  { content: 'The <b>HNSW</b> index in pgvector trades recall for speed & memory.', tags: ['databases'] },
  { content: 'Book the mechanic: the brakes of the automobile squeal on every stop.', tags: ['errands'] },
  { content: 'Knead the dough for ten minutes until the gluten is strong and the bread rises.', tags: ['cooking'] },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`search and similar notes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let provider: ReturnType<typeof countingProvider>;
    let user: Awaited<ReturnType<typeof signUp>>;
    const ids: string[] = [];

    beforeAll(async () => {
      provider = countingProvider();
      server = await startTestServer(backend.name, { embeddings: provider, startWorker: false });
      user = await signUp(server.url);
      for (const n of NOTES) ids.push((await user.api.post('/api/notes', n)).body.id);
    });
    afterAll(() => server?.close());

    it('embeds off the request path: notes answer at once and wait in the queue', async () => {
      const similar = await user.api.get(`/api/notes/${ids[0]}/similar`);
      expect(similar.body).toEqual({ items: [], pending: true });
      expect(await server.app.embeddingWorker.waiting()).toBe(NOTES.length);
      expect(await server.app.embeddingWorker.drain()).toBe(NOTES.length);
      expect(await server.app.embeddingWorker.waiting()).toBe(0);
      const [row] = await asService(server.scratch.db, (tx) =>
        tx.query<{ model: string; dims: number }>('SELECT embedding_model AS model, vector_dims(embedding) AS dims FROM notes WHERE id = $1', [ids[0]]),
      );
      expect(row).toEqual({ model: provider.model, dims: 1536 });
    });

    it('full-text search finds any of the words, ranked, with websearch syntax available', async () => {
      const any = await user.api.get('/api/search?mode=fulltext&q=sourdough%20tires');
      expect(any.body.items.map((r: { note: { id: string } }) => r.note.id).sort()).toEqual([ids[0], ids[1]].sort());
      const phrase = await user.api.get(`/api/search?mode=fulltext&q=${encodeURIComponent('"oil change" -bread')}`);
      expect(phrase.body.items.map((r: { note: { id: string } }) => r.note.id)).toEqual([ids[0]]);
      expect((await user.api.get('/api/search?mode=fulltext&q=zeppelin')).body.items).toEqual([]);
      // a hyphen inside a word is plain text (any word matches), a leading one excludes
      const hyphenated = await user.api.get(`/api/search?mode=fulltext&q=${encodeURIComponent('well-known sourdough')}`);
      expect(hyphenated.body.items.map((r: { note: { id: string } }) => r.note.id)).toEqual([ids[1]]);
      const excluded = await user.api.get(`/api/search?mode=fulltext&q=${encodeURIComponent('bread -sourdough')}`);
      expect(excluded.body.items.map((r: { note: { id: string } }) => r.note.id)).toEqual([ids[5]]);
    });

    it('semantic search finds notes by meaning without shared words', async () => {
      const res = await user.api.get(`/api/search?mode=semantic&q=${encodeURIComponent('vehicle repair garage')}&limit=2`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: { note: { id: string } }) => r.note.id).sort()).toEqual([ids[0], ids[4]].sort());
      expect(res.body.items[0].score).toBeGreaterThan(res.body.items[1].score - 1e-9);
    });

    it('hybrid search is the default and fuses both rankings', async () => {
      const res = await user.api.get(`/api/search?q=${encodeURIComponent('baking loaves')}&limit=3`);
      const top = res.body.items.slice(0, 2).map((r: { note: { id: string } }) => r.note.id).sort();
      expect(top).toEqual([ids[1], ids[5]].sort());
    });

    it('snippets are escaped text with the matched terms marked', async () => {
      const res = await user.api.get('/api/search?mode=fulltext&q=hnsw');
      expect(res.body.items).toHaveLength(1);
      // markup in the note is not passed through: tags are dropped, the rest is escaped
      expect(res.body.items[0].snippet).toContain('<mark>HNSW</mark> index in pgvector trades recall for speed &amp; memory');
      expect(res.body.items[0].snippet).not.toMatch(/<(?!\/?mark>)/);
    });

    it('honours the tag filter in every mode', async () => {
      for (const mode of ['hybrid', 'semantic', 'fulltext']) {
        const res = await user.api.get(`/api/search?mode=${mode}&q=bread%20car%20pgvector&tag=Databases`);
        expect(res.body.items.length, mode).toBeGreaterThan(0);
        expect(res.body.items.every((r: { note: { tags: string[] } }) => r.note.tags.includes('databases')), mode).toBe(true);
      }
    });

    it('similar notes are the nearest of the same user, never the note itself', async () => {
      const res = await user.api.get(`/api/notes/${ids[1]}/similar?limit=3`);
      expect(res.body.pending).toBe(false);
      const got = res.body.items.map((i: { note: { id: string } }) => i.note.id);
      expect(got[0]).toBe(ids[5]);
      expect(got).not.toContain(ids[1]);
      expect(res.body.items[0].similarity).toBeGreaterThan(res.body.items[2].similarity);
    });

    it("tells a note with no neighbours from one waiting for its vector, and a trashed note from both", async () => {
      const alone = await signUp(server.url);
      const note = (await alone.api.post('/api/notes', { content: 'The only note of this account, about kites.' })).body.id;
      expect((await alone.api.get(`/api/notes/${note}/similar`)).body).toEqual({ items: [], pending: true });
      await server.app.embeddingWorker.drain();
      expect((await alone.api.get(`/api/notes/${note}/similar`)).body).toEqual({ items: [], pending: false });
      await alone.api.del(`/api/notes/${note}`);
      const trashed = await alone.api.get(`/api/notes/${note}/similar`);
      expect(trashed.status).toBe(404);
      expect(trashed.body.error.code).toBe('not_found');
    });

    it("never shows trashed notes or another user's notes", async () => {
      const other = await signUp(server.url);
      await other.api.post('/api/notes', { content: 'My car needs new tires too, says the other user.' });
      await server.app.embeddingWorker.drain();
      await user.api.del(`/api/notes/${ids[4]}`);
      for (const mode of ['hybrid', 'semantic', 'fulltext']) {
        const res = await user.api.get(`/api/search?mode=${mode}&q=car%20tires%20mechanic%20brakes&limit=50`);
        const got = res.body.items.map((r: { note: { id: string } }) => r.note.id);
        expect(got, mode).not.toContain(ids[4]);
        expect(got.every((id: string) => ids.includes(id)), mode).toBe(true);
      }
      const similar = await user.api.get(`/api/notes/${ids[0]}/similar?limit=50`);
      expect(similar.body.items.map((i: { note: { id: string } }) => i.note.id)).not.toContain(ids[4]);
      expect((await other.api.get(`/api/notes/${ids[0]}/similar`)).status).toBe(404);
      await user.api.post(`/api/notes/${ids[4]}/restore`);
    });

    it('never embeds the same content twice for a user (the cache), and re-embeds edited notes', async () => {
      const before = provider.texts.length;
      const copy = await user.api.post('/api/notes', { content: NOTES[2]!.content });
      await server.app.embeddingWorker.drain();
      expect(provider.texts.length).toBe(before);
      const [same] = await asService(server.scratch.db, (tx) =>
        tx.query<{ eq: boolean }>('SELECT a.embedding = b.embedding AS eq FROM notes a, notes b WHERE a.id = $1 AND b.id = $2', [copy.body.id, ids[2]]),
      );
      expect(same!.eq).toBe(true);

      await user.api.patch(`/api/notes/${copy.body.id}`, { content: 'A brand new thought about sailing boats.' });
      expect((await user.api.get(`/api/notes/${copy.body.id}/similar`)).body.pending).toBe(true);
      await server.app.embeddingWorker.drain();
      expect(provider.texts.slice(before)).toEqual(['A brand new thought about sailing boats.']);
    });

    it('every mode returns whole notes, as the note itself reads, one longer than search reads included', async () => {
      const long = `Zanzibar spice markets, cloves and cardamom. ${'A line of travel notes about the island. '.repeat(800)}The end.`;
      expect(long.length).toBeGreaterThan(30_000);
      // more bytes than search reads characters, but fewer characters: read whole the first time
      const wide = `Käsespätzle Rezept. ${'Grüße aus München, schön und gemütlich. '.repeat(450)}Ende.`;
      expect(wide.length).toBeLessThan(20_000);
      expect(Buffer.byteLength(wide)).toBeGreaterThan(20_000);
      const created = await user.api.post('/api/notes', { content: long, tags: ['travel'] });
      const wideNote = await user.api.post('/api/notes', { content: wide });
      await server.app.embeddingWorker.drain();
      for (const [q, id] of [['zanzibar cloves', created.body.id], ['käsespätzle rezept', wideNote.body.id], ['sourdough starter', ids[1]]] as const) {
        const note = (await user.api.get(`/api/notes/${id}`)).body;
        for (const mode of ['hybrid', 'semantic', 'fulltext']) {
          const res = await user.api.get(`/api/search?mode=${mode}&q=${encodeURIComponent(q)}&limit=3`);
          expect(res.body.items[0].note, `${mode} ${q}`).toEqual(note);
        }
      }
      expect((await user.api.get(`/api/notes/${created.body.id}`)).body.content).toBe(long);
      await user.api.del(`/api/notes/${created.body.id}`);
      await user.api.del(`/api/notes/${wideNote.body.id}`);
    });

    it('hybrid search answers from the full-text ranking while the provider is down, in-process or remote; semantic search says 503', async () => {
      provider.down = true;
      try {
        const q = encodeURIComponent('sourdough tires');
        for (const inProcess of [true, false]) {
          provider.inProcess = inProcess; // the pools are sent in another order
          const hybrid = await user.api.get(`/api/search?q=${q}`);
          const fulltext = await user.api.get(`/api/search?mode=fulltext&q=${q}`);
          expect(hybrid.status, `in process: ${inProcess}`).toBe(200);
          expect(hybrid.body.items.length).toBeGreaterThan(0);
          expect(hybrid.body.items).toEqual(fulltext.body.items);
        }
        const semantic = await user.api.get(`/api/search?mode=semantic&q=${q}`);
        expect(semantic.status).toBe(503);
        expect(semantic.body.error.code).toBe('unavailable');
      } finally {
        provider.down = false;
        provider.inProcess = true;
      }
    });

    it('finds the same notes whichever pool is sent first', async () => {
      const q = encodeURIComponent('sourdough starter overnight');
      try {
        provider.inProcess = false;
        const remote = await user.api.get(`/api/search?q=${q}`);
        provider.inProcess = true;
        const local = await user.api.get(`/api/search?q=${q}`);
        expect(local.body.items.length).toBeGreaterThan(0);
        expect(local.body.items).toEqual(remote.body.items);
      } finally {
        provider.inProcess = true;
      }
    });

    it('rejects bad search input with 400', async () => {
      for (const q of ['', 'q=', `q=${'x'.repeat(501)}`, 'q=a&mode=fuzzy', 'q=a&limit=0', 'q=a&limit=51', 'q=a&extra=1']) {
        const res = await user.api.get(`/api/search?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error.code, q).toBe('validation_failed');
      }
      expect((await user.api.get('/api/notes/not-a-uuid/similar')).status).toBe(400);
    });
  });
}

describe('the embedding queue survives a restart', () => {
  it('notes written while no worker ran are embedded by the next server', async () => {
    const first = await startTestServer('pglite', { startWorker: false });
    const u = await signUp(first.url);
    const note = (await u.api.post('/api/notes', { content: 'written just before a crash' })).body;
    await first.app.close(); // the database stays, as it would on disk
    const { buildApp } = await import('../../src/server/app.ts');
    const pino = (await import('pino')).default;
    const second = await buildApp({ db: first.scratch.db, config: loadConfig({ LOG_LEVEL: 'silent' }), logger: pino({ level: 'silent' }) });
    await second.ready();
    try {
      for (let i = 0; i < 100; i++) {
        const [row] = await asService(first.scratch.db, (tx) => tx.query<{ ok: boolean }>('SELECT embedding IS NOT NULL AS ok FROM notes WHERE id = $1', [note.id]));
        if (row!.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [row] = await asService(first.scratch.db, (tx) => tx.query<{ ok: boolean }>('SELECT embedding IS NOT NULL AS ok FROM notes WHERE id = $1', [note.id]));
      expect(row!.ok).toBe(true);
    } finally {
      await second.close();
      await first.scratch.drop();
    }
  });
});
