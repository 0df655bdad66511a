import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { SettingsService } from '../../services/settings.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { authErrors, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

const settingsBody = z.object({ timeZone: z.string().describe('an IANA time zone, e.g. Europe/Berlin') }).meta({ id: 'Settings' });

/** The user's settings: the time zone their weeks (insights) and hours are counted in. */
export function settingsRoutes(app: App, accounts: AccountsService, settings: SettingsService): void {
  const common = { preHandler: requireAuth(accounts) };

  app.get(
    '/api/me/settings',
    { ...common, schema: { tags: ['accounts'], summary: "The signed-in user's settings", security: secured, response: { 200: settingsBody, ...authErrors } } },
    async (req) => settings.get(principalOf(req).userId),
  );

  app.patch(
    '/api/me/settings',
    {
      ...common,
      schema: {
        tags: ['accounts'],
        summary: 'Change settings: the time zone weeks and hours are counted in (UTC by default)',
        security: secured,
        body: z.strictObject({ timeZone: text(100).optional() }),
        response: { 200: settingsBody, ...authErrors },
      },
    },
    async (req) => settings.update(principalOf(req).userId, req.body),
  );
}
