import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { markDerived } from '../../src/db/repos/clusters.repo.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser } from './seed.ts';

// Clustering's writes of notes.cluster_id are heap-only updates (migration 0012): no index of notes is touched, no
// trigger fires. A user's move is an edit like any other.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`clustering's writes of notes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let user: string;
    let other: string;
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      user = await seedUser(scratch.db, 'hot@example.com', 12);
      [{ id: other }] = (await scratch.db.query<{ id: string }>(`INSERT INTO clusters (name, user_id) VALUES ('second', $1) RETURNING id`, [user])) as [{ id: string }];
    });
    afterAll(() => scratch?.drop());

    const notes = () =>
      asService(scratch.db, (tx) =>
        tx.query<{ id: string; clusterId: string; updatedAt: string }>(
          `SELECT id, cluster_id AS "clusterId", updated_at::text AS "updatedAt" FROM notes WHERE user_id = $1 ORDER BY id`,
          [user],
        ),
      );
    const auditRows = async () =>
      (await asService(scratch.db, (tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'notes'`)))[0]!.n;

    it('every column of notes is compared by the notes triggers, or named as skipped', async () => {
      const columns = (
        await scratch.db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'notes' AND table_schema = 'public'`)
      ).map((r) => r.c);
      const defs = await scratch.db.query<{ name: string; def: string }>(
        `SELECT tgname AS name, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t WHERE tgrelid = 'notes'::regclass AND tgname IN ('notes_updated_at', 'notes_audit_update')`,
      );
      expect(defs.map((d) => d.name).sort()).toEqual(['notes_audit_update', 'notes_updated_at']);
      for (const { def } of defs) {
        const when = /WHEN \((.*)\) EXECUTE/s.exec(def)![1]!;
        const args = /EXECUTE FUNCTION \w+\((.*)\)/s.exec(def)![1]!;
        const skipped = [...args.matchAll(/'(\w+)'/g)].map((m) => m[1]);
        for (const c of columns) {
          if (c === 'updated_at' || c === 'embedding' || skipped.includes(c)) continue;
          expect(when, `${c} in ${def}`).toMatch(new RegExp(`old\\.${c}\\b[\\s\\S]*new\\.${c}\\b`, 'i'));
        }
      }
    });

    it("clustering's filing is a heap-only update: no index written, updated_at kept, nothing audited", async () => {
      const before = await notes();
      const audit = await auditRows();
      const stats = await asUser(scratch.db, user, async (tx) => {
        await markDerived(tx, ['cluster_id']);
        await tx.query(`UPDATE notes SET cluster_id = $2 WHERE user_id = $1`, [user, other]);
        return (await tx.query<{ upd: number; hot: number }>(
          `SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'notes'`,
        ))[0]!;
      });
      expect(stats).toEqual({ upd: 12, hot: 12 });
      const after = await notes();
      expect(after.map((n) => n.clusterId)).toEqual(before.map(() => other));
      expect(after.map((n) => n.updatedAt)).toEqual(before.map((n) => n.updatedAt));
      expect(await auditRows()).toBe(audit);
    });

    it("a user's move of a note is an edit: updated_at moves and the trail has it", async () => {
      const [first] = await notes();
      const audit = await auditRows();
      const [home] = await scratch.db.query<{ id: string }>(`SELECT id FROM clusters WHERE user_id = $1 AND id <> $2`, [user, other]);
      await asUser(scratch.db, user, (tx) => tx.query(`UPDATE notes SET cluster_id = $2, cluster_pinned = true WHERE id = $1`, [first!.id, home!.id]));
      const moved = (await notes()).find((n) => n.id === first!.id)!;
      expect(moved.clusterId).toBe(home!.id);
      expect(moved.updatedAt > first!.updatedAt).toBe(true);
      expect(await auditRows()).toBe(audit + 1);
    });

    it('an edit of the text is audited and moves updated_at, in a clustering transaction too', async () => {
      const [first] = await notes();
      const audit = await auditRows();
      await asUser(scratch.db, user, async (tx) => {
        await markDerived(tx, ['cluster_id']);
        await tx.query(`UPDATE notes SET content = 'edited while clustering', cluster_id = $2 WHERE id = $1`, [first!.id, other]);
      });
      const edited = (await notes()).find((n) => n.id === first!.id)!;
      expect(edited.updatedAt > first!.updatedAt).toBe(true);
      expect(await auditRows()).toBe(audit + 1);
    });
  });
}
