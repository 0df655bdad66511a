import type { Command } from 'commander';
import { migrate, migrationStatus } from '../db/migrate.ts';
import { withDatabase } from './context.ts';

/** `mindstorm migrate [--status]`: applies pending migrations, or lists applied and pending ones. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the server also applies them at start)')
    .option('--status', 'list applied and pending migrations, change nothing')
    .action(async (opts: { status?: boolean }) => {
      await withDatabase(async (db) => {
        if (opts.status) {
          const status = await db.withSession((s) => migrationStatus(s));
          for (const m of status) {
            const id = `${String(m.version).padStart(4, '0')}_${m.name}`;
            const state = m.appliedAt ? `applied ${m.appliedAt.toISOString()}` : 'pending';
            console.log(`${id.padEnd(36)} ${m.label.padEnd(5)} ${state}`);
          }
          const pending = status.filter((m) => !m.appliedAt).length;
          console.log(pending ? `${pending} pending` : 'up to date');
          return;
        }
        const ran = await db.withSession((s) => migrate(s));
        console.log(ran.length ? `applied ${ran.length} migration(s): ${ran.join(', ')}` : 'up to date: nothing to apply');
      }, { migrate: false });
    });
}
