import type { Command } from 'commander';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { ExportService } from '../services/export.service.ts';
import { readEnex } from '../services/import/enex.ts';
import { parseMarkdown, readMarkdownFiles } from '../services/import/markdown.ts';
import type { ExternalNote } from '../services/import/notes.ts';
import { failClearly } from './backup.command.ts';
import { CliError, withDatabase } from './context.ts';
import { progressBar } from './progress.ts';

/** What a path holds: a MindStorm export document, Markdown files (folder, zip, file) or an Evernote export. */
export type ImportKind = 'document' | 'markdown' | 'enex';

/** Tells the kind from the path: a folder or .zip/.md is Markdown, .enex is Evernote, .json (or JSON text) a document. */
export function detectKind(path: string): ImportKind {
  if (statSync(path).isDirectory()) return 'markdown';
  const ext = extname(path).toLowerCase();
  if (ext === '.enex') return 'enex';
  if (ext === '.json') return 'document';
  if (['.zip', '.md', '.markdown', '.mdown', '.mkd'].includes(ext)) return 'markdown';
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4096);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = head.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) return 'document';
  if (text.includes('<en-export')) return 'enex';
  throw new CliError(`cannot tell what ${path} holds: name the kind with --from document|markdown|enex`);
}

function printWarnings(warnings: string[]): void {
  for (const w of warnings.slice(0, 20)) console.error(`warning: ${w}`);
  if (warnings.length > 20) console.error(`warning: ... and ${warnings.length - 20} more`);
}

async function readNotes(kind: 'markdown' | 'enex', path: string, warnings: string[]): Promise<ExternalNote[]> {
  if (kind === 'markdown') {
    const { files, skipped } = readMarkdownFiles(path);
    if (skipped) warnings.push(`${skipped} other file(s) (attachments, settings) were not imported`);
    const bar = progressBar('reading Markdown files', files.length);
    const notes = files.map((f, i) => (bar.update(i + 1), parseMarkdown(f, warnings)));
    bar.stop();
    return notes;
  }
  const bar = progressBar('reading the Evernote export (bytes)', statSync(path).size);
  const notes: ExternalNote[] = [];
  try {
    for await (const note of readEnex(path, warnings, (b) => bar.update(b))) notes.push(note);
  } finally {
    bar.stop();
  }
  return notes;
}

/** `mindstorm import --user EMAIL PATH`: an export document, Markdown notes or an Evernote export, into one account. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import into an account, all or nothing: a MindStorm export document, Markdown files (a folder or zip: Obsidian, Bear, Logseq) or an Evernote .enex export')
    .requiredOption('--user <email>', 'the account to import into')
    .option('--from <kind>', 'what PATH holds: document, markdown or enex (default: told from the path)')
    .argument('<path>', 'the file or folder to import')
    .action((path: string, opts: { user: string; from?: string }) => {
      if (opts.from && !['document', 'markdown', 'enex'].includes(opts.from)) {
        throw new CliError(`--from must be document, markdown or enex (not ${opts.from})`, 2);
      }
      if (!existsSync(path)) throw new CliError(`no such file or folder: ${path}`);
      const kind = (opts.from as ImportKind | undefined) ?? detectKind(path);
      return withDatabase((db) =>
        failClearly(async () => {
          const service = new ExportService(db);
          const userId = await service.userIdByEmail(opts.user);
          if (kind === 'document') {
            const doc = await service.parse(readFileSync(path, 'utf8'));
            const bar = progressBar('importing', doc.notes.length + doc.clusters.length + doc.stacks.length + doc.insights.length + doc.vault.notes.length);
            const summary = await service.importDocument(userId, doc, (done) => bar.update(done)).finally(() => bar.stop());
            printWarnings(summary.warnings);
            const i = summary.imported;
            const renamed = Object.values(summary.newIds).reduce((a, b) => a + b, 0);
            const present = Object.values(summary.alreadyPresent).reduce((a, b) => a + b, 0);
            console.log(
              `imported into ${opts.user}: ${i.notes} notes, ${i.clusters} clusters, ${i.stacks} stacks, ${i.insights} insights, ${i.vaultNotes} vault notes${i.vaultKey ? ', the vault key' : ''}` +
                (renamed ? ` (${renamed} got new ids: theirs were taken here)` : '') +
                (present ? `; ${present} were already there and left as they are` : ''),
            );
            return;
          }
          const warnings: string[] = [];
          const notes = await readNotes(kind, path, warnings);
          const bar = progressBar('storing notes', notes.length);
          const result = await service.importNotes(userId, notes, (done) => bar.update(done)).finally(() => bar.stop());
          printWarnings([...warnings, ...result.warnings]);
          const tags = new Set(notes.flatMap((n) => n.tags.map((t) => t.toLowerCase())));
          console.log(`imported ${result.notes} notes (${tags.size} tags) into ${opts.user} from ${path}`);
        }),
      );
    });
}
