/** Stable re-clustering: carry cluster ids and user-given names over from the previous run, and honour pinned notes. */
import { hungarian } from './hungarian.js';

/** A cluster as stored from a previous run. */
export interface StoredCluster {
  id: string;
  noteIds: readonly string[];
  name: string;
  /** True when the user renamed it: that name is kept whenever the cluster survives. */
  userNamed: boolean;
}

/** A cluster from the new run (NoteCluster fits). */
export interface FreshCluster {
  key: string;
  noteIds: readonly string[];
  name: string;
  /** Ranked terms, used to make a kept name unique again if needed. */
  terms?: readonly string[];
}

/** Matching settings. */
export interface MatchOptions {
  /** Old and new clusters with membership Jaccard at least this keep the old id (and a user-given name). */
  minJaccard?: number;
  /** An automatic name is kept (not replaced by the new run's) when Jaccard is at least this: avoids renaming churn. */
  keepAutoNameJaccard?: number;
  /** Notes the user moved by hand: noteId → cluster id. They stay there whatever the new run says. */
  pinned?: ReadonlyMap<string, string>;
  /** The new run's unclustered note ids (pinned ones are taken out of it). */
  unclustered?: readonly string[];
  /** Id for a new cluster; default: "k" + 8 hex digits of a hash of its sorted members (deterministic). */
  newId?: (cluster: FreshCluster) => string;
}

/** A reconciled cluster, ready to store. */
export interface MatchedCluster {
  id: string;
  /** Key in the new run, or null for a cluster kept alive only by pinned notes. */
  key: string | null;
  noteIds: string[];
  name: string;
  userNamed: boolean;
  isNew: boolean;
  /** Jaccard with the old cluster it continues (0 for new clusters). */
  jaccard: number;
}

/** Result of matchClusters. */
export interface MatchResult {
  clusters: MatchedCluster[];
  /** New-run key → persistent id. */
  mapping: Map<string, string>;
  /** Old ids that no longer exist. */
  retired: string[];
  unclustered: string[];
}

/** Membership overlap |A∩B| / |A∪B|. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Matches old and new clusters one-to-one by maximum total Jaccard (Hungarian assignment); pairs at or above minJaccard
 * continue the old cluster (id, user-given name); other new clusters get new ids. Pinned notes are then moved to their
 * pinned cluster (recreated from the old one if the new run dropped it).
 */
export function matchClusters(
  oldClusters: readonly StoredCluster[],
  newClusters: readonly FreshCluster[],
  options: MatchOptions = {},
): MatchResult {
  const { minJaccard = 0.5, keepAutoNameJaccard = 0.7, pinned = new Map<string, string>(), unclustered = [] } = options;
  const oldSets = oldClusters.map((c) => new Set(c.noteIds));
  const newSets = newClusters.map((c) => new Set(c.noteIds));
  const jac = oldSets.map((a) => newSets.map((b) => jaccard(a, b)));
  const assignment = hungarian(jac.map((row) => row.map((j) => -j)));
  const oldOf = new Array<number>(newClusters.length).fill(-1);
  assignment.forEach((nj, oi) => {
    if (nj >= 0 && jac[oi]![nj]! >= minJaccard) oldOf[nj] = oi;
  });

  const usedIds = new Set(oldClusters.map((c) => c.id));
  const makeId = options.newId ?? defaultId;
  const clusters: MatchedCluster[] = newClusters.map((nc, j) => {
    const oi = oldOf[j]!;
    if (oi >= 0) {
      const old = oldClusters[oi]!;
      const keepName = old.userNamed || jac[oi]![j]! >= keepAutoNameJaccard;
      return { id: old.id, key: nc.key, noteIds: [...nc.noteIds], name: keepName ? old.name : nc.name, userNamed: old.userNamed, isNew: false, jaccard: jac[oi]![j]! };
    }
    let id = makeId(nc);
    for (let s = 2; usedIds.has(id); s++) id = `${makeId(nc)}-${s}`;
    usedIds.add(id);
    return { id, key: nc.key, noteIds: [...nc.noteIds], name: nc.name, userNamed: false, isNew: true, jaccard: 0 };
  });

  // Pinned notes: take them out of wherever the new run put them and into their pinned cluster.
  let unclusteredOut = [...unclustered];
  if (pinned.size > 0) {
    const byId = new Map(clusters.map((c) => [c.id, c]));
    for (const c of clusters) c.noteIds = c.noteIds.filter((id) => !pinned.has(id));
    unclusteredOut = unclusteredOut.filter((id) => !pinned.has(id));
    const oldById = new Map(oldClusters.map((c) => [c.id, c]));
    for (const [noteId, clusterId] of [...pinned].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      let target = byId.get(clusterId);
      if (!target) {
        const old = oldById.get(clusterId);
        target = { id: clusterId, key: null, noteIds: [], name: old?.name ?? 'Pinned notes', userNamed: old?.userNamed ?? false, isNew: !old, jaccard: 0 };
        clusters.push(target);
        byId.set(clusterId, target);
      }
      target.noteIds.push(noteId);
    }
  }

  dedupeNames(clusters, newClusters);
  const mapping = new Map<string, string>();
  for (const c of clusters) if (c.key !== null) mapping.set(c.key, c.id);
  const alive = new Set(clusters.map((c) => c.id));
  return { clusters, mapping, retired: oldClusters.map((c) => c.id).filter((id) => !alive.has(id)), unclustered: unclusteredOut };
}

/** Kept old names can collide with new automatic ones: user names win, then continuing clusters, then new ones adapt. */
function dedupeNames(clusters: MatchedCluster[], fresh: readonly FreshCluster[]): void {
  const termsOf = new Map(fresh.map((f) => [f.key, f.terms ?? []]));
  const order = clusters
    .map((c, i) => ({ c, i, rank: c.userNamed ? 0 : c.isNew ? 2 : 1 }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i);
  const used = new Set<string>();
  for (const { c } of order) {
    if (!used.has(c.name.toLowerCase()) || c.userNamed) {
      used.add(c.name.toLowerCase());
      continue;
    }
    const base = c.name;
    const extra = (c.key ? termsOf.get(c.key) ?? [] : []).find((t) => !base.includes(t) && !used.has(`${base} · ${t}`.toLowerCase()));
    c.name = extra ? `${base} · ${extra}` : `${base} (more)`;
    used.add(c.name.toLowerCase());
  }
}

function defaultId(c: FreshCluster): string {
  let h = 0x811c9dc5;
  for (const id of [...c.noteIds].sort()) {
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x2c, 0x01000193);
  }
  return `k${(h >>> 0).toString(16).padStart(8, '0')}`;
}
