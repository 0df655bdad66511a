import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { lockDataDir } from '../db/lock-file.ts';
import { loadMigrations, migrate } from '../db/migrate.ts';
import type { SqlSession } from '../db/session.ts';
import { isPgliteBackup, readBackupFile, verifyChecksumFile, type BackupManifest } from './backup-file.ts';
import { tableCounts } from './backup.ts';
import { archiveKind, BackupError, checkTool, connectionFor, listArchive, oneLine, run, serverMajor } from './pg-tools.ts';

/** What a restore put back, as counted afterwards. */
export interface RestoreResult {
  backend: 'pglite' | 'postgres';
  kind: 'full' | 'schema';
  counts: Record<string, number>;
  schemaVersion: number;
  /** Where the database that was replaced (--force) was kept, on the embedded database. */
  replaced?: string;
  /** False when a pg_dump archive had no checksum file beside it (pg_restore's own reading was the only check). */
  checksummed: boolean;
}

const countsOnly = (q: (t: string) => Promise<unknown[]>): SqlSession => ({
  query: (t) => q(t) as never,
  queryArrays: async () => [],
  exec: async () => undefined,
  transaction: () => Promise.reject(new Error('not here')),
});

async function versionOf(s: SqlSession): Promise<number> {
  const [exists] = await s.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists?.t) return 0;
  const [row] = await s.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  return row?.v ?? 0;
}

function startsWith(file: string, magic: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(magic.length);
    return readSync(fd, buf, 0, buf.length, 0) === buf.length && buf.toString('latin1') === magic;
  } finally {
    closeSync(fd);
  }
}

function checkFile(file: string): void {
  if (!existsSync(file)) throw new BackupError(`no such file: ${file}`);
  if (!statSync(file).isFile()) throw new BackupError(`${file} is not a file`);
}

function checkSchemaBackup(m: BackupManifest): void {
  const known = loadMigrations();
  if (m.schemaVersion > known.length) throw new BackupError(`the backup is at database version ${m.schemaVersion}, newer than this MindStorm (${known.length}): upgrade first`);
  for (const applied of m.migrations) {
    if (known[applied.version - 1]?.checksum !== applied.checksum) {
      throw new BackupError(`the backup's migration ${applied.version} (${applied.name}) differs from this MindStorm's: restore it with the version that made it`);
    }
  }
}

/** Restores an embedded-database backup into the data directory; the server must be stopped (it holds the directory). */
async function restorePglite(dataDir: string, file: string, force: boolean, now: Date): Promise<RestoreResult> {
  if (startsWith(file, 'PGDMP')) throw new BackupError(`${file} is a PostgreSQL dump: set DATABASE_URL to the server to restore it into`);
  if (!isPgliteBackup(file)) throw new BackupError(`${file} is not a MindStorm backup`);
  const { manifest, payload } = readBackupFile(file); // refuses damage before anything is touched
  if (manifest.kind === 'schema') checkSchemaBackup(manifest);
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = lockDataDir(dir);
  const staging = join(dir, `.restoring-${process.pid}`);
  try {
    const pgdata = join(dir, 'pgdata');
    if (existsSync(join(pgdata, 'PG_VERSION')) && !force) {
      throw new BackupError(`the data directory ${dir} already holds a database: add --force to replace it (the current one is kept beside it)`);
    }
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    let counts: Record<string, number>;
    let schemaVersion: number;
    if (manifest.kind === 'full') {
      const pg = await PGlite.create(join(staging, 'pgdata'), { extensions: { vector }, loadDataDir: new Blob([new Uint8Array(payload)]) });
      try {
        const s = countsOnly(async (t) => (await pg.query(t)).rows);
        counts = await tableCounts(s);
        schemaVersion = await versionOf(s);
        await pg.exec('CHECKPOINT');
      } finally {
        await pg.close();
      }
      for (const [table, n] of Object.entries(manifest.counts)) {
        if (counts[table] !== n) throw new BackupError(`the restored copy does not match the backup's manifest (${table}: ${counts[table] ?? 'missing'} rows, the backup says ${n}); nothing was changed`);
      }
      if (schemaVersion !== manifest.schemaVersion) throw new BackupError(`the restored copy is at database version ${schemaVersion}, the backup says ${manifest.schemaVersion}; nothing was changed`);
    } else {
      const db = await openDatabase({ dataDir: staging });
      try {
        await db.withSession((s) => migrate(s, { to: manifest.schemaVersion }));
        counts = await tableCounts(db);
        schemaVersion = await versionOf(db);
      } finally {
        await db.close();
      }
    }
    let replaced: string | undefined;
    if (existsSync(pgdata)) {
      replaced = join(dir, `pgdata.before-restore-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
      renameSync(pgdata, replaced);
    }
    renameSync(join(staging, 'pgdata'), pgdata);
    return { backend: 'pglite', kind: manifest.kind, counts, schemaVersion, checksummed: true, ...(replaced && { replaced }) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

// Roles are cluster-wide and pg_dump does not carry them: the policies and grants need these three.
const ENSURE_ROLES = `DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', r); EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN EXECUTE format('GRANT %I TO %I', r, current_user); END IF;
  END LOOP;
END $$`;

/** Restores a pg_dump archive into the server: one transaction, so a failure leaves the database as it was. */
async function restorePostgres(url: string, file: string, force: boolean): Promise<RestoreResult> {
  if (isPgliteBackup(file)) throw new BackupError(`${file} is a backup of the embedded database: unset DATABASE_URL to restore it into MINDSTORM_DATA_DIR`);
  const db = await openDatabase({ databaseUrl: url, pool: { max: 2 } });
  try {
    const checksummed = await verifyChecksumFile(file);
    const pgRestore = await checkTool('pg_restore', await serverMajor(db));
    const kind = archiveKind(await listArchive(pgRestore, file)); // refuses damage before anything is touched
    if (kind !== 'full') {
      throw new BackupError(
        kind === 'schema'
          ? 'this is a schema-only dump: it holds no data and no migration records; create the schema with `mindstorm migrate`, or apply it by hand with pg_restore'
          : 'this is a data-only dump: load it by hand into a migrated, empty database (pg_restore --data-only --disable-triggers, see docs/operations.md)',
      );
    }
    const before = await tableCounts(db);
    const tables = Object.keys(before).length;
    if (tables > 0 && !force) {
      throw new BackupError(`the database is not empty (${tables} tables, ${before.users ?? 0} accounts): add --force to replace what the backup holds`);
    }
    await db.exec(ENSURE_ROLES);
    const { dbname, env } = connectionFor(url);
    const clean = tables > 0 ? ['--clean', '--if-exists'] : [];
    const r = await run(pgRestore, ['--no-owner', '--single-transaction', '--exit-on-error', '--no-password', ...clean, `--dbname=${dbname}`, file], env);
    if (r.code !== 0) throw new BackupError(`pg_restore failed, and the database was left as it was: ${oneLine(r.stderr)}`);
    return { backend: 'postgres', kind: 'full', counts: await tableCounts(db), schemaVersion: await versionOf(db), checksummed };
  } finally {
    await db.close();
  }
}

/** Restores FILE into the configured database (server when DATABASE_URL is set, else the data directory), then counts what is there. */
export async function restore(
  config: { DATABASE_URL?: string; MINDSTORM_DATA_DIR: string },
  file: string,
  opts: { force?: boolean; now?: Date } = {},
): Promise<RestoreResult> {
  checkFile(file);
  return config.DATABASE_URL
    ? restorePostgres(config.DATABASE_URL, file, opts.force ?? false)
    : restorePglite(config.MINDSTORM_DATA_DIR, file, opts.force ?? false, opts.now ?? new Date());
}
