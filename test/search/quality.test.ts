import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createLocalEmbedder } from '../../src/embeddings/local/local-embedder.ts';
import { findDevSet, readDevRows } from '../../src/embeddings/local/dev-set.ts';
import { measureSearchQuality } from '../../src/eval/search-quality.ts';
import { scratchDatabase, type Scratch } from '../helpers/databases.ts';

// Known-item search on a fixed sample of the dev set, through the product's search (PGlite, local
// provider). The full file's figure is in README and docs/search.md (npm run eval:search).
describe('search quality on the first 300 dev notes', () => {
  let scratch: Scratch;
  beforeAll(async () => {
    scratch = await scratchDatabase('pglite');
  });
  afterAll(() => scratch?.drop());

  it('hybrid search finds the note for its summary among the first ten', async () => {
    const file = findDevSet();
    expect(file, 'dev-notes.jsonl (../shared/data) is needed').toBeDefined();
    const rows = await readDevRows(file!, 300);
    const provider = createLocalEmbedder({ cacheDir: join(process.env.MINDSTORM_DATA_DIR ?? join(tmpdir(), 'mindstorm-test'), 'models') });
    const [hybrid] = await measureSearchQuality(scratch.db, provider, rows, ['hybrid']);
    console.log(`hybrid on 300 dev notes: recall@10 ${hybrid!.recallAt10.toFixed(3)}, MRR@10 ${hybrid!.mrrAt10.toFixed(3)}`);
    expect(hybrid!.recallAt10).toBeGreaterThanOrEqual(0.95);
    expect(hybrid!.mrrAt10).toBeGreaterThanOrEqual(0.85);
  }, 300_000);
});
