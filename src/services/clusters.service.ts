import { cached, memoryCache, QUERY_CACHE_MS, userKeys, type Cache } from '../cache/cache.ts';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asService, asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/clusters.repo.ts';
import type { ClusterRow } from '../db/repos/clusters.repo.ts';
import { AppError, notFound } from '../errors.ts';
import { assignNote } from '../ml/assign.js';
import type { ClusterOptions, ClusteringResult } from '../ml/cluster-notes.js';
import type { FeatureModel } from '../ml/features.js';
import { decodeModel, decodeVector, encodeModel, encodeVector, parseVector } from './clusters.codec.ts';
import { meanDirection, planRun } from './clusters.plan.ts';
import { clusterInThread } from './clusters.thread.ts';

/** Cluster names are 1 to 100 characters once trimmed. */
export const MAX_CLUSTER_NAME = 100;
/** A user is clustered automatically for the first time once this many notes have a vector. */
export const FIRST_RUN_NOTES = 20;
/** A full re-clustering runs automatically once this share of the notes is new, changed or gone since the last. */
export const RECLUSTER_SHARE = 0.2;
/** Notes placed per transaction by incremental assignment. */
const ASSIGN_BATCH = 500;

/**
 * Weight of the embedding block in the clustering features, by embedding model. The local model's vectors measured no
 * better than text alone on the dev notes (NMI 0.433–0.446 for weights 0.1–0.7 vs 0.442 text-only, docs/clustering.md)
 * and cost 8× the memory, so local vectors are left out; other models get the ML default 0.1.
 */
export function embeddingWeightFor(model: string | null | undefined): number {
  return !model || model.startsWith('local-') ? 0 : 0.1;
}

/** How the service clusters; every field has a measured or documented default. */
export interface ClustersOptions {
  /** The embedding provider's model id (vectors of other models are ignored) and its width. */
  embeddingModel?: string | null;
  embeddingDims?: number;
  /** Overrides embeddingWeightFor(embeddingModel). */
  embeddingWeight?: number;
  firstRunNotes?: number;
  reclusterShare?: number;
  /** Passed to clusterNotes (benchmarks and tests). */
  cluster?: ClusterOptions;
  logger?: Logger;
  /** The cluster list is cached for 5 minutes and forgotten by every write that changes it. */
  cache?: Cache;
}

/** What a full re-clustering did. */
export interface ReclusterSummary {
  notes: number;
  clusters: number;
  clustered: number;
  unclustered: number;
  /** Clusters that kept their id, new ones, and old ones removed. */
  kept: number;
  created: number;
  retired: number;
  /** Notes whose cluster changed (each is one notes-row write). */
  filed: number;
  ms: number;
  timings: Record<string, number>;
}

/** A point of the notes map. */
export interface MapPoint {
  noteId: string;
  x: number;
  y: number;
  clusterId: string | null;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new AppError('validation_failed', 'name must not be empty');
  if ([...trimmed].length > MAX_CLUSTER_NAME) throw new AppError('validation_failed', `name must have at most ${MAX_CLUSTER_NAME} characters`);
  return trimmed;
}

/** A small fixed offset per note so notes placed at one cluster centre do not sit on one pixel. */
function jitter(id: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  const a = ((h >>> 0) / 2 ** 32) * 2 * Math.PI;
  return [0.04 * Math.cos(a), 0.04 * Math.sin(a)];
}

/** Topic clusters of each user's notes: automatic, stable across runs, and under the user's control. */
export class ClustersService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly models = new Map<string, { fittedAt: string; model: FeatureModel }>();
  private readonly weight: number;
  private readonly embeddingModel: string | null;

  private readonly cache: Cache;

  constructor(
    private readonly db: Database,
    private readonly opts: ClustersOptions = {},
  ) {
    this.cache = opts.cache ?? memoryCache();
    this.weight = opts.embeddingWeight ?? embeddingWeightFor(opts.embeddingModel);
    this.embeddingModel = this.weight > 0 ? (opts.embeddingModel ?? null) : null;
  }

  // One clustering task per user at a time in this process (the advisory lock covers other processes' writes).
  private exclusive<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(userId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.queues.set(userId, next);
    void next.finally(() => this.queues.get(userId) === next && this.queues.delete(userId)).catch(() => undefined);
    return next;
  }

  /** Forgets the cached cluster lists of these users. */
  private changed(...userIds: string[]): Promise<void> {
    return this.cache.del(...new Set(userIds.map(userKeys.clusters))).catch(() => undefined);
  }

  /** The user's clusters with live note counts, newest first (the guide's query; cached). */
  async list(userId: string): Promise<ClusterRow[]> {
    const rows = await cached(this.cache, userKeys.clusters(userId), QUERY_CACHE_MS, () => asUser(this.db, userId, (tx) => repo.listClusters(tx, userId)));
    // the cache keeps JSON: dates come back as strings
    return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) }));
  }

  /** One cluster of the user's. */
  async get(userId: string, id: string): Promise<ClusterRow> {
    const row = await asUser(this.db, userId, (tx) => repo.getCluster(tx, userId, id));
    if (!row) throw notFound('cluster');
    return row;
  }

  /** Renames a cluster; the name is the user's from now on and survives re-clustering. */
  async rename(userId: string, id: string, name: string): Promise<ClusterRow> {
    const clean = checkName(name);
    const row = await asUser(this.db, userId, async (tx) => {
      if (!(await repo.getCluster(tx, userId, id))) throw notFound('cluster');
      if (await repo.nameTaken(tx, userId, clean, id)) throw new AppError('conflict', 'another cluster already has this name');
      await repo.renameCluster(tx, userId, id, clean);
      return (await repo.getCluster(tx, userId, id))!;
    });
    await this.changed(userId);
    return row;
  }

  /** Merges cluster `id` into `into`: its notes move there (pinned, so re-clustering keeps the merge) and it goes. */
  merge(userId: string, id: string, into: string): Promise<ClusterRow> {
    if (id === into) return Promise.reject(new AppError('validation_failed', 'a cluster cannot be merged into itself'));
    return this.exclusive(userId, () => this.mergeNow(userId, id, into)).finally(() => this.changed(userId));
  }

  private mergeNow(userId: string, id: string, into: string): Promise<ClusterRow> {
    return asUser(this.db, userId, async (tx) => {
        await repo.lockUser(tx, userId);
        const cents = new Map((await repo.centroids(tx, userId, true)).map((c) => [c.id, c]));
        const from = cents.get(id);
        const to = cents.get(into);
        if (!from || !to) throw notFound('cluster');
        let centroid: Buffer | null = null;
        if (from.centroid && to.centroid && from.centroid.length === to.centroid.length) {
          const a = decodeVector(from.centroid);
          const b = decodeVector(to.centroid);
          const m = meanDirection([{ v: a, w: Math.max(from.size, 1) }, { v: b, w: Math.max(to.size, 1) }], a.length);
          centroid = m ? encodeVector(m) : null;
        }
        await repo.mergeInto(tx, userId, id, into, centroid);
        return (await repo.getCluster(tx, userId, into))!;
      });
  }

  /** Map points of the user's notes (positions from the last full clustering; new notes near their cluster). */
  map(userId: string): Promise<MapPoint[]> {
    return asUser(this.db, userId, (tx) => repo.mapPoints(tx, userId));
  }

  /** Clusters all of the user's embedded notes again, keeping ids, user names and pinned notes; waits until stored. */
  recluster(userId: string): Promise<ReclusterSummary> {
    return this.exclusive(userId, () => this.fullRun(userId)).finally(() => this.changed(userId));
  }

  /** The embedding worker's hook: each user either gets a full re-clustering (enough changed) or incremental placement. */
  async onEmbedded(userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      try {
        await this.exclusive(userId, async () => {
          if (await this.dueForFullRun(userId)) await this.fullRun(userId);
          await this.assignPending(userId);
        });
        await this.changed(userId);
      } catch (err) {
        this.opts.logger?.error({ err: { type: (err as Error).name, message: (err as Error).message }, userId }, 'clustering failed');
      }
    }
  }

  /** Clusters without live notes are removed, for every user (the `cleanup` job; runs as service_role). */
  async cleanupOrphanedClusters(): Promise<number> {
    const owners = await asService(this.db, (tx) => repo.deleteOrphans(tx, null));
    if (owners.length) await this.changed(...owners);
    return owners.length;
  }

  /** Whether enough changed since the last full run (or none yet and enough notes) to re-cluster everything. */
  async dueForFullRun(userId: string): Promise<boolean> {
    const { stamp, counts } = await asUser(this.db, userId, async (tx) => {
      const stamp = await repo.modelStamp(tx, userId);
      return { stamp, counts: await repo.changeCounts(tx, userId) };
    });
    if (!stamp) return counts.embedded >= (this.opts.firstRunNotes ?? FIRST_RUN_NOTES);
    const gone = Math.max(0, stamp.noteCount - (counts.live - counts.changed));
    const changes = counts.changed + gone;
    return changes > 0 && changes >= (this.opts.reclusterShare ?? RECLUSTER_SHARE) * Math.max(stamp.noteCount, counts.live);
  }

  /** Places new and edited notes into the nearest stored cluster (or none, below the threshold); returns how many. */
  async assignPending(userId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await asUser(this.db, userId, async (tx) => {
        await repo.lockUser(tx, userId);
        const stored = await this.modelOf(tx, userId);
        if (!stored) return 0;
        const { model, threshold } = stored;
        const pending = await repo.unplacedNotes(tx, userId, ASSIGN_BATCH, this.embeddingModel, this.opts.embeddingDims);
        if (pending.length === 0) return 0;
        const stored2 = await repo.centroids(tx, userId);
        const cents = stored2.flatMap((c) => {
          const v = c.centroid ? decodeVector(c.centroid) : null;
          return v && v.length === model.dim ? [{ key: c.id, centroid: v }] : [];
        });
        const centres = new Map(stored2.flatMap((c) => (c.x !== null && c.y !== null ? [[c.id, [c.x, c.y] as const]] : [])));
        const placements = pending.map((note) => {
          const emb = note.embedding ? parseVector(note.embedding, this.opts.embeddingDims) : null;
          const key = cents.length ? assignNote(model, cents, threshold, note.content, emb).key : null;
          const c = key ? centres.get(key) : undefined;
          const [dx, dy] = jitter(note.id);
          return { id: note.id, clusterId: key, x: c ? c[0] + dx : null, y: c ? c[1] + dy : null };
        });
        const at = await repo.now(tx);
        await repo.markDerived(tx, ['cluster_id']);
        await repo.fileNotes(tx, userId, placements, at);
        await repo.savePlacements(tx, userId, placements, at, false);
        return pending.length;
      });
      total += n;
      if (n < ASSIGN_BATCH) return total;
    }
  }

  private async modelOf(tx: Parameters<typeof repo.getModel>[0], userId: string) {
    const stamp = await repo.modelStamp(tx, userId);
    if (!stamp) return null;
    const cached = this.models.get(userId);
    if (cached && cached.fittedAt === stamp.fittedAt) return { model: cached.model, threshold: stamp.threshold };
    const row = await repo.getModel(tx, userId);
    if (!row) return null;
    const model = decodeModel(row.model);
    this.remember(userId, row.fittedAt, model);
    return { model, threshold: row.threshold };
  }

  private remember(userId: string, fittedAt: string, model: FeatureModel): void {
    this.models.delete(userId);
    this.models.set(userId, { fittedAt, model });
    while (this.models.size > 8) this.models.delete(this.models.keys().next().value!);
  }

  // Load (one transaction), compute (in the clustering thread, in no transaction: PGlite has one connection), store (one
  // transaction, under the user's lock).
  private async fullRun(userId: string): Promise<ReclusterSummary> {
    const started = performance.now();
    const { seenAt, notes, pins, stored } = await asUser(this.db, userId, async (tx) => ({
      seenAt: await repo.now(tx),
      notes: await repo.inputNotes(tx, userId, this.embeddingModel, this.opts.embeddingDims),
      pins: await repo.pinnedNotes(tx, userId),
      stored: await repo.storedClusters(tx, userId),
    }));
    const loaded = performance.now();
    const input = notes.map((n) => ({ id: n.id, text: n.content, embedding: n.embedding ? parseVector(n.embedding, this.opts.embeddingDims) : null }));
    const result: ClusteringResult | null =
      input.length >= 2 ? await clusterInThread(input, { seed: 1, ...this.opts.cluster, features: { embeddingWeight: this.weight, ...this.opts.cluster?.features } }) : null;
    const { match, writes, placements } = planRun(result, input, stored, pins);
    const model = result ? encodeModel(result.model) : null;
    const computed = performance.now();
    const lap = { t: performance.now(), times: {} as Record<string, number> };
    const step = (name: string) => {
      lap.times[name] = Math.round(performance.now() - lap.t);
      lap.t = performance.now();
    };
    const { retired, filed } = await asUser(this.db, userId, async (tx) => {
      await repo.lockUser(tx, userId);
      await repo.markDerived(tx, ['cluster_id']);
      const gone = await repo.deleteRetired(tx, userId, match.retired);
      await repo.upsertClusters(tx, userId, writes);
      step('storeClusters');
      const filed = await repo.fileNotes(tx, userId, placements, seenAt);
      step('storeFiling');
      await repo.savePlacements(tx, userId, placements, seenAt, true);
      step('storeMap');
      if (result && model) {
        await repo.saveModel(tx, userId, {
          model,
          threshold: result.threshold,
          embeddingModel: result.model.embeddingWeight > 0 ? this.embeddingModel : null,
          noteCount: input.length,
          fittedAt: seenAt,
        });
      }
      return { retired: gone + (await repo.deleteOrphans(tx, userId)).length, filed };
    });
    step('storeModel');
    await repo.analyzeClusteredTables(this.db);
    step('analyze');
    if (result) this.remember(userId, seenAt, result.model);
    const clustered = placements.filter((p) => p.clusterId !== null).length;
    const ms = Math.round(performance.now() - started);
    const timings = { load: Math.round(loaded - started), ...result?.timings, store: Math.round(performance.now() - computed), ...lap.times };
    this.opts.logger?.info({ userId, notes: input.length, clusters: writes.length, ms, timings }, 'notes clustered');
    return {
      notes: input.length,
      clusters: writes.length,
      clustered,
      unclustered: input.length - clustered,
      kept: match.clusters.filter((c) => !c.isNew && c.noteIds.length > 0).length,
      created: match.clusters.filter((c) => c.isNew && c.noteIds.length > 0).length,
      retired,
      filed,
      ms,
      timings,
    };
  }
}
