import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { NotesService } from '../../services/notes.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentNote } from '../presenters.ts';
import { authErrors, errorBody, idParams, noteBody, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

const tags = z.array(text(200)).max(100);
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text(200).optional(),
  tag: text(200).optional(),
  clusterId: z.uuid().optional(),
  from: when.optional(),
  to: when.optional(),
});
const tooLarge = { 413: errorBody };

/** Notes: write, read, list, edit, trash and restore; tags with counts. */
export function notesRoutes(app: App, accounts: AccountsService, notes: NotesService): void {
  const auth = requireAuth(accounts);
  const common = { preHandler: auth };

  app.post(
    '/api/notes',
    {
      ...common,
      schema: {
        tags: ['notes'],
        summary: 'Write a note (Markdown, up to 100 KB)',
        security: secured,
        body: z.strictObject({ content: text(), tags: tags.optional() }),
        response: { 201: noteBody, ...authErrors, ...tooLarge },
      },
    },
    async (req, reply) => reply.status(201).send(presentNote(await notes.create(principalOf(req).userId, req.body.content, req.body.tags))),
  );

  app.get(
    '/api/notes',
    {
      ...common,
      schema: {
        tags: ['notes'],
        summary: 'List notes, newest first, a page at a time',
        security: secured,
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(noteBody), nextCursor: z.string().nullable() }), ...authErrors },
      },
    },
    async (req) => {
      const { limit, cursor, tag, clusterId, from, to } = req.query;
      const page = await notes.list(principalOf(req).userId, { tag: tag?.trim().toLowerCase(), clusterId, from, to }, cursor, limit);
      return { items: page.items.map(presentNote), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/notes/:id',
    { ...common, schema: { tags: ['notes'], summary: 'One note', security: secured, params: idParams, response: { 200: noteBody, ...authErrors } } },
    async (req) => presentNote(await notes.get(principalOf(req).userId, req.params.id)),
  );

  app.patch(
    '/api/notes/:id',
    {
      ...common,
      schema: {
        tags: ['notes'],
        summary: 'Change a note: content, tags, or the cluster it is filed in',
        security: secured,
        params: idParams,
        body: z.strictObject({ content: text().optional(), tags: tags.optional(), clusterId: z.uuid().nullable().optional() }),
        response: { 200: noteBody, ...authErrors, ...tooLarge },
      },
    },
    async (req) => presentNote(await notes.update(principalOf(req).userId, req.params.id, req.body)),
  );

  app.delete(
    '/api/notes/:id',
    { ...common, schema: { tags: ['notes'], summary: 'Move a note to the trash', security: secured, params: idParams, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await notes.trash(principalOf(req).userId, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/notes/:id/restore',
    { ...common, schema: { tags: ['trash'], summary: 'Bring a note back from the trash', security: secured, params: idParams, response: { 200: noteBody, ...authErrors } } },
    async (req) => presentNote(await notes.restore(principalOf(req).userId, req.params.id)),
  );

  app.get(
    '/api/trash',
    {
      ...common,
      schema: {
        tags: ['trash'],
        summary: 'Notes in the trash, most recently deleted first (purged after 30 days)',
        security: secured,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(noteBody) }), ...authErrors },
      },
    },
    async (req) => ({ items: (await notes.trashList(principalOf(req).userId, req.query.limit)).map(presentNote) }),
  );

  app.delete(
    '/api/trash',
    { ...common, schema: { tags: ['trash'], summary: 'Empty the trash: its notes are deleted for good', security: secured, response: { 200: z.object({ deleted: z.number() }), ...authErrors } } },
    async (req) => ({ deleted: await notes.emptyTrash(principalOf(req).userId) }),
  );

  app.get(
    '/api/tags',
    {
      ...common,
      schema: {
        tags: ['notes'],
        summary: 'Tags of live notes with their counts',
        security: secured,
        response: { 200: z.object({ items: z.array(z.object({ tag: z.string(), count: z.number() })) }), ...authErrors },
      },
    },
    async (req) => ({ items: await notes.tags(principalOf(req).userId) }),
  );
}
