import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asUser, type UserTx } from '../db/as-user.ts';
import type { NoteRow } from '../db/repos/notes.repo.ts';
import * as repo from '../db/repos/search.repo.ts';
import { POOL_TEXT_CHARS, type Hit, type PooledNote } from '../db/repos/search.repo.ts';
import { toVectorLiteral, type EmbeddingProvider } from '../embeddings/provider.ts';
import { AppError, notFound } from '../errors.ts';
import { readAhead, rerank } from '../search/rerank.ts';
import { snippet } from '../search/snippet.ts';

export type SearchMode = 'hybrid' | 'semantic' | 'fulltext';

/** One search result. */
export interface SearchResult {
  note: NoteRow;
  score: number;
  /** Plain text of the note around the matches, HTML-escaped, terms inside <mark> (src/search/snippet.ts). */
  snippet: string;
}

/**
 * How deep each ranking goes to make the pool that hybrid search reranks, and how many of the
 * most recent full-text matches the lexical side ranks (measured: docs/search.md).
 */
const POOL_DEPTH = { semantic: 100, lexical: 150, recentMatches: 300 };

/**
 * When a user's vectors are read exactly rather than through the HNSW index. An exact scan reads
 * every vector of the user (6 KB each: about 4 µs a row on PostgreSQL, 6 µs on PGlite), so it
 * suits users with up to `small` notes. The index costs a few milliseconds whatever the size, but
 * it filters by user only after the scan: for a user who holds under `minorityShare` of the table's
 * vectors it must pass over many others' first, and its recall drops, so such users up to `most`
 * notes are read exactly too (test/db/vector-recall.test.ts). A tag filter is the same case: when
 * at most `small` of the user's notes carry the tag, they are read exactly (the index would pass
 * over most of the user's vectors to find them: hybrid 45 ms p50 against 7 ms for a tag on 5 of 10,000).
 */
export const EXACT_SCAN = { small: 2000, minorityShare: 0.5, most: 20_000 } as const;

/** How long a user's choice of scan is remembered (both scans are right; this is only speed). */
const SCAN_CHOICE_MS = 60_000;
const SCAN_CHOICES_MAX = 10_000;

/** A search's reads are one statement each: on PostgreSQL one round trip (asUser's `oneStatement`). */
const ONE = { oneStatement: true } as const;

/** How the nearest notes are found: chosen per user (`auto`), or always one way (benchmarks, tests). */
export type VectorScan = 'auto' | 'exact' | 'index';

/** Finding notes by words, by meaning, or both; and a note's nearest neighbours. */
export class SearchService {
  private readonly scan: VectorScan;
  private readonly logger?: Logger;
  /** Per user (and per user and tag): whether to scan exactly, and until when that choice holds. */
  private readonly scanChoices = new Map<string, { exact: boolean; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly provider: EmbeddingProvider,
    opts: { scan?: VectorScan; logger?: Logger } = {},
  ) {
    this.scan = opts.scan ?? 'auto';
    this.logger = opts.logger;
  }

  /**
   * Runs fn in a transaction of the user's that reads vectors: opened for the HNSW index unless the
   * user's vectors (or those of the notes with `tag`) are read exactly (`exact` tells fn which).
   * `oneStatement`: fn sends one (asUser).
   */
  private async withVectors<T>(userId: string, fn: (tx: UserTx, exact: boolean) => Promise<T>, o: { oneStatement?: boolean; tag?: string } = {}): Promise<T> {
    const exact = await this.readsExactly(userId, o.tag);
    return asUser(this.db, userId, (tx) => fn(tx, exact), { ...(exact ? {} : repo.INDEX_SCAN), oneStatement: o.oneStatement });
  }

  /** Whether the user's vectors (with `tag`: those of the notes with it) are read exactly (EXACT_SCAN), decided at most once a minute. */
  async readsExactly(userId: string, tag?: string): Promise<boolean> {
    if (this.scan !== 'auto') return this.scan === 'exact';
    const mine = await this.remembered(userId, () =>
      asUser(this.db, userId, async (tx) => {
        const n = await repo.countEmbedded(tx, userId, EXACT_SCAN.most + 1);
        return n <= EXACT_SCAN.small || (n <= EXACT_SCAN.most && n < EXACT_SCAN.minorityShare * (await repo.estimatedNotes(tx)));
      }),
    );
    if (mine || tag === undefined) return mine;
    return this.remembered(`${userId} ${tag}`, () =>
      asUser(this.db, userId, async (tx) => (await repo.countEmbedded(tx, userId, EXACT_SCAN.small + 1, tag)) <= EXACT_SCAN.small),
    );
  }

  /** A scan choice made by decide(), remembered for SCAN_CHOICE_MS under key. */
  private async remembered(key: string, decide: () => Promise<boolean>): Promise<boolean> {
    const now = Date.now();
    const known = this.scanChoices.get(key);
    if (known && known.until > now) return known.exact;
    const exact = await decide();
    if (this.scanChoices.size >= SCAN_CHOICES_MAX) this.scanChoices.clear();
    this.scanChoices.set(key, { exact, until: now + SCAN_CHOICE_MS });
    return exact;
  }

  /** The notes of hits, read again whole where the pool cut them (a note deleted meanwhile is left out). */
  private async whole<H extends PooledNote>(userId: string, hits: H[]): Promise<{ hit: H; note: NoteRow }[]> {
    const cut = hits.filter((h) => h.cut).map((h) => h.id);
    const notes = cut.length ? await asUser(this.db, userId, (tx) => repo.notesByIds(tx, userId, cut)) : new Map<string, NoteRow>();
    return hits.flatMap((hit) => {
      const note = hit.cut ? notes.get(hit.id) : hit.note;
      return note ? [{ hit, note }] : [];
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
   * BM25 over words and character trigrams (src/search/rerank.ts). The two pools are read in two
   * transactions at once (on PostgreSQL two connections in parallel; PGlite runs them in turn);
   * neither holds a connection while it waits for the other. An in-process provider embeds the
   * query at once, and the semantic pool, the slower read, is sent first; a remote provider's answer
   * is waited for while the full-text pool is read. A note that only the full-text pool found is
   * given the semantic pool's lowest cosine, a bound on its own (docs/search.md); so that pool reads
   * no vectors. Null when the query cannot be embedded.
   */
  private async hybrid(userId: string, query: string, tag: string | undefined): Promise<PooledNote[] | null> {
    const asCandidate = (h: PooledNote, cosine: number) => ({ id: h.id, text: h.note.content, version: h.note.updatedAt.getTime(), cosine });
    const readWords = () =>
      asUser(this.db, userId, (tx) => repo.fulltext(tx, userId, query, { limit: POOL_DEPTH.lexical, recent: POOL_DEPTH.recentMatches, tag }), ONE);
    const embedding = this.queryVector(query);
    let lexical = this.provider.inProcess ? undefined : readWords();
    const vector = await embedding;
    if (!vector) {
      await lexical?.catch(() => undefined); // the caller answers from the full-text ranking instead
      return null;
    }
    const semantic = this.withVectors(userId, (tx, exact) => repo.nearest(tx, userId, vector, { limit: POOL_DEPTH.semantic, tag, exact }), { ...ONE, tag });
    lexical ??= readWords();
    // the notes of the first pool to arrive are read for the rerank while the other is still being read
    const readFirst = <H extends PooledNote>(hits: H[]) => (readAhead(hits.map((h) => asCandidate(h, 0))), hits);
    const [words, meaning] = await Promise.all([lexical.then(readFirst), semantic.then(readFirst)]);
    const farthest = meaning.length ? Math.min(...meaning.map((h) => h.cosine)) : 0;
    const pool = new Map<string, { hit: PooledNote; cosine: number }>(words.map((h) => [h.id, { hit: h, cosine: farthest }]));
    for (const h of meaning) pool.set(h.id, { hit: h, cosine: h.cosine });
    const ranked = rerank(query, [...pool.values()].map((p) => asCandidate(p.hit, p.cosine)));
    return ranked.map((r) => ({ ...pool.get(r.id)!.hit, score: r.score }));
  }

  /**
   * Searches the user's live notes (the query is embedded before the semantic read opens). Hybrid
   * results come with their notes from the pools; only a note longer than the pools read is read again.
   */
  async search(userId: string, query: string, mode: SearchMode, limit: number, tag?: string): Promise<SearchResult[]> {
    const result = ({ hit, note }: { hit: Hit; note: NoteRow }) => ({ note, score: hit.score, snippet: snippet(note.content.slice(0, POOL_TEXT_CHARS), query) });
    const pooled = mode === 'hybrid' ? await this.hybrid(userId, query, tag) : null;
    if (pooled) return (await this.whole(userId, pooled.slice(0, limit))).map(result);
    if (mode === 'semantic') {
      const vector = await this.queryVector(query);
      if (!vector) throw new AppError('unavailable', 'semantic search is unavailable: the embeddings provider does not answer');
      const hits = await this.withVectors(userId, (tx, exact) => repo.nearest(tx, userId, vector, { limit, tag, exact }), { ...ONE, tag });
      return (await this.whole(userId, hits)).map(result);
    }
    // fulltext, or hybrid without a provider
    const hits = await asUser(this.db, userId, (tx) => repo.fulltext(tx, userId, query, { limit, tag }), ONE);
    return (await this.whole(userId, hits)).map(result);
  }

  /**
   * The nearest notes to one of the user's notes; empty while the note waits for its vector. One
   * statement reads the note's vector and its neighbours; only when it finds none is the note looked
   * at again, to tell a missing note from one still waiting for its vector (or the user's only one).
   */
  async similar(userId: string, id: string, limit: number): Promise<{ items: { note: NoteRow; similarity: number }[]; pending: boolean }> {
    const found = await this.withVectors(userId, (tx, exact) => repo.nearest(tx, userId, { noteId: id }, { limit, excludeId: id, exact }), ONE);
    if (found.length === 0) {
      const state = await asUser(this.db, userId, (tx) => repo.vectorState(tx, userId, id), ONE);
      if (state === 'missing') throw notFound('note');
      if (state === 'pending') return { items: [], pending: true };
    }
    return { pending: false, items: (await this.whole(userId, found)).map(({ hit, note }) => ({ note, similarity: hit.score })) };
  }
}
