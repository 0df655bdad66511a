import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { decodeEntities, enmlToMarkdown } from './enml.ts';
import type { ExternalNote } from './notes.ts';

// Evernote's export format (ENEX): an <en-export> of <note>s, each with a <title>, the ENML body in
// <content>, <created>/<updated> as 20240131T120000Z, <tag>s and <resource>s (attachments, not
// imported: a placeholder line marks each). Read as a stream, a note at a time, so a large export
// with attachments never sits in memory whole.

/** A file that is not an ENEX export. */
export class EnexError extends Error {}

/** Evernote's compact UTC timestamp, 20240131T120000Z (a trailing Z or none). */
export function parseEnexDate(value: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?$/.exec(value?.trim() ?? '');
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? null : d;
}

const field = (xml: string, name: string) => {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? unwrap(m[1]!) : undefined;
};

function unwrap(inner: string): string {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(inner);
  return cdata ? cdata[1]! : decodeEntities(inner);
}

/** One <note> element as a note: title heading, body, tags, dates, source URL. */
export function parseEnexNote(xml: string, index: number, warnings: string[], now = new Date()): ExternalNote {
  const contentMatch = /<content(?:\s[^>]*)?>([\s\S]*?)<\/content>/.exec(xml);
  const enml = contentMatch ? unwrap(contentMatch[1]!) : '';
  const rest = xml.replace(/<content[\s\S]*?<\/content>/, '').replace(/<resource>[\s\S]*?<\/resource>/g, '');
  const title = (field(rest, 'title') ?? '').trim() || 'Untitled';
  const source = `note ${index + 1} (${title.slice(0, 60)})`;
  const tags = [...rest.matchAll(/<tag>([\s\S]*?)<\/tag>/g)].map((m) => unwrap(m[1]!).trim()).filter(Boolean);
  const created = parseEnexDate(field(rest, 'created'));
  const updated = parseEnexDate(field(rest, 'updated'));
  if (!created) warnings.push(`${source}: no <created> date; ${updated ? 'its <updated> date' : 'the import time'} is used`);
  const createdAt = created ?? updated ?? now;
  const updatedAt = updated && updated >= createdAt ? updated : createdAt;
  let body = enmlToMarkdown(enml);
  const url = field(rest, 'source-url')?.trim();
  if (url) body += `${body ? '\n\n' : ''}Source: <${url}>`;
  return { source, content: `# ${title}${body ? `\n\n${body}` : ''}`, tags, createdAt, updatedAt };
}

/**
 * Reads the notes of an ENEX file in order; onBytes reports how far the file has been read. A
 * file that is not ENEX, or ends inside a note (truncated), is refused.
 */
export async function* readEnex(path: string, warnings: string[], onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<ExternalNote> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let bytes = 0;
  let index = 0;
  let started = false;
  let ended = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    bytes += (chunk as Buffer).length;
    buf += decoder.write(chunk as Buffer);
    if (!started) {
      if (buf.length < 4096 && !buf.includes('<en-export')) continue;
      if (!/<en-export[\s>]/.test(buf.slice(0, 64 * 1024))) throw new EnexError('not an Evernote export: no <en-export> element');
      started = true;
    }
    for (;;) {
      const open = buf.search(/<note[\s>]/);
      if (open < 0) {
        ended ||= buf.includes('</en-export>');
        buf = buf.slice(-16); // keep a possible partial "<note" for the next chunk
        break;
      }
      const close = buf.indexOf('</note>', open);
      if (close < 0) {
        buf = buf.slice(open);
        break;
      }
      yield parseEnexNote(buf.slice(open, close + 7), index++, warnings);
      buf = buf.slice(close + 7);
    }
    onBytes(bytes);
  }
  buf += decoder.end();
  if (!started && !/<en-export[\s>]/.test(buf)) throw new EnexError('not an Evernote export: no <en-export> element');
  if (/<note[\s>]/.test(buf)) throw new EnexError(`the file ends inside note ${index + 1}: it is truncated`);
  if (!ended && !buf.includes('</en-export>')) throw new EnexError('the file ends before </en-export>: it is truncated');
}
