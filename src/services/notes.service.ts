import type { Database } from '../db/client.ts';
import { asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/notes.repo.ts';
import type { NoteCursor, NoteFilters, NoteRow } from '../db/repos/notes.repo.ts';
import { AppError, notFound } from '../errors.ts';
import { cached, memoryCache, QUERY_CACHE_MS, userKeys, type Cache } from '../cache/cache.ts';

/** Notes are Markdown up to 100 KB (UTF-8 bytes). */
export const MAX_NOTE_BYTES = 100 * 1024;
export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 64;

/** Trims, lower-cases and de-duplicates tags (a leading # is dropped), keeping their order. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/^#+/, '').trim().toLowerCase();
    if (!tag) throw new AppError('validation_failed', 'tags must not be empty');
    if ([...tag].length > MAX_TAG_LENGTH) throw new AppError('validation_failed', `tags must have at most ${MAX_TAG_LENGTH} characters`);
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > MAX_TAGS) throw new AppError('validation_failed', `a note can carry at most ${MAX_TAGS} tags`);
  return out;
}

function checkContent(content: string): string {
  if (Buffer.byteLength(content, 'utf8') > MAX_NOTE_BYTES) {
    throw new AppError('payload_too_large', `a note holds at most ${MAX_NOTE_BYTES / 1024} KB of text`);
  }
  if (content.trim() === '') throw new AppError('validation_failed', 'content must not be empty');
  return content;
}

/** Encodes a list position as an opaque cursor. */
export function encodeCursor(c: NoteCursor): string {
  return Buffer.from(`${c.micros}.${c.id}`).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is a 400. */
export function decodeCursor(cursor: string): NoteCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(-?\d{1,19})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(text);
  if (!m) throw new AppError('invalid_cursor', 'cursor is not valid');
  return { micros: m[1]!, id: m[2]! };
}

/** Writing, reading, listing and trashing notes. */
export class NotesService {
  constructor(
    private readonly db: Database,
    /** Called after a note's text changed (the embedding worker wakes up). */
    private readonly onTextChanged: () => void = () => undefined,
    /** Tag counts are cached for 5 minutes and forgotten by every write that changes them. */
    private readonly cache: Cache = memoryCache(),
  ) {}

  /** Forgets the user's cached reads that notes feed (tag counts, cluster counts). */
  private changed(userId: string): Promise<void> {
    return this.cache.del(userKeys.tags(userId), userKeys.clusters(userId)).catch(() => undefined);
  }

  /** Writes a note (embedding and clustering follow in the background). */
  async create(userId: string, content: string, tags: readonly string[] = []): Promise<NoteRow> {
    const body = checkContent(content);
    const t = normaliseTags(tags);
    const note = await asUser(this.db, userId, (tx) => repo.insertNote(tx, userId, body, t));
    await this.changed(userId);
    this.onTextChanged();
    return note;
  }

  /** One live note. */
  async get(userId: string, id: string): Promise<NoteRow> {
    const note = await asUser(this.db, userId, (tx) => repo.getNote(tx, userId, id));
    if (!note) throw notFound('note');
    return note;
  }

  /** Changes content, tags or cluster; a cluster must be one of the user's own, and a moved note stays where the user put it. */
  async update(userId: string, id: string, patch: { content?: string; tags?: string[]; clusterId?: string | null }): Promise<NoteRow> {
    const changes = {
      ...(patch.content !== undefined && { content: checkContent(patch.content) }),
      ...(patch.tags !== undefined && { tags: normaliseTags(patch.tags) }),
      ...(patch.clusterId !== undefined && { clusterId: patch.clusterId }),
    };
    const note = await asUser(this.db, userId, async (tx) => {
      if (changes.clusterId && !(await repo.clusterExists(tx, userId, changes.clusterId))) throw notFound('cluster');
      if (Object.keys(changes).length === 0) return repo.getNote(tx, userId, id);
      return repo.updateNote(tx, userId, id, changes);
    });
    if (!note) throw notFound('note');
    await this.changed(userId);
    if (changes.content !== undefined) this.onTextChanged();
    return note;
  }

  /** Moves a note to the trash (purged after 30 days, or when the user empties the trash). */
  async trash(userId: string, id: string): Promise<void> {
    if (!(await asUser(this.db, userId, (tx) => repo.trashNote(tx, userId, id)))) throw notFound('note');
    await this.changed(userId);
  }

  /** Brings a note back from the trash. */
  async restore(userId: string, id: string): Promise<NoteRow> {
    const note = await asUser(this.db, userId, (tx) => repo.restoreNote(tx, userId, id));
    if (!note) throw notFound('note in the trash');
    await this.changed(userId);
    return note;
  }

  /** A page of notes, newest first; the cursor neither skips nor repeats notes when new ones arrive. */
  async list(userId: string, filters: NoteFilters, cursor: string | undefined, limit: number) {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await asUser(this.db, userId, (tx) => repo.listNotes(tx, userId, filters, after, limit));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ micros: _m, ...note }) => note),
      nextCursor: rows.length > limit && last ? encodeCursor({ micros: last.micros, id: last.id }) : null,
    };
  }

  /** The trash, most recently deleted first. */
  trashList(userId: string, limit: number): Promise<NoteRow[]> {
    return asUser(this.db, userId, (tx) => repo.listTrash(tx, userId, limit));
  }

  /** Deletes every note in the trash for good. */
  async emptyTrash(userId: string): Promise<number> {
    const n = await asUser(this.db, userId, (tx) => repo.emptyTrash(tx, userId));
    await this.changed(userId);
    return n;
  }

  /** Tags with their counts (cached). */
  tags(userId: string) {
    return cached(this.cache, userKeys.tags(userId), QUERY_CACHE_MS, () => asUser(this.db, userId, (tx) => repo.tagCounts(tx, userId)));
  }
}
