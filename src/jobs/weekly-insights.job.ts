import type { InsightsService } from '../services/insights.service.ts';
import type { JobDefinition } from './scheduler.ts';

/**
 * Writes each active user's insight for the week that ended. Weeks end at Monday 00:00 in each
 * user's own zone, so the job looks every hour: each user's insight comes in the first hour after
 * their Monday begins, and a server that was down on Monday catches up when it is back.
 */
export function weeklyInsightsJob(insights: InsightsService): JobDefinition {
  return {
    name: 'weekly-insights',
    description: "writes each user's insight of the week that ended in their time zone (once per user and week)",
    schedule: { every: 'hour', minute: 5 },
    retries: 3,
    backoffMs: (attempt) => 5 * 60_000 * 2 ** (attempt - 1),
    run: (ctx) => insights.writeDueInsights({ now: ctx.now(), signal: ctx.signal }),
  };
}
