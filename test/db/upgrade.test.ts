import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import type { SqlSession } from '../../src/db/session.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser } from './seed.ts';

const TABLES = ['users', 'notes', 'clusters', 'stacks', 'insights', 'vault_notes'];

async function snapshot(s: SqlSession): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    // embedding::text keeps vectors comparable value for value
    const cols = t === 'notes' ? 'id, content, tags, embedding::text AS embedding, user_id, cluster_id, created_at, updated_at' : '*';
    const rows = await s.query<Record<string, unknown>>(`SELECT ${cols} FROM ${t} ORDER BY id`);
    // v1.3 adds deleted_at: every row that existed before must come out of the upgrade not deleted
    out[t] = rows.map(({ deleted_at, ...rest }) => {
      expect(deleted_at ?? null).toBeNull();
      return rest;
    });
  }
  return out;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`upgrade path on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch | undefined;
    afterEach(() => scratch?.drop());

    it('a database filled at v1.0 keeps every row and value through the latest version', async () => {
      scratch = await scratchDatabase(backend.name, { migrated: false });
      await scratch.db.withSession((s) => migrate(s, { to: 1 }));
      for (let u = 0; u < 3; u++) await seedUser(scratch.db, `user${u}@example.com`, 5);
      const before = await snapshot(scratch.db);
      expect(before.notes).toHaveLength(15);

      expect((await scratch.db.withSession((s) => migrate(s)))[0]).toBe(2);
      const after = await snapshot(scratch.db);
      expect(after).toEqual(before);
      // the old ivfflat index gave way to HNSW
      const idx = await scratch.db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'notes' AND indexdef ILIKE '%vector_cosine_ops%'`);
      expect(idx.map((i) => i.indexname)).toEqual(['idx_notes_embedding_hnsw']);
    });
  });
}
