import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser, USER_TABLES } from './seed.ts';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`row-level security on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let a: string;
    let b: string;

    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      a = await seedUser(scratch.db, 'a@example.com');
      b = await seedUser(scratch.db, 'b@example.com');
    });
    afterAll(() => scratch?.drop());

    for (const table of USER_TABLES) {
      it(`${table}: a raw SELECT * without WHERE shows a user only their own rows`, async () => {
        const rows = await asUser(scratch.db, a, (tx) => tx.query<{ user_id: string }>(`SELECT * FROM ${table}`));
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => r.user_id === a)).toBe(true);
      });

      it(`${table}: a user cannot update or delete another user's rows`, async () => {
        const updated = await asUser(scratch.db, a, (tx) =>
          tx.query(`UPDATE ${table} SET created_at = created_at - interval '1 day' WHERE user_id = $1 RETURNING id`, [b]),
        );
        expect(updated).toHaveLength(0);
        const deleted = await asUser(scratch.db, a, (tx) => tx.query(`DELETE FROM ${table} WHERE user_id = $1 RETURNING id`, [b]));
        expect(deleted).toHaveLength(0);
        const left = await asService(scratch.db, (tx) => tx.query(`SELECT id FROM ${table} WHERE user_id = $1`, [b]));
        expect(left.length).toBeGreaterThan(0);
      });

      it(`${table}: a user cannot move their own rows to another user`, async () => {
        await expect(
          asUser(scratch.db, a, (tx) => tx.query(`UPDATE ${table} SET user_id = $1 WHERE user_id = $2`, [b, a])),
        ).rejects.toThrow(/row-level security/);
      });

      it(`${table}: the service role sees every user's rows`, async () => {
        const owners = await asService(scratch.db, (tx) => tx.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM ${table}`));
        expect(owners.map((o) => o.user_id).sort()).toEqual([a, b].sort());
      });
    }

    const inserts: Record<(typeof USER_TABLES)[number], string> = {
      notes: `INSERT INTO notes (content, user_id) VALUES ('x', $1)`,
      clusters: `INSERT INTO clusters (name, user_id) VALUES ('x', $1)`,
      stacks: `INSERT INTO stacks (name, user_id) VALUES ('x', $1)`,
      insights: `INSERT INTO insights (title, content, week_start, week_end, user_id) VALUES ('x', 'x', now(), now(), $1)`,
      vault_notes: `INSERT INTO vault_notes (ciphertext, iv, salt, user_id) VALUES ('x', 'x', 'x', $1)`,
    };
    for (const table of USER_TABLES) {
      it(`${table}: a user cannot insert a row for another user`, async () => {
        await expect(asUser(scratch.db, a, (tx) => tx.query(inserts[table], [b]))).rejects.toThrow(/row-level security/);
        const own = await asUser(scratch.db, a, (tx) => tx.query(`${inserts[table]} RETURNING user_id`, [a]));
        expect(own).toEqual([{ user_id: a }]);
      });
    }

    it('users: a user sees only their own account', async () => {
      const rows = await asUser(scratch.db, a, (tx) => tx.query<{ id: string }>('SELECT * FROM users'));
      expect(rows.map((r) => r.id)).toEqual([a]);
    });

    it('a note cannot be filed in another user\'s cluster', async () => {
      const [bCluster] = await asService(scratch.db, (tx) => tx.query<{ id: string }>('SELECT id FROM clusters WHERE user_id = $1', [b]));
      await expect(
        asUser(scratch.db, a, (tx) => tx.query('UPDATE notes SET cluster_id = $1 WHERE user_id = $2', [bCluster!.id, a])),
      ).rejects.toThrow(/foreign key/);
    });

    it('a role without claims (anon) sees nothing', async () => {
      const rows = await scratch.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('role', 'anon', true)`);
        return tx.query('SELECT count(*)::int AS n FROM notes').catch((e: Error) => e.message);
      });
      expect(rows).toMatch(/permission denied/);
    });

    it('a soft delete by the owner succeeds through UPDATE ... RETURNING', async () => {
      const [note] = await asUser(scratch.db, a, (tx) =>
        tx.query<{ id: string; deleted_at: Date }>(
          `UPDATE notes SET deleted_at = now() WHERE id = (SELECT id FROM notes WHERE user_id = $1 AND deleted_at IS NULL LIMIT 1) RETURNING id, deleted_at`,
          [a],
        ),
      );
      expect(note?.deleted_at).toBeInstanceOf(Date);
    });

    it('updated_at is kept current by the database, but not for a new embedding alone', async () => {
      const [before] = await asUser(scratch.db, a, (tx) =>
        tx.query<{ id: string; updated_at: Date }>('SELECT id, updated_at FROM notes WHERE user_id = $1 LIMIT 1', [a]),
      );
      await new Promise((r) => setTimeout(r, 20));
      const [same] = await asUser(scratch.db, a, (tx) =>
        tx.query<{ updated_at: Date }>('UPDATE notes SET embedding = NULL WHERE id = $1 RETURNING updated_at', [before!.id]),
      );
      expect(same!.updated_at).toEqual(before!.updated_at);
      const [edited] = await asUser(scratch.db, a, (tx) =>
        tx.query<{ updated_at: Date }>(`UPDATE notes SET content = 'edited' WHERE id = $1 RETURNING updated_at`, [before!.id]),
      );
      expect(edited!.updated_at.getTime()).toBeGreaterThan(before!.updated_at.getTime());
    });

    it('the audit trail records who changed what, without embeddings, out of users\' reach', async () => {
      const [note] = await asUser(scratch.db, a, (tx) =>
        tx.query<{ id: string }>(`INSERT INTO notes (content, user_id, embedding) VALUES ('audited', $1, NULL) RETURNING id`, [a]),
      );
      await asUser(scratch.db, a, (tx) => tx.query(`UPDATE notes SET content = 'audited twice' WHERE id = $1`, [note!.id]));
      const trail = await asService(scratch.db, (tx) =>
        tx.query<{ operation: string; actor: string; actor_role: string; old_values: { content: string } | null; new_values: Record<string, unknown> }>(
          `SELECT operation, actor, actor_role, old_values, new_values FROM audit_log WHERE row_id = $1 ORDER BY id`,
          [note!.id],
        ),
      );
      expect(trail.map((t) => t.operation)).toEqual(['INSERT', 'UPDATE']);
      expect(trail[1]!.old_values?.content).toBe('audited');
      expect(trail[1]!.new_values.content).toBe('audited twice');
      expect(trail.every((t) => t.actor === a && t.actor_role === 'authenticated')).toBe(true);
      expect(trail.every((t) => !('embedding' in t.new_values))).toBe(true);
      await expect(asUser(scratch.db, a, (tx) => tx.query('SELECT * FROM audit_log'))).rejects.toThrow(/permission denied/);
    });

    it('deleting a user removes all their rows and the trail of their data, and nothing of others', async () => {
      const victim = await seedUser(scratch.db, 'gone@example.com');
      await asService(scratch.db, (tx) => tx.query('DELETE FROM users WHERE id = $1', [victim]));
      for (const table of USER_TABLES) {
        const rows = await asService(scratch.db, (tx) => tx.query(`SELECT id FROM ${table} WHERE user_id = $1`, [victim]));
        expect(rows, table).toHaveLength(0);
        const others = await asService(scratch.db, (tx) => tx.query(`SELECT id FROM ${table} WHERE user_id = $1`, [a]));
        expect(others.length, table).toBeGreaterThan(0);
      }
      const trail = await asService(scratch.db, (tx) =>
        tx.query<{ table_name: string; operation: string; old_values: unknown }>(
          'SELECT table_name, operation, old_values FROM audit_log WHERE user_id = $1',
          [victim],
        ),
      );
      expect(trail).toEqual([{ table_name: 'users', operation: 'DELETE', old_values: { id: victim } }]);
    });
  });
}
