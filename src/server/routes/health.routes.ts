import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { App } from '../types.ts';

/** Liveness and readiness probes for a proxy or an orchestrator. */
export function healthRoutes(app: App, db: Database): void {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database answers',
        response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => {
      try {
        await db.query('SELECT 1');
      } catch {
        throw new AppError('unavailable', 'the database does not answer');
      }
      return { status: 'ready' as const, database: db.kind };
    },
  );
}
