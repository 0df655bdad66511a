import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import type { SqlSession } from '../../src/db/session.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser } from './seed.ts';

const TABLES = ['users', 'notes', 'clusters', 'stacks', 'insights', 'vault_notes'];

/** Every row of the six tables, in the columns they had at v1.0 (vectors as text, value for value). */
async function snapshot(s: SqlSession, columns: Record<string, string[]>): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const cols = columns[t]!.map((c) => (c === 'embedding' ? 'embedding::text AS embedding' : c)).join(', ');
    out[t] = await s.query(`SELECT ${cols} FROM ${t} ORDER BY id`);
  }
  return out;
}

async function columnsOf(s: SqlSession): Promise<Record<string, string[]>> {
  const rows = await s.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY ordinal_position`,
  );
  return Object.fromEntries(TABLES.map((t) => [t, rows.filter((r) => r.table_name === t).map((r) => r.column_name)]));
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`upgrade path on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch | undefined;
    afterEach(() => scratch?.drop());

    it('a database filled at v1.0 keeps every row and value through the latest version', async () => {
      scratch = await scratchDatabase(backend.name, { migrated: false });
      await scratch.db.withSession((s) => migrate(s, { to: 1 }));
      for (let u = 0; u < 3; u++) await seedUser(scratch.db, `user${u}@example.com`, 5);
      const v10Columns = await columnsOf(scratch.db);
      const before = await snapshot(scratch.db, v10Columns);
      expect(before.notes).toHaveLength(15);

      expect((await scratch.db.withSession((s) => migrate(s)))[0]).toBe(2);
      const after = await snapshot(scratch.db, v10Columns);
      expect(after).toEqual(before);
      // columns added since start empty: no row is deleted, no note lost its vector's meaning
      const trashed = await scratch.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE deleted_at IS NOT NULL');
      expect(trashed[0]!.n).toBe(0);
      // the old ivfflat index gave way to HNSW
      const idx = await scratch.db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'notes' AND indexdef ILIKE '%vector_cosine_ops%'`);
      expect(idx.map((i) => i.indexname)).toEqual(['idx_notes_embedding_hnsw']);
    });
  });
}
