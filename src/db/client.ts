import { PGlite, type Transaction as PGliteTx } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { resolve } from 'node:path';
import { lockDataDir, type DirLock } from './lock-file.ts';
import type { SqlSession, TransactionOptions } from './session.ts';

/** One interface over the embedded database and a PostgreSQL server. */
export interface Database extends SqlSession {
  readonly kind: 'pglite' | 'postgres';
  /** The embedded engine itself (PGlite only): backups need its dumpDataDir, which SQL cannot reach. */
  readonly pglite?: PGlite;
  /** The connection pool's clients (PostgreSQL), or null on the embedded database. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } | null;
  /** Calls fn for every statement slower than the slow-query threshold (name and time only). */
  onSlowQuery(fn: (q: SlowQuery) => void): void;
  /** Runs fn on one connection held throughout (session-level advisory locks). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Finishes: on PGlite a CHECKPOINT, then close and release the data directory. */
  close(): Promise<void>;
}

/** A slow statement: a name derived from its SQL (verb and table), never its parameters. */
export interface SlowQuery {
  name: string;
  ms: number;
}

/** Names a statement by its verb and first table: `SELECT notes`, `UPDATE auth_tokens`. */
export function statementName(sql: string): string {
  const verb = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  const table = /\b(?:FROM|INTO|UPDATE|TABLE|JOIN)\s+("?[\w.]+"?)/i.exec(sql)?.[1]?.replaceAll('"', '');
  return table ? `${verb} ${table}` : verb;
}

/** Times statements and tells the listeners about the slow ones. */
class SlowQueryWatch {
  readonly listeners = new Set<(q: SlowQuery) => void>();
  constructor(readonly thresholdMs: number) {}

  async time<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - start;
      if (ms >= this.thresholdMs && this.listeners.size) {
        const q = { name: statementName(sql), ms };
        for (const l of this.listeners) l(q);
      }
    }
  }

  /** The same session, timed (its transactions too). */
  wrap(s: SqlSession): SqlSession {
    return {
      query: (text, params) => this.time(text, () => s.query(text, params)),
      queryArrays: (text, params) => this.time(text, () => s.queryArrays(text, params)),
      exec: (text) => this.time(text, () => s.exec(text)),
      transaction: (fn, opts) => s.transaction((tx) => fn(this.wrap(tx)), opts),
    };
  }
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
  /** Statements slower than this are reported to onSlowQuery listeners (default 5,000 ms). */
  slowQueryMs?: number;
}

/** Opens the configured backend. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const watch = new SlowQueryWatch(options.slowQueryMs ?? 5000);
  const raw = options.databaseUrl ? await openPostgres(options.databaseUrl, options.pool) : await openPglite(options.dataDir);
  const timed = watch.wrap(raw);
  return {
    ...raw,
    ...timed,
    withSession: (fn) => raw.withSession((s) => fn(watch.wrap(s))),
    onSlowQuery: (fn) => void watch.listeners.add(fn),
  };
}

type RawDatabase = Omit<Database, 'onSlowQuery'>;

function pgliteSession(q: PGlite | PGliteTx): SqlSession {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await q.query<T>(text, params as unknown[])).rows,
    queryArrays: async (text, params) =>
      (await q.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
    exec: async (text) => {
      await q.exec(text);
    },
    transaction: (fn, opts) => {
      if (!(q instanceof PGlite)) throw new Error('nested transactions are not supported');
      return q.transaction(async (tx) => {
        if (opts?.begin) await tx.exec(opts.begin);
        return fn(pgliteSession(tx));
      });
    },
  };
}

async function openPglite(dataDir?: string): Promise<RawDatabase> {
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
    pglite: client,
    ...base,
    withSession: (fn) => fn(base),
    poolStats: () => null,
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
    transaction: async (fn, opts) => {
      if (opts?.oneStatement) return fn(oneStatementSession(client, opts));
      await client.query(opts?.begin ? `BEGIN; ${opts.begin}` : 'BEGIN'); // one round trip
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

/** What AfterBegin sends through: node-postgres's connection, whose messages its Query buffers into one write. */
interface ProtocolConnection {
  parse(m: { text: string; name: string; types: unknown[] }): void;
  bind(m: { portal: string; statement: string; values: unknown[] }): void;
  describe(m: { type: 'P'; name: string }): void;
  execute(m: { portal: string }): void;
}

/**
 * A statement sent after `begin` (one statement without parameters, if any) in one round trip, by the
 * extended protocol: Parse, Bind, Describe and Execute of `begin`, then those of the statement with
 * its parameters, then one Sync. PostgreSQL runs what comes before a Sync as one implicit
 * transaction, committed at the Sync and rolled back whole on an error, so the connection is left
 * clean either way. node-postgres's Query sends one statement's messages in prepare(), corked into
 * one write; this sends `begin`'s first. The callback gets both results.
 */
class AfterBegin extends pg.Query {
  constructor(
    private readonly begin: string | undefined,
    config: pg.QueryConfig & { rowMode?: 'array'; callback: (err: Error | null, results: unknown) => void },
  ) {
    super({ ...config, queryMode: 'extended' } as pg.QueryConfig);
  }

  prepare(connection: ProtocolConnection): void {
    if (this.begin !== undefined) {
      connection.parse({ text: this.begin, name: '', types: [] });
      connection.bind({ portal: '', statement: '', values: [] });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    }
    (pg.Query.prototype as unknown as { prepare(c: ProtocolConnection): void }).prepare.call(this, connection);
  }
}

/**
 * The session of a one-statement transaction (TransactionOptions.oneStatement): the statement goes
 * with `begin` in one round trip (AfterBegin), as a transaction of its own without BEGIN or COMMIT.
 */
function oneStatementSession(client: pg.PoolClient, opts: TransactionOptions): SqlSession {
  let sent = false;
  const run = (text: string, values: unknown[] = [], rowMode?: 'array') => {
    if (sent) return Promise.reject(new Error('a one-statement transaction sends one statement'));
    sent = true;
    return new Promise<unknown[]>((resolve, reject) => {
      const callback = (err: Error | null, results: unknown) => {
        if (err) return reject(err);
        const all = results as pg.QueryResult | pg.QueryResult[];
        resolve(Array.isArray(all) ? all[all.length - 1]!.rows : all.rows);
      };
      client.query(new AfterBegin(opts.begin, { text, values, rowMode, callback }));
    });
  };
  return {
    query: async <T>(text: string, params?: unknown[]) => (await run(text, params)) as T[],
    queryArrays: async (text, params) => (await run(text, params, 'array')) as unknown[][],
    exec: async (text) => void (await run(text)),
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  };
}

async function openPostgres(url: string, opts: Partial<PoolOptions> = {}): Promise<RawDatabase> {
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
    transaction: (fn, opts) => withSession((s) => s.transaction(fn, opts)),
    withSession,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 20 }),
    close: () => pool.end(),
  };
}
