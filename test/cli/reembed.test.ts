import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { LOCAL_MODEL_ID } from '../../src/embeddings/local/local-embedder.ts';
import { runCli } from '../helpers/cli.ts';

describe('mindstorm reembed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mindstorm-reembed-'));
  const env = { MINDSTORM_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const models = async () => {
    const db = await openDatabase({ dataDir: dir });
    try {
      return await db.query<{ m: string | null; n: number }>('SELECT embedding_model AS m, count(*)::int AS n FROM notes GROUP BY 1 ORDER BY 1');
    } finally {
      await db.close();
    }
  };

  it('embeds notes without a vector or from another model, with progress, and then has nothing to do', async () => {
    await runCli(['user', 'create', 'r@example.com'], env, 'long enough password\n');
    const db = await openDatabase({ dataDir: dir });
    await db.exec(`INSERT INTO notes (content, user_id) SELECT 'note number ' || g, (SELECT id FROM users) FROM generate_series(1, 150) g`);
    await db.close();

    const first = await runCli(['reembed'], env);
    expect(first.stderr).toMatch(/embedding with local-hybrid-v1: 150\/150/);
    expect(first.stdout).toMatch(/re-embedded 150 note\(s\) with local-hybrid-v1/);
    expect(await models()).toEqual([{ m: LOCAL_MODEL_ID, n: 150 }]);

    const db2 = await openDatabase({ dataDir: dir });
    await db2.exec(`UPDATE notes SET embedding_model = 'an-older-model' WHERE content LIKE 'note number 1%'`);
    await db2.close();
    const second = await runCli(['reembed'], env);
    expect(second.stdout).toMatch(/re-embedded 62 note\(s\)/);
    expect(await models()).toEqual([{ m: LOCAL_MODEL_ID, n: 150 }]);

    expect((await runCli(['reembed'], env)).stdout).toMatch(/every note already has a vector from local-hybrid-v1/);
  });

  it('says clearly what is missing for the openai provider', async () => {
    const res = await runCli(['reembed'], { ...env, EMBEDDINGS_PROVIDER: 'openai' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('mindstorm: EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY');
  });
});
