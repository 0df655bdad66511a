import { PGlite, type Transaction as PGliteTx } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { resolve } from 'node:path';
import { lockDataDir, type DirLock } from './lock-file.ts';
import type { SqlSession } from './session.ts';

/** One interface over the embedded database and a PostgreSQL server. */
export interface Database extends SqlSession {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn on one connection held throughout (session-level advisory locks). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Finishes: on PGlite a CHECKPOINT, then close and release the data directory. */
  close(): Promise<void>;
}

export interface PoolOptions {
  max: number;
  idleMs: number;
  maxLifetimeS: number;
}

export interface OpenOptions {
  /** A PostgreSQL server; unset means the embedded PGlite database. */
  databaseUrl?: string;
  /** PGlite's data directory; unset (with no databaseUrl) means in memory. */
  dataDir?: string;
  pool?: Partial<PoolOptions>;
}

/** Opens the configured backend. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.pool)
    : openPglite(options.dataDir);
}

function pgliteSession(q: PGlite | PGliteTx): SqlSession {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await q.query<T>(text, params as unknown[])).rows,
    queryArrays: async (text, params) =>
      (await q.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
    exec: async (text) => {
      await q.exec(text);
    },
    transaction: (fn) => {
      if (!(q instanceof PGlite)) throw new Error('nested transactions are not supported');
      return q.transaction((tx) => fn(pgliteSession(tx)));
    },
  };
}

async function openPglite(dataDir?: string): Promise<Database> {
  const dir = dataDir ? resolve(dataDir) : undefined;
  const lock: DirLock | undefined = dir ? lockDataDir(dir) : undefined;
  let client: PGlite;
  try {
    client = await PGlite.create(dir ? `${dir}/pgdata` : undefined, { extensions: { vector } });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const base = pgliteSession(client);
  return {
    kind: 'pglite',
    ...base,
    withSession: (fn) => fn(base),
    close: async () => {
      try {
        if (!client.closed) {
          await client.exec('CHECKPOINT');
          await client.close();
        }
      } finally {
        lock?.release();
      }
    },
  };
}

// bigint (int8) counts and sums as numbers, the same as PGlite answers them.
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function clientSession(client: pg.PoolClient): SqlSession {
  const session: SqlSession = {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
    queryArrays: async (text, params) =>
      (await client.query({ text, values: params, rowMode: 'array' })).rows as unknown[][],
    exec: async (text) => {
      await client.query(text);
    },
    transaction: async (fn) => {
      await client.query('BEGIN');
      try {
        const result = await fn(session);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
  };
  return session;
}

async function openPostgres(url: string, opts: Partial<PoolOptions> = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    idleTimeoutMillis: opts.idleMs ?? 30_000,
    maxLifetimeSeconds: opts.maxLifetimeS ?? 3600,
    types: pgTypes,
  });
  pool.on('error', () => undefined); // an idle client's broken connection is replaced on next use
  const withSession = async <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(clientSession(client));
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
    queryArrays: async (text, params) =>
      (await pool.query({ text, values: params, rowMode: 'array' })).rows as unknown[][],
    exec: async (text) => {
      await pool.query(text);
    },
    transaction: (fn) => withSession((s) => s.transaction(fn)),
    withSession,
    close: () => pool.end(),
  };
}
