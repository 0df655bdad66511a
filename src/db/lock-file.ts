import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another live process owns the data directory. */
export class DataDirLockedError extends Error {}

/** A held lock; release() removes it. */
export interface DirLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no lock of its own, and two processes opening one data directory corrupt it: take an
 * exclusive lock file holding our pid, and take over a lock whose process is gone.
 */
export function lockDataDir(dir: string): DirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'mindstorm.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        path,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `the data directory ${dir} is in use by another MindStorm process (pid ${pid}); stop it first, or set MINDSTORM_DATA_DIR to another directory`,
        );
      }
      if (pid === process.pid) {
        throw new DataDirLockedError(`the data directory ${dir} is already open in this process`);
      }
      rmSync(path, { force: true }); // stale: its process has gone
    }
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir}`);
}
