import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createEmbeddingProvider } from '../../src/embeddings/provider.ts';
import { EmbeddingWorker } from '../../src/embeddings/worker.ts';
import { createJobs } from '../../src/jobs/index.ts';
import { latestSlot } from '../../src/jobs/schedule.ts';
import { Scheduler } from '../../src/jobs/scheduler.ts';
import { ClustersService } from '../../src/services/clusters.service.ts';
import { InsightsService } from '../../src/services/insights.service.ts';
import { scratchDatabase } from '../helpers/databases.ts';
import { addNote, addUser, clock, vec } from './fixtures.ts';

const STEP = 20 * 60_000;
const START = '2026-03-02T00:00:00Z'; // a Monday

/** One server's scheduler: its own pool, its own services, every real job (each call counted). */
function instance(db: Database, name: string, now: () => Date, calls: string[]) {
  const provider = createEmbeddingProvider(loadConfig({}));
  const clusters = new ClustersService(db, { embeddingModel: provider.model, embeddingDims: provider.dimensions });
  const worker = new EmbeddingWorker(db, provider);
  const insights = new InsightsService(db, { now });
  const scheduler = new Scheduler(db, { now, instance: name });
  for (const job of createJobs({ db, insights, clusters, worker, backgroundWorker: false })) {
    scheduler.register({ ...job, run: (ctx) => (calls.push(`${job.name} ${ctx.slot}`), job.run(ctx)) });
  }
  return scheduler;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('two server instances sharing one PostgreSQL, for a simulated week', () => {
  it('run each job exactly once per slot, and write each weekly insight once', async () => {
    const scratch = await scratchDatabase('postgres');
    const second = await openDatabase({ databaseUrl: scratch.url!, pool: { max: 5 } });
    try {
      const db = scratch.db;
      const users = [await addUser(db, 'utc@example.com'), await addUser(db, 'berlin@example.com', 'Europe/Berlin'), await addUser(db, 'ny@example.com', 'America/New_York')];
      for (const [i, u] of users.entries()) {
        // notes in the week of 23 February, and two waiting for a vector (the backfill embeds them once)
        await addNote(db, u, { content: `week note ${i}`, at: '2026-02-25T12:00:00Z', vector: vec({ [i]: 1 }) });
        await addNote(db, u, { content: `waiting for its vector ${i}`, at: '2026-02-26T12:00:00Z', vector: null });
      }
      const time = clock(START);
      const calls: string[] = [];
      const a = instance(db, 'server-a', time.now, calls);
      const b = instance(second, 'server-b', time.now, calls);
      const expected = new Set<string>();
      for (let t = new Date(START).getTime(); t < new Date(START).getTime() + 7 * 86_400_000; t += STEP) {
        time.set(new Date(t).toISOString());
        for (const job of a.list()) expected.add(`${job.name} ${latestSlot(job.schedule, time.now()).toISOString()}`);
        const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
        for (const r of [...ra, ...rb]) if (typeof r.outcome === 'object') expect(r.outcome.status, `${r.job} ${r.outcome.error}`).toBe('succeeded');
      }
      // every slot ran, each exactly once, in one of the two processes
      expect(calls.length).toBe(new Set(calls).size);
      expect(new Set(calls)).toEqual(expected);
      const rows = await db.query<{ job: string; slot: string; instance: string; status: string }>('SELECT job, slot, instance, status FROM job_runs');
      expect(rows.length).toBe(expected.size);
      expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
      const by = (name: string) => rows.filter((r) => r.instance === name).length;
      console.log(`simulated week: ${rows.length} runs, ${by('server-a')} by server-a and ${by('server-b')} by server-b`);
      expect(by('server-a') + by('server-b')).toBe(rows.length);
      // each user got the insight of the week of 23 February exactly once; the backfill embedded each note once
      const insights = await db.query<{ user_id: string; n: number }>('SELECT user_id, count(*)::int AS n FROM insights GROUP BY user_id ORDER BY user_id');
      expect(insights).toEqual([...users].sort().map((u) => ({ user_id: u, n: 1 })));
      const waiting = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE embedding IS NULL');
      expect(waiting[0]!.n).toBe(0);
    } finally {
      await second.close();
      await scratch.drop();
    }
  });
});
