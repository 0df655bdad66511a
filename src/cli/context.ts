import { loadConfig, type Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { migrate } from '../db/migrate.ts';

/** A command's failure: printed as one line, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Opens the configured database for one command (applying pending migrations first, as the server
 * does, unless told not to), and closes it when the command is done.
 */
export async function withDatabase<T>(
  fn: (db: Database, config: Config) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const db = await openConfiguredDatabase(config);
  try {
    if (opts.migrate !== false) await db.withSession((s) => migrate(s));
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
