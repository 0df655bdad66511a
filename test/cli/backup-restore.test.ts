import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;
const PASSWORD = 'a long enough password\n';
const withoutTime = (json: string) => {
  const { exportedAt: _e, checksum: _c, ...rest } = JSON.parse(json);
  return rest;
};
/** An error: exactly one line on standard error, nothing on standard output. */
const oneLine = (r: { stdout: string; stderr: string }) => {
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return r.stderr.trim();
};

describe('mindstorm backup, restore, export and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-cli-ops-'));
  const env = { MINDSTORM_DATA_DIR: join(dir, 'data') };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    expect((await runCli(['user', 'create', 'a@example.com'], env, PASSWORD)).code).toBe(0);
  });

  it('imports Markdown and Evernote notes, exports, backs up, restores after a loss, and imports the export into another account', async () => {
    const md = await runCli(['import', '--user', 'a@example.com', join(FIXTURES, 'markdown')], env);
    expect(md.stdout.trim()).toBe(`imported 4 notes (13 tags) into a@example.com from ${join(FIXTURES, 'markdown')}`);
    expect(md.stderr).toMatch(/reading Markdown files: 4\/4/);
    const enex = await runCli(['import', '--user', 'a@example.com', '--from', 'enex', join(FIXTURES, 'evernote.enex')], env);
    expect(enex.stdout.trim()).toMatch(/^imported 3 notes \(3 tags\) into a@example.com/);

    const first = join(dir, 'a.json');
    expect((await runCli(['export', '--user', 'a@example.com', '--out', first], env)).code).toBe(0);
    const stdout = await runCli(['export', '--user', 'A@example.com'], env); // to standard output
    expect(withoutTime(stdout.stdout)).toEqual(withoutTime(readFileSync(first, 'utf8')));
    expect(JSON.parse(readFileSync(first, 'utf8')).notes).toHaveLength(7);

    const backup = await runCli(['backup', '--out', join(dir, 'full.msbackup')], env);
    expect(backup.stdout).toMatch(/^backup written: .*full\.msbackup \([\d.]+ MB, full, \d+ rows in \d+ tables\)/);
    expect((await runCli(['user', 'delete', 'a@example.com', '--yes'], env)).code).toBe(0); // the loss
    expect(oneLine(await runCli(['restore', join(dir, 'full.msbackup')], env))).toMatch(/already holds a database: add --force/);
    const restored = await runCli(['restore', join(dir, 'full.msbackup'), '--force'], env);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^restored .* \(full backup\) into the data directory .*; database version \d+\n/);
    expect(restored.stdout).toMatch(/\n {2}notes +7\n/);
    expect(restored.stdout).toMatch(/the database it replaced was kept at .*pgdata\.before-restore-/);
    const after = await runCli(['export', '--user', 'a@example.com', '--out', join(dir, 'after.json')], env);
    expect(after.code).toBe(0);
    expect(withoutTime(readFileSync(join(dir, 'after.json'), 'utf8'))).toEqual(withoutTime(readFileSync(first, 'utf8')));

    expect((await runCli(['user', 'create', 'c@example.com'], env, PASSWORD)).code).toBe(0);
    const imported = await runCli(['import', '--user', 'c@example.com', first], env);
    expect(imported.stdout.trim()).toBe('imported into c@example.com: 7 notes, 0 clusters, 0 stacks, 0 insights, 0 vault notes (7 got new ids: theirs were taken here)');
    const c = JSON.parse((await runCli(['export', '--user', 'c@example.com'], env)).stdout);
    expect(c.notes.map((n: { content: string }) => n.content).sort()).toEqual(JSON.parse(readFileSync(first, 'utf8')).notes.map((n: { content: string }) => n.content).sort());
  }, 240_000); // a dozen runs of the command, each starting the embedded database

  it('answers bad input with one line and a non-zero exit, changing nothing', async () => {
    const cases: [string[], number, RegExp][] = [
      [['export', '--user', 'nobody@example.com'], 1, /^mindstorm: account with email nobody@example\.com not found$/],
      [['import', '--user', 'nobody@example.com', join(FIXTURES, 'evernote.enex')], 1, /^mindstorm: account with email nobody@example\.com not found$/],
      [['import', '--user', 'a@example.com', join(dir, 'missing.json')], 1, /^mindstorm: no such file or folder: .*missing\.json$/],
      [['import', '--user', 'a@example.com', '--from', 'word', join(FIXTURES, 'evernote.enex')], 2, /^mindstorm: --from must be document, markdown or enex \(not word\)$/],
      [['backup', '--schema-only', '--data-only'], 2, /^mindstorm: --schema-only and --data-only exclude each other$/],
      [['backup', '--data-only'], 1, /^mindstorm: --data-only applies to PostgreSQL/],
      [['restore', join(dir, 'missing.msbackup')], 1, /^mindstorm: no such file: .*missing\.msbackup$/],
      [['restore', join(FIXTURES, 'evernote.enex')], 1, /^mindstorm: .*evernote\.enex is not a MindStorm backup$/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args, env);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(oneLine(r)).toMatch(message);
    }
    const noUser = await runCli(['export'], env);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toMatch(/required option '--user <email>' not specified/);

    // a corrupted and a truncated export document: refused, the account unchanged
    const notesOf = async () => JSON.parse((await runCli(['export', '--user', 'c@example.com'], env)).stdout).notes.length;
    const before = await notesOf();
    const doc = readFileSync(join(dir, 'a.json'), 'utf8');
    writeFileSync(join(dir, 'corrupted.json'), doc.replace('Tuesday', 'Wednesday'));
    writeFileSync(join(dir, 'truncated.json'), doc.slice(0, doc.length / 2));
    expect(oneLine(await runCli(['import', '--user', 'c@example.com', join(dir, 'corrupted.json')], env))).toBe(
      'mindstorm: not a valid MindStorm export: the checksum does not match its contents (the file was changed or damaged)',
    );
    expect(oneLine(await runCli(['import', '--user', 'c@example.com', join(dir, 'truncated.json')], env))).toBe(
      'mindstorm: not a valid MindStorm export: the file is not complete JSON (truncated or damaged)',
    );
    expect(await notesOf()).toBe(before);

    // a damaged backup: refused before the data directory is touched
    const bytes = readFileSync(join(dir, 'full.msbackup'));
    writeFileSync(join(dir, 'cut.msbackup'), bytes.subarray(0, bytes.length - 100));
    expect(oneLine(await runCli(['restore', '--force', join(dir, 'cut.msbackup')], env))).toMatch(/cut\.msbackup is truncated/);
    expect(await notesOf()).toBe(before);
  }, 240_000);

  it('while the server holds the embedded database, backup says the server backs up itself', async () => {
    const locked = { MINDSTORM_DATA_DIR: join(dir, 'locked'), MINDSTORM_BACKUP_DIR: join(dir, 'locked-backups') };
    expect((await runCli(['migrate'], locked)).code).toBe(0);
    writeFileSync(join(locked.MINDSTORM_DATA_DIR, 'mindstorm.lock'), String(process.pid)); // a live process: this test runner
    try {
      const r = await runCli(['backup'], locked);
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(/^mindstorm: the embedded database is in use by the running server, which takes the backups itself \(hourly and daily, into .*locked-backups; latest none yet\); stop the server/);
      expect(oneLine(await runCli(['restore', join(dir, 'full.msbackup'), '--force'], locked))).toMatch(/in use by another MindStorm process .*the server must be stopped/);
    } finally {
      rmSync(join(locked.MINDSTORM_DATA_DIR, 'mindstorm.lock'));
    }
    expect(existsSync(locked.MINDSTORM_BACKUP_DIR)).toBe(false);
    expect(readdirSync(locked.MINDSTORM_DATA_DIR).sort()).toEqual(['pgdata']);
  });
});
