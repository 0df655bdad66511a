/** Locates and reads the shared dev set (dev-notes.jsonl) for the quality test and the eval script. */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One dev-set row: `short` is the query, `text` the note, `label` the topic for clustering. */
export interface DevRow {
  label: string;
  short: string;
  text: string;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** First existing of: $MINDSTORM_DEV_NOTES, `shared/` beside the repository (as in CI), /work/shared. */
export function findDevSet(): string | undefined {
  return [
    process.env.MINDSTORM_DEV_NOTES,
    path.join(REPO_ROOT, '..', 'shared', 'data', 'dev-notes.jsonl'),
    '/work/shared/data/dev-notes.jsonl',
  ].find((f): f is string => !!f && existsSync(f));
}

/** Reads the JSON-lines file, optionally only its first `limit` rows. */
export async function readDevRows(file: string, limit = Infinity): Promise<DevRow[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim());
  return lines.slice(0, limit).map((l) => JSON.parse(l) as DevRow);
}
