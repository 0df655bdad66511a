import type { Config } from '../config.ts';
import type { InsightFacts } from './insight-writer.ts';

// The optional narrative paragraph of a weekly insight, written by an OpenAI-compatible chat
// endpoint from the same facts as the offline insight (counts, theme names, excerpts), never from
// whole notes. Any failure is thrown; the insights service then keeps the offline insight alone.

/** Writes one paragraph about a week from its facts. */
export type Narrator = (facts: InsightFacts) => Promise<string>;

/** A refusal or unusable answer from the chat endpoint; the message never carries the key. */
export class NarrativeError extends Error {}

export interface ChatNarratorOptions {
  /** The API root, e.g. https://api.openai.com/v1 (…/chat/completions is appended). */
  baseUrl: string;
  /** Sent as a bearer token when set (local servers often need none). */
  apiKey?: string;
  model: string;
  timeoutMs?: number;
}

/** The most a narrative may say. */
export const MAX_NARRATIVE_CHARS = 1200;

const SYSTEM_PROMPT = [
  'You write the opening paragraph of a weekly digest of one person\'s notes.',
  'Use only the facts in the JSON you are given: counts, theme names, tags, short excerpts of notes, the days and hours of writing.',
  'Do not invent anything, do not give advice, do not quote more than a few words.',
  'Write one warm, plain paragraph of at most 90 words, in the second person, without headings, lists or links.',
].join(' ');

/** The facts as the model sees them: note ids left out, excerpts kept. */
export function factsForModel(f: InsightFacts) {
  return {
    week: f.week,
    notesWritten: f.notes,
    wordsWritten: f.words,
    notesInEachOfThePreviousFourWeeks: f.previousWeeks,
    themes: f.themes.slice(0, 5).map((t) => ({
      name: t.name,
      notes: t.notes,
      previousWeeklyAverage: t.previousAverage,
      newThisWeek: t.isNew,
      excerpts: t.representatives.slice(0, 2).map((r) => r.excerpt),
    })),
    notesOutsideAnyTheme: f.unclustered,
    representativeExcerpts: f.themes.length ? [] : f.highlights.map((h) => h.excerpt),
    tagsOnTheRise: f.risingTags,
    echoOfAnOlderNote: f.echo && { excerpt: f.echo.excerpt, writtenOn: f.echo.writtenOn, theme: f.echo.themeName },
    notesByWeekdayMondayFirst: f.byWeekday,
    notesByHour: f.byHour,
  };
}

/** Keeps a model's answer to one plain paragraph: no images, no HTML, no links but to the user's notes. */
export function cleanNarrative(text: string): string {
  const flat = text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\(([^)\s]*)[^)]*\)/g, (_m, label: string, href: string) =>
      /^\/notes\/[0-9a-f-]{36}$/i.test(href) ? `[${label}](${href})` : label,
    )
    .replace(/<[^>]*>/g, '')
    .replace(/^\s*#+\s*/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= MAX_NARRATIVE_CHARS) return flat;
  const cut = flat.slice(0, MAX_NARRATIVE_CHARS);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > 200 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/** A narrator backed by any OpenAI-compatible /chat/completions endpoint. */
export function createChatNarrator(opts: ChatNarratorOptions): Narrator {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return async (facts) => {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.apiKey && { authorization: `Bearer ${opts.apiKey}` }) },
        body: JSON.stringify({
          model: opts.model,
          temperature: 0.3,
          max_tokens: 300,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: JSON.stringify(factsForModel(facts)) },
          ],
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new NarrativeError(timedOut ? `the chat endpoint did not answer within ${timeoutMs} ms` : 'the chat endpoint cannot be reached');
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new NarrativeError(`the chat endpoint answered HTTP ${res.status}`);
    }
    let body: { choices?: { message?: { content?: unknown } }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new NarrativeError('the chat endpoint answered something other than JSON');
    }
    const content = body.choices?.[0]?.message?.content;
    const paragraph = typeof content === 'string' ? cleanNarrative(content) : '';
    if (!paragraph) throw new NarrativeError('the chat endpoint answered no text');
    return paragraph;
  };
}

/** The configured narrator: null unless INSIGHTS_LLM=openai. */
export function createNarrator(config: Config): Narrator | null {
  if (config.INSIGHTS_LLM !== 'openai') return null;
  return createChatNarrator({
    baseUrl: config.OPENAI_BASE_URL,
    apiKey: config.OPENAI_API_KEY,
    model: config.CHAT_MODEL,
    timeoutMs: config.INSIGHTS_LLM_TIMEOUT_MS,
  });
}
