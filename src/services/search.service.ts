import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asUser } from '../db/as-user.ts';
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
export class SearchService {
  constructor(
    private readonly db: Database,
    private readonly provider: EmbeddingProvider,
    /** Users with up to this many embedded notes are searched exactly; beyond, by the HNSW index. */
    private readonly exactScanMax: number,
    private readonly logger?: Logger,
  ) {}

  private async semanticHits(userId: string, vector: string, o: repo.RankOptions): Promise<Hit[]> {
    return asUser(this.db, userId, async (tx) => {
      const exact = (await repo.countEmbedded(tx, userId, this.exactScanMax + 1)) <= this.exactScanMax;
      return repo.nearest(tx, userId, vector, { ...o, exact });
    });
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
   * BM25 over words and character trigrams (src/search/rerank.ts). Without a query vector (the
   * provider failed), the full-text ranking alone.
   */
  private async hybridHits(userId: string, query: string, tag: string | undefined): Promise<Hit[]> {
    const lexical = await asUser(this.db, userId, (tx) => repo.fulltext(tx, userId, query, { limit: POOL_DEPTH.lexical, tag }));
    const vector = await this.queryVector(query);
    if (!vector) return lexical;
    const semantic = await this.semanticHits(userId, vector, { limit: POOL_DEPTH.semantic, tag });
    const pool = [...new Set([...semantic.map((h) => h.id), ...lexical.map((h) => h.id)])];
    const texts = await asUser(this.db, userId, (tx) => repo.candidates(tx, userId, pool, vector));
    return rerank(query, texts);
  }

  /** Searches the user's live notes. */
  async search(userId: string, query: string, mode: SearchMode, limit: number, tag?: string): Promise<SearchResult[]> {
    let ranked: Hit[];
    if (mode === 'hybrid') ranked = await this.hybridHits(userId, query, tag);
    else if (mode === 'fulltext') ranked = await asUser(this.db, userId, (tx) => repo.fulltext(tx, userId, query, { limit, tag }));
    else {
      const vector = await this.queryVector(query);
      if (!vector) throw new AppError('unavailable', 'semantic search is unavailable: the embeddings provider does not answer');
      ranked = await this.semanticHits(userId, vector, { limit, tag });
    }
    const hits = ranked.slice(0, limit);
    const notes = await asUser(this.db, userId, (tx) => repo.notesWithSnippets(tx, userId, hits.map((h) => h.id), query));
    return hits.flatMap((h) => {
      const n = notes.get(h.id);
      if (!n) return [];
      const { snippet, ...note } = n;
      return [{ note, score: h.score, snippet: renderSnippet(snippet) }];
    });
  }

  /** The nearest notes to one of the user's notes; empty while the note waits for its vector. */
  async similar(userId: string, id: string, limit: number): Promise<{ items: { note: NoteRow; similarity: number }[]; pending: boolean }> {
    const vector = await asUser(this.db, userId, (tx) => repo.vectorOf(tx, userId, id));
    if (vector === undefined) throw notFound('note');
    if (vector === null) return { items: [], pending: true };
    const hits = await this.semanticHits(userId, vector, { limit, excludeId: id });
    const notes = await asUser(this.db, userId, (tx) => repo.notesWithSnippets(tx, userId, hits.map((h) => h.id), ''));
    return {
      pending: false,
      items: hits.flatMap((h) => {
        const n = notes.get(h.id);
        if (!n) return [];
        const { snippet: _s, ...note } = n;
        return [{ note, similarity: h.score }];
      }),
    };
  }
}
