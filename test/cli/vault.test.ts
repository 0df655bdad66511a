import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { asService } from '../../src/db/as-user.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { encryptNote, newNoteId, unlockVault } from '../../src/vault/index.ts';
import { runCli } from '../helpers/cli.ts';
import { client } from '../helpers/server.ts';

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// Server-blindness: vault notes written through the command line and through the API leave no trace
// of their text in any table, in the server's logs, or in the embedded database's files.
describe('the vault from the command line, and what the server can see', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-vault-'));
  const logs: string[] = [];
  let server: RunningServer;
  let env: Record<string, string>;
  let userId: string;
  const PASSPHRASE = 'correct horse battery staple';
  const CLI_MARKER = `cli-marker-${Date.now()}-zebra`;
  const API_MARKER = `api-marker-${Date.now()}-walrus`;
  const PLAIN_MARKER = `plain-marker-${Date.now()}-otter`;

  beforeAll(async () => {
    const sink = new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) });
    server = await startServer(loadConfig({ MINDSTORM_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', JOBS_ENABLED: 'false' }), pino({ level: 'info' }, sink));
    const signup = await client(server.url).post('/api/auth/signup', { email: 'vault@example.com', password: 'a long enough password' });
    userId = signup.body.user.id;
    const token = await client(server.url, signup.body.token).post('/api/tokens', { name: 'vault script' });
    env = { MINDSTORM_DATA_DIR: join(dir, 'unused'), MINDSTORM_URL: server.url, MINDSTORM_TOKEN: token.body.token };
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets up the vault, stores, lists and reads a note, encrypting on the client', async () => {
    const init = await runCli(['vault', 'init'], env, `${PASSPHRASE}\n`);
    expect(init.stderr).toBe('');
    expect(init.stdout).toMatch(/^vault set up\. Recovery key \(shown once; keep it safe\): [0-9A-Z-]{60,}/);

    const add = await runCli(['vault', 'add'], env, `${PASSPHRASE}\n${CLI_MARKER} and the rest of the secret\n`);
    expect(add.code).toBe(0);
    const id = add.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await runCli(['vault', 'list'], env)).stdout).toContain(id);
    const read = await runCli(['vault', 'read', id], env, `${PASSPHRASE}\n`);
    expect(read.stdout).toBe(`${CLI_MARKER} and the rest of the secret\n`);

    const wrong = await runCli(['vault', 'read', id], env, 'not the passphrase\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe('mindstorm: the vault did not open: wrong passphrase, or the header was changed');
    expect((await runCli(['vault', 'init'], env, `${PASSPHRASE}\n`)).stderr.trim()).toBe('mindstorm: this account already has a vault');
    expect((await runCli(['vault', 'add'], { ...env, MINDSTORM_TOKEN: '' }, 'x\ny')).stderr).toMatch(/set MINDSTORM_TOKEN/);
  });

  it('leaves no trace of vault text in tables, logs or database files (and finds plain notes, as a control)', async () => {
    // a vault note through the API, encrypted here as the web app does
    const api = client(server.url, env.MINDSTORM_TOKEN);
    const { wrappedKey, kdf } = (await api.get('/api/vault/key')).body;
    const header = { wrappedKey, kdf };
    const vaultKey = await unlockVault({ header, passphrase: PASSPHRASE, userId });
    const id = newNoteId();
    const record = await encryptNote({ vaultKey, userId, noteId: id, revision: 1, plaintext: { body: API_MARKER } });
    expect((await api.post('/api/vault/notes', { id, ...record })).status).toBe(201);
    expect((await api.post('/api/notes', { content: PLAIN_MARKER })).status).toBe(201);

    const tables = await server.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let everything = '';
    for (const { table_name } of tables) {
      const rows = await asService(server.db, (tx) => tx.query<{ t: string }>(`SELECT t::text AS t FROM ${table_name} t`)).catch(
        async () => server.db.query<{ t: string }>(`SELECT t::text AS t FROM ${table_name} t`),
      );
      everything += rows.map((r) => r.t).join('\n');
    }
    expect(everything).toContain(PLAIN_MARKER);
    for (const secret of [CLI_MARKER, API_MARKER, PASSPHRASE]) expect(everything).not.toContain(secret);

    await server.stop(); // CHECKPOINT: everything is in the files now
    const blobs = files(dir).map((f) => readFileSync(f));
    expect(blobs.some((b) => b.includes(PLAIN_MARKER))).toBe(true);
    for (const secret of [CLI_MARKER, API_MARKER, PASSPHRASE]) {
      expect(blobs.some((b) => b.includes(secret)), secret).toBe(false);
      expect(logs.join('')).not.toContain(secret);
    }
  });
});
