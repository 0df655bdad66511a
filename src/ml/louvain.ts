/** Louvain modularity communities on a weighted undirected graph: finds the number of topics itself (no k from the user). */
import { createRng } from './random.js';

/** Undirected weighted graph in adjacency-list form (each edge listed from both ends). */
export interface WeightedGraph {
  n: number;
  adjStart: Int32Array;
  adj: Int32Array;
  weight: Float64Array;
}

/** Builds an adjacency-list graph from an edge list, summing duplicate edges. */
export function graphFromEdges(n: number, edges: readonly [number, number, number][]): WeightedGraph {
  const maps: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const [a, b, w] of edges) {
    if (a === b) {
      maps[a]!.set(a, (maps[a]!.get(a) ?? 0) + 2 * w); // a loop counts twice in the degree
      continue;
    }
    maps[a]!.set(b, (maps[a]!.get(b) ?? 0) + w);
    maps[b]!.set(a, (maps[b]!.get(a) ?? 0) + w);
  }
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i]! + maps[i]!.size;
  const adj = new Int32Array(adjStart[n]!);
  const weight = new Float64Array(adjStart[n]!);
  for (let i = 0; i < n; i++) {
    let p = adjStart[i]!;
    for (const [j, w] of [...maps[i]!].sort((x, y) => x[0] - y[0])) {
      adj[p] = j;
      weight[p++] = w;
    }
  }
  return { n, adjStart, adj, weight };
}

/** Louvain (local moving + aggregation, repeated) with resolution γ; returns a community id per node, ids dense from 0. */
export function louvain(g: WeightedGraph, options: { resolution?: number; seed?: number; maxLevels?: number } = {}): Int32Array {
  const { resolution = 1, seed = 1, maxLevels = 20 } = options;
  const rng = createRng(seed);
  let graph = g;
  let membership = Int32Array.from({ length: g.n }, (_, i) => i);
  for (let level = 0; level < maxLevels; level++) {
    const { comm, moved } = localMoving(graph, resolution, rng);
    const { dense, count } = densify(comm);
    for (let i = 0; i < membership.length; i++) membership[i] = dense[membership[i]!]!;
    if (!moved || count === graph.n) break;
    graph = aggregate(graph, dense, count);
  }
  return membership;
}

function densify(comm: Int32Array): { dense: Int32Array; count: number } {
  const map = new Map<number, number>();
  const dense = new Int32Array(comm.length);
  for (let i = 0; i < comm.length; i++) {
    let c = map.get(comm[i]!);
    if (c === undefined) {
      c = map.size;
      map.set(comm[i]!, c);
    }
    dense[i] = c;
  }
  return { dense, count: map.size };
}

function localMoving(g: WeightedGraph, gamma: number, rng: () => number): { comm: Int32Array; moved: boolean } {
  const { n, adjStart, adj, weight } = g;
  const deg = new Float64Array(n);
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    for (let p = adjStart[i]!; p < adjStart[i + 1]!; p++) deg[i]! += weight[p]!;
    m2 += deg[i]!;
  }
  const comm = Int32Array.from({ length: n }, (_, i) => i);
  const tot = Float64Array.from(deg);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const neighW = new Float64Array(n);
  const touched: number[] = [];
  let movedAny = false;
  if (m2 === 0) return { comm, moved: false };
  for (let pass = 0; pass < 50; pass++) {
    let moves = 0;
    for (const i of order) {
      const ci = comm[i]!;
      touched.length = 0;
      for (let p = adjStart[i]!; p < adjStart[i + 1]!; p++) {
        const j = adj[p]!;
        if (j === i) continue;
        const cj = comm[j]!;
        if (neighW[cj] === 0) touched.push(cj);
        neighW[cj]! += weight[p]!;
      }
      tot[ci]! -= deg[i]!;
      let best = ci;
      let bestGain = neighW[ci]! - (gamma * tot[ci]! * deg[i]!) / m2;
      for (const c of touched) {
        const gain = neighW[c]! - (gamma * tot[c]! * deg[i]!) / m2;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          best = c;
        }
      }
      tot[best]! += deg[i]!;
      if (best !== ci) {
        comm[i] = best;
        moves++;
      }
      for (const c of touched) neighW[c] = 0;
      neighW[ci] = 0;
    }
    if (moves === 0) break;
    movedAny = true;
  }
  return { comm, moved: movedAny };
}

function aggregate(g: WeightedGraph, comm: Int32Array, count: number): WeightedGraph {
  const edges: [number, number, number][] = [];
  for (let i = 0; i < g.n; i++) {
    for (let p = g.adjStart[i]!; p < g.adjStart[i + 1]!; p++) {
      const j = g.adj[p]!;
      if (j < i) continue;
      // Edges i<j are listed from both ends: take one. Loops are stored doubled: halve so graphFromEdges re-doubles.
      edges.push([comm[i]!, comm[j]!, j === i ? g.weight[p]! / 2 : g.weight[p]!]);
    }
  }
  return graphFromEdges(count, edges);
}
