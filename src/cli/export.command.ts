import type { Command } from 'commander';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import { asUser } from '../db/as-user.ts';
import { userCounts } from '../db/repos/export.repo.ts';
import { ExportService } from '../services/export.service.ts';
import { failClearly } from './backup.command.ts';
import { withDatabase } from './context.ts';
import { progressBar } from './progress.ts';

/** `mindstorm export --user EMAIL [--out FILE]`: one account's export document, to a file or standard output. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write one account's export document (JSON): notes with the trash, clusters, stacks, insights, vault ciphertext")
    .requiredOption('--user <email>', 'the account to export')
    .option('--out <file>', 'the file to write (default: standard output)')
    .action((opts: { user: string; out?: string }) =>
      withDatabase((db) =>
        failClearly(async () => {
          const service = new ExportService(db);
          const userId = await service.userIdByEmail(opts.user);
          const total = (await asUser(db, userId, (tx) => userCounts(tx, userId))).notes;
          const out = opts.out ? resolve(opts.out) : null;
          const tmp = out ? join(dirname(out), `.${basename(out)}.partial-${process.pid}`) : null;
          if (out) mkdirSync(dirname(out), { recursive: true });
          const fd = tmp ? openSync(tmp, 'w', 0o600) : null;
          const bar = progressBar(`exporting ${opts.user}`, total);
          try {
            for await (const chunk of service.exportChunks(userId, new Date(), (n) => bar.update(n))) {
              if (fd !== null) writeSync(fd, chunk);
              else if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
            }
            if (fd !== null) fsyncSync(fd);
          } catch (err) {
            if (tmp) rmSync(tmp, { force: true });
            throw err;
          } finally {
            bar.stop();
            if (fd !== null) closeSync(fd);
          }
          if (out && tmp) {
            renameSync(tmp, out);
            console.error(`exported ${opts.user} to ${out}`);
          }
        }),
      ),
    );
}
