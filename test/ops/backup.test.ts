import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { backupJobs } from '../../src/jobs/backup.job.ts';
import { backup, backupName, lastSuccessfulBackup, tableCounts } from '../../src/ops/backup.ts';
import { checkTool, run } from '../../src/ops/pg-tools.ts';
import { restore } from '../../src/ops/restore.ts';
import { ExportService } from '../../src/services/export.service.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { comparable, seedAccount } from './seed-account.ts';

const exportsOf = async (db: Database, userIds: string[]) => {
  const service = new ExportService(db, { pageSize: 3 }); // pages cross the 7 seeded notes
  return Promise.all(userIds.map(async (id) => comparable(await service.exportDocument(id))));
};

function damaged(file: string, dir: string): { truncated: string; corrupted: string } {
  const bytes = readFileSync(file);
  const truncated = join(dir, `truncated-${Date.now()}`);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const corrupted = join(dir, `corrupted-${Date.now()}`);
  const copy = Buffer.from(bytes);
  copy[Math.floor(copy.length * 0.7)]! ^= 0xff;
  writeFileSync(corrupted, copy);
  if (existsSync(`${file}.sha256`)) for (const f of [truncated, corrupted]) copyFileSync(`${file}.sha256`, `${f}.sha256`);
  return { truncated, corrupted };
}

const users = async (db: Database) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n;

describe('backup and restore of the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = { MINDSTORM_DATA_DIR: join(dir, 'data') };

  it('backs up, is wiped, refuses damaged files changing nothing, restores: every export is identical', async () => {
    let db = await openDatabase({ dataDir: config.MINDSTORM_DATA_DIR });
    await db.withSession((s) => migrate(s));
    const a = await seedAccount(db, 'a@example.com');
    const b = await seedAccount(db, 'b@example.com', 3);
    const before = await exportsOf(db, [a.userId, b.userId]);
    expect(before[0]!.notes).toHaveLength(7);
    expect(before[0]!.notes.filter((n) => n.trashed)).toHaveLength(1);

    const file = join(dir, backupName('manual', 'pglite', new Date()));
    const written = await backup(db, {}, { out: file });
    expect(written.counts).toMatchObject({ users: 2, notes: 10, stacks: 2, vault_notes: 4 });
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
    expect(lastSuccessfulBackup()).not.toBeNull();

    await db.query('DELETE FROM users'); // the accident
    await db.close();

    const { truncated, corrupted } = damaged(file, dir);
    await expect(restore(config, truncated, { force: true })).rejects.toThrow(/is truncated/);
    await expect(restore(config, corrupted, { force: true })).rejects.toThrow(/is damaged: its checksum does not match/);
    await expect(restore(config, join(dir, 'missing.msbackup'))).rejects.toThrow(/no such file/);
    await expect(restore(config, file)).rejects.toThrow(/already holds a database: add --force/);
    db = await openDatabase({ dataDir: config.MINDSTORM_DATA_DIR });
    expect(await users(db)).toBe(0); // nothing changed
    await db.close();

    const result = await restore(config, file, { force: true });
    expect(result.counts).toMatchObject({ users: 2, notes: 10 });
    expect(result.schemaVersion).toBeGreaterThanOrEqual(9);
    expect(existsSync(result.replaced!)).toBe(true);
    db = await openDatabase({ dataDir: config.MINDSTORM_DATA_DIR });
    try {
      expect(await exportsOf(db, [a.userId, b.userId])).toEqual(before);
    } finally {
      await db.close();
    }

    // into a new, empty directory without --force
    const fresh = { MINDSTORM_DATA_DIR: join(dir, 'fresh') };
    expect((await restore(fresh, file)).replaced).toBeUndefined();
    const other = await openDatabase({ dataDir: fresh.MINDSTORM_DATA_DIR });
    try {
      expect(await exportsOf(other, [a.userId, b.userId])).toEqual(before);
    } finally {
      await other.close();
    }
  });

  it('a schema-only backup records the migrations, and restores as an empty database at that version', async () => {
    const db = await openDatabase({});
    await db.withSession((s) => migrate(s));
    const file = join(dir, 'schema.msbackup');
    await backup(db, {}, { mode: 'schema', out: file });
    await expect(backup(db, {}, { mode: 'data', out: join(dir, 'data.msbackup') })).rejects.toThrow(/--data-only applies to PostgreSQL/);
    await db.close();
    expect(statSync(file).size).toBeLessThan(10_000);
    const result = await restore({ MINDSTORM_DATA_DIR: join(dir, 'schema') }, file);
    expect(result.kind).toBe('schema');
    expect(result.counts.users).toBe(0);
    expect(result.counts.schema_migrations).toBe(result.schemaVersion);
  });

  it('the scheduled jobs write daily and hourly backups into MINDSTORM_BACKUP_DIR and prune old ones', async () => {
    const dataDir = join(dir, 'scheduled');
    const backups = join(dir, 'scheduled-backups');
    const db = await openDatabase({ dataDir });
    try {
      await db.withSession((s) => migrate(s));
      const cfg = loadConfig({ MINDSTORM_DATA_DIR: dataDir, MINDSTORM_BACKUP_DIR: backups });
      const jobs = backupJobs(db, cfg);
      expect(jobs.map((j) => j.name)).toEqual(['backup-daily', 'backup-hourly']);
      const now = new Date('2024-06-10T02:30:00Z');
      const ctx = { now: () => now, slot: now.toISOString(), attempt: 1, lastSuccessAt: null, signal: new AbortController().signal };
      await jobs[0]!.run(ctx); // creates the directory
      const old = join(backups, backupName('hourly', 'pglite', new Date('2024-06-02T01:45:00Z')));
      const keep = join(backups, backupName('daily', 'pglite', new Date('2024-05-20T02:30:00Z')));
      const expired = join(backups, backupName('daily', 'pglite', new Date('2024-05-01T02:30:00Z')));
      for (const f of [old, keep, expired]) writeFileSync(f, 'x');
      expect(await jobs[0]!.run(ctx)).toBe(1);
      expect(await jobs[1]!.run(ctx)).toBe(1);
      const names = readdirSync(backups).sort();
      expect(names).toEqual([backupName('daily', 'pglite', new Date('2024-05-20T02:30:00Z')), backupName('daily', 'pglite', now), backupName('hourly', 'pglite', now)].sort());
      expect(lastSuccessfulBackup(backups)?.getTime()).toBeGreaterThanOrEqual(now.getTime());
    } finally {
      await db.close();
    }
    // an in-memory database has nothing on disk to back up: the job does nothing
    const memory = await openDatabase({});
    const [job] = backupJobs(memory, loadConfig({ MINDSTORM_BACKUP_DIR: join(dir, 'never') }));
    const now = new Date();
    expect(await job!.run({ now: () => now, slot: '', attempt: 1, lastSuccessAt: null, signal: new AbortController().signal })).toBe(0);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    await memory.close();
  });
});

const postgres = backends.find((b) => b.name === 'postgres')!;

describe.skipIf(postgres.skip)(`backup and restore on PostgreSQL${postgres.skip ? ` (${postgres.skip})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-pgbackup-'));
  const scratches: Scratch[] = [];
  afterAll(async () => {
    for (const s of scratches) await s.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const scratch = async (migrated = true) => {
    const s = await scratchDatabase('postgres', { migrated });
    scratches.push(s);
    return s;
  };

  it('dumps with pg_dump, is wiped, refuses damaged dumps changing nothing, restores: every export is identical', async () => {
    const source = await scratch();
    const a = await seedAccount(source.db, 'a@example.com');
    const b = await seedAccount(source.db, 'b@example.com', 3);
    const before = await exportsOf(source.db, [a.userId, b.userId]);
    const file = join(dir, 'full.dump');
    await backup(source.db, { DATABASE_URL: source.url }, { out: file });
    await backup(source.db, { DATABASE_URL: source.url }, { mode: 'schema', out: join(dir, 'schema.dump') });
    await backup(source.db, { DATABASE_URL: source.url }, { mode: 'data', out: join(dir, 'data.dump') });
    expect(readdirSync(dir).sort()).toEqual(['data.dump', 'data.dump.sha256', 'full.dump', 'full.dump.sha256', 'schema.dump', 'schema.dump.sha256']);

    // into a new, empty database
    const empty = await scratch(false);
    const cfg = { DATABASE_URL: empty.url, MINDSTORM_DATA_DIR: dir };
    const result = await restore(cfg, file);
    expect(result.counts).toEqual(await tableCounts(source.db));
    expect(await exportsOf(empty.db, [a.userId, b.userId])).toEqual(before);

    // the accident, then the damaged files, then the real one
    await empty.db.query('DELETE FROM users');
    const { truncated, corrupted } = damaged(file, dir);
    await expect(restore(cfg, truncated, { force: true })).rejects.toThrow(/is damaged or truncated: its SHA-256 differs/);
    await expect(restore(cfg, corrupted, { force: true })).rejects.toThrow(/is damaged or truncated: its SHA-256 differs/);
    rmSync(`${truncated}.sha256`); // without its checksum file, pg_restore's reading still finds the truncation
    await expect(restore(cfg, truncated, { force: true })).rejects.toThrow(/(damaged or truncated|not a readable pg_dump archive)/);
    await expect(restore(cfg, join(dir, 'schema.dump'), { force: true })).rejects.toThrow(/schema-only dump/);
    await expect(restore(cfg, join(dir, 'data.dump'), { force: true })).rejects.toThrow(/data-only dump/);
    await expect(restore(cfg, file)).rejects.toThrow(/the database is not empty \(\d+ tables, 0 accounts\): add --force/);
    expect(await users(empty.db)).toBe(0); // nothing changed
    await restore(cfg, file, { force: true });
    expect(await exportsOf(empty.db, [a.userId, b.userId])).toEqual(before);
  });

  it('refuses a role that row-level security filters, and a pg_dump of another major version or none', async () => {
    const source = await scratch();
    const role = `ms_norls_${Date.now()}`;
    const admin = new pg.Client({ connectionString: source.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      const url = new URL(source.url!);
      url.username = role;
      const db = await openDatabase({ databaseUrl: url.toString(), pool: { max: 1 } });
      try {
        await expect(backup(db, { DATABASE_URL: url.toString() }, { out: join(dir, 'never.dump') })).rejects.toThrow(/subject to row-level security.*BYPASSRLS/);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
    await expect(checkTool('pg_dump', 9)).rejects.toThrow(/pg_dump is version \d+ but the server is PostgreSQL 9: install the client tools of version 9/);
    await expect(run('/nonexistent/pg_dump', ['--version'])).rejects.toThrow(/was not found: install the PostgreSQL client tools/);
    expect(existsSync(join(dir, 'never.dump'))).toBe(false);
  });

  it('the scheduled backup reaches the server through DATABASE_URL', async () => {
    const source = await scratch();
    const backups = join(dir, 'scheduled');
    const [daily] = backupJobs(source.db, loadConfig({ DATABASE_URL: source.url, MINDSTORM_BACKUP_DIR: backups }));
    const now = new Date('2024-06-10T02:30:00Z');
    expect(await daily!.run({ now: () => now, slot: '', attempt: 1, lastSuccessAt: null, signal: new AbortController().signal })).toBe(1);
    expect(readdirSync(backups).sort()).toEqual([backupName('daily', 'postgres', now), `${backupName('daily', 'postgres', now)}.sha256`]);
    copyFileSync(join(backups, backupName('daily', 'postgres', now)), join(dir, 'copy.dump'));
  });
});
