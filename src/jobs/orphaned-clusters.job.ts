import type { JobDefinition } from './scheduler.ts';

/** What the clean-up needs: ClustersService.cleanupOrphanedClusters (per-user safe, as the service role). */
export interface OrphanCleaner {
  cleanupOrphanedClusters(): Promise<number>;
}

/** Removes clusters that no longer hold any note of their user (the guide's clean-up, made per-user safe). */
export function orphanedClustersJob(clusters: OrphanCleaner): JobDefinition {
  return {
    name: 'orphaned-clusters',
    description: 'deletes clusters that no note of their own user is filed in any more',
    schedule: { every: 'day', hour: 3, minute: 45 },
    retries: 3,
    run: () => clusters.cleanupOrphanedClusters(),
  };
}
