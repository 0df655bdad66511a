import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlSession } from './session.ts';

/** Where the reviewed SQL files live, applied in the order of their numbers. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

// One key for every MindStorm migrator on a database: two processes never migrate at once.
const MIGRATION_LOCK_KEY = 7_305_420_211;

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  /** The guide's version label from the file's first line, e.g. v1.1. */
  label: string;
  sql: string;
  checksum: string;
}

/** A migration and whether (and when) it was applied. */
export interface MigrationStatus {
  version: number;
  name: string;
  label: string;
  appliedAt: Date | null;
}

/** Refusal to migrate: a changed or unknown applied migration, or a failing file. */
export class MigrationError extends Error {}

/** Reads the migration files: NNNN_name.sql, numbered without gaps from 1. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file, i) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m || Number(m[1]) !== i + 1) throw new MigrationError(`migration file ${file} is misnamed or out of sequence`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return {
      version: i + 1,
      name: m[2]!,
      label: /^--\s*(v[\d.]+)/.exec(sql)?.[1] ?? '',
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface Applied {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

function verify(applied: Applied[], migrations: Migration[]): void {
  for (const row of applied) {
    const file = migrations.find((m) => m.version === row.version);
    if (!file) {
      throw new MigrationError(
        `the database has migration ${row.version} (${row.name}) that this version of MindStorm does not know; use a newer MindStorm`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${String(file.version).padStart(4, '0')}_${file.name}.sql was changed after it was applied (checksum differs); restore the file and put the change in a new migration`,
      );
    }
  }
}

async function readApplied(s: SqlSession): Promise<Applied[]> {
  const exists = await s.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists[0]?.t) return [];
  return s.query<Applied>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
}

/** Lists every migration with the time it was applied, or null when pending. */
export async function migrationStatus(s: SqlSession, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  const applied = await readApplied(s);
  verify(applied, migrations);
  return migrations.map((m) => ({
    version: m.version,
    name: m.name,
    label: m.label,
    appliedAt: applied.find((a) => a.version === m.version)?.applied_at ?? null,
  }));
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that
 * concurrent processes apply each file once. `s` must be one connection (Database.withSession).
 * Returns the versions applied by this call.
 */
export async function migrate(
  s: SqlSession,
  opts: { to?: number; migrations?: Migration[] } = {},
): Promise<number[]> {
  const migrations = opts.migrations ?? loadMigrations();
  const target = opts.to ?? migrations.length;
  await s.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await s.exec(CREATE_TABLE);
    const applied = await readApplied(s);
    verify(applied, migrations);
    const done = new Set(applied.map((a) => a.version));
    const ran: number[] = [];
    for (const m of migrations) {
      if (m.version > target || done.has(m.version)) continue;
      try {
        await s.transaction(async (tx) => {
          await tx.exec(m.sql);
          await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ]);
        });
      } catch (err) {
        throw new MigrationError(
          `migration ${String(m.version).padStart(4, '0')}_${m.name}.sql failed: ${(err as Error).message}`,
        );
      }
      ran.push(m.version);
    }
    return ran;
  } finally {
    await s.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
