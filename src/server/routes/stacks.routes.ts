import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import { MAX_STACK_NOTES, type StacksService } from '../../services/stacks.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentStack, presentStackWithNotes } from '../presenters/stacks.ts';
import { authErrors, errorBody, idParams, noteBody, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

/** A stack as listed: its live notes counted. */
export const stackBody = z
  .object({ id: z.uuid(), name: z.string(), pinned: z.boolean(), noteCount: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Stack' });

/** A stack with its live notes in order. */
export const stackWithNotesBody = stackBody.extend({ notes: z.array(noteBody) }).meta({ id: 'StackWithNotes' });

const name = text(400).describe('1 to 100 characters once trimmed');
const memberParams = z.strictObject({ id: z.uuid(), noteId: z.uuid() });
const withNotes = { 200: stackWithNotesBody, ...authErrors };

/** Stacks: list, create, read, rename or pin, delete; set, add and remove their notes. */
export function stacksRoutes(app: App, accounts: AccountsService, stacks: StacksService): void {
  const common = { preHandler: requireAuth(accounts) };
  const doc = (summary: string) => ({ tags: ['stacks'], summary, security: secured });

  app.get(
    '/api/stacks',
    { ...common, schema: { ...doc('Stacks: pinned first, then the most recently changed'), response: { 200: z.object({ items: z.array(stackBody) }), ...authErrors } } },
    async (req) => ({ items: (await stacks.list(principalOf(req).userId)).map(presentStack) }),
  );

  app.post(
    '/api/stacks',
    {
      ...common,
      schema: { ...doc('Make an empty stack'), body: z.strictObject({ name, pinned: z.boolean().optional() }), response: { 201: stackBody, ...authErrors } },
    },
    async (req, reply) => reply.status(201).send(presentStack(await stacks.create(principalOf(req).userId, req.body.name, req.body.pinned))),
  );

  app.get(
    '/api/stacks/:id',
    { ...common, schema: { ...doc('One stack with its notes in order (trashed notes are hidden)'), params: idParams, response: withNotes } },
    async (req) => presentStackWithNotes(await stacks.get(principalOf(req).userId, req.params.id)),
  );

  app.patch(
    '/api/stacks/:id',
    {
      ...common,
      schema: {
        ...doc('Rename, pin or unpin a stack'),
        params: idParams,
        body: z.strictObject({ name: name.optional(), pinned: z.boolean().optional() }),
        response: { 200: stackBody, ...authErrors },
      },
    },
    async (req) => presentStack(await stacks.update(principalOf(req).userId, req.params.id, req.body)),
  );

  app.delete(
    '/api/stacks/:id',
    { ...common, schema: { ...doc('Delete a stack (its notes stay)'), params: idParams, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await stacks.delete(principalOf(req).userId, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/stacks/:id/notes',
    {
      ...common,
      schema: {
        ...doc("Set the stack's notes and their order in one step (all or nothing)"),
        params: idParams,
        body: z.strictObject({ noteIds: z.array(z.uuid()).max(MAX_STACK_NOTES).describe('every live note of the stack, in order, without repeats') }),
        response: withNotes,
      },
    },
    async (req) => presentStackWithNotes(await stacks.setNotes(principalOf(req).userId, req.params.id, req.body.noteIds)),
  );

  app.post(
    '/api/stacks/:id/notes',
    {
      ...common,
      schema: {
        ...doc('Put a note at the end of a stack'),
        params: idParams,
        body: z.strictObject({ noteId: z.uuid() }),
        response: { ...withNotes, 409: errorBody },
      },
    },
    async (req) => presentStackWithNotes(await stacks.addNote(principalOf(req).userId, req.params.id, req.body.noteId)),
  );

  app.delete(
    '/api/stacks/:id/notes/:noteId',
    { ...common, schema: { ...doc('Take a note out of a stack (the note stays)'), params: memberParams, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await stacks.removeNote(principalOf(req).userId, req.params.id, req.params.noteId);
      return reply.status(204).send(null);
    },
  );
}
