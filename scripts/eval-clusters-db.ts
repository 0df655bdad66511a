/**
 * Clustering quality through the product path: the dev notes written into a fresh database for one user, embedded by
 * the real embedding worker with the configured provider (local by default), clustered by ClustersService through the
 * worker's onEmbedded hook exactly as in the app (first full run, incremental placement, automatic full re-runs), then
 * once more by an explicit re-clustering (POST /api/clusters/recluster's path). NMI/ARI against the `label` field,
 * unclustered notes counted as one noise cluster (as scripts/eval-clusters.ts).
 *
 *   npx tsx scripts/eval-clusters-db.ts [--limit N] [--batch 64] [--pg postgres://...]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { asService } from '../src/db/as-user.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { findDevSet, readDevRows } from '../src/embeddings/local/dev-set.ts';
import { createEmbeddingProvider } from '../src/embeddings/provider.ts';
import { EmbeddingWorker } from '../src/embeddings/worker.ts';
import { ari, nmi } from '../src/ml/metrics.ts';
import { ClustersService } from '../src/services/clusters.service.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

const file = findDevSet();
if (!file) throw new Error('dev-notes.jsonl not found (set MINDSTORM_DEV_NOTES)');
const rows = await readDevRows(file, Number(arg('limit', 'Infinity')));
const server = arg('pg', '');
const name = `mindstorm_eval_${randomBytes(4).toString('hex')}`;
let url: string | undefined;
if (server) {
  await admin(server, `CREATE DATABASE ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  url = u.toString();
}
const db = await openDatabase(url ? { databaseUrl: url } : {});
try {
  await db.withSession((s) => migrate(s));
  const provider = createEmbeddingProvider(loadConfig(process.env));
  const clusters = new ClustersService(db, { embeddingModel: provider.model, embeddingDims: provider.dimensions });
  let runs = 0;
  const worker = new EmbeddingWorker(db, provider, {
    batchSize: Number(arg('batch', '64')),
    onEmbedded: async (userIds) => {
      for (const u of userIds) if (await clusters.dueForFullRun(u)) runs++;
      await clusters.onEmbedded(userIds);
    },
  });
  const [user] = await asService(db, (tx) => tx.query<{ id: string }>(`INSERT INTO users (email) VALUES ('eval@example.com') RETURNING id`));
  const userId = user!.id;
  // notes arrive in file order, one batch of the worker at a time (as a user writing or importing them)
  const idOf = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 64) {
    await asService(db, async (tx) => {
      for (const [j, r] of rows.slice(i, i + 64).entries()) {
        const [got] = await tx.query<{ id: string }>(`INSERT INTO notes (user_id, content) VALUES ($1, $2) RETURNING id`, [userId, r.text]);
        idOf.set(got!.id, i + j);
      }
    });
    await worker.drain();
  }
  const organicMs = performance.now() - t0;
  const score = async (what: string) => {
    const placed = await asService(db, (tx) => tx.query<{ id: string; c: string | null }>(`SELECT id, cluster_id AS c FROM notes WHERE user_id = $1`, [userId]));
    const truth: string[] = [];
    const pred: string[] = [];
    for (const p of placed) {
      truth.push(rows[idOf.get(p.id)!]!.label);
      pred.push(p.c ?? 'noise');
    }
    const k = new Set(pred.filter((p) => p !== 'noise')).size;
    const unclustered = pred.filter((p) => p === 'noise').length / pred.length;
    console.log(`${what}: NMI ${nmi(truth, pred).toFixed(3)}  ARI ${ari(truth, pred).toFixed(3)}  k ${k}  unclustered ${(100 * unclustered).toFixed(1)}%`);
  };
  console.log(`${rows.length} dev notes, provider ${provider.model}, batches of 64; ${runs} automatic full runs; ${(organicMs / 1000).toFixed(1)} s`);
  await score('as the worker left them (full runs + incremental placement)');
  const before = await clusters.list(userId);
  const summary = await clusters.recluster(userId);
  await score(`after POST recluster (${summary.ms} ms; ${summary.kept} of ${before.length} cluster ids kept, ${summary.created} new)`);
  const again = await clusters.recluster(userId);
  console.log(`re-clustering again: ${again.kept}/${again.clusters} ids kept, ${again.created} new, ${again.retired} retired`);
  for (const c of (await clusters.list(userId)).sort((a, b) => b.noteCount - a.noteCount)) console.log(`  ${String(c.noteCount).padStart(4)}  ${c.name}`);
} finally {
  await db.close();
  if (server) await admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
