import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import type { AccountsService } from '../../services/accounts.service.ts';
import { ExportService } from '../../services/export.service.ts';
import { exportDocument } from '../../services/import/document.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { authErrors, errorBody, secured } from '../schemas.ts';
import type { App } from '../types.ts';

/** The largest export document POST /api/import takes (the rest of the API stays at 256 KB). */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const kinds = { clusters: z.number().int(), notes: z.number().int(), stacks: z.number().int(), insights: z.number().int(), vaultNotes: z.number().int() };
const importAnswer = z
  .object({
    imported: z.object({ ...kinds, vaultKey: z.boolean() }),
    newIds: z.object(kinds).describe('rows whose id was taken on this instance and got a new one (references follow)'),
    alreadyPresent: z.object(kinds).describe('rows this very account still has, left as they are (re-importing its own export)'),
    skippedInsights: z.number().int(),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'ImportSummary' });

/** Per-user recovery over HTTP: download everything of one's own, bring it back (here or elsewhere). */
export function exportRoutes(app: App, accounts: AccountsService, db: Database, onNotesImported: () => void): void {
  const service = new ExportService(db, { onNotesImported });
  const common = { preHandler: requireAuth(accounts) };

  app.get(
    '/api/export',
    {
      ...common,
      schema: {
        tags: ['export'],
        summary: 'Everything of the signed-in user as one JSON document (streamed): notes with the trash, clusters, stacks, insights, vault ciphertext',
        security: secured,
        response: { 200: exportDocument, ...authErrors },
      },
    },
    async (req, reply) => {
      const chunks = service.exportChunks(principalOf(req).userId);
      const first = await chunks.next(); // a failure before any byte still answers with a proper error
      async function* all() {
        if (!first.done) yield first.value;
        yield* chunks;
      }
      const day = new Date().toISOString().slice(0, 10);
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="mindstorm-export-${day}.json"`);
      return reply.send(Readable.from(all()) as never);
    },
  );

  app.post(
    '/api/import',
    {
      ...common,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['export'],
        summary: 'Bring an export document into the signed-in account, all or nothing: ids kept where free, references remapped',
        security: secured,
        body: exportDocument,
        response: { 200: importAnswer, ...authErrors, 409: errorBody, 413: errorBody },
      },
    },
    async (req) => service.importDocument(principalOf(req).userId, req.body),
  );
}
