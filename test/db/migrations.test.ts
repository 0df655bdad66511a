import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, migrationStatus } from '../../src/db/migrate.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';

const ALL = loadMigrations().map((m) => m.version);

for (const backend of backends) {
  describe.skipIf(backend.skip)(`migrations on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch | undefined;
    afterEach(async () => {
      await scratch?.drop();
      scratch = undefined;
    });

    it('applies every migration from empty, in order, and reports them in --status', async () => {
      scratch = await scratchDatabase(backend.name, { migrated: false });
      const before = await scratch.db.withSession((s) => migrationStatus(s));
      expect(before.every((m) => m.appliedAt === null)).toBe(true);
      expect(before.map((m) => m.label).slice(0, 4)).toEqual(['v1.0', 'v1.1', 'v1.2', 'v1.3']);

      const ran = await scratch.db.withSession((s) => migrate(s));
      expect(ran).toEqual(ALL);
      const after = await scratch.db.withSession((s) => migrationStatus(s));
      expect(after.every((m) => m.appliedAt instanceof Date)).toBe(true);

      const tables = await scratch.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['users', 'notes', 'clusters', 'stacks', 'insights', 'vault_notes', 'audit_log', 'retention_policies']),
      );
      const ext = await scratch.db.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
      expect(ext[0]?.extversion).toMatch(/^0\.[89]|^[1-9]/);
    });

    it('is a no-op when run a second time', async () => {
      scratch = await scratchDatabase(backend.name);
      const rows = await scratch.db.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
      expect(await scratch.db.withSession((s) => migrate(s))).toEqual([]);
      expect(await scratch.db.query('SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(rows);
    });

    it('stops at a target version and continues from there later', async () => {
      scratch = await scratchDatabase(backend.name, { migrated: false });
      expect(await scratch.db.withSession((s) => migrate(s, { to: 2 }))).toEqual([1, 2]);
      const status = await scratch.db.withSession((s) => migrationStatus(s));
      expect(status.map((m) => m.appliedAt !== null)).toEqual(ALL.map((v) => v <= 2));
      expect(await scratch.db.withSession((s) => migrate(s))).toEqual(ALL.slice(2));
    });

    it('refuses to run when an applied migration file was changed', async () => {
      scratch = await scratchDatabase(backend.name);
      const changed = loadMigrations().map((m) =>
        m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'f'.repeat(64) } : m,
      );
      await expect(scratch.db.withSession((s) => migrate(s, { migrations: changed }))).rejects.toThrow(
        /0002_row_level_security\.sql was changed after it was applied/,
      );
      await expect(scratch.db.withSession((s) => migrationStatus(s, changed))).rejects.toThrow(/was changed/);
    });

    it('refuses a database that has a migration this code does not know', async () => {
      scratch = await scratchDatabase(backend.name);
      const older = loadMigrations().slice(0, -1);
      await expect(scratch.db.withSession((s) => migrate(s, { migrations: older }))).rejects.toThrow(
        /does not know; use a newer MindStorm/,
      );
    });

    it('rolls back a failing migration as a whole and records nothing', async () => {
      scratch = await scratchDatabase(backend.name, { migrated: false });
      const broken = [
        ...loadMigrations(),
        { version: ALL.length + 1, name: 'broken', label: '', sql: 'CREATE TABLE half_done (id int); SELECT no_such_column FROM users;', checksum: 'x' },
      ];
      await expect(scratch.db.withSession((s) => migrate(s, { migrations: broken }))).rejects.toThrow(
        new RegExp(`${String(ALL.length + 1).padStart(4, '0')}_broken\\.sql failed`),
      );
      const half = await scratch.db.query<{ t: string | null }>(`SELECT to_regclass('half_done')::text AS t`);
      expect(half[0]?.t).toBeNull();
      const versions = await scratch.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1');
      expect(versions.map((v) => v.version)).toEqual(ALL);
    });
  });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('concurrent migrators on one PostgreSQL database', () => {
  it('apply each migration exactly once', async () => {
    const scratch = await scratchDatabase('postgres', { migrated: false });
    try {
      const { openDatabase } = await import('../../src/db/client.ts');
      const second = await openDatabase({ databaseUrl: scratch.url!, pool: { max: 2 } });
      try {
        const [a, b] = await Promise.all([
          scratch.db.withSession((s) => migrate(s)),
          second.withSession((s) => migrate(s)),
        ]);
        expect([...a, ...b].sort((x, y) => x - y)).toEqual(ALL);
        const rows = await scratch.db.query('SELECT version FROM schema_migrations');
        expect(rows).toHaveLength(ALL.length);
      } finally {
        await second.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});
