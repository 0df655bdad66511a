import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser } from './seed.ts';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`erasure in the audit trail on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let user: string;
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      user = await seedUser(scratch.db, 'erase@example.com', 1);
    });
    afterAll(() => scratch?.drop());

    it('a note deleted for good keeps its history of operations but none of its text', async () => {
      const [note] = await asUser(scratch.db, user, (tx) =>
        tx.query<{ id: string }>(`INSERT INTO notes (content, tags, user_id) VALUES ('a private thought', '{secret}', $1) RETURNING id`, [user]),
      );
      await asUser(scratch.db, user, (tx) => tx.query(`UPDATE notes SET content = 'a second private thought' WHERE id = $1`, [note!.id]));
      await asUser(scratch.db, user, (tx) => tx.query('UPDATE notes SET deleted_at = now() WHERE id = $1', [note!.id]));
      const before = await asService(scratch.db, (tx) => tx.query<{ t: string }>('SELECT old_values::text || new_values::text AS t FROM audit_log WHERE row_id = $1', [note!.id]));
      expect(before.map((r) => r.t).join()).toContain('private thought'); // in the trash it can still be restored

      await asUser(scratch.db, user, (tx) => tx.query('DELETE FROM notes WHERE id = $1', [note!.id]));
      const trail = await asService(scratch.db, (tx) =>
        tx.query<{ operation: string; values: string }>(
          `SELECT operation, coalesce(old_values::text, '') || coalesce(new_values::text, '') AS values FROM audit_log WHERE row_id = $1 ORDER BY id`,
          [note!.id],
        ),
      );
      expect(trail.map((t) => t.operation)).toEqual(['INSERT', 'UPDATE', 'UPDATE', 'DELETE']);
      expect(trail.map((t) => t.values).join()).not.toMatch(/private thought|secret/);
    });

    it('other notes keep their trail', async () => {
      const rows = await asService(scratch.db, (tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'notes' AND new_values ? 'content' AND user_id = $1`, [user]),
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    });
  });
}
