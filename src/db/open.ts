import type { Config } from '../config.ts';
import { openDatabase, type Database } from './client.ts';

/** Opens the database the configuration names (the server and every command use this). */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.MINDSTORM_DATA_DIR,
    pool: { max: config.DB_POOL_MAX, idleMs: config.DB_POOL_IDLE_MS, maxLifetimeS: config.DB_POOL_MAX_LIFETIME_S },
    slowQueryMs: config.SLOW_QUERY_MS,
  });
}
