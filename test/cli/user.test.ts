import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('mindstorm user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-user-'));
  const env = { MINDSTORM_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an account with the password from standard input, lists it, deletes it', async () => {
    const created = await runCli(['user', 'create', ' Admin@Example.com'], env, 'a strong password\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created admin@example\.com \([0-9a-f-]{36}\)/);
    expect(created.stdout).not.toContain('a strong password');

    const list = await runCli(['user', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual([{ id: expect.any(String), email: 'admin@example.com', createdAt: expect.any(String) }]);

    const refused = await runCli(['user', 'delete', 'admin@example.com'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('mindstorm: not deleted: confirm with --yes');

    const deleted = await runCli(['user', 'delete', 'admin@example.com', '--yes'], env);
    expect(deleted.code).toBe(0);
    expect((await runCli(['user', 'list'], env)).stdout).toMatch(/0 account\(s\)/);
  });

  it('answers bad input with one line and a non-zero exit, changing nothing', async () => {
    const short = await runCli(['user', 'create', 'b@example.com'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('mindstorm: password must have at least 10 characters');
    const noPassword = await runCli(['user', 'create', 'b@example.com'], env, '');
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toMatch(/no password given/);
    const badEmail = await runCli(['user', 'create', 'not-an-email'], env, 'long enough password\n');
    expect(badEmail.stderr.trim()).toBe('mindstorm: email is not a valid address');
    const missing = await runCli(['user', 'create'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'email'/);
    const unknown = await runCli(['user', 'delete', 'nobody@example.com', '--yes'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('mindstorm: no account with email nobody@example.com');
    await runCli(['user', 'create', 'c@example.com'], env, 'long enough password\n');
    const duplicate = await runCli(['user', 'create', 'C@example.com'], env, 'long enough password\n');
    expect(duplicate.stderr.trim()).toBe('mindstorm: an account with this email already exists');
    expect(JSON.parse((await runCli(['user', 'list', '--json'], env)).stdout)).toHaveLength(1);
  });
});
