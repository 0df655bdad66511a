import type { Command } from 'commander';
import { createVault, decryptNote, encryptNote, isVaultError, newNoteId, unlockVault, type VaultEnvelope } from '../vault/index.ts';
import { CliError } from './context.ts';
import { readStdin } from './read-secret.ts';

// The vault from the command line, for scripts: every encryption and decryption happens here, in
// this process; the server (reached over its API with a personal API token) sees ciphertext only.

interface Connection {
  url: string;
  token: string;
}

function connection(opts: { url?: string }): Connection {
  const token = process.env.MINDSTORM_TOKEN;
  if (!token) throw new CliError('set MINDSTORM_TOKEN to a personal API token (Settings → API tokens, or POST /api/tokens)');
  return { url: (opts.url ?? process.env.MINDSTORM_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''), token };
}

async function api<T>(c: Connection, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(c.url + path, {
      method,
      headers: { authorization: `Bearer ${c.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError(`cannot reach the server at ${c.url}`);
  }
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
  if (res.status === 401) throw new CliError('the server refused the token (MINDSTORM_TOKEN)');
  return { status: res.status, body: parsed };
}

/** Standard input: the first line is the passphrase, the rest (if any) the note. */
async function readInput(): Promise<{ passphrase: string; rest: string }> {
  if (process.stdin.isTTY) throw new CliError('pipe the passphrase (first line) and the note (the rest) on standard input');
  const text = await readStdin();
  const nl = text.indexOf('\n');
  const passphrase = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  if (!passphrase) throw new CliError('no passphrase on the first line of standard input');
  return { passphrase, rest: nl < 0 ? '' : text.slice(nl + 1) };
}

async function unlocked(c: Connection, passphrase: string) {
  const me = await api<{ id: string }>(c, 'GET', '/api/me');
  const key = await api<VaultEnvelope>(c, 'GET', '/api/vault/key');
  if (key.status === 404) throw new CliError('this account has no vault yet: run `mindstorm vault init`');
  try {
    const header = { wrappedKey: key.body.wrappedKey, kdf: key.body.kdf }; // the envelope, without the server's dates
    return { userId: me.body.id, vaultKey: await unlockVault({ header, passphrase, userId: me.body.id }) };
  } catch (err) {
    if (isVaultError(err)) throw new CliError('the vault did not open: wrong passphrase, or the header was changed');
    throw err;
  }
}

/** `mindstorm vault init|add|list|read`: the end-to-end encrypted vault for scripts. */
export function registerVault(program: Command): void {
  const vault = program
    .command('vault')
    .description('the end-to-end encrypted vault, encrypted here (MINDSTORM_URL, MINDSTORM_TOKEN; passphrase on standard input)')
    .option('--url <url>', 'the server (default MINDSTORM_URL or http://127.0.0.1:3000)');

  vault
    .command('init')
    .description('set up the vault with the passphrase on standard input; prints the recovery key once')
    .action(async () => {
      const c = connection(vault.opts());
      const { passphrase } = await readInput();
      if ([...passphrase].length < 10) throw new CliError('the passphrase must have at least 10 characters');
      const me = await api<{ id: string }>(c, 'GET', '/api/me');
      if ((await api(c, 'GET', '/api/vault/key')).status !== 404) throw new CliError('this account already has a vault');
      const { header, recoveryKey } = await createVault({ passphrase, userId: me.body.id });
      const put = await api(c, 'PUT', '/api/vault/key', header);
      if (put.status !== 200) throw new CliError(`the server refused the vault header (HTTP ${put.status})`);
      console.log(`vault set up. Recovery key (shown once; keep it safe): ${recoveryKey}`);
    });

  vault
    .command('add')
    .description('encrypt and store a note: passphrase on the first line of standard input, the note after it')
    .action(async () => {
      const c = connection(vault.opts());
      const { passphrase, rest } = await readInput();
      if (!rest.trim()) throw new CliError('no note after the passphrase on standard input');
      const { userId, vaultKey } = await unlocked(c, passphrase);
      const id = newNoteId();
      const record = await encryptNote({ vaultKey, userId, noteId: id, revision: 1, plaintext: { body: rest } });
      const res = await api<{ id: string }>(c, 'POST', '/api/vault/notes', { id, ...record });
      if (res.status !== 201) throw new CliError(`the server refused the note (HTTP ${res.status})`);
      console.log(id);
    });

  vault
    .command('list')
    .description('list the vault notes (ids and dates; their text stays encrypted)')
    .action(async () => {
      const c = connection(vault.opts());
      const res = await api<{ items: { id: string; updatedAt: string }[] }>(c, 'GET', '/api/vault/notes');
      for (const n of res.body.items ?? []) console.log(`${n.id}  ${n.updatedAt}`);
    });

  vault
    .command('read')
    .description('decrypt one vault note to standard output (passphrase on standard input)')
    .argument('<id>', 'the vault note id')
    .action(async (id: string) => {
      const c = connection(vault.opts());
      const { passphrase } = await readInput();
      const { userId, vaultKey } = await unlocked(c, passphrase);
      const res = await api<{ ciphertext: string; iv: string; salt: string }>(c, 'GET', `/api/vault/notes/${encodeURIComponent(id)}`);
      if (res.status !== 200) throw new CliError(`no vault note ${id}`);
      try {
        const { plaintext } = await decryptNote({ vaultKey, userId, noteId: id, record: res.body });
        process.stdout.write(plaintext.body);
      } catch (err) {
        if (isVaultError(err)) throw new CliError('the note did not decrypt: it was changed, or moved from another note');
        throw err;
      }
    });
}
