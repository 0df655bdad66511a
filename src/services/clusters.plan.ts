/** What a full clustering run writes: fresh clusters matched to the stored ones, with the user's pins honoured (pure). */
import { randomUUID } from 'node:crypto';
import type { StoredClusterRow, ClusterWrite, Placement } from '../db/repos/clusters.repo.ts';
import type { ClusteringResult } from '../ml/cluster-notes.js';
import { noteFeatures } from '../ml/features.js';
import { matchClusters, type MatchResult } from '../ml/match-clusters.js';
import { encodeVector } from './clusters.codec.ts';

/** Unit-norm weighted mean of vectors: a centroid (null when they cancel out or there are none). */
export function meanDirection(vectors: { v: ArrayLike<number>; w: number }[], dim: number): Float32Array | null {
  const out = new Float64Array(dim);
  for (const { v, w } of vectors) for (let j = 0; j < dim; j++) out[j]! += w * v[j]!;
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += out[j]! * out[j]!;
  norm = Math.sqrt(norm);
  return norm > 0 ? Float32Array.from(out, (x) => x / norm) : null;
}

/**
 * Matches a run's clusters with the stored ones (ids, user names) and returns the clusters to write (centroid, terms,
 * map centre) and where each input note goes. `pins` maps a note the user filed by hand to its cluster, or to null
 * for "in no cluster": such a note is taken out of every fresh cluster.
 */
export function planRun(
  result: ClusteringResult | null,
  input: { id: string; text: string; embedding: ArrayLike<number> | null }[],
  stored: StoredClusterRow[],
  pins: Map<string, string | null>,
): { match: MatchResult; writes: ClusterWrite[]; placements: Placement[] } {
  const outOfAll = new Set([...pins].filter(([, c]) => c === null).map(([id]) => id));
  const pinnedTo = new Map([...pins].filter((e): e is [string, string] => e[1] !== null));
  const fresh = (result?.clusters ?? [])
    .map((c) => ({ ...c, noteIds: c.noteIds.filter((id) => !outOfAll.has(id)) }))
    .filter((c) => c.noteIds.length > 0);
  const match = matchClusters(stored, fresh, {
    pinned: pinnedTo,
    unclustered: (result?.unclustered ?? []).filter((id) => !outOfAll.has(id)),
    newId: () => randomUUID(),
  });
  const freshByKey = new Map(fresh.map((c) => [c.key, c]));
  const byId = new Map(input.map((n) => [n.id, n]));
  const writes = match.clusters
    .filter((c) => c.noteIds.length > 0)
    .map((c): ClusterWrite => {
      const run = c.key ? freshByKey.get(c.key) : undefined;
      let centroid: ArrayLike<number> | null = run?.centroid ?? null;
      if (!centroid && result) {
        // kept alive by pinned notes only: the centroid of those notes
        const members = c.noteIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
        centroid = meanDirection(members.map((n) => ({ v: noteFeatures(result.model, n.text, n.embedding), w: 1 })), result.model.dim);
      }
      const points = c.noteIds.map((id) => result?.coords.get(id)).filter((p): p is [number, number] => !!p);
      const mean = (d: 0 | 1) => (points.length ? points.reduce((sum, p) => sum + p[d], 0) / points.length : null);
      return { id: c.id, name: c.name, terms: run?.terms ?? [], centroid: centroid ? encodeVector(centroid) : null, x: mean(0), y: mean(1) };
    });
  const clusterOf = new Map<string, string>();
  for (const c of match.clusters) for (const id of c.noteIds) clusterOf.set(id, c.id);
  const placements = input.map((n) => {
    const xy = result?.coords.get(n.id);
    return { id: n.id, clusterId: clusterOf.get(n.id) ?? null, x: xy ? xy[0] : null, y: xy ? xy[1] : null };
  });
  return { match, writes, placements };
}
