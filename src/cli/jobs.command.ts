import { createCache, memoryCache, type Cache } from '../cache/cache.ts';
import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { createEmbeddingProvider } from '../embeddings/provider.ts';
import { EmbeddingWorker } from '../embeddings/worker.ts';
import { createScheduler } from '../jobs/index.ts';
import { JobBusyError, UnknownJobError, type JobStatus } from '../jobs/scheduler.ts';
import { ClustersService } from '../services/clusters.service.ts';
import { createNarrator } from '../services/insight-narrative.ts';
import { InsightsService } from '../services/insights.service.ts';
import { CliError, withDatabase } from './context.ts';

/** The server's jobs, built over this command's database (the embedding queue is drained here). */
function schedulerFor(db: Database, config: Config, cache: Cache = memoryCache()) {
  const logger = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2));
  const provider = createEmbeddingProvider(config);
  const clusters = new ClustersService(db, { embeddingModel: provider.model, embeddingDims: provider.dimensions, logger, cache });
  const worker = new EmbeddingWorker(db, provider, { logger, onEmbedded: (userIds) => clusters.onEmbedded(userIds) });
  const insights = new InsightsService(db, { narrator: createNarrator(config), logger, cache });
  return createScheduler({ db, config, logger, insights, clusters, worker, backgroundWorker: false });
}

const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('.000Z', 'Z') : '-');

function lastRunText(s: JobStatus): string {
  const r = s.lastRun;
  if (!r) return 'never run';
  const rows = r.rowsAffected === null ? '' : `, ${r.rowsAffected} row(s)`;
  const retry = r.status === 'retrying' ? `, retry ${when(r.nextAttemptAt)}` : '';
  const attempts = r.attempts > 1 ? `, attempt ${r.attempts}` : '';
  return `${r.status} ${when(r.startedAt)}${rows}${attempts}${retry}${r.error ? `: ${r.error}` : ''}`;
}

/** `mindstorm jobs list|run NAME`: the scheduled jobs, their last runs, and running one now. */
export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('the scheduled jobs the server runs: list them, or run one now');

  jobs
    .command('list')
    .description("each job's schedule, last run and next run")
    .option('--json', 'one JSON array instead of a table')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db, config) => {
        const status = await schedulerFor(db, config).status();
        if (opts.json) {
          console.log(JSON.stringify(status));
          return;
        }
        const width = Math.max(...status.map((s) => s.name.length));
        const sched = Math.max(...status.map((s) => s.schedule.length));
        for (const s of status) {
          console.log(`${s.name.padEnd(width)}  ${s.schedule.padEnd(sched)}  next ${when(s.nextRunAt)}  last: ${lastRunText(s)}`);
        }
      }),
    );

  jobs
    .command('run')
    .description('run one job now, whatever its schedule (recorded like a scheduled run; not retried)')
    .argument('<name>', 'the job, as `jobs list` names it')
    .action((name: string) =>
      withDatabase(async (db, config) => {
        // with REDIS_URL the servers' shared cache, so what the job writes is visible to them at once
        const cache = createCache(config.REDIS_URL);
        const scheduler = schedulerFor(db, config, cache);
        const started = performance.now();
        let outcome;
        try {
          outcome = await scheduler.runNow(name);
        } catch (err) {
          if (err instanceof UnknownJobError || err instanceof JobBusyError) throw new CliError(err.message);
          throw err;
        } finally {
          await cache.close();
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (outcome.status !== 'succeeded') throw new CliError(`job ${name} failed: ${outcome.error}`);
        console.log(`${name}: succeeded in ${seconds} s, ${outcome.rowsAffected ?? 0} row(s) affected`);
      }),
    );
}
