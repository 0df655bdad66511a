import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

/** The two backends every database test runs on. */
export type BackendName = 'pglite' | 'postgres';

const serverUrl = process.env.TEST_DATABASE_URL;

/** Whether a backend can run here, and if not, why, in plain words. */
export const backends: { name: BackendName; skip: string | false }[] = [
  { name: 'pglite', skip: false },
  {
    name: 'postgres',
    skip: serverUrl ? false : 'not run: TEST_DATABASE_URL is not set (no PostgreSQL server for this half)',
  },
];

/** A fresh, empty database on one backend, and how to remove it. */
export interface Scratch {
  db: Database;
  /** The server URL of the scratch database (postgres only): for a second process or pool. */
  url?: string;
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Makes an empty database: PGlite in memory, or a new database on the test server. */
export async function scratchDatabase(backend: BackendName, opts: { migrated?: boolean } = {}): Promise<Scratch> {
  let scratch: Scratch;
  if (backend === 'pglite') {
    const db = await openDatabase({});
    scratch = { db, drop: () => db.close() };
  } else {
    const name = `mindstorm_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString(), pool: { max: 5 } });
    scratch = {
      db,
      url: url.toString(),
      drop: async () => {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  if (opts.migrated !== false) await scratch.db.withSession((s) => migrate(s));
  return scratch;
}
