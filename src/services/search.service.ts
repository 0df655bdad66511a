import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asUser } from '../db/as-user.ts';
import type { NoteRow } from '../db/repos/notes.repo.ts';
import * as repo from '../db/repos/search.repo.ts';
import type { Hit } from '../db/repos/search.repo.ts';
import { toVectorLiteral, type EmbeddingProvider } from '../embeddings/provider.ts';
import { AppError, notFound } from '../errors.ts';

export type SearchMode = 'hybrid' | 'semantic' | 'fulltext';

/** One search result. */
export interface SearchResult {
  note: NoteRow;
  score: number;
  /** Plain text of the note around the matches, HTML-escaped, terms inside <mark>. */
  snippet: string;
}

/** Reciprocal rank fusion's constant: the usual 60 lets neither ranking drown the other. */
const RRF_K = 60;
/** How deep each ranking goes before fusion. */
const FUSION_DEPTH = 50;

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

/** Fuses rankings: each hit scores the sum of 1/(k + rank) over the rankings it appears in. */
export function reciprocalRankFusion(rankings: Hit[][], k = RRF_K): Hit[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((hit, i) => scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
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

  /** Searches the user's live notes. */
  async search(userId: string, query: string, mode: SearchMode, limit: number, tag?: string): Promise<SearchResult[]> {
    const depth = mode === 'hybrid' ? Math.max(FUSION_DEPTH, limit) : limit;
    const rankings: Hit[][] = [];
    if (mode !== 'semantic') rankings.push(await asUser(this.db, userId, (tx) => repo.fulltext(tx, userId, query, { limit: depth, tag })));
    if (mode !== 'fulltext') {
      const vector = await this.queryVector(query);
      if (vector) rankings.push(await this.semanticHits(userId, vector, { limit: depth, tag }));
      else if (mode === 'semantic') throw new AppError('unavailable', 'semantic search is unavailable: the embeddings provider does not answer');
    }
    const hits = (mode === 'hybrid' ? reciprocalRankFusion(rankings) : rankings[0]!).slice(0, limit);
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
