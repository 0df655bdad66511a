import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/lock-file.ts';
import { loadMigrations } from '../db/migrate.ts';
import { restore } from '../ops/restore.ts';
import { failClearly } from './backup.command.ts';
import { CliError } from './context.ts';

/** `mindstorm restore FILE [--force]`: puts a backup back into an empty database, then prints what is there. */
export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('restore a backup into an empty database (or, with --force, replace the current one), then print the row counts')
    .argument('<file>', 'a file written by `mindstorm backup` (or a pg_dump custom-format archive)')
    .option('--force', 'replace a database that is not empty')
    .action(async (file: string, opts: { force?: boolean }) => {
      const config = loadConfig();
      if (process.stderr.isTTY) process.stderr.write(`checking ${file}...\n`);
      let result;
      try {
        result = await failClearly(() => restore(config, file, { force: opts.force }));
      } catch (err) {
        if (err instanceof DataDirLockedError) throw new CliError(`${err.message}: a restore replaces the database, so the server must be stopped`);
        throw err;
      }
      if (!result.checksummed) console.error(`note: no ${file}.sha256 beside it, so only pg_restore's own reading checked the file`);
      const where = result.backend === 'pglite' ? `the data directory ${config.MINDSTORM_DATA_DIR}` : 'the PostgreSQL database';
      console.log(`restored ${file} (${result.kind === 'full' ? 'full backup' : 'schema only'}) into ${where}; database version ${result.schemaVersion}`);
      const width = Math.max(5, ...Object.keys(result.counts).map((t) => t.length));
      for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(width)}  ${n}`);
      const pending = loadMigrations().length - result.schemaVersion;
      if (pending > 0) console.log(`${pending} migration(s) newer than the backup will be applied by \`mindstorm migrate\` or at the next start`);
      if (result.replaced) console.log(`the database it replaced was kept at ${result.replaced} (delete it when you no longer need it)`);
    });
}
