import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionJob } from '../../src/jobs/retention.job.ts';
import type { JobContext } from '../../src/jobs/scheduler.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { addNote, addUser } from './fixtures.ts';

const NOW = '2026-03-30T10:00:00Z';
// the limits at NOW, and a minute either side of each
const LIMITS = { year: '2025-03-30T10:00:00Z', sevenYears: '2019-03-30T10:00:00Z', thirtyDays: '2026-02-28T10:00:00Z', ninetyDays: '2025-12-30T10:00:00Z' };
const inside = (iso: string) => new Date(new Date(iso).getTime() + 60_000).toISOString();
const outside = (iso: string) => new Date(new Date(iso).getTime() - 60_000).toISOString();

const ctx = (): JobContext => ({ now: () => new Date(NOW), slot: 'test', attempt: 1, lastSuccessAt: null, signal: new AbortController().signal });

for (const backend of backends) {
  describe.skipIf(backend.skip)(`retention on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    const keep: Record<string, string[]> = { insights: [], notes: [], vault_notes: [], audit_log: [], job_runs: [] };
    const gone: Record<string, string[]> = { insights: [], notes: [], vault_notes: [], audit_log: [], job_runs: [] };
    let user: string;

    const ids = async (table: string) =>
      (await scratch.db.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id`)).map((r) => r.id);
    const one = async (sql: string, params: unknown[]) => (await scratch.db.query<{ id: string }>(`${sql} RETURNING id::text AS id`, params))[0]!.id;
    const insight = (at: string, week: string) =>
      one(`INSERT INTO insights (title, content, week_start, week_end, user_id, created_at) VALUES ('t', 'c', $1, $1::timestamptz + interval '7 days', $2, $3)`, [week, user, at]);
    const vault = (deletedAt: string | null, createdAt = '2010-01-01T00:00:00Z') =>
      one(`INSERT INTO vault_notes (ciphertext, iv, salt, user_id, created_at, deleted_at) VALUES ('Y2lwaGVy', 'aXY=', 'c2FsdA==', $1, $2, $3)`, [user, createdAt, deletedAt]);
    const audit = (at: string) =>
      one(`INSERT INTO audit_log (table_name, operation, row_id, actor_role, changed_at) VALUES ('notes', 'UPDATE', gen_random_uuid(), 'test', $1)`, [at]);
    const run = (at: string) => one(`INSERT INTO job_runs (job, slot, status, started_at, instance) VALUES ('x', $1, 'succeeded', $2, 'test')`, [at, at]);

    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      const db = scratch.db;
      user = await addUser(db, 'keep@example.com');
      keep.insights.push(await insight(inside(LIMITS.year), '2025-03-24T00:00:00Z'), await insight(NOW, '2026-03-23T00:00:00Z'));
      gone.insights.push(await insight(outside(LIMITS.year), '2025-03-17T00:00:00Z'));
      keep.audit_log.push(await audit(inside(LIMITS.sevenYears)));
      gone.audit_log.push(await audit(outside(LIMITS.sevenYears)), await audit('2001-01-01T00:00:00Z'));
      keep.notes.push(
        await addNote(db, user, { content: 'trashed a little under 30 days ago', at: '2020-01-01T00:00:00Z', deletedAt: inside(LIMITS.thirtyDays) }),
        await addNote(db, user, { content: 'live, and very old', at: '2001-01-01T00:00:00Z' }),
      );
      gone.notes.push(await addNote(db, user, { content: 'trashed a little over 30 days ago', at: '2020-01-01T00:00:00Z', deletedAt: outside(LIMITS.thirtyDays) }));
      keep.vault_notes.push(await vault(inside(LIMITS.thirtyDays)), await vault(null));
      gone.vault_notes.push(await vault(outside(LIMITS.thirtyDays)));
      keep.job_runs.push(await run(inside(LIMITS.ninetyDays)));
      gone.job_runs.push(await run(outside(LIMITS.ninetyDays)));
      // an edited policy must never purge accounts or live notes
      await db.query(`INSERT INTO retention_policies VALUES ('users', 'created_at', '1 day', 'rogue'), ('notes', 'created_at', '1 day', 'rogue')`);
    });
    afterAll(() => scratch?.drop());

    it('deletes rows just outside each limit, keeps rows just inside, and touches nothing else', async () => {
      const before = {
        users: await ids('users'),
        clusters: await ids('clusters'),
        stacks: await ids('stacks'),
        audit: await ids('audit_log'),
      };
      const rows = await retentionJob(scratch.db, 2).run(ctx());
      expect(rows).toBe(Object.values(gone).flat().length);
      for (const table of Object.keys(keep)) {
        const left = await ids(table);
        for (const id of keep[table]!) expect(left, `${table} keeps ${id}`).toContain(id);
        for (const id of gone[table]!) expect(left, `${table} drops ${id}`).not.toContain(id);
      }
      expect(await ids('users')).toEqual(before.users);
      expect(await ids('clusters')).toEqual(before.clusters);
      expect(await ids('stacks')).toEqual(before.stacks);
      // the audit trail lost only the two old rows (deletions add their own, recent, records)
      const audit = await ids('audit_log');
      expect(before.audit.filter((id) => !audit.includes(id)).sort()).toEqual([...gone.audit_log].sort());
    });

    it('is idempotent: a second run finds nothing to delete', async () => {
      expect(await retentionJob(scratch.db).run(ctx())).toBe(0);
    });
  });
}
