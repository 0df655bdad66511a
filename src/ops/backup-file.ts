import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// The embedded database's backup file: a magic line, a JSON manifest line, the payload (PGlite's
// data directory as a gzipped tar), and a trailer with the SHA-256 of everything before it. A
// truncated file has no trailer; a changed byte anywhere breaks the checksum.

const MAGIC = 'MINDSTORM-PGLITE-BACKUP 1\n';
const TRAILER_LENGTH = '\nSHA256 '.length + 64 + 1;

/** What a backup holds, as counted inside the snapshot's own transaction. */
export interface BackupManifest {
  format: 'mindstorm-pglite-backup';
  version: 1;
  /** full: the data directory; schema: only the migrations (restoring one makes an empty database at that version). */
  kind: 'full' | 'schema';
  createdAt: string;
  engine: string;
  schemaVersion: number;
  migrations: { version: number; name: string; checksum: string }[];
  /** Rows per table at the snapshot (empty for a schema backup). */
  counts: Record<string, number>;
  payload: { encoding: 'tar+gzip' | 'none'; bytes: number };
}

/** A backup file that is not one, or is damaged or incomplete: nothing was changed. */
export class BackupFileError extends Error {}

/** Writes `path` through a temporary name in the same directory, renamed only when complete and synced. */
export function writeAtomically(path: string, parts: (string | Uint8Array)[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    for (const p of parts) writeSync(fd, typeof p === 'string' ? Buffer.from(p) : p);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes a backup file (atomically) and returns its size in bytes. */
export function writeBackupFile(path: string, manifest: BackupManifest, payload: Uint8Array): number {
  const head = Buffer.from(`${MAGIC}${JSON.stringify(manifest)}\n`);
  const hash = createHash('sha256').update(head).update(payload).digest('hex');
  const trailer = `\nSHA256 ${hash}\n`;
  writeAtomically(path, [head, payload, trailer]);
  return head.length + payload.length + trailer.length;
}

/** Whether the file starts like an embedded-database backup (versus a pg_dump archive). */
export function isPgliteBackup(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(MAGIC.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString() === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a backup file; refuses a damaged, truncated or foreign file before anything is touched. */
export function readBackupFile(path: string): { manifest: BackupManifest; payload: Buffer } {
  const buf = readFileSync(path);
  if (buf.subarray(0, MAGIC.length).toString() !== MAGIC) throw new BackupFileError(`${path} is not a MindStorm backup of the embedded database`);
  const nl = buf.indexOf(10, MAGIC.length);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(buf.subarray(MAGIC.length, nl).toString('utf8')) as BackupManifest;
  } catch {
    throw new BackupFileError(`${path} is damaged: its manifest is not readable`);
  }
  const start = nl + 1;
  const bytes = manifest?.payload?.bytes;
  if (typeof bytes !== 'number' || manifest.format !== 'mindstorm-pglite-backup') throw new BackupFileError(`${path} is damaged: its manifest is not one MindStorm writes`);
  if (buf.length < start + bytes + TRAILER_LENGTH) {
    throw new BackupFileError(`${path} is truncated: ${buf.length} bytes where ${start + bytes + TRAILER_LENGTH} were written`);
  }
  const trailer = buf.subarray(start + bytes).toString('latin1');
  const m = /^\nSHA256 ([0-9a-f]{64})\n$/.exec(trailer);
  if (!m) throw new BackupFileError(`${path} is damaged: its end does not carry the checksum (truncated, or bytes were added)`);
  const actual = createHash('sha256').update(buf.subarray(0, start + bytes)).digest('hex');
  if (actual !== m[1]) throw new BackupFileError(`${path} is damaged: its checksum does not match its contents`);
  return { manifest, payload: buf.subarray(start, start + bytes) };
}

/** The SHA-256 of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The checksum file beside a pg_dump archive, in `sha256sum` format (so `sha256sum -c` checks it too). */
export const checksumPath = (path: string) => `${path}.sha256`;

/** Writes the checksum file of `file` (whose final name will be `name`). */
export async function writeChecksumFile(file: string, finalPath: string): Promise<void> {
  writeAtomically(checksumPath(finalPath), [`${await sha256File(file)}  ${basename(finalPath)}\n`]);
}

/** Checks a file against the checksum file beside it; false when there is none. */
export async function verifyChecksumFile(path: string): Promise<boolean> {
  const sidecar = checksumPath(path);
  if (!existsSync(sidecar)) return false;
  const expected = /^([0-9a-f]{64})\b/.exec(readFileSync(sidecar, 'utf8'))?.[1];
  if (!expected) throw new BackupFileError(`${sidecar} is not a checksum file`);
  if ((await sha256File(path)) !== expected) throw new BackupFileError(`${path} is damaged or truncated: its SHA-256 differs from ${basename(sidecar)}`);
  return true;
}
