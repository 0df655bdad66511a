import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ExternalNote } from './notes.ts';
import { readZip } from './zip.ts';

// Markdown notes from Obsidian vaults and the Markdown exports of Bear and Logseq: YAML front-matter
// (tags, created/date, updated/modified, title), inline #tags, Bear's #multi word# and Logseq's
// #[[tag]] and tags:: lines; the file's modification time when the front-matter has no date.

/** One Markdown file, from a folder or a zip archive. */
export interface MarkdownFile {
  path: string;
  text: string;
  mtime: Date;
}

const MARKDOWN = new Set(['.md', '.markdown', '.mdown', '.mkd']);
const CREATED = ['created', 'date', 'created_at', 'createdAt', 'creation_date', 'created-at'];
const UPDATED = ['updated', 'modified', 'updated_at', 'updatedAt', 'last_modified', 'lastmod', 'modified_at'];
const CONSUMED = new Set(['tags', 'tag', 'title', ...CREATED, ...UPDATED]);

/** Reads the Markdown files of a folder (dot-folders such as .obsidian and .trash skipped), a zip, or one file. */
export function readMarkdownFiles(path: string): { files: MarkdownFile[]; skipped: number } {
  const files: MarkdownFile[] = [];
  let skipped = 0;
  const decode = (buf: Buffer) => buf.toString('utf8').replace(/^\uFEFF/, '');
  if (statSync(path).isDirectory()) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith('.')) continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && MARKDOWN.has(extname(entry.name).toLowerCase())) {
          files.push({ path: relative(path, full), text: decode(readFileSync(full)), mtime: statSync(full).mtime });
        } else skipped++;
      }
    };
    walk(path);
  } else if (extname(path).toLowerCase() === '.zip') {
    for (const e of readZip(readFileSync(path)).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.split('/').some((s) => s.startsWith('.')) || !MARKDOWN.has(extname(e.name).toLowerCase())) skipped++;
      else files.push({ path: e.name, text: decode(e.data), mtime: e.mtime });
    }
  } else {
    files.push({ path: basename(path), text: decode(readFileSync(path)), mtime: statSync(path).mtime });
  }
  return { files, skipped };
}

/** A date from front-matter: ISO 8601 forms (a date alone is midnight; no zone means UTC). */
export function parseDateValue(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  let t = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, Math.round(Number(`0.${frac}`) * 1000));
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /([+-])(\d{2}):?(\d{2})?/.exec(zone)!;
    t -= (z[1] === '-' ? -1 : 1) * (+z[2]! * 60 + +(z[3] ?? 0)) * 60_000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) || date.getUTCDate() !== +d! ? null : date;
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(listOf);
  if (typeof value === 'string') return value.split(/[,\s]+/).filter(Boolean);
  if (typeof value === 'number') return [String(value)];
  return [];
}

// A tag: letters, digits, _ - / (nested tags), not only digits (#1 is not a tag), after a space or line start.
const INLINE_TAG = /(?<=^|\s)#([\p{L}\p{N}_\-/]*[\p{L}_\-/][\p{L}\p{N}_\-/]*)/gu;
const BEAR_MULTIWORD = /(?<=^|\s)#([\p{L}\p{N}_\-/][^#\n]*?[^\s#])#(?=\s|$)/gu;
const LOGSEQ_TAG = /(?<=^|\s)#\[\[([^\]\n]+)\]\]/gu;

/** The tags written in the text itself, outside code blocks and code spans. */
export function inlineTags(body: string): string[] {
  const tags: string[] = [];
  let fence: string | null = null;
  for (const line of body.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (f && (!fence || f.startsWith(fence))) {
      fence = fence ? null : f;
      continue;
    }
    if (fence) continue;
    let text = line.replace(/`[^`]*`/g, ' ');
    const property = /^\s*(?:-\s+)?tags::\s*(.*)$/i.exec(text);
    if (property) tags.push(...property[1]!.split(',').map((t) => t.trim().replace(/^\[\[|\]\]$/g, '')));
    for (const m of text.matchAll(LOGSEQ_TAG)) tags.push(m[1]!);
    text = text.replace(LOGSEQ_TAG, ' ');
    for (const m of text.matchAll(BEAR_MULTIWORD)) if (/\s/.test(m[1]!)) tags.push(m[1]!);
    text = text.replace(BEAR_MULTIWORD, (all, t: string) => (/\s/.test(t) ? ' ' : all));
    for (const m of text.matchAll(INLINE_TAG)) tags.push(m[1]!.replace(/\/+$/, ''));
  }
  return tags;
}

/** One Markdown file as a note: front-matter read (kept in the text when it holds more than we map), title, tags, dates. */
export function parseMarkdown(file: MarkdownFile, warnings: string[]): ExternalNote {
  let text = file.text.replace(/\r\n?/g, '\n');
  let meta: Record<string, unknown> = {};
  let keptFrontMatter = '';
  const fm = /^---[ \t]*\n([\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (fm) {
    try {
      const parsed: unknown = parseYaml(fm[1] ?? '');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        meta = parsed as Record<string, unknown>;
        if (Object.keys(meta).some((k) => !CONSUMED.has(k))) keptFrontMatter = fm[0].replace(/\n?$/, '\n');
        text = text.slice(fm[0].length);
      }
    } catch (err) {
      warnings.push(`${file.path}: its front-matter is not valid YAML (${(err as Error).message.split('\n')[0]}); kept as text`);
    }
  }
  const pick = (keys: string[]) => keys.map((k) => meta[k]).find((v) => v !== undefined && v !== null && v !== '');
  const date = (keys: string[], what: string) => {
    const v = pick(keys);
    if (v === undefined) return null;
    const d = parseDateValue(v instanceof Date ? v : String(v));
    if (!d) warnings.push(`${file.path}: ${what} date ${JSON.stringify(String(v))} is not a date we read; the file's time is used`);
    return d;
  };
  const createdAt = date(CREATED, 'created') ?? file.mtime;
  let updatedAt = date(UPDATED, 'updated') ?? file.mtime;
  if (updatedAt < createdAt) updatedAt = createdAt;

  const body = text.replace(/^\s*\n/, '').trimEnd();
  const title = (typeof meta.title === 'string' && meta.title.trim()) || basename(file.path, extname(file.path));
  const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const heading = /^#{1,6}\s/.test(firstLine) ? '' : `# ${title}\n\n`;
  const content = `${keptFrontMatter}${heading}${body}`.trimEnd() || `# ${title}`;
  const tags = [...listOf(meta.tags), ...listOf(meta.tag), ...inlineTags(body)];
  return { source: file.path, content, tags, createdAt, updatedAt };
}
