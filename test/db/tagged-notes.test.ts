import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '../../src/db/as-user.ts';
import { countEmbedded, nearest } from '../../src/db/repos/search.repo.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { expectSignedInOnly, indexScansDuring } from '../helpers/db-checks.ts';
import { seedUser, vectorLiteral } from './seed.ts';

// Tag filters under row-level security (migrations 0018, 0019): `tags @> ...` is tested only after
// the policy's condition, so no index could serve it; embedded_tagged_notes() finds the caller's
// tagged notes with a vector through idx_notes_tags, and the exact vector read and the counts start
// from them.
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
      await scratch.db.query(`INSERT INTO notes (content, user_id, tags) VALUES ('a quokka waiting for its vector', $1, '{rare}')`, [alice]);
    });
    afterAll(() => scratch?.drop());

    const tagged = async (user: string, tags: string[], cap: number | null = null) => {
      const { result, scans } = await indexScansDuring(scratch.db, user, 'idx_notes_tags', (tx) =>
        tx.query<{ content: string }>(`SELECT n.content FROM embedded_tagged_notes($1::text[], $2) t JOIN notes n ON n.id = t ORDER BY 1`, [tags, cap]),
      );
      return { contents: result.map((r) => r.content), indexScans: scans };
    };

    it("returns the caller's live notes with a vector and every tag asked for, through the tag index", async () => {
      expect(await tagged(alice, ['rare'])).toEqual({ contents: ['a quokka', 'a wallaby'], indexScans: 1 });
      expect((await tagged(alice, ['rare', 'animals'])).contents).toEqual(['a wallaby']);
      expect((await tagged(bob, ['rare'])).contents).toEqual(["bob's quokka"]);
      expect((await tagged(bob, ['animals'])).contents).toEqual([]);
    });

    it('returns at most `cap` notes when given one', async () => {
      const one = (await tagged(alice, ['rare'], 1)).contents;
      expect(one).toHaveLength(1);
      expect(['a quokka', 'a wallaby']).toContain(one[0]);
      expect((await tagged(alice, ['rare'], 5)).contents).toEqual(['a quokka', 'a wallaby']);
    });

    it('gives the exact vector read and the count of a tag the same notes', async () => {
      const hits = await asUser(scratch.db, alice, (tx) => nearest(tx, alice, vectorLiteral(7), { limit: 10, tag: 'rare', exact: true }));
      expect(hits.map((h) => h.note.content).sort()).toEqual(['a quokka', 'a wallaby']);
      expect(await asUser(scratch.db, alice, (tx) => countEmbedded(tx, alice, 100, 'rare'))).toBe(2); // the note without a vector is not counted
      expect(await asUser(scratch.db, alice, (tx) => countEmbedded(tx, alice, 1, 'rare'))).toBe(1); // counted up to the cap
      expect(await asUser(scratch.db, bob, (tx) => countEmbedded(tx, bob, 100, 'animals'))).toBe(0);
    });

    it("lets the full-text pool's ranked_matches() find a rare tag through the tag index too", async () => {
      const { result, scans } = await indexScansDuring(scratch.db, alice, 'idx_notes_tags', (tx) =>
        tx.query<{ content: string }>(
          `SELECT n.content FROM ranked_matches(to_tsquery('english', 'note | quokka | wallaby'), 300, 10, 'rare') m JOIN notes n ON n.id = m.id ORDER BY 1`,
        ),
      );
      expect(result.map((r) => r.content)).toEqual(['a quokka', 'a quokka waiting for its vector', 'a wallaby']); // full text needs no vector
      expect(scans).toBe(1);
    });

    it('updates the tag index on each insert (no pending list for searches to read)', async () => {
      const [row] = await scratch.db.query<{ options: string[] }>(`SELECT reloptions AS options FROM pg_class WHERE relname = 'idx_notes_tags'`);
      expect(row!.options).toContain('fastupdate=off');
    });

    it('returns nothing without a signed-in user, and is not open to anonymous callers', async () => {
      await expectSignedInOnly(scratch.db, `SELECT * FROM embedded_tagged_notes('{rare}')`);
    });
  });
}
