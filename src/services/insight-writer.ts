import type { PlainDate } from './zoned-weeks.ts';

// The weekly insight's writer: a pure function from the week's facts to a title and Markdown, so
// the words can be tested without a database and an optional language model gets the same facts.

/** A note quoted in the insight: its id (for the link) and an extract of its own words. */
export interface NoteRef {
  noteId: string;
  excerpt: string;
}

/** A theme (a cluster) that had notes this week. */
export interface ThemeFact {
  clusterId: string;
  name: string;
  /** Notes of the theme written this week. */
  notes: number;
  /** Notes of the theme a week, over the four weeks before. */
  previousAverage: number;
  /** No note of the theme was written before this week. */
  isNew: boolean;
  /** The week's notes nearest the theme's centre, most central first. */
  representatives: NoteRef[];
}

/** Everything the insight says, gathered from one user's notes of one week. */
export interface InsightFacts {
  week: { monday: PlainDate; sunday: PlainDate; timeZone: string };
  notes: number;
  words: number;
  /** Notes written in each of the four weeks before, the most recent first. */
  previousWeeks: number[];
  /** Themes with notes this week, the biggest first. */
  themes: ThemeFact[];
  /** This week's notes outside any theme. */
  unclustered: number;
  /** The notes nearest the centre of the whole week, for weeks without themes. */
  highlights: NoteRef[];
  risingTags: { tag: string; notes: number; previousAverage: number }[];
  /** An older note that this week's notes resemble. */
  echo: (NoteRef & { writtenOn: PlainDate; similarity: number; themeName: string | null }) | null;
  /** Notes by local weekday, Monday first. */
  byWeekday: number[];
  /** Notes by local hour, 0 to 23. */
  byHour: number[];
}

/** What the writer makes. */
export interface WrittenInsight {
  title: string;
  content: string;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const number = new Intl.NumberFormat('en-GB');

/** A date as "23 March 2026". */
export function formatDate(date: PlainDate): string {
  return longDate.format(new Date(`${date}T00:00:00Z`));
}

/** Escapes text so Markdown shows it as written (user text never becomes markup or a link). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~&]/g, '\\$&');
}

/** Plain text from Markdown: markup, code blocks, link targets and HTML dropped, lines joined. */
export function plainText(markdown: string): string {
  const lines = markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<(https?:[^>\s]+)>/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .split(/\r?\n/);
  const parts: string[] = [];
  for (const raw of lines) {
    const heading = /^\s{0,3}#{1,6}\s+/.test(raw);
    const line = raw
      .replace(/^\s{0,3}#{1,6}\s+/, '')
      .replace(/^\s*>+\s?/, '')
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, '')
      .replace(/(\*\*|__|~~|`)/g, '')
      .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=$|[\s).,;:!?])/g, '$1$2')
      .replace(/\s+/g, ' ')
      .trim();
    if (!line) continue;
    parts.push(heading && !/[.!?:]$/.test(line) ? `${line}:` : line);
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** The opening words of a note, at most `max` characters, ending on a sentence or a word. */
export function excerptOf(markdown: string, max = 140): string {
  const text = plainText(markdown);
  if (text.length <= max) return text.replace(/:$/, '');
  const window = text.slice(0, max);
  const sentence = /^.*[.!?](?=\s)/.exec(window)?.[0];
  if (sentence && sentence.length >= max * 0.4) return sentence;
  const cut = window.lastIndexOf(' ', max - 1);
  return `${(cut > max * 0.5 ? window.slice(0, cut) : window.slice(0, max - 1)).replace(/[\s,;:.\-–—]+$/, '')}…`;
}

const link = (n: NoteRef) => `[“${escapeMarkdown(n.excerpt)}”](/notes/${n.noteId})`;
const plural = (n: number, one: string, many = `${one}s`) => `${number.format(n)} ${n === 1 ? one : many}`;
const perWeek = (avg: number) => `${Number.isInteger(avg) ? avg : avg.toFixed(1)} a week`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function changeSentence(f: InsightFacts): string {
  const avg = mean(f.previousWeeks);
  const head = `**${plural(f.notes, 'note')}** this week (${plural(f.words, 'word')})`;
  if (avg === 0) return `${head}, after none in the four weeks before.`;
  const pct = Math.round((f.notes / avg - 1) * 100);
  const avgText = Number.isInteger(avg) ? String(avg) : avg.toFixed(1);
  if (Math.abs(pct) < 10) return `${head}: about your four-week average of ${avgText}.`;
  return `${head}: ${Math.abs(pct)}% ${pct > 0 ? 'more' : 'fewer'} than your four-week average of ${avgText}.`;
}

function themeStatus(t: ThemeFact): string {
  if (t.isNew) return 'new this week';
  if (t.notes >= t.previousAverage * 1.25 && t.notes - t.previousAverage >= 1) return `up from ${perWeek(t.previousAverage)}`;
  if (t.notes <= t.previousAverage * 0.75) return `down from ${perWeek(t.previousAverage)}`;
  return `as usual (${perWeek(t.previousAverage)})`;
}

function themesSection(f: InsightFacts): string[] {
  if (f.themes.length === 0) {
    if (f.highlights.length === 0) return [];
    return ['## Notes that capture the week', '', ...f.highlights.map((h) => `- ${link(h)}`)];
  }
  const out = ['## Themes', ''];
  f.themes.slice(0, 5).forEach((t, i) => {
    out.push(`- **${escapeMarkdown(oneLine(t.name))}**: ${plural(t.notes, 'note')}, ${themeStatus(t)}`);
    if (i < 3) for (const r of t.representatives.slice(0, 2)) out.push(`  - ${link(r)}`);
  });
  if (f.themes.length > 5) out.push(`- and ${plural(f.themes.length - 5, 'more theme')}`);
  if (f.unclustered > 0) out.push(`- ${plural(f.unclustered, 'note')} outside any theme`);
  return out;
}

function argmax(xs: number[]): number {
  return xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
}

function rhythmSection(f: InsightFacts): string[] {
  const day = argmax(f.byWeekday);
  const hour = argmax(f.byHour);
  const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return [
    '## When you wrote',
    '',
    `Mostly on **${DAY_NAMES[day]}** (${plural(f.byWeekday[day]!, 'note')}), and most often between **${hh(hour)} and ${hh(hour + 1)}** (${plural(f.byHour[hour]!, 'note')}), ${f.week.timeZone} time.`,
    '',
    '| Mon | Tue | Wed | Thu | Fri | Sat | Sun |',
    '|---|---|---|---|---|---|---|',
    `| ${f.byWeekday.join(' | ')} |`,
  ];
}

/** The main theme of the week: the theme with the most notes, else the commonest rising tag. */
export function mainTheme(f: InsightFacts): string | null {
  const [top] = [...f.themes].sort((a, b) => b.notes - a.notes || Number(b.isNew) - Number(a.isNew) || a.name.localeCompare(b.name));
  if (top) return oneLine(top.name);
  return f.risingTags[0] ? `#${f.risingTags[0].tag}` : null;
}

/** Writes the week's insight: a title naming the week's main theme, and Markdown. */
export function writeInsight(f: InsightFacts): WrittenInsight {
  const theme = mainTheme(f);
  const when = `Week of ${formatDate(f.week.monday)}`;
  const title = (theme ? `${when}: ${theme}` : `${when}: ${plural(f.notes, 'note')}`).slice(0, 200);
  const sections: string[][] = [[changeSentence(f)], themesSection(f)];
  if (f.risingTags.length) {
    sections.push([
      '## Tags on the rise',
      '',
      ...f.risingTags.map((t) => `- **#${escapeMarkdown(t.tag)}**: ${plural(t.notes, 'note')} (${t.previousAverage ? perWeek(t.previousAverage) : 'none'} before)`),
    ]);
  }
  if (f.echo) {
    const about = f.echo.themeName ? `Your notes on **${escapeMarkdown(oneLine(f.echo.themeName))}**` : "This week's notes";
    sections.push(['## From the past', '', `${about} echo ${link(f.echo)}, written on ${formatDate(f.echo.writtenOn)}.`]);
  }
  if (f.notes > 0) sections.push(rhythmSection(f));
  return { title, content: `${sections.filter((s) => s.length).map((s) => s.join('\n')).join('\n\n')}\n` };
}
