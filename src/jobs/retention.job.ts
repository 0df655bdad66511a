import type { Database } from '../db/client.ts';
import { asService } from '../db/as-user.ts';
import { isPurgeable, listPolicies, purgeBatch } from '../db/repos/retention.repo.ts';
import type { JobDefinition } from './scheduler.ts';

/** Rows deleted per transaction: a large purge never holds one long transaction. */
const BATCH = 5000;

/**
 * Deletes what retention_policies says has been kept long enough (insights after a year, the audit
 * trail after seven, trashed notes and vault notes 30 days after deletion, job records after 90
 * days), in batches. Idempotent: a second run finds nothing more to delete.
 */
export function retentionJob(db: Database, batch = BATCH): JobDefinition {
  return {
    name: 'retention',
    description: 'deletes rows older than retention_policies allows (insights 1 year, audit trail 7 years, trash 30 days)',
    schedule: { every: 'day', hour: 3, minute: 15 },
    retries: 3,
    async run(ctx) {
      const now = ctx.now();
      const policies = await asService(db, (tx) => listPolicies(tx));
      let total = 0;
      for (const policy of policies) {
        if (!isPurgeable(policy)) {
          ctx.logger?.warn({ policy }, 'retention policy names a table or column retention may not purge; skipped');
          continue;
        }
        for (;;) {
          if (ctx.signal.aborted) throw new Error(`stopped after deleting ${total} row(s): the server is shutting down`);
          const n = await asService(db, (tx) => purgeBatch(tx, policy, now, batch));
          total += n;
          if (n > 0) ctx.logger?.info({ table: policy.tableName, rows: n }, 'retention purged rows');
          if (n < batch) break;
        }
      }
      return total;
    },
  };
}
