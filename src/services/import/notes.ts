import { randomUUID } from 'node:crypto';
import type { UserTx } from '../../db/as-user.ts';
import { insertRows } from '../../db/repos/export.repo.ts';
import { MAX_NOTE_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from '../notes.service.ts';

/** A note read from another tool (Markdown files, Evernote), before it is stored. */
export interface ExternalNote {
  /** Where it came from (a file path, an ENEX title): named in warnings. */
  source: string;
  content: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Tags as MindStorm keeps them: trimmed, without #, lower-cased, unique; at most 32 of 64 characters. */
export function cleanTags(raw: readonly string[], source: string, warnings: string[]): string[] {
  const out: string[] = [];
  for (const t of raw) {
    const tag = t.trim().replace(/^#+/, '').trim().toLowerCase();
    if (!tag || out.includes(tag)) continue;
    if ([...tag].length > MAX_TAG_LENGTH) {
      warnings.push(`${source}: tag "${tag.slice(0, 20)}…" is longer than ${MAX_TAG_LENGTH} characters; left out`);
      continue;
    }
    out.push(tag);
  }
  if (out.length > MAX_TAGS) {
    warnings.push(`${source}: ${out.length} tags, a note keeps ${MAX_TAGS}; left out: ${out.slice(MAX_TAGS).join(', ')}`);
    return out.slice(0, MAX_TAGS);
  }
  return out;
}

/** Cuts text longer than a note may be into parts at paragraph (else line, else character) breaks. */
export function splitContent(content: string, maxBytes = MAX_NOTE_BYTES - 64): string[] {
  if (Buffer.byteLength(content) <= maxBytes) return [content];
  const parts: string[] = [];
  let rest = content;
  while (Buffer.byteLength(rest) > maxBytes) {
    // the longest prefix within the limit, in characters
    let lo = 0;
    let hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (Buffer.byteLength(rest.slice(0, mid)) <= maxBytes) lo = mid;
      else hi = mid - 1;
    }
    const window = rest.slice(0, lo);
    let cut = window.lastIndexOf('\n\n');
    if (cut < lo / 2) cut = window.lastIndexOf('\n');
    if (cut < lo / 2) cut = lo;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--; // never split a surrogate pair
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}

/** One stored note per part of each external note (a long one becomes "part i of n"), tags cleaned. */
export function fitNotes(notes: ExternalNote[], warnings: string[]): ExternalNote[] {
  const out: ExternalNote[] = [];
  for (const n of notes) {
    const parts = splitContent(n.content);
    if (parts.length > 1) warnings.push(`${n.source}: longer than ${MAX_NOTE_BYTES / 1024} KB; stored as ${parts.length} notes`);
    const tags = cleanTags(n.tags, n.source, warnings);
    parts.forEach((p, i) => out.push({ ...n, tags, content: parts.length > 1 ? `${p}\n\n(part ${i + 1} of ${parts.length})` : p }));
  }
  return out;
}

const BATCH = 200;

/** Stores external notes for the user inside the caller's transaction; returns how many. */
export async function writeNotes(tx: UserTx, userId: string, notes: ExternalNote[], onProgress: (done: number) => void = () => undefined): Promise<number> {
  let done = 0;
  for (let i = 0; i < notes.length; i += BATCH) {
    let pending = notes.slice(i, i + BATCH).map((n) => ({
      id: randomUUID(),
      content: n.content,
      tags: n.tags,
      clusterId: null,
      clusterPinned: false,
      createdAt: n.createdAt.toISOString(),
      updatedAt: n.updatedAt.toISOString(),
      deletedAt: null,
    }));
    while (pending.length) {
      const inserted = await insertRows(tx, userId, 'notes', pending);
      done += inserted.size;
      pending = pending.filter((p) => !inserted.has(p.id)).map((p) => ({ ...p, id: randomUUID() }));
    }
    onProgress(done);
  }
  return done;
}
