import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/client.ts';

/** What seedAccount made, to look for in exports. */
export interface Seeded {
  userId: string;
  email: string;
  noteIds: string[];
  clusterIds: string[];
  stackId: string;
  vaultNoteIds: string[];
}

/**
 * One account with a bit of everything an export carries (notes with tags, clusters and the trash,
 * to the microsecond; a stack in a chosen order; insights; a vault header and vault notes) and what
 * it must not carry (a token, an embedding, a cached vector). Written by the owner role, so it works
 * the same on both backends.
 */
export async function seedAccount(db: Database, email: string, notes = 7): Promise<Seeded> {
  const [user] = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, time_zone) VALUES ($1, 'scrypt$not-a-real-hash', 'Europe/Berlin') RETURNING id`,
    [email],
  );
  return seedData(db, user!.id, email, notes);
}

/** Fills an existing account with the same variety as seedAccount. */
export async function seedData(db: Database, userId: string, email: string, notes = 7): Promise<Seeded> {
  await db.query(`UPDATE users SET time_zone = 'Europe/Berlin' WHERE id = $1`, [userId]);
  const clusterIds = [randomUUID(), randomUUID()];
  await db.query(
    `INSERT INTO clusters (id, user_id, name, user_named, terms, created_at, updated_at) VALUES
       ($1, $3, 'Gardening', true, '{soil,seeds}', '2024-01-02 10:00:00.123456+00', '2024-01-03 11:00:00.654321+00'),
       ($2, $3, 'Travel plans', false, '{}', '2024-01-04 10:00:00+00', '2024-01-04 10:00:00+00')`,
    [clusterIds[0], clusterIds[1], userId],
  );
  const noteIds: string[] = [];
  for (let i = 0; i < notes; i++) {
    const id = randomUUID();
    noteIds.push(id);
    await db.query(
      `INSERT INTO notes (id, user_id, content, tags, cluster_id, cluster_pinned, created_at, updated_at, deleted_at, embedding_model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'test-model')`,
      [
        id,
        userId,
        `# Note ${i} of ${email}\n\nSome text with "quotes", emoji 🌱 and a tab\there.`,
        i % 2 ? ['garden', `t${i}`] : [],
        i < 3 ? clusterIds[i % 2] : null,
        i === 1,
        `2024-02-0${(i % 9) + 1} 08:00:00.${String(100000 + i * 7).padStart(6, '0')}+00`,
        `2024-03-0${(i % 9) + 1} 09:30:00.${String(200000 + i).padStart(6, '0')}+00`,
        i === notes - 1 ? '2024-04-01 12:00:00.000001+00' : null,
      ],
    );
  }
  const stackId = randomUUID();
  await db.query(`INSERT INTO stacks (id, user_id, name, pinned, created_at, updated_at) VALUES ($1, $2, 'Reading list', true, '2024-05-01 00:00:00+00', '2024-05-02 00:00:00+00')`, [stackId, userId]);
  const order = [noteIds[2], noteIds[0], noteIds[1]].filter((id): id is string => Boolean(id));
  for (const [pos, noteId] of order.entries()) {
    await db.query(`INSERT INTO stack_notes (stack_id, note_id, user_id, position) VALUES ($1, $2, $3, $4)`, [stackId, noteId, userId, pos]);
  }
  await db.query(
    `INSERT INTO insights (user_id, title, content, week_start, week_end, created_at) VALUES
       ($1, 'Your week', 'You wrote about gardens.', '2024-02-05 00:00:00+00', '2024-02-12 00:00:00+00', '2024-02-12 06:00:00+00'),
       ($1, 'Another week', 'Travel came up.', '2024-02-12 00:00:00+00', '2024-02-19 00:00:00+00', '2024-02-19 06:00:00+00')`,
    [userId],
  );
  await db.query(`INSERT INTO vault_keys (user_id, wrapped_key, kdf) VALUES ($1, 'AAAA', '{"name":"argon2id","salt":"c2FsdHNhbHRzYWx0c2FsdA==","params":{"memoryKiB":65536,"iterations":3,"parallelism":4}}')`, [userId]);
  const vaultNoteIds = [randomUUID(), randomUUID()];
  await db.query(
    `INSERT INTO vault_notes (id, user_id, ciphertext, iv, salt, deleted_at) VALUES ($1, $3, 'Y2lwaGVy', 'aXZpdml2aXZpdml2', 'c2FsdA==', NULL), ($2, $3, 'b3RoZXI=', 'aXZpdml2aXZpdml2', 'c2FsdA==', now())`,
    [vaultNoteIds[0], vaultNoteIds[1], userId],
  );
  // never exported: a token, a cached vector
  await db.query(`INSERT INTO auth_tokens (user_id, kind, name, token_hash) VALUES ($1, 'api', 'script', $2)`, [userId, Buffer.from(randomUUID())]);
  await db.query(`INSERT INTO embedding_cache (user_id, model, content_hash, embedding) VALUES ($1, 'test-model', $2, '[1,2,3]')`, [userId, Buffer.from(randomUUID())]);
  return { userId, email, noteIds, clusterIds, stackId, vaultNoteIds };
}

/** An export without what differs between two exports of the same data (the time it was made, hence the checksum). */
export function comparable<T extends { exportedAt: string; checksum: string }>(doc: T): Omit<T, 'exportedAt' | 'checksum'> {
  const { exportedAt: _a, checksum: _c, ...rest } = doc;
  return rest;
}
