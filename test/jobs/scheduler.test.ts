import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsOf } from '../../src/db/repos/jobs.repo.ts';
import { DuplicateJobError, jobsStatus, Scheduler, scrubError, UnknownJobError, type JobContext, type JobDefinition } from '../../src/jobs/scheduler.ts';
import { scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { clock } from './fixtures.ts';

const MIN = 60_000;

/** A job that records each call and fails while `failures` lasts. */
function probe(name: string, over: Partial<JobDefinition> & { failures?: number; message?: string } = {}) {
  const calls: JobContext[] = [];
  let failures = over.failures ?? 0;
  const job: JobDefinition = {
    name,
    description: `test job ${name}`,
    schedule: { every: 'hour', minute: 0 },
    retries: 2,
    backoffMs: (n) => 10 * MIN * n,
    run: async (ctx) => {
      calls.push(ctx);
      if (failures-- > 0) throw new Error(over.message ?? 'it broke');
      return 7;
    },
    ...over,
  };
  return { job, calls };
}

describe('the job scheduler (PGlite, with a controllable clock)', () => {
  let scratch: Scratch;
  const time = clock('2026-03-30T10:00:00Z');
  let n = 0;
  const scheduler = () => new Scheduler(scratch.db, { now: time.now, instance: `test-${++n}`, secrets: ['sk-live-0123456789abcdef', 'postgres://app:s3cretpass@db.internal:5432/mindstorm'] });

  beforeAll(async () => {
    scratch = await scratchDatabase('pglite');
  });
  afterAll(() => scratch?.drop());

  it('refuses a second job with the same name, and schedules that name no time', () => {
    const s = scheduler().register(probe('alpha').job);
    expect(() => s.register(probe('alpha').job)).toThrow(DuplicateJobError);
    expect(() => s.register(probe('beta', { schedule: { every: 'hour', minute: 99 } }).job)).toThrow(/invalid schedule/);
    expect(() => s.register(probe('Not A Name').job)).toThrow(/invalid job name/);
    expect(s.list().map((j) => j.name)).toEqual(['alpha']);
  });

  it('runs each slot once, and records start, end, outcome and rows', async () => {
    time.set('2026-03-30T10:00:00Z');
    const { job, calls } = probe('hourly');
    const s = scheduler().register(job);
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'succeeded', slot: '2026-03-30T10:00:00.000Z', rowsAffected: 7 });
    time.advance(30 * MIN);
    expect(await s.tick()).toEqual([{ job: 'hourly', outcome: 'idle' }]);
    expect(await scheduler().register(job).tick()).toEqual([{ job: 'hourly', outcome: 'idle' }]);
    time.advance(45 * MIN);
    await s.tick();
    expect(calls.map((c) => c.slot)).toEqual(['2026-03-30T10:00:00.000Z', '2026-03-30T11:00:00.000Z']);
    expect(calls[1]!.lastSuccessAt).toEqual(new Date('2026-03-30T10:00:00Z'));
    const rows = await runsOf(scratch.db, 'hourly');
    expect(rows.map((r) => [r.slot, r.status, r.attempts, r.rowsAffected, r.error])).toEqual([
      ['2026-03-30T11:00:00.000Z', 'succeeded', 1, 7, null],
      ['2026-03-30T10:00:00.000Z', 'succeeded', 1, 7, null],
    ]);
    expect(rows[0]!.startedAt).toEqual(new Date('2026-03-30T11:15:00Z'));
    expect(rows[0]!.finishedAt).toEqual(new Date('2026-03-30T11:15:00Z'));
    expect(rows[0]!.instance).toMatch(/^test-\d+$/);
  });

  it('retries a failed run with back-off, recording each failure, until it succeeds', async () => {
    time.set('2026-03-30T10:00:00Z');
    const { job, calls } = probe('flaky', { failures: 2 });
    const s = scheduler().register(job);
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'retrying', attempts: 1, error: 'it broke' });
    let [row] = await runsOf(scratch.db, 'flaky');
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, error: 'it broke', nextAttemptAt: new Date('2026-03-30T10:10:00Z') });
    time.advance(9 * MIN);
    expect((await s.tick())[0]!.outcome).toBe('idle'); // the back-off has not passed
    time.advance(1 * MIN);
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'retrying', attempts: 2 });
    [row] = await runsOf(scratch.db, 'flaky');
    expect(row!.nextAttemptAt).toEqual(new Date('2026-03-30T10:30:00Z')); // 20 minutes after attempt 2
    time.set('2026-03-30T10:30:00Z');
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'succeeded', attempts: 3, rowsAffected: 7 });
    expect(calls.map((c) => [c.slot, c.attempt])).toEqual([1, 2, 3].map((a) => ['2026-03-30T10:00:00.000Z', a]));
    expect(await runsOf(scratch.db, 'flaky')).toHaveLength(1);
  });

  it('gives up after its retries, keeping the error without secrets', async () => {
    time.set('2026-03-30T10:00:00Z');
    const secretful = 'connect to postgres://app:s3cretpass@db.internal:5432/mindstorm failed; Authorization: Bearer mss_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG; key sk-live-0123456789abcdef; password=hunter22';
    const { job } = probe('doomed', { failures: 99, retries: 1, message: secretful });
    const s = scheduler().register(job);
    await s.tick();
    time.advance(10 * MIN);
    const outcome = (await s.tick())[0]!.outcome;
    expect(outcome).toMatchObject({ status: 'failed', attempts: 2 });
    const [row] = await runsOf(scratch.db, 'doomed');
    expect(row!.status).toBe('failed');
    for (const secret of ['s3cretpass', 'mss_abc', 'sk-live', 'hunter22']) expect(row!.error).not.toContain(secret);
    expect(row!.error).toContain('connect to [redacted] failed; Authorization: Bearer [redacted]; key [redacted]; password=[redacted]');
    time.advance(60 * MIN);
    // the next slot starts afresh, with its own retries
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'retrying', slot: '2026-03-30T11:00:00.000Z', attempts: 1 });
  });

  it('a newer slot supersedes the retries of an older one', async () => {
    time.set('2026-03-30T10:00:00Z');
    const { job } = probe('superseded', { failures: 1, backoffMs: () => 3 * 3_600_000 });
    const s = scheduler().register(job);
    await s.tick();
    time.set('2026-03-30T11:00:00Z');
    expect((await s.tick())[0]!.outcome).toMatchObject({ status: 'succeeded', slot: '2026-03-30T11:00:00.000Z' });
    const old = (await runsOf(scratch.db, 'superseded')).find((r) => r.slot.startsWith('2026-03-30T10'))!;
    expect(old.status).toBe('failed');
    expect(old.error).toMatch(/superseded/);
  });

  it('a run left running by a process that died counts as a failed attempt and is retried', async () => {
    time.set('2026-03-30T10:20:00Z');
    await scratch.db.query(`INSERT INTO job_runs (job, slot, status, started_at, instance) VALUES ('crashy', '2026-03-30T10:00:00.000Z', 'running', '2026-03-30T10:00:00Z', 'dead:1')`);
    const { job, calls } = probe('crashy');
    const outcome = (await scheduler().register(job).tick())[0]!.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded', slot: '2026-03-30T10:00:00.000Z', attempts: 2 });
    expect(calls).toHaveLength(1);
  });

  it('runs a job by hand (recorded, not retried) and refuses an unknown name', async () => {
    time.set('2026-03-30T10:40:00Z');
    const ok = probe('manual');
    const bad = probe('manual-bad', { failures: 1 });
    const s = scheduler().register(ok.job).register(bad.job);
    expect(await s.runNow('manual')).toMatchObject({ status: 'succeeded', slot: 'manual:2026-03-30T10:40:00.000Z', rowsAffected: 7 });
    expect(await s.runNow('manual-bad')).toMatchObject({ status: 'failed', error: 'it broke' });
    time.advance(60 * MIN);
    expect((await s.tick()).map((t) => typeof t.outcome === 'object' && t.outcome.slot)).toEqual(['2026-03-30T11:00:00.000Z', '2026-03-30T11:00:00.000Z']);
    await expect(s.runNow('nope')).rejects.toThrow(UnknownJobError);
    await expect(s.runNow('nope')).rejects.toThrow('no job named nope (the jobs are: manual, manual-bad)');
  });

  it("reports each job's schedule, last run, last success and next run", async () => {
    time.set('2026-03-30T12:10:00Z');
    const status = await jobsStatus(scratch.db, [probe('hourly').job, probe('doomed').job, probe('never').job], time.now());
    expect(status.map((j) => [j.name, j.schedule, j.nextRunAt.toISOString(), j.lastRun?.status ?? null])).toEqual([
      ['hourly', 'hourly at :00', '2026-03-30T13:00:00.000Z', 'succeeded'],
      ['doomed', 'hourly at :00', '2026-03-30T13:00:00.000Z', 'retrying'],
      ['never', 'hourly at :00', '2026-03-30T13:00:00.000Z', null],
    ]);
    expect(status[0]!.lastSuccessAt).toEqual(new Date('2026-03-30T11:15:00Z'));
    expect(status[1]!.lastSuccessAt).toBeNull();
    const s = scheduler().register(probe('hourly').job).register(probe('doomed').job).register(probe('never').job);
    expect(await s.lastOutcomes()).toEqual([
      { job: 'hourly', finishedAt: new Date('2026-03-30T11:15:00Z'), ok: true },
      { job: 'doomed', finishedAt: new Date('2026-03-30T11:10:00Z'), ok: false },
      { job: 'never', finishedAt: null, ok: null },
    ]);
  });

  it('ticks on its own once started, and stop() asks a running job to stop and waits for it', async () => {
    time.set('2026-03-30T14:00:00Z');
    let sawAbort = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const s = new Scheduler(scratch.db, { now: time.now, instance: 'auto', initialDelayMs: 1, tickMs: 50 }).register({
      ...probe('long').job,
      run: async (ctx) => {
        started();
        while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 5));
        sawAbort = true;
        throw new Error('stopped: the server is shutting down');
      },
    });
    s.start();
    await running;
    await s.stop();
    expect(sawAbort).toBe(true);
    expect((await runsOf(scratch.db, 'long'))[0]).toMatchObject({ status: 'retrying', error: 'stopped: the server is shutting down' });
  });

  it('scrubs credentials from any error text', () => {
    expect(scrubError('GET https://user:pw@example.com/x token=abc123 Bearer xyz sk-abcdefghijkl', [])).toBe(
      'GET https://[redacted]@example.com/x token=[redacted] Bearer [redacted] [redacted]',
    );
    expect(scrubError('key is my-secret-value', ['my-secret-value'])).toBe('key is [redacted]');
  });
});
