import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MINDSTORM_BIN } from '../helpers/cli.ts';
import { client } from '../helpers/server.ts';

/** Starts `mindstorm serve` on a random port; resolves with its URL once it listens. */
function serve(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MINDSTORM_BIN, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, MINDSTORM_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));

describe('graceful shutdown of the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-shutdown-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a SIGTERM while 50 creates are in flight loses none that answered 201', async () => {
    const first = await serve(dir);
    const signup = await client(first.url).post('/api/auth/signup', { email: 'sig@example.com', password: 'a long enough password' });
    const api = client(first.url, signup.body.token);

    const creates = Array.from({ length: 50 }, (_, i) =>
      api.post('/api/notes', { content: `in flight ${i}` }).then(
        (r) => (r.status === 201 ? (r.body.id as string) : null),
        () => null, // refused once the server stopped listening: never answered 201
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    first.child.kill('SIGTERM');
    const answered = (await Promise.all(creates)).filter((id): id is string => id !== null);
    const code = await exited(first.child);
    const log = first.output().slice(-3000);
    expect(code, log).toBe(0);
    expect(log).toMatch(/stopped cleanly/);
    expect(answered.length, log).toBeGreaterThan(0);
    console.log(`shutdown: ${answered.length} of 50 creates answered 201 before the server stopped`);

    const second = await serve(dir);
    try {
      const login = await client(second.url).post('/api/auth/login', { email: 'sig@example.com', password: 'a long enough password' });
      const stored = await client(second.url, login.body.token).get('/api/notes?limit=100');
      const ids = new Set(stored.body.items.map((n: { id: string }) => n.id));
      expect(answered.filter((id) => !ids.has(id)), second.output().slice(-2000)).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
