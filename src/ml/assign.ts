/** Incremental assignment: put a new or edited note into the nearest existing cluster without re-clustering. */
import type { FeatureModel } from './features.js';
import { noteFeatures } from './features.js';
import { dot } from './linalg.js';

/** The part of a cluster that assignment needs. */
export interface CentroidCluster {
  key: string;
  centroid: ArrayLike<number>;
}

/**
 * Key of the cluster whose centroid has the highest cosine similarity with `features` (unit-norm, same space as the
 * centroids), or null when that similarity is below `threshold` (the note then stays unclustered). O(k·d).
 */
export function assignToNearest(features: ArrayLike<number>, clusters: readonly CentroidCluster[], threshold: number): string | null {
  return nearestCluster(features, clusters, threshold).key;
}

/** Like assignToNearest, also returning the best similarity (for "how well does it fit" displays and logging). */
export function nearestCluster(
  features: ArrayLike<number>,
  clusters: readonly CentroidCluster[],
  threshold: number,
): { key: string | null; similarity: number } {
  let best: string | null = null;
  let bestSim = -Infinity;
  for (const c of clusters) {
    if (c.centroid.length !== features.length) throw new Error(`feature length ${features.length} ≠ centroid length ${c.centroid.length}`);
    const s = dot(features, 0, c.centroid, 0, features.length);
    if (s > bestSim) {
      bestSim = s;
      best = c.key;
    }
  }
  return { key: bestSim >= threshold ? best : null, similarity: bestSim };
}

/** One-call assignment of a note's text (and embedding, if the model used them) with a stored feature model. */
export function assignNote(
  model: FeatureModel,
  clusters: readonly CentroidCluster[],
  threshold: number,
  text: string,
  embedding?: ArrayLike<number> | null,
): { key: string | null; similarity: number } {
  return nearestCluster(noteFeatures(model, text, embedding), clusters, threshold);
}
