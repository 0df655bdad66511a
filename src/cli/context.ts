import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../db/client.ts';
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
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.MINDSTORM_DATA_DIR,
    pool: { max: config.DB_POOL_MAX, idleMs: config.DB_POOL_IDLE_MS, maxLifetimeS: config.DB_POOL_MAX_LIFETIME_S },
    slowQueryMs: config.SLOW_QUERY_MS,
  });
  try {
    if (opts.migrate !== false) await db.withSession((s) => migrate(s));
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
