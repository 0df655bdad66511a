import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { countEmbedded, nearest } from '../../src/db/repos/search.repo.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser, vectorLiteral } from './seed.ts';

// Tag filters under row-level security (migration 0018): `tags @> ...` is tested only after the
// policy's condition, so no index could serve it; tagged_notes() finds the caller's tagged notes
// through idx_notes_tags, and the exact vector read and the counts start from them.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`tagged notes under row-level security on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let alice: string;
    let bob: string;
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      alice = await seedUser(scratch.db, 'alice@example.com', 1);
      bob = await seedUser(scratch.db, 'bob@example.com', 1);
      await scratch.db.exec(`
        INSERT INTO notes (content, user_id) SELECT 'untagged note ' || g, '${alice}' FROM generate_series(1, 3000) g;
        INSERT INTO notes (content, user_id, tags) VALUES ('a quokka', '${alice}', '{rare}'), ('a wallaby', '${alice}', '{rare,animals}'),
          ('a trashed quokka', '${alice}', '{rare}'), ('bob''s quokka', '${bob}', '{rare}');
        UPDATE notes SET deleted_at = now() WHERE content = 'a trashed quokka';
        ANALYZE notes;`);
      await scratch.db.query(`UPDATE notes SET embedding = $1 WHERE tags <> '{}'`, [vectorLiteral(7)]);
    });
    afterAll(() => scratch?.drop());

    const indexScans = async () => {
      const [row] = await scratch.db.transaction(async (tx) => {
        await tx.query('SELECT pg_stat_clear_snapshot()');
        return tx.query<{ n: number }>(`SELECT idx_scan::int AS n FROM pg_stat_user_indexes WHERE indexrelname = 'idx_notes_tags'`);
      });
      return row!.n;
    };
    const tagged = async (user: string, tags: string[]) => {
      const before = await indexScans();
      const contents = await asUser(scratch.db, user, async (tx) => {
        const rows = await tx.query<{ content: string }>(`SELECT n.content FROM tagged_notes($1::text[]) t JOIN notes n ON n.id = t ORDER BY 1`, [tags]);
        await tx.query('SELECT pg_stat_force_next_flush()'); // the statistics are written when the session idles
        return rows.map((r) => r.content);
      });
      await new Promise((r) => setTimeout(r, 50));
      return { contents, indexScans: (await indexScans()) - before };
    };

    it("returns the caller's live notes with every tag asked for, through the tag index", async () => {
      expect(await tagged(alice, ['rare'])).toEqual({ contents: ['a quokka', 'a wallaby'], indexScans: 1 });
      expect((await tagged(alice, ['rare', 'animals'])).contents).toEqual(['a wallaby']);
      expect((await tagged(bob, ['rare'])).contents).toEqual(["bob's quokka"]);
      expect((await tagged(bob, ['animals'])).contents).toEqual([]);
    });

    it('gives the exact vector read and the count of a tag the same notes', async () => {
      const hits = await asUser(scratch.db, alice, (tx) => nearest(tx, alice, vectorLiteral(7), { limit: 10, tag: 'rare', exact: true }));
      expect(hits.map((h) => h.note.content).sort()).toEqual(['a quokka', 'a wallaby']);
      expect(await asUser(scratch.db, alice, (tx) => countEmbedded(tx, alice, 100, 'rare'))).toBe(2);
      expect(await asUser(scratch.db, alice, (tx) => countEmbedded(tx, alice, 1, 'rare'))).toBe(1); // counted up to the cap
      expect(await asUser(scratch.db, bob, (tx) => countEmbedded(tx, bob, 100, 'animals'))).toBe(0);
    });

    it('updates the tag index on each insert (no pending list for searches to read)', async () => {
      const [row] = await scratch.db.query<{ options: string[] }>(`SELECT reloptions AS options FROM pg_class WHERE relname = 'idx_notes_tags'`);
      expect(row!.options).toContain('fastupdate=off');
    });

    it('returns nothing without a signed-in user, and is not open to anonymous callers', async () => {
      const none = await scratch.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('role', 'authenticated', true)`); // signed in as nobody
        return tx.query(`SELECT * FROM tagged_notes('{rare}')`);
      });
      expect(none).toEqual([]);
      await expect(asService(scratch.db, (tx) => tx.query(`SELECT * FROM tagged_notes('{rare}')`))).rejects.toThrow(/permission denied/);
      await expect(
        scratch.db.transaction(async (tx) => {
          await tx.query(`SELECT set_config('role', 'anon', true)`);
          return tx.query(`SELECT * FROM tagged_notes('{rare}')`);
        }),
      ).rejects.toThrow(/permission denied/);
    });
  });
}
