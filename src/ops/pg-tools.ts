import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { SqlSession } from '../db/session.ts';

// pg_dump and pg_restore for a PostgreSQL server: found on PATH or in Debian's per-version folder,
// checked against the server's major version, run with the password in the environment (never on
// the command line, where `ps` would show it).

/** A refusal or failure of a backup or restore, worded for the operator (one line). */
export class BackupError extends Error {}

/** The server's major version (15 for 150020). */
export async function serverMajor(s: SqlSession): Promise<number> {
  const [row] = await s.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Math.floor(Number(row!.v) / 10000);
}

/** The tool to run: Debian's /usr/lib/postgresql/<major>/bin first (the matching version when several are installed), else PATH. */
export function toolPath(tool: 'pg_dump' | 'pg_restore', major: number): string {
  const debian = `/usr/lib/postgresql/${major}/bin/${tool}`;
  return existsSync(debian) ? debian : tool;
}

/** Runs a program to the end: exit code, standard error; output to a file when given. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout.length < 10_000_000 ? (stdout += d) : undefined));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new BackupError(`${cmd} was not found: install the PostgreSQL client tools (e.g. apt-get install postgresql-client) of the server's major version`));
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Checks that the tool exists and has the server's major version; returns its path. */
export async function checkTool(tool: 'pg_dump' | 'pg_restore', major: number): Promise<string> {
  const path = toolPath(tool, major);
  const { stdout } = await run(path, ['--version']);
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
  const toolMajor = m ? Number(m[1]) : NaN;
  if (toolMajor !== major) {
    throw new BackupError(
      `${tool} is version ${m ? m[1] : 'unknown'} but the server is PostgreSQL ${major}: install the client tools of version ${major} (e.g. postgresql-client-${major})`,
    );
  }
  return path;
}

/** Refuses a connecting role that row-level security would filter: pg_dump would fail (or, with --enable-row-security, silently drop rows). */
export async function checkBypassesRls(s: SqlSession): Promise<void> {
  const [row] = await s.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
  );
  if (!row?.rolsuper && !row?.rolbypassrls) {
    throw new BackupError(
      `the role ${row?.rolname ?? '(unknown)'} is subject to row-level security, so a dump would miss rows: connect as a superuser or a role with BYPASSRLS (ALTER ROLE ... BYPASSRLS)`,
    );
  }
}

/** libpq's connection arguments for a URL: the password goes to PGPASSWORD, the rest to --dbname. */
export function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** An error text without the connection URL's secrets, on one line. */
export function oneLine(text: string): string {
  return text
    .replace(/(\w+:\/\/)[^\s/@]*@/g, '$1[redacted]@')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join('; ')
    .slice(0, 500);
}

/** The archive's table of contents; refuses a file pg_restore cannot read (not a dump, or damaged). */
export async function listArchive(pgRestore: string, file: string): Promise<string> {
  const listed = await run(pgRestore, ['--list', file]);
  if (listed.code !== 0) throw new BackupError(`${file} is not a readable pg_dump archive (custom format): ${oneLine(listed.stderr)}`);
  // --list reads only the table of contents; reading every data block finds truncation and damage
  const read = await run(pgRestore, ['--file', '/dev/null', file]);
  if (read.code !== 0) throw new BackupError(`${file} is damaged or truncated: ${oneLine(read.stderr)}`);
  return listed.stdout;
}

/** What a pg_dump archive holds, from its table of contents. */
export function archiveKind(toc: string): 'full' | 'schema' | 'data' {
  const entries = toc.split('\n').filter((l) => /^\d+;/.test(l));
  const data = entries.some((l) => / TABLE DATA /.test(l));
  const schema = entries.some((l) => / TABLE (?!DATA)/.test(l));
  return data && schema ? 'full' : data ? 'data' : 'schema';
}
