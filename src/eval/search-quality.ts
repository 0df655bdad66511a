import { asService } from '../db/as-user.ts';
import type { Database } from '../db/client.ts';
import type { EmbeddingProvider } from '../embeddings/provider.ts';
import { EmbeddingWorker } from '../embeddings/worker.ts';
import { SearchService, type SearchMode, type VectorScan } from '../services/search.service.ts';

/** Known-item search quality: for each row, is its own note among the first ten for its query? */
export interface SearchQuality {
  mode: SearchMode;
  recallAt10: number;
  mrrAt10: number;
  queries: number;
}

/**
 * Imports the rows as one new user's notes, embeds them with the provider, then searches each
 * row's query in every mode. The same code path as the API (SearchService under RLS); `scan` can
 * force the HNSW index (`index`) to measure what a user too large for exact scans gets.
 */
export async function measureSearchQuality(
  db: Database,
  provider: EmbeddingProvider,
  rows: { short: string; text: string }[],
  modes: SearchMode[] = ['hybrid', 'semantic', 'fulltext'],
  scan: VectorScan = 'auto',
): Promise<SearchQuality[]> {
  const [user] = await asService(db, (tx) =>
    tx.query<{ id: string }>(`INSERT INTO users (email) VALUES ('eval-' || gen_random_uuid() || '@example.com') RETURNING id`),
  );
  const userId = user!.id;
  const ids = await asService(db, (tx) =>
    tx.query<{ id: string; ord: number }>(
      `INSERT INTO notes (content, user_id) SELECT c, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(c, ord) ORDER BY ord RETURNING id`,
      [rows.map((r) => r.text), userId],
    ),
  );
  await new EmbeddingWorker(db, provider, { batchSize: 128 }).drain();
  const search = new SearchService(db, provider, { scan });
  const out: SearchQuality[] = [];
  for (const mode of modes) {
    let hits = 0;
    let rr = 0;
    for (let i = 0; i < rows.length; i++) {
      const results = await search.search(userId, rows[i]!.short, mode, 10);
      const rank = results.findIndex((r) => r.note.id === ids[i]!.id);
      if (rank >= 0) {
        hits++;
        rr += 1 / (rank + 1);
      }
    }
    out.push({ mode, recallAt10: hits / rows.length, mrrAt10: rr / rows.length, queries: rows.length });
  }
  return out;
}
