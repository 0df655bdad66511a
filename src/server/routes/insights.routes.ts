import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { InsightsService } from '../../services/insights.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentInsight } from '../presenters/insights.ts';
import { authErrors, idParams, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

/** A weekly insight: Markdown about one week of the user's notes. */
export const insightBody = z
  .object({
    id: z.uuid(),
    title: z.string(),
    content: z.string().describe('Markdown; notes are linked as /notes/<id>'),
    weekStart: z.string().describe("the instant the week began: Monday 00:00 in the user's time zone"),
    weekEnd: z.string().describe('the instant the week ended: the next Monday 00:00'),
    createdAt: z.string(),
  })
  .meta({ id: 'Insight' });

const generateBody = z
  .strictObject({
    weekStart: text(10)
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'weekStart must be a date written YYYY-MM-DD')
      .optional()
      .describe("the Monday (a date in the user's time zone) of a week that has ended; default: the last complete week"),
  })
  .nullish(); // no body at all: the last complete week

/** Weekly insights: list, read, generate on demand. */
export function insightsRoutes(app: App, accounts: AccountsService, insights: InsightsService): void {
  const common = { preHandler: requireAuth(accounts) };

  app.get(
    '/api/insights',
    {
      ...common,
      schema: {
        tags: ['insights'],
        summary: 'Weekly insights, the newest week first',
        security: secured,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(52) }),
        response: { 200: z.object({ items: z.array(insightBody) }), ...authErrors },
      },
    },
    async (req) => ({ items: (await insights.list(principalOf(req).userId, req.query.limit)).map(presentInsight) }),
  );

  app.get(
    '/api/insights/:id',
    { ...common, schema: { tags: ['insights'], summary: 'One weekly insight', security: secured, params: idParams, response: { 200: insightBody, ...authErrors } } },
    async (req) => presentInsight(await insights.get(principalOf(req).userId, req.params.id)),
  );

  app.post(
    '/api/insights/generate',
    {
      ...common,
      schema: {
        tags: ['insights'],
        summary: "Write (or rewrite, replacing it) the insight of a week; 404 when the week has no notes",
        security: secured,
        body: generateBody,
        response: { 201: insightBody, ...authErrors },
      },
    },
    async (req, reply) => reply.status(201).send(presentInsight(await insights.generate(principalOf(req).userId, req.body?.weekStart))),
  );
}
