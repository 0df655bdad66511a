import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asService } from '../db/as-user.ts';
import * as runs from '../db/repos/jobs.repo.ts';
import type { JobRunRow } from '../db/repos/jobs.repo.ts';
import type { SqlSession } from '../db/session.ts';
import { checkSchedule, describeSchedule, latestSlot, nextSlot, type Schedule } from './schedule.ts';

/** What a job's handler is given for one attempt. */
export interface JobContext {
  /** The clock (tests move it). */
  now: () => Date;
  /** The slot being run: its scheduled instant (ISO 8601), or manual:<instant> for a run by hand. */
  slot: string;
  attempt: number;
  /** When the last successful run of this job started (work since then is new), or null. */
  lastSuccessAt: Date | null;
  /** Aborted when the server stops: a long job should stop between units of work. */
  signal: AbortSignal;
  logger?: Logger;
}

/** A job declares itself: its name, when it runs, what it does, how often a failure is retried. */
export interface JobDefinition {
  name: string;
  description: string;
  schedule: Schedule;
  /** Further attempts after a failed one. */
  retries: number;
  /** The wait before attempt n + 1 after attempt n failed; by default 1, 4, 16 ... minutes, at most 6 hours. */
  backoffMs?: (attempt: number) => number;
  /** Does the work; returns the rows it affected. Must be idempotent: a retry may redo part of it. */
  run(ctx: JobContext): Promise<number>;
}

/** How one run ended. */
export interface RunOutcome {
  job: string;
  slot: string;
  status: 'succeeded' | 'retrying' | 'failed';
  attempts: number;
  rowsAffected: number | null;
  error: string | null;
}

/** What a tick did for one job: ran it, found it running elsewhere (busy), found nothing due (idle), or could not reach the database (error). */
export interface TickResult {
  job: string;
  outcome: RunOutcome | 'busy' | 'idle' | 'error';
}

/** A job's schedule and last run, for `mindstorm jobs list` and the metrics endpoint. */
export interface JobStatus {
  name: string;
  description: string;
  schedule: string;
  retries: number;
  nextRunAt: Date;
  lastRun: JobRunRow | null;
  lastSuccessAt: Date | null;
}

export interface SchedulerOptions {
  now?: () => Date;
  logger?: Logger;
  /** Who runs the jobs, recorded with each run; by default host:pid:random. */
  instance?: string;
  /** How often the timer looks for due work once started (default one minute). */
  tickMs?: number;
  /** The wait before the first look after start (default 10 seconds). */
  initialDelayMs?: number;
  /** Values never to be written into a recorded error (keys, database URLs). */
  secrets?: (string | undefined)[];
}

/** Refusal to register a second job under a name already taken. */
export class DuplicateJobError extends Error {}
/** A job name that no job has. */
export class UnknownJobError extends Error {}
/** The job is running right now, here or in another process. */
export class JobBusyError extends Error {}

// Advisory locks of the jobs: (this class, hashtext(job name)); the migrator uses a one-key lock.
const LOCK_CLASS = 73_054;
// Jobs running in this process, per database: PGlite has one session, on which advisory locks are
// re-entrant, so two schedulers of one process must also exclude each other here.
const runningHere = new WeakMap<Database, Set<string>>();
const defaultBackoff = (attempt: number) => Math.min(6 * 3_600_000, 60_000 * 4 ** (attempt - 1));

/** An error message fit to keep: one paragraph, no credentials, tokens or configured secrets. */
export function scrubError(message: string, secrets: (string | undefined)[] = []): string {
  let m = message;
  for (const s of secrets) if (s && s.length >= 4) m = m.split(s).join('[redacted]');
  for (const s of secrets) {
    const password = s && /^\w+:\/\/[^/:@\s]*:([^@\s]+)@/.exec(s)?.[1];
    if (password && password.length >= 4) m = m.split(password).join('[redacted]');
  }
  return m
    .replace(/(\w+:\/\/)[^\s/@]*@/g, '$1[redacted]@')
    .replace(/\b(bearer)\s+[\w.~+/=-]+/gi, '$1 [redacted]')
    .replace(/\bms[sk]_[A-Za-z0-9_-]{16,}/g, '[redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/\b(password|passwd|api[_-]?key|secret|token)(\s*[=:]\s*)\S+/gi, '$1$2[redacted]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 1000);
}

/** Each job's schedule, last run and last success (what `jobs list` prints; metrics read it too). */
export async function jobsStatus(db: Database, jobs: readonly JobDefinition[], now = new Date()): Promise<JobStatus[]> {
  const last = await asService(db, (tx) => runs.lastRuns(tx));
  return jobs.map((j) => ({
    name: j.name,
    description: j.description,
    schedule: describeSchedule(j.schedule),
    retries: j.retries,
    nextRunAt: nextSlot(j.schedule, now),
    lastRun: last.get(j.name)?.last ?? null,
    lastSuccessAt: last.get(j.name)?.lastSuccessAt ?? null,
  }));
}

/**
 * Runs declared jobs on their schedules. Each job runs under a PostgreSQL advisory lock of its own,
 * and each slot is claimed by inserting its job_runs row, so a slot runs once however many server
 * processes share the database; a failed run is retried with back-off at later ticks.
 */
export class Scheduler {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly active: Set<string>;
  private readonly abort = new AbortController();
  private readonly now: () => Date;
  readonly instance: string;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private started = false;

  constructor(
    private readonly db: Database,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.instance = opts.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    if (!runningHere.has(db)) runningHere.set(db, new Set());
    this.active = runningHere.get(db)!;
  }

  /** Adds a job; a second job with the same name is refused. */
  register(job: JobDefinition): this {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(job.name)) throw new RangeError(`invalid job name ${JSON.stringify(job.name)}`);
    if (this.jobs.has(job.name)) throw new DuplicateJobError(`a job named ${job.name} is already registered`);
    checkSchedule(job.schedule);
    if (!Number.isInteger(job.retries) || job.retries < 0) throw new RangeError(`job ${job.name}: retries must be a whole number`);
    this.jobs.set(job.name, job);
    return this;
  }

  /** The registered jobs, in registration order. */
  list(): JobDefinition[] {
    return [...this.jobs.values()];
  }

  /** Each job's schedule and last run. */
  status(): Promise<JobStatus[]> {
    return jobsStatus(this.db, this.list(), this.now());
  }

  /** For the metrics endpoint: when each job's last run ended and whether it succeeded (null: never run, or running). */
  async lastOutcomes(): Promise<{ job: string; finishedAt: Date | null; ok: boolean | null }[]> {
    return (await this.status()).map((s) => ({
      job: s.name,
      finishedAt: s.lastRun?.finishedAt ?? null,
      ok: !s.lastRun || s.lastRun.status === 'running' ? null : s.lastRun.status === 'succeeded',
    }));
  }

  /** Starts looking for due work: first after initialDelayMs, then every tickMs. */
  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    const loop = async () => {
      this.ticking = this.tick().catch((err: Error) => this.opts.logger?.error({ err: { type: err.name, message: scrubError(err.message, this.opts.secrets) } }, 'scheduler tick failed'));
      await this.ticking;
      if (!this.abort.signal.aborted) this.timer = setTimeout(loop, this.opts.tickMs ?? 60_000).unref();
    };
    this.timer = setTimeout(loop, this.opts.initialDelayMs ?? 10_000).unref();
  }

  /** Stops: no new runs; a job in progress is asked to stop (its signal) and awaited. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** Runs whatever is due now (a new slot, or a retry whose back-off has passed), one job after another. */
  async tick(): Promise<TickResult[]> {
    const results: TickResult[] = [];
    for (const job of this.jobs.values()) {
      if (this.abort.signal.aborted) break;
      try {
        results.push({ job: job.name, outcome: await this.runDue(job) });
      } catch (err) {
        // the bookkeeping failed (the database is away): try again at the next tick
        this.opts.logger?.error({ job: job.name, err: { type: (err as Error).name, message: scrubError((err as Error).message, this.opts.secrets) } }, 'job could not be started');
        results.push({ job: job.name, outcome: 'error' });
      }
    }
    return results;
  }

  /** Runs one job now, outside its schedule (`mindstorm jobs run NAME`); a failure is recorded, not retried. */
  async runNow(name: string): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) throw new UnknownJobError(`no job named ${name} (the jobs are: ${[...this.jobs.keys()].join(', ')})`);
    const outcome = await this.locked(job, async (s) => {
      const now = this.now();
      const run = await runs.claimSlot(s, job.name, `manual:${now.toISOString()}`, now, this.instance);
      if (!run) throw new JobBusyError(`job ${name} was just started by another process`);
      return this.execute(job, run, s, true);
    });
    if (outcome === 'busy') throw new JobBusyError(`job ${name} is running right now; try again when it has finished`);
    return outcome;
  }

  private async runDue(job: JobDefinition): Promise<RunOutcome | 'busy' | 'idle'> {
    return this.locked(job, async (s) => {
      const now = this.now();
      const slot = latestSlot(job.schedule, now).toISOString();
      let run = await runs.claimSlot(s, job.name, slot, now, this.instance);
      if (run) await runs.closeSuperseded(s, job.name, slot, now);
      else run = await runs.restartDueRetry(s, job.name, now, this.instance);
      return run ? this.execute(job, run, s, false) : 'idle';
    });
  }

  /** Runs fn holding the job's advisory lock on one connection; 'busy' when another holder has it. */
  private async locked<T>(job: JobDefinition, fn: (s: SqlSession) => Promise<T>): Promise<T | 'busy'> {
    if (this.active.has(job.name)) return 'busy';
    this.active.add(job.name);
    try {
      return await this.db.withSession(async (s) => {
        const [got] = await s.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_CLASS, job.name]);
        if (!got?.ok) return 'busy' as const;
        try {
          await runs.interruptStale(s, job.name, this.now(), job.retries + 1);
          return await fn(s);
        } finally {
          await s.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, job.name]);
        }
      });
    } finally {
      this.active.delete(job.name);
    }
  }

  private async execute(job: JobDefinition, run: JobRunRow, s: SqlSession, manual: boolean): Promise<RunOutcome> {
    const log = this.opts.logger?.child({ job: job.name, slot: run.slot, attempt: run.attempts });
    const ctx: JobContext = {
      now: this.now,
      slot: run.slot,
      attempt: run.attempts,
      lastSuccessAt: await runs.lastSuccessStart(s, job.name),
      signal: this.abort.signal,
      logger: log,
    };
    try {
      const rows = await job.run(ctx);
      await runs.finishRun(s, run.id, { status: 'succeeded', finishedAt: this.now(), rowsAffected: rows });
      log?.info({ rows }, 'job succeeded');
      return { job: job.name, slot: run.slot, status: 'succeeded', attempts: run.attempts, rowsAffected: rows, error: null };
    } catch (err) {
      const error = scrubError((err as Error)?.message ?? String(err), this.opts.secrets) || 'failed without a message';
      const final = manual || run.attempts > job.retries;
      const nextAttemptAt = final ? null : new Date(this.now().getTime() + (job.backoffMs ?? defaultBackoff)(run.attempts));
      await runs.finishRun(s, run.id, { status: final ? 'failed' : 'retrying', finishedAt: this.now(), error, nextAttemptAt });
      log?.error({ error, nextAttemptAt }, final ? 'job failed' : 'job failed; will retry');
      return { job: job.name, slot: run.slot, status: final ? 'failed' : 'retrying', attempts: run.attempts, rowsAffected: null, error };
    }
  }
}
