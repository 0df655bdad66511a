import { asc, eq } from 'drizzle-orm';
import type { UserTx } from '../as-user.ts';
import { users } from '../schema.ts';

/** A user as the product sees it (never the password hash). */
export interface UserRow {
  id: string;
  email: string;
  createdAt: Date;
}

const publicColumns = { id: users.id, email: users.email, createdAt: users.createdAt };

/** Inserts an account; null when the email is taken. */
export async function insertUser(tx: UserTx, email: string, passwordHash: string): Promise<UserRow | null> {
  const rows = await tx.orm
    .insert(users)
    .values({ email, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning(publicColumns);
  return rows[0] ?? null;
}

/** The account and its password hash, for sign-in (service role). */
export async function findUserByEmail(tx: UserTx, email: string): Promise<(UserRow & { passwordHash: string | null }) | null> {
  const rows = await tx.orm
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  return rows[0] ?? null;
}

/** One account with its password hash, for re-checking the password. */
export async function getUserWithHash(tx: UserTx, id: string): Promise<(UserRow & { passwordHash: string | null }) | null> {
  const rows = await tx.orm
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, id));
  return rows[0] ?? null;
}

/** Every account, oldest first (service role; the command line). */
export function listUsers(tx: UserTx): Promise<UserRow[]> {
  return tx.orm.select(publicColumns).from(users).orderBy(asc(users.createdAt));
}

/** Replaces the password hash. */
export async function setPasswordHash(tx: UserTx, id: string, passwordHash: string): Promise<void> {
  await tx.orm.update(users).set({ passwordHash }).where(eq(users.id, id));
}

/** Deletes the account; the cascades remove everything of theirs. */
export async function deleteUser(tx: UserTx, id: string): Promise<boolean> {
  const rows = await tx.orm.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}
