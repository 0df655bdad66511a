import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentToken } from '../presenters.ts';
import { authErrors, idParams, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

const tokenBody = z.object({ id: z.uuid(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() }).meta({ id: 'ApiToken' });

/** Personal API tokens for scripts: created (shown once), listed, revoked. */
export function tokensRoutes(app: App, accounts: AccountsService): void {
  const auth = requireAuth(accounts);
  app.post(
    '/api/tokens',
    {
      preHandler: auth,
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token; the token is in this answer only',
        security: secured,
        body: z.strictObject({ name: text(100).pipe(z.string().trim().min(1)) }),
        response: { 201: tokenBody.extend({ token: z.string() }), ...authErrors },
      },
    },
    async (req, reply) => {
      const t = await accounts.createApiToken(principalOf(req), req.body.name);
      return reply.status(201).send({ ...presentToken(t), token: t.token });
    },
  );
  app.get(
    '/api/tokens',
    { preHandler: auth, schema: { tags: ['tokens'], summary: 'List personal API tokens', security: secured, response: { 200: z.object({ items: z.array(tokenBody) }), ...authErrors } } },
    async (req) => ({ items: (await accounts.listApiTokens(principalOf(req))).map(presentToken) }),
  );
  app.delete(
    '/api/tokens/:id',
    { preHandler: auth, schema: { tags: ['tokens'], summary: 'Revoke a personal API token', security: secured, params: idParams, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await accounts.revokeApiToken(principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
