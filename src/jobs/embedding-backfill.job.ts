import type { EmbeddingWorker } from '../embeddings/worker.ts';
import type { JobDefinition } from './scheduler.ts';

/**
 * Gives a vector to every live note still without one (a provider that was down, a crash between
 * writing and embedding). Where the background worker runs (the server), it is woken so that two
 * loops never embed the same notes; elsewhere (the command line) the queue is drained here.
 */
export function embeddingBackfillJob(worker: EmbeddingWorker, background: boolean): JobDefinition {
  return {
    name: 'embedding-backfill',
    description: 'embeds every live note that still has no vector',
    schedule: { every: 'minutes', minutes: 15 },
    retries: 1,
    async run() {
      const waiting = await worker.waiting();
      if (waiting === 0) return 0;
      if (!background) return worker.drain();
      worker.wake();
      return waiting;
    },
  };
}
