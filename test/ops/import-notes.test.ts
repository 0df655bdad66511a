import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportService } from '../../src/services/export.service.ts';
import { EnexError, readEnex } from '../../src/services/import/enex.ts';
import { parseMarkdown, readMarkdownFiles } from '../../src/services/import/markdown.ts';
import { splitContent, type ExternalNote } from '../../src/services/import/notes.ts';
import { ZipError } from '../../src/services/import/zip.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { seedAccount } from './seed-account.ts';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;
const MTIME = new Date('2024-09-09T09:09:09Z');

function markdownNotes(path: string): ExternalNote[] {
  const warnings: string[] = [];
  const notes = readMarkdownFiles(path).files.map((f) => parseMarkdown(f, warnings));
  expect(warnings).toEqual([]);
  return notes;
}

async function enexNotes(path: string): Promise<ExternalNote[]> {
  const out: ExternalNote[] = [];
  for await (const n of readEnex(path, [])) out.push(n);
  return out;
}

/** The stored notes, by their first line, with what an import must keep. */
async function stored(service: ExportService, userId: string) {
  const doc = await service.exportDocument(userId);
  return Object.fromEntries(doc.notes.map((n) => [n.content.split('\n')[0], { tags: n.tags, createdAt: n.createdAt, updatedAt: n.updatedAt, content: n.content }]));
}

const at = (iso: string) => iso.replace('Z', '').replace(/(\.\d+)?$/, (m) => `${(m || '.').padEnd(7, '0')}Z`);

for (const backend of backends) {
  describe.skipIf(backend.skip)(`imports from other tools on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    let service: ExportService;
    const dir = mkdtempSync(join(tmpdir(), 'mindstorm-import-'));
    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      service = new ExportService(scratch.db);
    });
    afterAll(async () => {
      await scratch?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a Markdown folder keeps every note, tag and date (front-matter dates, else the file time)', async () => {
      const vault = join(dir, 'vault');
      cpSync(join(FIXTURES, 'markdown'), vault, { recursive: true });
      const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
      for (const f of walk(vault)) utimesSync(f, MTIME, MTIME); // a checkout does not keep file times
      const { userId } = await seedAccount(scratch.db, `md-${backend.name}@example.com`, 0);
      const result = await service.importNotes(userId, markdownNotes(vault));
      expect(result).toEqual({ notes: 4, warnings: [] });
      const notes = await stored(service, userId);
      const file = at(MTIME.toISOString());
      expect(notes['# Bear note']).toMatchObject({ tags: ['multi word tag', 'bear', 'work/meetings'], createdAt: file, updatedAt: file });
      expect(notes['# Tuesday']).toMatchObject({ tags: ['journal', 'daily', 'walks'], createdAt: at('2024-03-05T00:00:00Z'), updatedAt: file });
      expect(notes['# logseq page']).toMatchObject({ tags: ['logseq', 'second brain', 'deep work'], createdAt: file, updatedAt: file });
      const alpha = notes['---']!;
      expect(alpha).toMatchObject({ tags: ['project', 'alpha', 'idea', 'nested/tag'], createdAt: at('2024-01-31T12:00:00Z'), updatedAt: at('2024-02-01T09:30:00Z') });
      expect(alpha.content).toContain('aliases: [The alpha plan]\n---\n# Alpha plan\n\nThe plan for #idea');
    });

    it('a zip of the same files keeps the dates stored in the archive', async () => {
      const { userId } = await seedAccount(scratch.db, `zip-${backend.name}@example.com`, 0);
      const { files, skipped } = readMarkdownFiles(join(FIXTURES, 'markdown.zip'));
      expect(skipped).toBe(2); // the image and .obsidian/app.json
      await service.importNotes(userId, files.map((f) => parseMarkdown(f, [])));
      const notes = await stored(service, userId);
      expect(Object.keys(notes).sort()).toEqual(['# Bear note', '# Tuesday', '# logseq page', '---']);
      expect(notes['# Bear note']).toMatchObject({ createdAt: at('2023-06-15T08:30:00Z'), updatedAt: at('2023-06-15T08:30:00Z') });
      expect(notes['# logseq page']).toMatchObject({ createdAt: at('2022-11-02T17:45:10Z') });
      expect(notes['# Tuesday']).toMatchObject({ createdAt: at('2024-03-05T00:00:00Z'), updatedAt: at('2024-04-01T10:00:00Z') });
      expect(notes['---']!.tags).toEqual(['project', 'alpha', 'idea', 'nested/tag']);
    });

    it('an Evernote export keeps every note, tag and date, its text as Markdown', async () => {
      const { userId } = await seedAccount(scratch.db, `enex-${backend.name}@example.com`, 0);
      await service.importNotes(userId, await enexNotes(join(FIXTURES, 'evernote.enex')));
      const notes = await stored(service, userId);
      expect(notes['# Shopping & errands']).toEqual({
        tags: ['home', 'errands'],
        createdAt: at('2024-01-31T12:00:00Z'),
        updatedAt: at('2024-02-02T08:30:15Z'),
        content: '# Shopping & errands\n\nThings to get **today**:\n- [x] milk\n- [ ] bread & butter\n\nSee [the list](https://example.com/list).\n[attachment: image/png]',
      });
      expect(notes['# Code <snippets>']).toMatchObject({ tags: ['dev'], createdAt: at('2023-07-05T22:15:00Z'), updatedAt: at('2023-07-05T22:15:00Z') });
      expect(notes['# Code <snippets>']!.content).toContain('```\nls -la\necho "a < b"\n```\n\n| key | value |\n| x | 1 |\n\n> A quoted line.\n\nCafé — done.\n\nSource: <https://example.org/article>');
      expect(notes['# Untagged thought']).toMatchObject({ tags: [], content: '# Untagged thought\n\nJust one line.', updatedAt: at('2022-12-25T09:00:00Z') });
    });

    it('refuses a damaged zip or a truncated ENEX before storing anything', async () => {
      const zip = readFileSync(join(FIXTURES, 'markdown.zip'));
      writeFileSync(join(dir, 'cut.zip'), zip.subarray(0, zip.length - 40));
      expect(() => readMarkdownFiles(join(dir, 'cut.zip'))).toThrow(ZipError);
      const enex = readFileSync(join(FIXTURES, 'evernote.enex'), 'utf8');
      writeFileSync(join(dir, 'cut.enex'), enex.slice(0, enex.lastIndexOf('<note>') + 200));
      await expect(enexNotes(join(dir, 'cut.enex'))).rejects.toThrow(/ends inside note 3: it is truncated/);
      writeFileSync(join(dir, 'other.enex'), '<html><body>not evernote</body></html>');
      await expect(enexNotes(join(dir, 'other.enex'))).rejects.toBeInstanceOf(EnexError);
    });
  });
}

describe('fitting notes from other tools', () => {
  it('splits a note longer than 100 KB at paragraph breaks, losing nothing', () => {
    const paragraph = `${'word '.repeat(2000)}\n\n`;
    const text = paragraph.repeat(25);
    const parts = splitContent(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => Buffer.byteLength(p) <= 100 * 1024)).toBe(true);
    expect(parts.join('\n\n').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
  });
});
