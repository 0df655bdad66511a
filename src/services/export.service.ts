import type { Database } from '../db/client.ts';
import { asService, asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/export.repo.ts';
import { findUserByEmail } from '../db/repos/users.repo.ts';
import { AppError, notFound } from '../errors.ts';
import { normaliseEmail } from './accounts.service.ts';
import { DocumentHash, EXPORT_FORMAT, EXPORT_VERSION, checkDocument, headerOf, parseDocument, parseDocumentText, type ExportDocument } from './import/document.ts';
import { fitNotes, writeNotes, type ExternalNote } from './import/notes.ts';
import { documentSize, writeDocument, type ImportSummary } from './import/write-document.ts';

export type { ImportSummary } from './import/write-document.ts';

/** Options of the service (tests make pages small to cross their boundaries). */
export interface ExportOptions {
  pageSize?: number;
  /** Called after notes were imported: their embeddings are made in the background. */
  onNotesImported?: () => void;
}

/** Per-user recovery: the export document written as a stream, and imports of it or of other tools' notes. */
export class ExportService {
  private readonly pageSize: number;

  constructor(
    private readonly db: Database,
    private readonly opts: ExportOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 200;
  }

  /** The account of an email (the command line names users by email). */
  async userIdByEmail(email: string): Promise<string> {
    const user = await asService(this.db, (tx) => findUserByEmail(tx, normaliseEmail(email)));
    if (!user) throw notFound(`account with email ${normaliseEmail(email)}`);
    return user.id;
  }

  /** The database version documents are checked against. */
  schemaVersion(): Promise<number> {
    return repo.schemaVersion(this.db);
  }

  /**
   * The user's export document as JSON text, in pieces: notes and vault notes are read a page at a
   * time (each page its own short transaction), so a large export never sits in memory or holds
   * the database. Rows that change meanwhile keep the document self-consistent: a reference to a
   * cluster or note the document does not hold is dropped.
   */
  async *exportChunks(userId: string, now = new Date(), onNotes?: (written: number) => void): AsyncGenerator<string> {
    const schemaVersion = await this.schemaVersion();
    const first = await asUser(this.db, userId, async (tx) => ({
      user: await repo.exportUser(tx, userId),
      clusters: await repo.exportClusters(tx, userId),
    }));
    if (!first.user) throw notFound('account');
    const hash = new DocumentHash();
    const header = headerOf({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      schemaVersion,
      exportedAt: now.toISOString(),
      user: { id: first.user.id, email: first.user.email, createdAt: first.user.createdAt, settings: { timeZone: first.user.timeZone } },
    });
    hash.add('header', header);
    const head = JSON.stringify(header);
    yield `${head.slice(0, -1)},\n`;

    const list = function* (key: string, section: string, items: object[], last = false) {
      yield `${JSON.stringify(key)}: [`;
      let sep = '\n';
      for (const item of items) {
        hash.add(section, item);
        yield `${sep}${JSON.stringify(item)}`;
        sep = ',\n';
      }
      yield `${items.length ? '\n' : ''}]${last ? '' : ',\n'}`;
    };
    const clusterIds = new Set(first.clusters.map((c) => c.id));
    yield* list('clusters', 'clusters', first.clusters);

    const noteIds = new Set<string>();
    yield '"notes": [';
    let sep = '\n';
    for (let after: repo.PageAfter | null = null; ; ) {
      const page = await asUser(this.db, userId, (tx) => repo.exportNotes(tx, userId, after, this.pageSize));
      for (const { micros: _, ...n } of page) {
        const note = { ...n, clusterId: n.clusterId && clusterIds.has(n.clusterId) ? n.clusterId : null, trashed: n.deletedAt !== null };
        const ordered = { id: note.id, content: note.content, tags: note.tags, clusterId: note.clusterId, clusterPinned: note.clusterPinned, createdAt: note.createdAt, updatedAt: note.updatedAt, trashed: note.trashed, deletedAt: note.deletedAt };
        noteIds.add(note.id);
        hash.add('notes', ordered);
        yield `${sep}${JSON.stringify(ordered)}`;
        sep = ',\n';
      }
      onNotes?.(noteIds.size);
      if (page.length < this.pageSize) break;
      after = { micros: page.at(-1)!.micros, id: page.at(-1)!.id };
    }
    yield `${noteIds.size ? '\n' : ''}],\n`;

    const rest = await asUser(this.db, userId, async (tx) => ({
      stacks: await repo.exportStacks(tx, userId),
      insights: await repo.exportInsights(tx, userId),
      key: await repo.exportVaultKey(tx, userId),
    }));
    const stacks = rest.stacks.map((s) => ({ ...s, noteIds: s.noteIds.filter((id) => noteIds.has(id)) }));
    yield* list('stacks', 'stacks', stacks);
    yield* list('insights', 'insights', rest.insights);

    hash.add('vault.key', rest.key);
    yield `"vault": {"key": ${JSON.stringify(rest.key)}, "notes": [`;
    let vaultCount = 0;
    sep = '\n';
    for (let after: repo.PageAfter | null = null; ; ) {
      const page = await asUser(this.db, userId, (tx) => repo.exportVaultNotes(tx, userId, after, this.pageSize));
      for (const { micros: _, ...v } of page) {
        hash.add('vault.notes', v);
        yield `${sep}${JSON.stringify(v)}`;
        sep = ',\n';
        vaultCount++;
      }
      if (page.length < this.pageSize) break;
      after = { micros: page.at(-1)!.micros, id: page.at(-1)!.id };
    }
    yield `${vaultCount ? '\n' : ''}]},\n`;
    const counts = { clusters: first.clusters.length, notes: noteIds.size, stacks: stacks.length, insights: rest.insights.length, vaultNotes: vaultCount };
    hash.add('counts', counts);
    yield `"counts": ${JSON.stringify(counts)},\n"checksum": ${JSON.stringify(hash.digest())}\n}\n`;
  }

  /** The whole document as one object (tests, and small accounts). */
  async exportDocument(userId: string, now?: Date): Promise<ExportDocument> {
    let text = '';
    for await (const chunk of this.exportChunks(userId, now)) text += chunk;
    return parseDocumentText(text, await this.schemaVersion());
  }

  /** Checks a document given as text (the command line); throws a validation_failed AppError. */
  async parse(text: string): Promise<ExportDocument> {
    return parseDocumentText(text, await this.schemaVersion());
  }

  /** Checks a document already parsed from JSON (the API, whose schema did the field checks). */
  async check(raw: unknown): Promise<ExportDocument> {
    return parseDocument(raw, await this.schemaVersion());
  }

  /** Brings a checked document into the account, all or nothing (one transaction). */
  async importDocument(userId: string, doc: ExportDocument, onProgress?: (done: number, total: number) => void): Promise<ImportSummary> {
    checkDocument(doc, await this.schemaVersion());
    const total = documentSize(doc);
    const summary = await asUser(this.db, userId, (tx) => writeDocument(tx, userId, doc, (n) => onProgress?.(n, total)));
    if (summary.imported.notes) this.opts.onNotesImported?.();
    return summary;
  }

  /** Stores notes read from other tools, all or nothing; long notes are split, tags cleaned. */
  async importNotes(userId: string, notes: ExternalNote[], onProgress?: (done: number, total: number) => void): Promise<{ notes: number; warnings: string[] }> {
    const warnings: string[] = [];
    const fitted = fitNotes(notes, warnings);
    if (fitted.length === 0) throw new AppError('validation_failed', 'nothing to import: no notes were found');
    const n = await asUser(this.db, userId, (tx) => writeNotes(tx, userId, fitted, (done) => onProgress?.(done, fitted.length)));
    this.opts.onNotesImported?.();
    return { notes: n, warnings };
  }
}
