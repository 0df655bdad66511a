import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EmbeddingWorker } from '../embeddings/worker.ts';
import type { InsightsService } from '../services/insights.service.ts';
import { backupJobs } from './backup.job.ts';
import { embeddingBackfillJob } from './embedding-backfill.job.ts';
import { orphanedClustersJob, type OrphanCleaner } from './orphaned-clusters.job.ts';
import { reclusterJob, type Reclusterer } from './recluster.job.ts';
import { retentionJob } from './retention.job.ts';
import { Scheduler, type JobDefinition, type SchedulerOptions } from './scheduler.ts';
import { weeklyInsightsJob } from './weekly-insights.job.ts';

/** What the jobs work with: the same services the server uses. */
export interface JobDeps {
  db: Database;
  insights: InsightsService;
  clusters: OrphanCleaner & Reclusterer;
  worker: EmbeddingWorker;
  /** Whether the worker runs in the background here (the server): the backfill job then only wakes it. */
  backgroundWorker: boolean;
}

/** Every scheduled job, in the order a tick runs them (the server and `mindstorm jobs` share this list). */
export function createJobs(deps: JobDeps): JobDefinition[] {
  return [
    weeklyInsightsJob(deps.insights),
    retentionJob(deps.db),
    orphanedClustersJob(deps.clusters),
    reclusterJob(deps.db, deps.clusters),
    embeddingBackfillJob(deps.worker, deps.backgroundWorker),
  ];
}

/** A scheduler with every job registered; secrets of the configuration are kept out of recorded errors. */
export function createScheduler(
  deps: JobDeps & { config: Config; logger?: Logger; now?: () => Date },
  opts: Omit<SchedulerOptions, 'now' | 'logger' | 'secrets'> = {},
): Scheduler {
  const scheduler = new Scheduler(deps.db, {
    ...opts,
    now: deps.now,
    logger: deps.logger,
    secrets: [deps.config.OPENAI_API_KEY, deps.config.DATABASE_URL, deps.config.REDIS_URL],
  });
  for (const job of createJobs(deps)) scheduler.register(job);
  for (const job of backupJobs(deps.db, deps.config)) scheduler.register(job); // daily and hourly backups (src/ops/backup.ts)
  return scheduler;
}
