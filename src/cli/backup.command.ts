import type { Command } from 'commander';
import { DataDirLockedError } from '../db/lock-file.ts';
import { AppError } from '../errors.ts';
import { BackupFileError } from '../ops/backup-file.ts';
import { backup, BackupError, backupDir, backupName, lastSuccessfulBackup, type BackupMode } from '../ops/backup.ts';
import { EnexError } from '../services/import/enex.ts';
import { ZipError } from '../services/import/zip.ts';
import { CliError, withDatabase } from './context.ts';

/** Runs a command's work, turning the refusals of backups, imports and services into one-line CLI errors. */
export async function failClearly<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError || err instanceof BackupError || err instanceof BackupFileError || err instanceof ZipError || err instanceof EnexError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** `mindstorm backup`: a full (or schema-only, data-only) backup of the configured database. */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('back up the database: pg_dump (custom format) on a server, a checked snapshot of the data directory on the embedded database')
    .option('--schema-only', 'only the structure (embedded database: the migrations it is at)')
    .option('--data-only', 'only the rows (PostgreSQL only)')
    .option('--out <file>', 'where to write it (default: MINDSTORM_BACKUP_DIR/mindstorm-manual-<time>.<ext>)')
    .action(async (opts: { schemaOnly?: boolean; dataOnly?: boolean; out?: string }) => {
      if (opts.schemaOnly && opts.dataOnly) throw new CliError('--schema-only and --data-only exclude each other', 2);
      const mode: BackupMode = opts.schemaOnly ? 'schema' : opts.dataOnly ? 'data' : 'full';
      try {
        await withDatabase(
          (db, config) =>
            failClearly(async () => {
              const now = new Date();
              const out = opts.out ?? `${backupDir(config)}/${backupName(mode === 'full' ? 'manual' : mode, db.kind, now)}`;
              if (process.stderr.isTTY) process.stderr.write(`backing up the ${db.kind === 'pglite' ? 'embedded database' : 'PostgreSQL database'} (${mode})...\n`);
              const result = await backup(db, config, { mode, out, now });
              const rows = result.counts ? `, ${Object.values(result.counts).reduce((a, b) => a + b, 0)} rows in ${Object.keys(result.counts).length} tables` : '';
              console.log(`backup written: ${result.path} (${megabytes(result.bytes)}, ${mode}${rows})`);
            }),
          { migrate: false }, // a backup taken before an upgrade must hold the old state
        );
      } catch (err) {
        if (!(err instanceof DataDirLockedError)) throw err;
        const { loadConfig } = await import('../config.ts');
        const dir = backupDir(loadConfig());
        const last = lastSuccessfulBackup(dir);
        throw new CliError(
          `the embedded database is in use by the running server, which takes the backups itself (hourly and daily, into ${dir}; latest ${last ? last.toISOString() : 'none yet'}); stop the server to take one from the command line`,
        );
      }
    });
}
