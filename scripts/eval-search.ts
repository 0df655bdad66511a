// Known-item search quality on ../shared/data/dev-notes.jsonl, through the product's own search:
// each row's `short` is the query, the note made of its `text` is the target.
// Usage: npm run eval:search [-- --limit N] [-- --all-modes] [-- --scan auto|exact|index]
// (PGlite in memory, or DATABASE_URL; local provider). `--scan index` reads the vectors through the HNSW
// index as for a user with many notes (the 1,730 dev notes are otherwise read exactly).
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLocalEmbedder } from '../src/embeddings/local/local-embedder.ts';
import { findDevSet, readDevRows } from '../src/embeddings/local/dev-set.ts';
import { measureSearchQuality } from '../src/eval/search-quality.ts';
import type { VectorScan } from '../src/services/search.service.ts';

const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;
const file = findDevSet();
if (!file) throw new Error('dev-notes.jsonl not found (set MINDSTORM_DEV_NOTES)');
const rows = await readDevRows(file, limit);
const db = await openDatabase(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {});
await db.withSession((s) => migrate(s));
const provider = createLocalEmbedder({ cacheDir: join(process.env.MINDSTORM_DATA_DIR ?? join(tmpdir(), 'mindstorm-eval'), 'models') });
const started = performance.now();
const modes = process.argv.includes('--all-modes') ? (['hybrid', 'semantic', 'fulltext'] as const) : (['hybrid'] as const);
const scanArg = process.argv.indexOf('--scan');
const scan = (scanArg > 0 ? process.argv[scanArg + 1] : 'auto') as VectorScan;
if (!['auto', 'exact', 'index'].includes(scan)) throw new Error('--scan is auto, exact or index');
const results = await measureSearchQuality(db, provider, rows, [...modes], scan);
console.log(`known-item search on ${rows.length} notes (${db.kind}, ${provider.model}, scan ${scan}), ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log('| mode | recall@10 | MRR@10 |\n|---|---|---|');
for (const r of results) console.log(`| ${r.mode} | ${r.recallAt10.toFixed(4)} (${Math.round(r.recallAt10 * r.queries)} of ${r.queries}) | ${r.mrrAt10.toFixed(4)} |`);
await db.close();
