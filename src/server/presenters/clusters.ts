import type { ClusterRow } from '../../db/repos/clusters.repo.ts';
import type { MapPoint, ReclusterSummary } from '../../services/clusters.service.ts';

/** A cluster as the API shows it (field by field: a new column never leaks by accident). */
export const presentCluster = (c: ClusterRow) => ({
  id: c.id,
  name: c.name,
  noteCount: c.noteCount,
  userNamed: c.userNamed,
  terms: c.terms,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/** A point of the notes map, coordinates rounded to what a screen can show. */
export const presentMapPoint = (p: MapPoint) => ({
  noteId: p.noteId,
  x: Math.round(p.x * 1e4) / 1e4,
  y: Math.round(p.y * 1e4) / 1e4,
  clusterId: p.clusterId,
});

/** What a re-clustering did. */
export const presentRecluster = (s: ReclusterSummary) => ({
  notes: s.notes,
  clusters: s.clusters,
  clustered: s.clustered,
  unclustered: s.unclustered,
  kept: s.kept,
  created: s.created,
  retired: s.retired,
  filed: s.filed,
  ms: s.ms,
});
