import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type PoolOptions } from '../db/client.ts';

/** A throwaway database, and how to remove it. */
export interface ScratchDatabase {
  db: Database;
  /** The scratch database's URL on the server (for a second pool or process). */
  url?: string;
  drop(): Promise<void>;
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database for tests and benchmarks: PGlite in memory, or a new database on a server. */
export async function openScratchDatabase(serverUrl?: string, pool: Partial<PoolOptions> = { max: 5 }): Promise<ScratchDatabase> {
  if (!serverUrl) {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  }
  const name = `mindstorm_scratch_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), pool });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
