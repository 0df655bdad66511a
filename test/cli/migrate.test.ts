import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/db/migrate.ts';
import { runCli } from '../helpers/cli.ts';

const COUNT = loadMigrations().length;

describe('mindstorm migrate on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-cli-'));
  const env = { MINDSTORM_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists pending migrations, applies them, then lists them as applied', async () => {
    const before = await runCli(['migrate', '--status'], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/0001_initial_schema\s+v1\.0\s+pending/);
    expect(before.stdout).toMatch(new RegExp(`${COUNT} pending`));

    const run = await runCli(['migrate'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`applied ${COUNT} migration(s): ${loadMigrations().map((m) => m.version).join(', ')}`);

    const after = await runCli(['migrate', '--status'], env);
    expect(after.stdout).toMatch(/0004_audit_soft_delete_retention\s+v1\.3\s+applied 20\d\d-/);
    expect(after.stdout).toMatch(/up to date/);
    expect((await runCli(['migrate'], env)).stdout).toMatch(/nothing to apply/);
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    // a live process (this test runner) holds the lock
    writeFileSync(join(dir, 'mindstorm.lock'), String(process.pid));
    const res = await runCli(['migrate', '--status'], env);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(
      `mindstorm: the data directory ${dir} is in use by another MindStorm process (pid ${process.pid}); stop it first, or set MINDSTORM_DATA_DIR to another directory`,
    );
    rmSync(join(dir, 'mindstorm.lock'));
  });

  it('takes over a lock left by a process that has gone', async () => {
    writeFileSync(join(dir, 'mindstorm.lock'), '999999999');
    const res = await runCli(['migrate', '--status'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/up to date/);
  });

  it('answers bad input with a one-line reason and a non-zero exit', async () => {
    const unknown = await runCli(['migrate', '--stauts'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--stauts'/);
    const badEnv = await runCli(['migrate', '--status'], { ...env, DB_POOL_MAX: 'lots' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr.trim()).toMatch(/^mindstorm: invalid environment variable DB_POOL_MAX/);
    const help = await runCli(['migrate', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--status/);
  });
});
