import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asService } from '../db/as-user.ts';
import * as repo from '../db/repos/embeddings.repo.ts';
import { toVectorLiteral, type EmbeddingProvider } from './provider.ts';

export interface WorkerOptions {
  batchSize?: number;
  /** How often an idle worker looks for notes written by another process. */
  pollMs?: number;
  logger?: Logger;
  /** Told which users got new vectors (clustering assigns their notes). */
  onEmbedded?: (userIds: string[]) => void | Promise<void>;
}

/**
 * Embeds notes off the request path, in batches. The queue is the notes table itself (live notes
 * without a vector), so it survives restarts; identical content of a user is embedded only once.
 */
export class EmbeddingWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private closing = false;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: Database,
    private readonly provider: EmbeddingProvider,
    private readonly opts: WorkerOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 64;
    this.pollMs = opts.pollMs ?? 2000;
  }

  /** Starts working through the queue, and keeps looking every pollMs. */
  start(): void {
    this.stopped = false;
    this.closing = false;
    this.wake();
  }

  /** Asks for a pass soon (after a note was written). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => undefined)
      .catch((err: Error) => this.opts.logger?.error({ err: { type: err.name, message: err.message } }, 'embedding failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.pollMs);
          this.timer.unref();
        }
      });
  }

  /** Stops after the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Embeds until nothing waits; returns how many notes got a vector. */
  async drain(onProgress?: (done: number) => void, staleModel?: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runBatch(staleModel);
      total += n;
      if (n > 0) onProgress?.(total);
      if (n < this.batchSize) return total;
    }
  }

  /** Notes that wait for a vector (or, with staleModel, were embedded by another model than ours). */
  waiting(staleModel?: boolean): Promise<number> {
    return asService(this.db, (tx) => repo.countWaiting(tx, staleModel ? this.provider.model : undefined));
  }

  /**
   * One batch: read what waits, look up the cache, embed what is missing (outside any transaction:
   * a slow provider never holds the database), store. Returns how many notes were looked at.
   */
  async runBatch(staleModel?: boolean): Promise<number> {
    const model = this.provider.model;
    const key = (n: { userId: string; hash: Buffer }) => `${n.userId}:${n.hash.toString('hex')}`;
    const { notes, cached } = await asService(this.db, async (tx) => {
      const pending = await repo.pendingNotes(tx, this.batchSize, staleModel ? model : undefined);
      const keyed = pending.map((n) => ({ ...n, hash: createHash('sha256').update(n.content).digest() }));
      return { notes: keyed, cached: await repo.cachedVectors(tx, model, keyed) };
    });
    if (notes.length === 0) return 0;
    const missing = new Map<string, (typeof notes)[number]>();
    for (const n of notes) if (!cached.has(key(n))) missing.set(key(n), n);
    const todo = [...missing.values()];
    const vectors = todo.length ? await this.provider.embed(todo.map((n) => n.content)) : [];
    if (this.closing) return 0; // shutting down: the notes stay queued for the next start
    const fresh = todo.map((n, i) => ({ userId: n.userId, hash: n.hash, vector: toVectorLiteral(vectors[i]!) }));
    for (const f of fresh) cached.set(key(f), f.vector);
    await asService(this.db, async (tx) => {
      await repo.cacheVectors(tx, model, fresh);
      await repo.saveVectors(tx, model, notes.map((n) => ({ id: n.id, content: n.content, vector: cached.get(key(n))! })));
    });
    await this.opts.onEmbedded?.([...new Set(notes.map((n) => n.userId))]);
    return notes.length;
  }
}
