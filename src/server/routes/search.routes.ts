import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { SearchService } from '../../services/search.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentNote } from '../presenters.ts';
import { authErrors, errorBody, idParams, noteBody, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

const searchQuery = z.strictObject({
  q: text(500).pipe(z.string().trim().min(1, 'q must not be empty')),
  mode: z.enum(['hybrid', 'semantic', 'fulltext']).default('hybrid'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  tag: text(200).optional(),
});

const searchResult = z.object({ note: noteBody, score: z.number(), snippet: z.string() }).meta({ id: 'SearchResult' });

/** Search by words, by meaning or both; similar notes. */
export function searchRoutes(app: App, accounts: AccountsService, search: SearchService): void {
  const auth = requireAuth(accounts);
  app.get(
    '/api/search',
    {
      preHandler: auth,
      schema: {
        tags: ['search'],
        summary: 'Search notes: hybrid (default: words and meaning, fused), semantic, or fulltext',
        description: 'Snippets are HTML-escaped text with the matched terms inside <mark> elements.',
        security: secured,
        querystring: searchQuery,
        response: { 200: z.object({ items: z.array(searchResult) }), 503: errorBody, ...authErrors },
      },
    },
    async (req) => {
      const { q, mode, limit, tag } = req.query;
      const results = await search.search(principalOf(req).userId, q, mode, limit, tag?.trim().toLowerCase());
      return { items: results.map((r) => ({ note: presentNote(r.note), score: r.score, snippet: r.snippet })) };
    },
  );

  app.get(
    '/api/notes/:id/similar',
    {
      preHandler: auth,
      schema: {
        tags: ['search'],
        summary: "The notes nearest in meaning to this one (pending while its vector is being made)",
        security: secured,
        params: idParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
        response: {
          200: z.object({ items: z.array(z.object({ note: noteBody, similarity: z.number() })), pending: z.boolean() }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const res = await search.similar(principalOf(req).userId, req.params.id, req.query.limit);
      return { pending: res.pending, items: res.items.map((i) => ({ note: presentNote(i.note), similarity: i.similarity })) };
    },
  );
}
