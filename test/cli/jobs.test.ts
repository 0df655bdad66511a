import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { lastCompleteWeek } from '../../src/services/zoned-weeks.ts';
import { runCli } from '../helpers/cli.ts';

const JOBS = ['weekly-insights', 'retention', 'orphaned-clusters', 'recluster', 'embedding-backfill'];

describe('mindstorm jobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-jobs-'));
  const env = { MINDSTORM_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every job with its schedule, runs one now, and shows its last run', async () => {
    const fresh = await runCli(['jobs', 'list'], env);
    expect(fresh.code).toBe(0);
    const lines = fresh.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0]).slice(0, JOBS.length)).toEqual(JOBS); // other areas' jobs (backups) follow
    expect(lines[0]).toMatch(/^weekly-insights\s+hourly at :05\s+next \d{4}-\d\d-\d\dT\d\d:05:00Z\s+last: never run$/);
    expect(lines[1]).toMatch(/^retention\s+daily at 03:15 UTC\s+next .*last: never run$/);

    // a user who wrote in the last complete week (UTC) is due an insight
    await runCli(['user', 'create', 'jobs@example.com'], env, 'long enough password\n');
    const db = await openDatabase({ dataDir: dir });
    const week = lastCompleteWeek(new Date(), 'UTC');
    await db.query(`INSERT INTO notes (content, user_id, created_at) SELECT 'a thought of last week', id, $1 FROM users`, [
      new Date(week.start.getTime() + 86_400_000).toISOString(),
    ]);
    await db.close();

    const run = await runCli(['jobs', 'run', 'weekly-insights'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^weekly-insights: succeeded in \d+\.\d s, 1 row\(s\) affected\n$/);

    const json = await runCli(['jobs', 'list', '--json'], env);
    const status = JSON.parse(json.stdout) as { name: string; lastRun: { slot: string; status: string; rowsAffected: number } | null }[];
    expect(status.find((s) => s.name === 'weekly-insights')!.lastRun).toMatchObject({ slot: expect.stringMatching(/^manual:/), status: 'succeeded', rowsAffected: 1 });
    expect(status.find((s) => s.name === 'retention')!.lastRun).toBeNull();

    const check = await openDatabase({ dataDir: dir });
    const insights = await check.query<{ week_start: Date }>('SELECT week_start FROM insights');
    await check.close();
    expect(insights.map((i) => i.week_start)).toEqual([week.start]);
  });

  it('refuses an unknown job with one line and a non-zero exit', async () => {
    const bad = await runCli(['jobs', 'run', 'no-such-job'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^mindstorm: no job named no-such-job \\(the jobs are: ${JOBS.join(', ')}(, [a-z-]+)*\\)$`));
    const missing = await runCli(['jobs', 'run'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'name'/);
  });
});
