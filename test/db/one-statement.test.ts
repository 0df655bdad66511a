import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/as-user.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedUser } from './seed.ts';

const ONE = { oneStatement: true } as const;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`one-statement transactions on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let a: string;
    let b: string;

    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      a = await seedUser(scratch.db, 'a@example.com');
      b = await seedUser(scratch.db, 'b@example.com');
    });
    afterAll(() => scratch?.drop());

    it('sees only the user rows, with the settings given, as a transaction of several statements does', async () => {
      const sql = `SELECT user_id, current_setting('hnsw.ef_search') AS ef, current_user AS role FROM notes`;
      const opts = { settings: { 'hnsw.ef_search': '77' } };
      const one = await asUser(scratch.db, a, (tx) => tx.query(sql), { ...opts, ...ONE });
      const usual = await asUser(scratch.db, a, (tx) => tx.query(sql), opts);
      expect(one.length).toBeGreaterThan(0);
      expect(one).toEqual(usual);
      expect(one.every((r) => r.user_id === a && r.ef === '77' && r.role === 'authenticated')).toBe(true);
      // nothing outlives it on the connection
      const after = await scratch.db.query<{ role: string; claims: string | null }>(
        `SELECT current_user AS role, current_setting('request.jwt.claims', true) AS claims`,
      );
      expect(after.every((r) => r.role !== 'authenticated' && !r.claims)).toBe(true);
    });

    it('passes every kind of parameter as the parameterised statement does', async () => {
      const awkward = `it's a "quote" \\ back\\slash, $1 and a ; semicolon`;
      const params = [awkward, 42, 2.5, null, ['x', 'y z', 'q"uote'], true, new Date('2026-01-02T03:04:05.678Z'), b];
      const sql = `SELECT $1::text AS s, $2::int AS i, $3::float8 AS f, $4::text AS n, $5::text[] AS arr, $6::boolean AS t,
        $7::timestamptz AS d, $8::uuid AS u, (SELECT count(*)::int FROM users WHERE id = $8) AS seen`;
      const [one] = await asService(scratch.db, (tx) => tx.query(sql, params), ONE);
      const [usual] = await asService(scratch.db, (tx) => tx.query(sql, params));
      expect(one).toEqual(usual);
      expect(one).toMatchObject({ s: awkward, i: 42, f: 2.5, n: null, arr: ['x', 'y z', 'q"uote'], t: true, u: b, seen: 1 });
      const arrays = await asService(scratch.db, (tx) => tx.queryArrays('SELECT $1::text, $2::int', ['a', 1]), ONE);
      expect(arrays).toEqual([['a', 1]]);
      // with nothing to open it, the statement goes alone
      expect(await scratch.db.transaction((tx) => tx.query('SELECT $1::int AS one', [1]), ONE)).toEqual([{ one: 1 }]);
    });

    it('keeps the parameters out of the statement text the server sees (and logs on an error)', async () => {
      const [row] = await asUser(scratch.db, a, (tx) => tx.query<{ q: string }>('SELECT current_query() AS q, $1::text AS words', ['private words']), ONE);
      expect(row!.q).toContain('$1');
      expect(row!.q).not.toContain('private words');
    });

    it('rolls back whole on an error and leaves the connection clean', async () => {
      const before = await asService(scratch.db, (tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'));
      await expect(
        asUser(scratch.db, a, (tx) => tx.query(`WITH w AS (INSERT INTO notes (content, user_id) VALUES ('kept?', $1) RETURNING 1) SELECT 1 / 0 FROM w`, [a]), ONE),
      ).rejects.toThrow(/division by zero/);
      expect(await asService(scratch.db, (tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'))).toEqual(before);
      // every pooled connection still answers, outside any transaction and as the connecting role
      const states = await Promise.all(
        Array.from({ length: 5 }, () => scratch.db.query<{ role: string }>(`SELECT current_user AS role`)),
      );
      expect(states.flat().every((r) => r.role !== 'authenticated')).toBe(true);
    });

    it('refuses a second statement', async () => {
      const run = asUser(
        scratch.db,
        a,
        async (tx) => {
          await tx.query('SELECT 1');
          return tx.query('SELECT 2');
        },
        ONE,
      );
      if (backend.name === 'postgres') await expect(run).rejects.toThrow(/one statement/);
      else await expect(run).resolves.toEqual([{ '?column?': 2 }]); // PGlite runs an ordinary transaction
    });
  });
}
