import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asUser, type UserTx } from '../db/as-user.ts';
import type { NoteRow } from '../db/repos/notes.repo.ts';
import * as repo from '../db/repos/search.repo.ts';
import type { Hit } from '../db/repos/search.repo.ts';
import { toVectorLiteral, type EmbeddingProvider } from '../embeddings/provider.ts';
import { AppError, notFound } from '../errors.ts';
import { rerank } from '../search/rerank.ts';

export type SearchMode = 'hybrid' | 'semantic' | 'fulltext';

/** One search result. */
export interface SearchResult {
  note: NoteRow;
  score: number;
  /** Plain text of the note around the matches, HTML-escaped, terms inside <mark>. */
  snippet: string;
}

/** How deep each ranking goes to make the pool that hybrid search reranks (measured: docs/search.md). */
const POOL_DEPTH = { semantic: 200, lexical: 100 };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes a ts_headline snippet and turns its \u0001…\u0002 markers into <mark> elements. */
export function renderSnippet(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/\s+/g, ' ')
    .trim()
    .replaceAll('\u0001', '<mark>')
    .replaceAll('\u0002', '</mark>');
}

/** Finding notes by words, by meaning, or both; and a note's nearest neighbours. */
/**
 * Users with up to this many embedded notes are searched exactly, beyond by the HNSW index: an
 * exact scan costs about 15 µs a row on PGlite (WebAssembly) and under 1 µs on PostgreSQL.
 */
export const EXACT_SCAN_MAX = { pglite: 2000, postgres: 5000 } as const;

export class SearchService {
  private readonly exactScanMax: number;
  private readonly logger?: Logger;

  constructor(
    private readonly db: Database,
    private readonly provider: EmbeddingProvider,
    opts: { exactScanMax?: number; logger?: Logger } = {},
  ) {
    this.exactScanMax = opts.exactScanMax ?? EXACT_SCAN_MAX[db.kind];
    this.logger = opts.logger;
  }

  /** The nearest notes inside a transaction: exact for users with few notes, else the index. */
  private async nearest(tx: UserTx, userId: string, vector: string, o: repo.RankOptions): Promise<Hit[]> {
    const exact = (await repo.countEmbedded(tx, userId, this.exactScanMax + 1)) <= this.exactScanMax;
    return repo.nearest(tx, userId, vector, { ...o, exact });
  }

  private async queryVector(query: string): Promise<string | null> {
    try {
      const [v] = await this.provider.embed([query]);
      return toVectorLiteral(v!);
    } catch (err) {
      // hybrid search still answers from the full-text ranking when the provider fails
      this.logger?.warn({ err: { type: (err as Error).name, message: (err as Error).message } }, 'query embedding failed');
      return null;
    }
  }

  /**
   * Hybrid ranking: the union of the semantic and full-text top hits, reordered by cosine plus
   * BM25 over words and character trigrams (src/search/rerank.ts).
   */
  private async hybrid(tx: UserTx, userId: string, query: string, vector: string, tag: string | undefined): Promise<Hit[]> {
    const lexical = await repo.fulltext(tx, userId, query, { limit: POOL_DEPTH.lexical, tag });
    const semantic = await this.nearest(tx, userId, vector, { limit: POOL_DEPTH.semantic, tag });
    const pool = [...new Set([...semantic.map((h) => h.id), ...lexical.map((h) => h.id)])];
    return rerank(query, await repo.candidates(tx, userId, pool, vector));
  }

  /** Searches the user's live notes (one transaction; the query is embedded before it opens). */
  async search(userId: string, query: string, mode: SearchMode, limit: number, tag?: string): Promise<SearchResult[]> {
    const vector = mode === 'fulltext' ? null : await this.queryVector(query);
    if (mode === 'semantic' && !vector) throw new AppError('unavailable', 'semantic search is unavailable: the embeddings provider does not answer');
    return asUser(this.db, userId, async (tx) => {
      let ranked: Hit[];
      if (mode === 'semantic') ranked = await this.nearest(tx, userId, vector!, { limit, tag });
      else if (mode === 'hybrid' && vector) ranked = await this.hybrid(tx, userId, query, vector, tag);
      else ranked = await repo.fulltext(tx, userId, query, { limit, tag }); // fulltext, or hybrid without a provider
      const hits = ranked.slice(0, limit);
      const notes = await repo.notesWithSnippets(tx, userId, hits.map((h) => h.id), query);
      return hits.flatMap((h) => {
        const n = notes.get(h.id);
        if (!n) return [];
        const { snippet, ...note } = n;
        return [{ note, score: h.score, snippet: renderSnippet(snippet) }];
      });
    });
  }

  /** The nearest notes to one of the user's notes; empty while the note waits for its vector. */
  async similar(userId: string, id: string, limit: number): Promise<{ items: { note: NoteRow; similarity: number }[]; pending: boolean }> {
    return asUser(this.db, userId, async (tx) => {
      const vector = await repo.vectorOf(tx, userId, id);
      if (vector === undefined) throw notFound('note');
      if (vector === null) return { items: [], pending: true };
      const hits = await this.nearest(tx, userId, vector, { limit, excludeId: id });
      const notes = await repo.notesByIds(tx, userId, hits.map((h) => h.id));
      return {
        pending: false,
        items: hits.flatMap((h) => {
          const note = notes.get(h.id);
          return note ? [{ note, similarity: h.score }] : [];
        }),
      };
    });
  }
}
