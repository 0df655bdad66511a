/** Topic discovery on a sample: cosine kNN graph + Louvain modularity, which picks the number of clusters itself. */
import { knnCosine } from './knn.js';
import type { WeightedGraph } from './louvain.js';
import { graphFromEdges, louvain } from './louvain.js';
import type { DenseMatrix } from './sparse.js';

/** Graph settings: neighbours per note and Louvain resolution (higher = more, smaller clusters). */
export interface CommunityOptions {
  neighbors?: number;
  resolution?: number;
  seed?: number;
}

/** Builds the symmetric kNN similarity graph (edge weight = cosine similarity, clipped at 0). */
export function knnGraph(x: DenseMatrix, neighbors: number): WeightedGraph {
  const g = knnCosine(x, neighbors);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < x.rows; i++) {
    for (let p = 0; p < g.k; p++) {
      const j = g.indices[i * g.k + p]!;
      if (j >= 0) edges.push([i, j, Math.max(0, g.sims[i * g.k + p]!)]);
    }
  }
  return graphFromEdges(x.rows, edges);
}

/** Community label per row (dense ids, largest community first). */
export function findCommunities(x: DenseMatrix, options: CommunityOptions = {}): Int32Array {
  const { neighbors = 20, resolution = 1, seed = 1 } = options;
  if (x.rows <= 2) return new Int32Array(x.rows);
  const comm = louvain(knnGraph(x, Math.min(neighbors, x.rows - 1)), { resolution, seed });
  const sizes = new Map<number, number>();
  for (const c of comm) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || a - b);
  const rank = new Map(order.map((c, i) => [c, i]));
  return comm.map((c) => rank.get(c)!);
}
