import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/as-user.ts';
import { synthesize } from '../../src/eval/synthetic-notes.ts';
import { backends } from '../helpers/databases.ts';
import { signUp, startTestServer, type TestServer } from '../helpers/server.ts';

// A full clustering computes for seconds; the server (this same process) must keep answering meanwhile.
for (const backend of backends) {
  describe.skipIf(backend.skip)(`the server during a re-clustering on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    let user: Awaited<ReturnType<typeof signUp>>;

    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false });
      user = await signUp(server.url);
      const texts = synthesize(1500, 3).notes.map((n) => n.text);
      await asService(server.scratch.db, (tx) =>
        tx.query(`INSERT INTO notes (user_id, content) SELECT $1, t FROM unnest($2::text[]) AS t`, [user.id, texts]),
      );
    }, 120_000);
    afterAll(() => server?.close());

    it('keeps answering requests (the database too) while the notes are clustered', async () => {
      let done = false;
      const run = server.app.clusters.recluster(user.id).finally(() => (done = true));
      const answeredAt: number[] = [performance.now()];
      let notesAnswered = 0;
      while (!done) {
        const [health, notes] = await Promise.all([fetch(`${server.url}/healthz`), user.api.get('/api/notes?limit=1')]);
        expect(health.status).toBe(200);
        expect(notes.status).toBe(200);
        notesAnswered++;
        answeredAt.push(performance.now());
      }
      const summary = await run;
      expect(summary.notes).toBe(1500);
      const t = summary.timings;
      const computeMs = t.features! + t.graph! + t.naming! + t.layout!;
      const longestWait = Math.max(...answeredAt.slice(1).map((at, i) => at - answeredAt[i]!));
      // Computed on this thread, no request could be answered for the whole computation.
      expect(longestWait).toBeLessThan(computeMs / 2);
      expect(notesAnswered).toBeGreaterThan(3);
    }, 120_000);
  });
}
