import type { Database } from '../db/client.ts';
import { asService } from '../db/as-user.ts';
import { usersWithChangedNotes } from '../db/repos/jobs.repo.ts';
import type { JobDefinition } from './scheduler.ts';

/** What re-clustering needs from ClustersService. */
export interface Reclusterer {
  /** Whether enough of the user's notes changed since their last full clustering. */
  dueForFullRun(userId: string): Promise<boolean>;
  recluster(userId: string): Promise<unknown>;
}

/**
 * Re-clusters the users whose notes changed since this job last succeeded, when enough changed
 * (the clusters service decides; small changes are placed incrementally as notes are embedded).
 * Returns how many users were re-clustered; a failing user does not stop the others.
 */
export function reclusterJob(db: Database, clusters: Reclusterer): JobDefinition {
  return {
    name: 'recluster',
    description: 'clusters again the notes of users whose notes changed enough since the last run',
    schedule: { every: 'hour', minute: 35 },
    retries: 2,
    async run(ctx) {
      const users = await asService(db, (tx) => usersWithChangedNotes(tx, ctx.lastSuccessAt));
      let done = 0;
      const failures: string[] = [];
      for (const userId of users) {
        if (ctx.signal.aborted) throw new Error(`stopped after ${done} user(s): the server is shutting down`);
        try {
          if (await clusters.dueForFullRun(userId)) {
            await clusters.recluster(userId);
            done++;
          }
        } catch (err) {
          failures.push((err as Error).message);
          ctx.logger?.error({ userId, err: { type: (err as Error).name, message: (err as Error).message } }, 're-clustering failed');
        }
      }
      if (failures.length) throw new Error(`${failures.length} of ${users.length} user(s) failed to re-cluster; the first: ${failures[0]}`);
      return done;
    },
  };
}
