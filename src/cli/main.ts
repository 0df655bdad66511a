import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DataDirLockedError } from '../db/lock-file.ts';
import { MigrationError } from '../db/migrate.ts';
import { CliError } from './context.ts';
import { registerBackup } from './backup.command.ts';
import { registerExport } from './export.command.ts';
import { registerImport } from './import.command.ts';
import { registerJobs } from './jobs.command.ts';
import { registerMigrate } from './migrate.command.ts';
import { registerReembed } from './reembed.command.ts';
import { registerRestore } from './restore.command.ts';
import { registerServe } from './serve.command.ts';
import { registerUser } from './user.command.ts';
import { registerVault } from './vault.command.ts';

/** Builds the `mindstorm` program: one file per command registers itself. */
export function buildProgram(): Command {
  const program = new Command('mindstorm')
    .description('MindStorm: notes that think with you')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerUser(program);
  registerReembed(program);
  registerJobs(program);
  registerBackup(program);
  registerRestore(program);
  registerExport(program);
  registerImport(program);
  registerVault(program);
  return program;
}

const KNOWN = [CliError, ConfigError, DataDirLockedError, MigrationError];

/** Runs the command line; a failure prints one line and exits non-zero. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const known = KNOWN.some((k) => err instanceof k);
    const message = known ? (err as Error).message : `unexpected error: ${(err as Error).message}`;
    console.error(`mindstorm: ${message}`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
