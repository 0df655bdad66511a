import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { DataDirLockedError } from '../../src/db/lock-file.ts';
import { migrate } from '../../src/db/migrate.ts';

describe('the embedded database on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was written across a close and a reopen', async () => {
    const db = await openDatabase({ dataDir: dir });
    await db.withSession((s) => migrate(s));
    await db.query(`INSERT INTO users (email) VALUES ('kept@example.com')`);
    await db.close();

    const again = await openDatabase({ dataDir: dir });
    try {
      expect(await again.query('SELECT email FROM users')).toEqual([{ email: 'kept@example.com' }]);
    } finally {
      await again.close();
    }
  });

  it('cannot be opened twice at once', async () => {
    const db = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await db.close();
    }
    const after = await openDatabase({ dataDir: dir }); // the lock went with the close
    await after.close();
  });
});
