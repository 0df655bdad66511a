import type { UserTx } from '../as-user.ts';

// A user's settings: columns of their own account row (so RLS already limits them to the user).

/** The settings a user can change. */
export interface SettingsRow {
  timeZone: string;
}

/** The user's settings, or null when the account is gone. */
export async function getSettings(tx: UserTx, userId: string): Promise<SettingsRow | null> {
  const [row] = await tx.query<SettingsRow>('SELECT time_zone AS "timeZone" FROM users WHERE id = $1', [userId]);
  return row ?? null;
}

/** Changes the user's time zone; null when the account is gone. */
export async function setTimeZone(tx: UserTx, userId: string, timeZone: string): Promise<SettingsRow | null> {
  const [row] = await tx.query<SettingsRow>('UPDATE users SET time_zone = $2 WHERE id = $1 RETURNING time_zone AS "timeZone"', [userId, timeZone]);
  return row ?? null;
}
