import type { InsightRow } from '../../db/repos/insights.repo.ts';

/** An insight as the API shows it (field by field: a new column never leaks by accident). */
export const presentInsight = (i: InsightRow) => ({
  id: i.id,
  title: i.title,
  content: i.content,
  weekStart: i.weekStart.toISOString(),
  weekEnd: i.weekEnd.toISOString(),
  createdAt: i.createdAt.toISOString(),
});
