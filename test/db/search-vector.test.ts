import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { markDerived } from '../../src/db/repos/clusters.repo.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { expectSignedInOnly, indexScansDuring } from '../helpers/db-checks.ts';
import { seedUser } from './seed.ts';

// notes.search_vector (migration 0013) is kept by a trigger when the content is written: always the
// tsvector of the current content, and not computed again by writes that change no text.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`the stored tsvector of notes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let user: string;
    let noteId: string;
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      user = await seedUser(scratch.db, 'tsv@example.com', 3);
      [{ id: noteId }] = (await scratch.db.query<{ id: string }>(`SELECT id FROM notes WHERE user_id = $1 ORDER BY id LIMIT 1`, [user])) as [{ id: string }];
    });
    afterAll(() => scratch?.drop());

    /** Whether the stored vector is exactly the tsvector of the note's content, and its text. */
    const state = async () =>
      (
        await asService(scratch.db, (tx) =>
          tx.query<{ same: boolean; v: string }>(
            `SELECT search_vector = to_tsvector('english', content) AS same, search_vector::text AS v FROM notes WHERE id = $1`,
            [noteId],
          ),
        )
      )[0]!;

    it('is the tsvector of the content for every note written', async () => {
      const rows = await scratch.db.query<{ ok: boolean }>(`SELECT bool_and(search_vector = to_tsvector('english', content)) AS ok FROM notes`);
      expect(rows[0]!.ok).toBe(true);
    });

    it('follows an edit of the text, and finds the note by its new words', async () => {
      await asUser(scratch.db, user, (tx) => tx.query(`UPDATE notes SET content = 'Sourdough loaves rise overnight' WHERE id = $1`, [noteId]));
      expect(await state()).toMatchObject({ same: true });
      const found = await asUser(scratch.db, user, (tx) =>
        tx.query<{ id: string }>(`SELECT id FROM notes WHERE search_vector @@ plainto_tsquery('english', 'loaves rising')`),
      );
      expect(found.map((r) => r.id)).toEqual([noteId]);
    });

    it('cannot be written to anything else', async () => {
      await asUser(scratch.db, user, (tx) => tx.query(`UPDATE notes SET search_vector = to_tsvector('english', 'forged') WHERE id = $1`, [noteId]));
      const s = await state();
      expect(s.same).toBe(true);
      expect(s.v).not.toContain('forg');
    });

    it('is left alone by writes that change no text (tags, clustering)', async () => {
      const before = (await state()).v;
      await asUser(scratch.db, user, async (tx) => {
        await tx.query(`UPDATE notes SET tags = '{baking}' WHERE id = $1`, [noteId]);
        await markDerived(tx, ['cluster_id']);
        await tx.query(`UPDATE notes SET cluster_id = NULL WHERE id = $1`, [noteId]);
      });
      expect(await state()).toEqual({ same: true, v: before });
    });
  });
}

// Full-text matching under row-level security (migrations 0014, 0016): the policy's condition comes first,
// so tsvector @@ tsquery could not use the GIN index; ranked_matches() does, for the caller's notes only.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`full-text matches under row-level security on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let alice: string;
    let bob: string;
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      alice = await seedUser(scratch.db, 'alice@example.com', 1);
      bob = await seedUser(scratch.db, 'bob@example.com', 1);
      await scratch.db.exec(`
        INSERT INTO notes (content, user_id, tags) SELECT 'ordinary words number ' || g, '${alice}', '{}' FROM generate_series(1, 3000) g;
        INSERT INTO notes (content, user_id, tags) VALUES ('the quokka is a small wallaby', '${alice}', '{animals}'),
          ('another quokka, seen by Bob', '${bob}', '{animals}');
        ANALYZE notes;`);
    });
    afterAll(() => scratch?.drop());

    const matches = async (user: string, q: string, tag: string | null = null) => {
      const { result, scans } = await indexScansDuring(scratch.db, user, 'idx_notes_search_vector', (tx) =>
        tx.query<{ user_id: string }>(
          `SELECT n.user_id FROM ranked_matches(to_tsquery('english', $1), 100, 100, $2) m JOIN notes n ON n.id = m.id`,
          [q, tag],
        ),
      );
      return { owners: result.map((r) => r.user_id), indexScans: scans };
    };

    it("returns the caller's matching notes only, through the GIN index for a rare word", async () => {
      expect(await matches(alice, 'quokka')).toEqual({ owners: [alice], indexScans: 1 });
      expect((await matches(bob, 'quokka')).owners).toEqual([bob]);
      expect((await matches(alice, 'quokka', 'animals')).owners).toEqual([alice]);
      expect((await matches(alice, 'quokka', 'plants')).owners).toEqual([]);
    });

    it('ranks the newest matches and keeps the best of them, with their scores', async () => {
      const ranked = (newest: number, keep: number) =>
        asUser(scratch.db, alice, (tx) =>
          tx.query<{ content: string; score: number }>(
            `SELECT n.content, m.score FROM ranked_matches(to_tsquery('english', 'ordinary & number'), $1, $2) m JOIN notes n ON n.id = m.id ORDER BY m.score DESC`,
            [newest, keep],
          ),
        );
      const best = await ranked(3000, 2);
      expect(best).toHaveLength(2);
      expect(best[0]!.score).toBeGreaterThan(0);
      expect(best[0]!.score).toBeGreaterThanOrEqual(best[1]!.score);
      expect(await ranked(5, 100)).toHaveLength(5); // only the newest five are ranked
    });

    it('updates the GIN index on each insert (no pending list for searches to read)', async () => {
      const [row] = await scratch.db.query<{ options: string[] }>(`SELECT reloptions AS options FROM pg_class WHERE relname = 'idx_notes_search_vector'`);
      expect(row!.options).toContain('fastupdate=off');
    });

    it('returns nothing without a signed-in user, and is not open to anonymous callers', async () => {
      await expectSignedInOnly(scratch.db, `SELECT * FROM ranked_matches(to_tsquery('english', 'quokka'), 100, 100)`);
    });
  });
}
