/**
 * Clustering end to end through the service, on the real databases: load one user's notes (texts, and vectors when the
 * features use them) from PGlite or PostgreSQL, cluster, match with the stored clusters and store clusters, placements,
 * map positions and the model. The first run files every note (one notes-row write each); then the same again (a stable
 * re-run: every id kept, almost nothing written); then after 20% new notes (the automatic case); and incremental
 * placement of new notes one at a time (insert + ClustersService.assignPending: what the embedding worker's hook does).
 *
 *   npx tsx scripts/bench-clusters-db.ts [--backends pglite,postgres] [--sizes 10000] [--pg-sizes 10000,100000]
 *                                        [--assign 100] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Notes are synthesised from the dev notes (src/eval/synthetic-notes.ts, as scripts/bench-clusters.ts), each stored with
 * a 1536-d vector of the local model's id so the rows have the app's real width. With the default local model the
 * clustering features are text only (embeddingWeightFor), so the vectors' values do not matter here.
 * Each backend × size runs in its own process (peak memory per run). PostgreSQL runs need --pg or DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { asService } from '../src/db/as-user.ts';
import type { Database } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { LOCAL_MODEL_ID } from '../src/embeddings/local/index.ts';
import { synthesize } from '../src/eval/synthetic-notes.ts';
import { openScratchDatabase } from '../src/eval/scratch-database.ts';
import { ClustersService } from '../src/services/clusters.service.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const vmHwmMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
const VECTOR = `[${Array.from({ length: 1536 }, (_, i) => (i % 7 === 0 ? 0.1 : 0)).join(',')}]`;

async function insertNotes(db: Database, userId: string, texts: string[]): Promise<void> {
  for (let i = 0; i < texts.length; i += 2000) {
    await asService(db, (tx) =>
      tx.query(
        `INSERT INTO notes (user_id, content, embedding, embedding_model, created_at, updated_at)
         SELECT $1, t, $3::vector, $4, now() + o * interval '1 microsecond', now() + o * interval '1 microsecond'
         FROM unnest($2::text[]) WITH ORDINALITY AS v(t, o)`,
        [userId, texts.slice(i, i + 2000), VECTOR, LOCAL_MODEL_ID],
      ),
    );
  }
}

async function child(backend: string, n: number, assignCount: number): Promise<void> {
  let maxRss = 0;
  const sample = () => (maxRss = Math.max(maxRss, process.memoryUsage().rss));
  const server = arg('pg', process.env.DATABASE_URL ?? '');
  const { db, drop } = await openScratchDatabase(backend === 'postgres' ? server : undefined, { max: 4 });
  try {
    await db.withSession((s) => migrate(s));
    const [user] = await asService(db, (tx) => tx.query<{ id: string }>(`INSERT INTO users (email) VALUES ('bench@example.com') RETURNING id`));
    const userId = user!.id;
    const t0 = performance.now();
    await insertNotes(db, userId, synthesize(n, 7).notes.map((x) => x.text));
    const insertS = (performance.now() - t0) / 1000;
    sample();
    const service = new ClustersService(db, { embeddingModel: LOCAL_MODEL_ID, embeddingDims: 1536 });
    const cpu0 = process.cpuUsage();
    const first = await service.recluster(userId);
    const cpu = process.cpuUsage(cpu0);
    sample();
    const again = await service.recluster(userId);
    sample();
    // the automatic case: 20% new notes since the last run (the new ones and any that change cluster are written)
    await insertNotes(db, userId, synthesize(Math.round(n / 5), 31).notes.map((x) => x.text));
    const grown = await service.recluster(userId);
    sample();
    const [size] = await asService(db, (tx) => tx.query<{ b: number }>(`SELECT octet_length(model) AS b FROM cluster_models WHERE user_id = $1`, [userId]));
    // incremental: one new note at a time, as the embedding worker's hook sees it
    const fresh = synthesize(assignCount, 99).notes.map((x) => x.text);
    const times: number[] = [];
    for (const text of fresh) {
      await insertNotes(db, userId, [text]);
      const t = performance.now();
      await service.assignPending(userId);
      times.push(performance.now() - t);
    }
    sample();
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
    console.log(
      JSON.stringify({
        backend,
        n,
        insertS,
        first,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        again,
        grown,
        modelBytes: size?.b,
        assign: { p50: q(0.5), p99: q(0.99), max: times.at(-1) },
        maxRssMb: maxRss / 2 ** 20,
        vmHwmMb: vmHwmMb(),
      }),
    );
  } finally {
    await drop();
  }
}

function parent(): void {
  const runs: [string, number][] = [];
  for (const b of arg('backends', 'pglite,postgres').split(',')) {
    const sizes = arg(b === 'postgres' ? 'pg-sizes' : 'sizes', b === 'postgres' ? '10000,100000' : '10000').split(',').map(Number);
    if (b === 'postgres' && !arg('pg', process.env.DATABASE_URL ?? '')) {
      console.error('postgres: skipped (give --pg URL or DATABASE_URL)');
      continue;
    }
    for (const n of sizes) runs.push([b, n]);
  }
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const s = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2);
  const header = ['backend', 'notes', 'first run s', 'CPU s', 'load', 'features', 'graph', 'naming', 'layout', 'store', 'k', 'unclust.', 're-run s (kept)', '+20% notes: run s (store s)', 'assign 1 note p50/p99/max ms', 'model KB', 'peak RSS MB (VmHWM)'];
  const lines: string[][] = [];
  for (const [b, n] of runs) {
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', b, String(n), ...process.argv.slice(2)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const t = j.first.timings;
    lines.push([
      b,
      String(n),
      s(j.first.ms),
      s(j.cpuMs),
      s(t.load),
      s(t.features),
      s(t.graph),
      s(t.naming),
      s(t.layout),
      s(t.store),
      String(j.first.clusters),
      `${((100 * j.first.unclustered) / n).toFixed(1)}%`,
      `${s(j.again.ms)} (${j.again.kept}/${j.again.clusters})`,
      `${s(j.grown.ms)} (${s(j.grown.timings.store)})`,
      `${j.assign.p50.toFixed(1)} / ${j.assign.p99.toFixed(1)} / ${j.assign.max.toFixed(1)}`,
      (j.modelBytes / 1024).toFixed(0),
      `${j.maxRssMb.toFixed(0)} (${j.vmHwmMb.toFixed(0)})`,
    ]);
    console.error(`done ${b} ${n}: ${s(j.first.ms)} s (notes inserted in ${j.insertS.toFixed(1)} s)`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) await child(process.argv[ci + 1]!, Number(process.argv[ci + 2]), Number(arg('assign', '100')));
else parent();
