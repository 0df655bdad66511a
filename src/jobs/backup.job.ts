import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { RETENTION_DAYS, scheduledBackup } from '../ops/backup.ts';
import type { JobDefinition } from './scheduler.ts';

/** Whether there is a configured database to back up (not an in-memory one, nor a server reached without DATABASE_URL, as in tests). */
function backupTarget(db: Database, config: Config): boolean {
  return db.kind === 'pglite' ? Boolean(db.pglite?.dataDir) : Boolean(config.DATABASE_URL);
}

function backupJob(db: Database, config: Config, label: keyof typeof RETENTION_DAYS, schedule: JobDefinition['schedule'], retries: number): JobDefinition {
  return {
    name: `backup-${label}`,
    description: `a full backup into MINDSTORM_BACKUP_DIR, kept ${RETENTION_DAYS[label]} days`,
    schedule,
    retries,
    backoffMs: () => 10 * 60_000,
    async run(ctx) {
      if (!backupTarget(db, config)) {
        ctx.logger?.info('no database on disk or server URL to back up; skipped');
        return 0;
      }
      const result = await scheduledBackup(db, config, label, ctx.now());
      ctx.logger?.info({ path: result.path, bytes: result.bytes, removed: result.removed }, 'backup written');
      return 1;
    },
  };
}

/**
 * The scheduled backups: daily (kept 30 days) and hourly (kept 7 days), the guide's policy. They
 * run inside the server, which on the embedded database is the one process that may read it.
 */
export function backupJobs(db: Database, config: Config): JobDefinition[] {
  return [
    backupJob(db, config, 'daily', { every: 'day', hour: 2, minute: 30 }, 3),
    backupJob(db, config, 'hourly', { every: 'hour', minute: 45 }, 1),
  ];
}
