import { openScratchDatabase, type ScratchDatabase } from '../../src/eval/scratch-database.ts';
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
export type Scratch = ScratchDatabase;

/** Makes an empty database: PGlite in memory, or a new database on the test server. */
export async function scratchDatabase(backend: BackendName, opts: { migrated?: boolean } = {}): Promise<Scratch> {
  const scratch = await openScratchDatabase(backend === 'postgres' ? serverUrl : undefined);
  if (opts.migrated !== false) await scratch.db.withSession((s) => migrate(s));
  return scratch;
}
