import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { AccountsService } from '../services/accounts.service.ts';
import { memoryRateLimiter } from '../services/rate-limit.ts';
import { CliError, withDatabase } from './context.ts';
import { confirm, readSecret } from './read-secret.ts';

const accountsOf = (db: Parameters<Parameters<typeof withDatabase>[0]>[0]) =>
  new AccountsService(db, { perAccount: memoryRateLimiter(10, 60_000), perAddress: memoryRateLimiter(100, 60_000) });

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) throw new CliError(err.message);
    throw err;
  }
}

/** `mindstorm user create|list|delete`: accounts from the command line (for administrators). */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage accounts');

  user
    .command('create')
    .description('create an account; the password is asked for (or read from standard input)')
    .argument('<email>', 'the account email')
    .action((email: string) =>
      withDatabase((db) =>
        run(async () => {
          const password = await readSecret('Password (at least 10 characters): ');
          const created = await accountsOf(db).createUser(email, password);
          console.log(`created ${created.email} (${created.id})`);
        }),
      ),
    );

  user
    .command('list')
    .description('list every account')
    .option('--json', 'one JSON array instead of a table')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const users = await accountsOf(db).listUsers();
        if (opts.json) {
          console.log(JSON.stringify(users.map((u) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() }))));
          return;
        }
        for (const u of users) console.log(`${u.id}  ${u.createdAt.toISOString()}  ${u.email}`);
        console.log(`${users.length} account(s)`);
      }),
    );

  user
    .command('delete')
    .description('delete an account and everything of theirs')
    .argument('<email>', 'the account email')
    .option('-y, --yes', 'do not ask for confirmation')
    .action((email: string, opts: { yes?: boolean }) =>
      withDatabase((db) =>
        run(async () => {
          if (!opts.yes && !(await confirm(`Delete ${email} and all their notes for good?`))) {
            throw new CliError('not deleted: confirm with --yes');
          }
          await accountsOf(db).deleteUserByEmail(email);
          console.log(`deleted ${email.trim().toLowerCase()}`);
        }),
      ),
    );
}
