import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { SqlSession } from '../db/session.ts';
import { checksumPath, writeBackupFile, writeChecksumFile, type BackupManifest } from './backup-file.ts';
import { BackupError, checkBypassesRls, checkTool, connectionFor, listArchive, oneLine, run, serverMajor } from './pg-tools.ts';

export { BackupError } from './pg-tools.ts';

/** full: schema and data; schema: the structure only; data: the rows only (PostgreSQL). */
export type BackupMode = 'full' | 'schema' | 'data';

/** A written backup. */
export interface BackupResult {
  path: string;
  bytes: number;
  mode: BackupMode;
  backend: 'pglite' | 'postgres';
  /** Rows per table in the snapshot (embedded database, full backups). */
  counts?: Record<string, number>;
}

/** Where scheduled (and, by default, manual) backups go. */
export function backupDir(config: Pick<Config, 'MINDSTORM_BACKUP_DIR' | 'MINDSTORM_DATA_DIR'>): string {
  return resolve(config.MINDSTORM_BACKUP_DIR ?? join(config.MINDSTORM_DATA_DIR, 'backups'));
}

/** The file extension of each backend's backups. */
export const extensionOf = (backend: 'pglite' | 'postgres') => (backend === 'pglite' ? '.msbackup' : '.dump');

const stampOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** A backup file name that sorts by time: mindstorm-<label>-20240131T120000Z.<ext>. */
export function backupName(label: string, backend: 'pglite' | 'postgres', at: Date): string {
  return `mindstorm-${label}-${stampOf(at)}${extensionOf(backend)}`;
}

/** Every table of the public schema with its row count (what a restore is checked against). */
export async function tableCounts(s: SqlSession): Promise<Record<string, number>> {
  const tables = await s.query<{ t: string }>(
    `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  if (tables.length === 0) return {};
  const sql = tables.map((r, i) => `SELECT ${i} AS i, count(*)::bigint::text AS n FROM public.${JSON.stringify(r.t)}`).join(' UNION ALL ');
  const rows = await s.query<{ i: number; n: string }>(sql);
  return Object.fromEntries(rows.sort((a, b) => a.i - b.i).map((r) => [tables[r.i]!.t, Number(r.n)]));
}

async function migrationsOf(s: SqlSession): Promise<BackupManifest['migrations']> {
  const [exists] = await s.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists?.t) return [];
  return s.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
}

/**
 * The embedded database: a snapshot of its data directory taken inside one transaction, which
 * holds every other query off, so the tarball and the row counts describe the same instant.
 */
async function backupPglite(db: Database, mode: BackupMode, path: string, now: Date): Promise<BackupResult> {
  const pglite = db.pglite;
  if (!pglite) throw new BackupError('this database has no embedded engine to snapshot');
  if (mode === 'data') {
    throw new BackupError('--data-only applies to PostgreSQL: the embedded database is backed up whole (or --schema-only); for one account use `mindstorm export`');
  }
  const { manifest, tarball } = await pglite.transaction(async (tx) => {
    const s: SqlSession = {
      query: async (t, p) => (await tx.query(t, p as unknown[])).rows as never,
      queryArrays: async () => [],
      exec: async (t) => void (await tx.exec(t)),
      transaction: () => Promise.reject(new Error('nested')),
    };
    const migrations = await migrationsOf(s);
    const counts = mode === 'full' ? await tableCounts(s) : {};
    let bytes = new Uint8Array();
    if (mode === 'full') {
      await tx.exec('CHECKPOINT'); // data files current: the restored copy starts without replaying WAL
      bytes = new Uint8Array(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    }
    const m: BackupManifest = {
      format: 'mindstorm-pglite-backup',
      version: 1,
      kind: mode === 'full' ? 'full' : 'schema',
      createdAt: now.toISOString(),
      engine: `PGlite (PostgreSQL ${(await s.query<{ v: string }>('SHOW server_version'))[0]!.v})`,
      schemaVersion: migrations.at(-1)?.version ?? 0,
      migrations,
      counts,
      payload: { encoding: mode === 'full' ? 'tar+gzip' : 'none', bytes: bytes.length },
    };
    return { manifest: m, tarball: bytes };
  });
  const bytes = writeBackupFile(path, manifest, tarball);
  return { path, bytes, mode, backend: 'pglite', ...(mode === 'full' && { counts: manifest.counts }) };
}

/** A PostgreSQL server: pg_dump's custom format, after checking the tool's version and the role. */
async function backupPostgres(db: Database, url: string, mode: BackupMode, path: string): Promise<BackupResult> {
  const { pgDump, pgRestore } = await db.withSession(async (s) => {
    const major = await serverMajor(s);
    await checkBypassesRls(s);
    return { pgDump: await checkTool('pg_dump', major), pgRestore: await checkTool('pg_restore', major) };
  });
  const tmp = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
  const { dbname, env } = connectionFor(url);
  const flags = mode === 'schema' ? ['--schema-only'] : mode === 'data' ? ['--data-only'] : [];
  try {
    const dumped = await run(pgDump, ['--format=custom', '--no-password', `--file=${tmp}`, ...flags, `--dbname=${dbname}`], env);
    if (dumped.code !== 0) throw new BackupError(`pg_dump failed: ${oneLine(dumped.stderr)}`);
    await listArchive(pgRestore, tmp); // the archive reads back whole before it takes the real name
    await writeChecksumFile(tmp, path); // pg_restore cannot see a changed byte in the archive's SQL text; this can
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path, bytes: statSync(path).size, mode, backend: 'postgres' };
}

let lastSuccess: Date | null = null;

/** Takes a backup of the configured database into `out` (written under a temporary name, renamed when complete). */
export async function backup(db: Database, config: Pick<Config, 'DATABASE_URL'>, opts: { mode?: BackupMode; out: string; now?: Date }): Promise<BackupResult> {
  const mode = opts.mode ?? 'full';
  const now = opts.now ?? new Date();
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  let result: BackupResult;
  if (db.kind === 'pglite') result = await backupPglite(db, mode, out, now);
  else {
    if (!config.DATABASE_URL) throw new BackupError('DATABASE_URL is not set: pg_dump needs the server to connect to');
    result = await backupPostgres(db, config.DATABASE_URL, mode, out);
  }
  if (mode === 'full') lastSuccess = now;
  return result;
}

/** How long scheduled backups are kept: daily 30 days, hourly 7 days. */
export const RETENTION_DAYS = { daily: 30, hourly: 7 } as const;

/** The time in a backup file's name, or null for another file. */
export function timeOfBackup(name: string): { label: string; at: Date } | null {
  const m = /^mindstorm-([a-z]+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.(msbackup|dump)$/.exec(name);
  if (!m) return null;
  return { label: m[1]!, at: new Date(Date.UTC(+m[2]!, +m[3]! - 1, +m[4]!, +m[5]!, +m[6]!, +m[7]!)) };
}

/** Deletes scheduled backups of this kind older than their retention, and temporary files a crash left. */
export function pruneBackups(dir: string, label: keyof typeof RETENTION_DAYS, now: Date): string[] {
  const removed: string[] = [];
  const cutoff = now.getTime() - RETENTION_DAYS[label] * 86_400_000;
  for (const name of readdirSync(dir)) {
    const t = timeOfBackup(name);
    const stalePartial = /^\.mindstorm-.*\.partial-\d+$/.test(name) && statSync(join(dir, name)).mtimeMs < now.getTime() - 86_400_000;
    if ((t && t.label === label && t.at.getTime() < cutoff) || stalePartial) {
      rmSync(join(dir, name), { force: true });
      rmSync(checksumPath(join(dir, name)), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** One scheduled backup (the backup-daily and backup-hourly jobs): a full backup into the backup directory, then pruning. */
export async function scheduledBackup(db: Database, config: Config, label: keyof typeof RETENTION_DAYS, now: Date): Promise<BackupResult & { removed: string[] }> {
  const dir = backupDir(config);
  mkdirSync(dir, { recursive: true });
  const result = await backup(db, config, { mode: 'full', out: join(dir, backupName(label, db.kind, now)), now });
  return { ...result, removed: pruneBackups(dir, label, now) };
}

/**
 * When the last full backup succeeded: in this process, or (given the backup directory) the newest
 * complete backup file there, whichever is later. For the metrics endpoint.
 */
export function lastSuccessfulBackup(dir?: string): Date | null {
  let latest = lastSuccess;
  if (dir) {
    try {
      for (const name of readdirSync(dir)) {
        const t = timeOfBackup(name);
        if (t && ['daily', 'hourly', 'manual'].includes(t.label) && (!latest || t.at > latest)) latest = t.at;
      }
    } catch {
      /* no directory yet: no backups */
    }
  }
  return latest;
}
