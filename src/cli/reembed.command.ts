import type { Command } from 'commander';
import { createEmbeddingProvider } from '../embeddings/provider.ts';
import { EmbeddingWorker } from '../embeddings/worker.ts';
import { withDatabase } from './context.ts';
import { progressBar } from './progress.ts';

/** `mindstorm reembed`: gives every note a vector from the configured model (after a model change). */
export function registerReembed(program: Command): void {
  program
    .command('reembed')
    .description('embed every note whose vector is missing or was made by another model than the configured one')
    .action(() =>
      withDatabase(async (db, config) => {
        const provider = createEmbeddingProvider(config);
        const worker = new EmbeddingWorker(db, provider, { batchSize: 64 });
        const total = await worker.waiting(true);
        if (total === 0) {
          console.log(`every note already has a vector from ${provider.model}`);
          return;
        }
        const bar = progressBar(`embedding with ${provider.model}`, total);
        const done = await worker.drain((n) => bar.update(n), true);
        bar.stop();
        console.log(`re-embedded ${done} note(s) with ${provider.model}`);
      }),
    );
}
