import type { Database } from '../db/client.ts';
import { asUser } from '../db/as-user.ts';
import * as repo from '../db/repos/settings.repo.ts';
import type { SettingsRow } from '../db/repos/settings.repo.ts';
import { AppError } from '../errors.ts';
import { canonicalTimeZone } from './zoned-weeks.ts';

/** A user's own settings (for now the time zone their weeks and hours are counted in). */
export class SettingsService {
  constructor(private readonly db: Database) {}

  /** The signed-in user's settings. */
  async get(userId: string): Promise<SettingsRow> {
    const row = await asUser(this.db, userId, (tx) => repo.getSettings(tx, userId));
    if (!row) throw new AppError('unauthorized', 'the account no longer exists');
    return row;
  }

  /** Changes settings; a time zone must be one Intl knows, and is stored by its canonical name. */
  async update(userId: string, patch: { timeZone?: string }): Promise<SettingsRow> {
    if (patch.timeZone === undefined) return this.get(userId);
    const timeZone = canonicalTimeZone(patch.timeZone.trim());
    if (!timeZone) throw new AppError('validation_failed', 'timeZone is not a known time zone: use an IANA name such as Europe/Berlin');
    const row = await asUser(this.db, userId, (tx) => repo.setTimeZone(tx, userId, timeZone));
    if (!row) throw new AppError('unauthorized', 'the account no longer exists');
    return row;
  }
}
