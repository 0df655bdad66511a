import { cached, memoryCache, QUERY_CACHE_MS, userKeys, type Cache } from '../cache/cache.ts';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { asService, asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/insights.repo.ts';
import type { InsightRow, WeekNote } from '../db/repos/insights.repo.ts';
import { getSettings } from '../db/repos/settings.repo.ts';
import { AppError, notFound } from '../errors.ts';
import type { Narrator } from './insight-narrative.ts';
import { excerptOf, writeInsight, type InsightFacts, type NoteRef } from './insight-writer.ts';
import {
  addDays,
  canonicalTimeZone,
  isPlainDate,
  lastCompleteWeek,
  localDate,
  localParts,
  weekdayOf,
  weekStarting,
  type ZonedWeek,
} from './zoned-weeks.ts';

/** The refusal for an empty week, worded as the product says it. */
export const EMPTY_WEEK = 'A week with no notes makes no insight';

/** An older note is quoted as an echo of the week only when at least this similar (cosine). */
export const ECHO_MIN_SIMILARITY = 0.35;

export interface InsightsOptions {
  /** The clock (tests move it). */
  now?: () => Date;
  /** Writes the narrative paragraph; null or absent: offline insights only. */
  narrator?: Narrator | null;
  logger?: Logger;
  /** The insights list is cached for 5 minutes and forgotten when an insight of the user is written. */
  cache?: Cache;
}

/** The most insights one list answers (the route's limit); the cache keeps that many. */
const LIST_MAX = 200;

const byCentrality = (key: 'centrality' | 'weekCentrality') => (a: WeekNote, b: WeekNote) =>
  (b[key] ?? -2) - (a[key] ?? -2) || b.words - a.words || a.id.localeCompare(b.id);

function refs(notes: WeekNote[], n: number): NoteRef[] {
  return notes.flatMap((x) => {
    const excerpt = excerptOf(x.content);
    return excerpt ? [{ noteId: x.id, excerpt }] : [];
  }).slice(0, n);
}

/** Weekly insights: gathers a user's week, writes it (optionally with a narrative) and keeps one per week. */
export class InsightsService {
  private readonly now: () => Date;
  private readonly cache: Cache;

  constructor(
    private readonly db: Database,
    private readonly opts: InsightsOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.cache = opts.cache ?? memoryCache();
  }

  /** The user's time zone (UTC when unset or unknown to this Node). */
  private async timeZoneOf(userId: string): Promise<string> {
    const settings = await asUser(this.db, userId, (tx) => getSettings(tx, userId));
    if (!settings) throw new AppError('unauthorized', 'the account no longer exists');
    return canonicalTimeZone(settings.timeZone) ?? 'UTC';
  }

  /** The week a client asked for: a Monday (in the user's zone) of a week that has ended. */
  weekFor(weekStart: string | undefined, timeZone: string): ZonedWeek {
    const now = this.now();
    if (weekStart === undefined) return lastCompleteWeek(now, timeZone);
    if (!isPlainDate(weekStart)) throw new AppError('validation_failed', 'weekStart must be a date written YYYY-MM-DD');
    if (weekdayOf(weekStart) !== 1) {
      const monday = addDays(weekStart, 1 - weekdayOf(weekStart));
      throw new AppError('validation_failed', `weekStart must be a Monday: the week of ${weekStart} starts on ${monday}`);
    }
    const week = weekStarting(weekStart, timeZone);
    if (week.end > now) throw new AppError('validation_failed', `the week of ${weekStart} has not ended yet (${timeZone})`);
    return week;
  }

  /** Everything the insight will say about the user's week, from one consistent snapshot. */
  async gather(userId: string, week: ZonedWeek, timeZone: string): Promise<InsightFacts> {
    const previous = [1, 2, 3, 4].map((i) => weekStarting(addDays(week.monday, -7 * i), timeZone));
    const since = previous[3]!.start;
    const data = await asUser(this.db, userId, async (tx) => ({
      notes: await repo.weekNotes(tx, userId, week),
      counts: await repo.countNotes(tx, userId, [week, ...previous]),
      themes: await repo.themeCounts(tx, userId, week, since),
      tags: await repo.tagCounts(tx, userId, week, since),
      echo: await repo.echoNote(tx, userId, week),
    }));
    const byWeekday = new Array<number>(7).fill(0);
    const byHour = new Array<number>(24).fill(0);
    for (const n of data.notes) {
      const p = localParts(n.createdAt, timeZone);
      byWeekday[p.weekday - 1]!++;
      byHour[p.hour]!++;
    }
    const themes = data.themes.map((t) => ({
      clusterId: t.clusterId,
      name: t.name,
      notes: t.week,
      previousAverage: t.previous / 4,
      isNew: t.before === 0,
      representatives: refs(data.notes.filter((n) => n.clusterId === t.clusterId).sort(byCentrality('centrality')), 2),
    }));
    const risingTags = data.tags
      .map((t) => ({ tag: t.tag, notes: t.week, previousAverage: t.previous / 4 }))
      .filter((t) => t.notes >= 2 && t.notes >= t.previousAverage * 1.5 && t.notes - t.previousAverage >= 1)
      .sort((a, b) => b.notes - b.previousAverage - (a.notes - a.previousAverage) || a.tag.localeCompare(b.tag))
      .slice(0, 5);
    const echo = data.echo && data.echo.similarity >= ECHO_MIN_SIMILARITY ? data.echo : null;
    const echoExcerpt = echo ? excerptOf(echo.content) : '';
    return {
      week: { monday: week.monday, sunday: week.sunday, timeZone },
      notes: data.counts[0]!,
      words: data.notes.reduce((sum, n) => sum + n.words, 0),
      previousWeeks: data.counts.slice(1),
      themes,
      unclustered: data.notes.filter((n) => !n.clusterId).length,
      highlights: refs([...data.notes].sort(byCentrality('weekCentrality')), 3),
      risingTags,
      echo:
        echo && echoExcerpt
          ? {
              noteId: echo.id,
              excerpt: echoExcerpt,
              writtenOn: localDate(echo.createdAt, timeZone),
              similarity: echo.similarity,
              themeName: themes.find((t) => t.clusterId === echo.clusterId)?.name ?? null,
            }
          : null,
      byWeekday,
      byHour,
    };
  }

  /** Writes the week's insight; with `keep`, an existing one stays and null is returned. */
  private async write(userId: string, week: ZonedWeek, timeZone: string, keep: boolean): Promise<InsightRow | null> {
    const facts = await this.gather(userId, week, timeZone);
    if (facts.notes === 0) throw new AppError('not_found', EMPTY_WEEK);
    const { title, content } = writeInsight(facts);
    let narrative = '';
    if (this.opts.narrator) {
      try {
        narrative = await this.opts.narrator(facts);
      } catch (err) {
        // the offline insight stands on its own: a failing endpoint never costs the user their insight
        this.opts.logger?.warn({ err: { type: (err as Error).name, message: (err as Error).message } }, 'insight narrative failed; offline insight kept');
      }
    }
    const full = narrative ? `${narrative}\n\n${content}` : content;
    const row = await asUser(this.db, userId, (tx) => repo.saveInsight(tx, userId, { title, content: full, week, createdAt: this.now() }, keep));
    await this.cache.del(userKeys.insights(userId)).catch(() => undefined);
    return row;
  }

  /** Makes (or remakes, replacing it) the insight of a week; by default the last complete week. */
  async generate(userId: string, weekStart?: string): Promise<InsightRow> {
    const timeZone = await this.timeZoneOf(userId);
    const row = await this.write(userId, this.weekFor(weekStart, timeZone), timeZone, false);
    return row!;
  }

  /** The user's insights, the newest week first. */
  async list(userId: string, limit: number): Promise<InsightRow[]> {
    const rows = await cached(this.cache, userKeys.insights(userId), QUERY_CACHE_MS, () =>
      asUser(this.db, userId, (tx) => repo.listInsights(tx, userId, LIST_MAX)),
    );
    // the cache keeps JSON: dates come back as strings
    return rows.slice(0, limit).map((r) => ({ ...r, weekStart: new Date(r.weekStart), weekEnd: new Date(r.weekEnd), createdAt: new Date(r.createdAt) }));
  }

  /** One insight of the user's. */
  async get(userId: string, id: string): Promise<InsightRow> {
    const row = await asUser(this.db, userId, (tx) => repo.getInsight(tx, userId, id));
    if (!row) throw notFound('insight');
    return row;
  }

  /**
   * The weekly job's work: for every user who wrote in the last week that has ended in their own
   * zone and has no insight for it, writes one. Idempotent: a second call finds nobody due.
   * Returns how many insights were written; throws after trying everyone if any failed.
   */
  async writeDueInsights(opts: { now?: Date; signal?: AbortSignal } = {}): Promise<number> {
    const now = opts.now ?? this.now();
    const signal = opts.signal;
    const zones = await asService(this.db, (tx) => repo.userTimeZones(tx));
    let written = 0;
    const failures: string[] = [];
    for (const zone of zones) {
      const timeZone = canonicalTimeZone(zone) ?? 'UTC';
      const week = lastCompleteWeek(now, timeZone);
      const due = await asService(this.db, (tx) => repo.usersDue(tx, zone, week));
      for (const userId of due) {
        if (signal?.aborted) throw new Error(`stopped after ${written} insight(s): the server is shutting down`);
        try {
          if (await this.write(userId, week, timeZone, true)) written++;
        } catch (err) {
          if (err instanceof AppError && err.code === 'not_found') continue; // the notes went to the trash meanwhile
          failures.push((err as Error).message);
          this.opts.logger?.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'weekly insight failed');
        }
      }
    }
    if (failures.length) throw new Error(`${failures.length} weekly insight(s) failed (${written} written); the first: ${failures[0]}`);
    return written;
  }
}
