import { statfs } from 'node:fs/promises';
import client from 'prom-client';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { App } from '../server/types.ts';

/** What the metrics read from the rest of the app at scrape time (each part optional). */
export interface MetricSources {
  db: Database;
  logger: Logger;
  /** Live notes waiting for a vector. */
  embeddingQueue?: () => Promise<number>;
  /** Each job's last run: finished time (seconds) and whether it succeeded. */
  jobs?: () => Promise<{ job: string; finishedAt: Date | null; ok: boolean | null }[]>;
  /** When the last backup succeeded. */
  lastBackup?: () => Promise<Date | null> | Date | null;
  /** The embedded database's directory (its file system gives the storage capacity). */
  dataDir?: string;
  /** Storage quota of a server database, in bytes (a managed plan's size), when known. */
  storageLimitBytes?: number;
}

/** The guide's health-check period: database statistics are refreshed every 5 minutes. */
export const STATS_REFRESH_MS = 5 * 60 * 1000;

/**
 * Registers /metrics (Prometheus text): HTTP counts and latency by route, the pool, connections
 * against max_connections, slow queries, index usage and database size, jobs, backups and the
 * embedding queue. One registry per app, so several apps in one process do not collide.
 */
export function installMetrics(app: App, src: MetricSources): client.Registry {
  const register = new client.Registry();
  client.collectDefaultMetrics({ register, prefix: 'mindstorm_process_' });
  // gauges that prom-client names like counters (promtool's lint refuses them)
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    register.removeSingleMetric(`mindstorm_process_nodejs_${name}`);
  }
  const g = (name: string, help: string, labelNames: string[] = []) => new client.Gauge({ name, help, labelNames, registers: [register] });

  const requests = new client.Counter({ name: 'mindstorm_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status_code'], registers: [register] });
  const latency = new client.Histogram({
    name: 'mindstorm_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });

  const slow = new client.Counter({ name: 'mindstorm_slow_queries_total', help: 'Statements slower than SLOW_QUERY_MS, by statement name', labelNames: ['statement'], registers: [register] });
  src.db.onSlowQuery((q) => {
    slow.inc({ statement: q.name });
    src.logger.warn({ statement: q.name, ms: Math.round(q.ms) }, 'slow query');
  });

  const poolTotal = g('mindstorm_db_pool_clients', 'Clients in the connection pool');
  const poolIdle = g('mindstorm_db_pool_idle_clients', 'Idle clients in the connection pool');
  const poolWaiting = g('mindstorm_db_pool_waiting_requests', 'Requests waiting for a pool client');
  const poolMax = g('mindstorm_db_pool_max_clients', 'The pool size limit (DB_POOL_MAX)');
  const connections = g('mindstorm_db_connections', 'Connections open on the database server');
  const maxConnections = g('mindstorm_db_max_connections', "The server's max_connections");
  const size = g('mindstorm_db_size_bytes', 'Size of the database');
  const capacity = g('mindstorm_storage_capacity_bytes', 'Storage available to the database in all (quota or file system)');
  const indexScans = g('mindstorm_db_index_scans', 'Index scans since statistics were reset, by index', ['table', 'index']);
  const queue = g('mindstorm_embedding_queue_length', 'Live notes waiting for a vector');
  const jobLast = g('mindstorm_job_last_run_timestamp_seconds', 'When each job last finished', ['job']);
  const jobOk = g('mindstorm_job_last_run_success', 'Whether the last run of each job succeeded (1) or failed (0)', ['job']);
  const backup = g('mindstorm_backup_last_success_timestamp_seconds', 'When the last backup succeeded');

  let refreshed = 0;
  const refreshStats = async () => {
    const [row] = await src.db.query<{ size: number; max: number; conns: number }>(
      `SELECT pg_database_size(current_database())::float8 AS size, current_setting('max_connections')::int AS max,
              (SELECT count(*)::int FROM pg_stat_activity) AS conns`,
    );
    size.set(row!.size);
    maxConnections.set(row!.max);
    connections.set(row!.conns);
    const idx = await src.db.query<{ t: string; i: string; n: number }>(
      'SELECT relname AS t, indexrelname AS i, idx_scan::float8 AS n FROM pg_stat_user_indexes',
    );
    indexScans.reset();
    for (const r of idx) indexScans.set({ table: r.t, index: r.i }, r.n);
    if (src.storageLimitBytes) capacity.set(src.storageLimitBytes);
    else if (src.dataDir) {
      const fs = await statfs(src.dataDir);
      capacity.set(fs.blocks * fs.bsize);
    }
    refreshed = Date.now();
  };

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const pool = src.db.poolStats();
    if (pool) {
      poolTotal.set(pool.total);
      poolIdle.set(pool.idle);
      poolWaiting.set(pool.waiting);
      poolMax.set(pool.max);
    }
    if (Date.now() - refreshed >= STATS_REFRESH_MS) await refreshStats().catch((err: Error) => src.logger.warn({ err: { type: err.name } }, 'database statistics unavailable'));
    if (src.embeddingQueue) queue.set(await src.embeddingQueue());
    for (const j of (await src.jobs?.()) ?? []) {
      if (j.finishedAt) jobLast.set({ job: j.job }, j.finishedAt.getTime() / 1000);
      if (j.ok !== null) jobOk.set({ job: j.job }, j.ok ? 1 : 0);
    }
    const last = await src.lastBackup?.();
    if (last) backup.set(last.getTime() / 1000);
    void reply.header('content-type', register.contentType);
    return register.metrics();
  });
  return register;
}
