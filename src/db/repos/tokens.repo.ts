import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { UserTx } from '../as-user.ts';
import { authTokens } from '../schema.ts';

/** A session or API token as stored (its hash only). */
export interface TokenRow {
  id: string;
  userId: string;
  kind: 'session' | 'api';
  name: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

const columns = {
  id: authTokens.id,
  userId: authTokens.userId,
  kind: authTokens.kind,
  name: authTokens.name,
  createdAt: authTokens.createdAt,
  expiresAt: authTokens.expiresAt,
  lastUsedAt: authTokens.lastUsedAt,
};

/** Stores a new token's hash. */
export async function insertToken(
  tx: UserTx,
  t: { userId: string; kind: 'session' | 'api'; name: string | null; tokenHash: Buffer; expiresAt: Date | null },
): Promise<TokenRow> {
  const [row] = await tx.orm.insert(authTokens).values(t).returning(columns);
  return row!;
}

/** The token with this hash, if any (service role: the user is not known yet). */
export async function findTokenByHash(tx: UserTx, tokenHash: Buffer): Promise<TokenRow | null> {
  const rows = await tx.orm.select(columns).from(authTokens).where(eq(authTokens.tokenHash, tokenHash));
  return rows[0] ?? null;
}

/** Notes when a token was last used (at most once a minute, to spare writes). */
export async function touchToken(tx: UserTx, id: string): Promise<void> {
  await tx.orm
    .update(authTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(authTokens.id, id), sql`(${authTokens.lastUsedAt} IS NULL OR ${authTokens.lastUsedAt} < now() - interval '1 minute')`));
}

/** A user's personal API tokens, newest first. */
export function listApiTokens(tx: UserTx, userId: string): Promise<TokenRow[]> {
  return tx.orm
    .select(columns)
    .from(authTokens)
    .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, 'api')))
    .orderBy(desc(authTokens.createdAt));
}

/** Removes one token of the user's, of one kind; its hash (to forget it in caches), or null when there is none. */
export async function deleteToken(tx: UserTx, userId: string, id: string, kind: 'session' | 'api'): Promise<Buffer | null> {
  const rows = await tx.orm
    .delete(authTokens)
    .where(and(eq(authTokens.id, id), eq(authTokens.userId, userId), eq(authTokens.kind, kind)))
    .returning({ hash: authTokens.tokenHash });
  return rows[0]?.hash ?? null;
}

/** Ends every session of the user but one (after a password change); the hashes of those ended. */
export async function deleteOtherSessions(tx: UserTx, userId: string, keepId: string | null): Promise<Buffer[]> {
  const rows = await tx.orm
    .delete(authTokens)
    .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, 'session'), keepId ? ne(authTokens.id, keepId) : undefined))
    .returning({ hash: authTokens.tokenHash });
  return rows.map((r) => r.hash);
}

/** Hashes of every token of the user (to forget them in caches before the account goes). */
export async function tokenHashesOf(tx: UserTx, userId: string): Promise<Buffer[]> {
  const rows = await tx.orm.select({ hash: authTokens.tokenHash }).from(authTokens).where(eq(authTokens.userId, userId));
  return rows.map((r) => r.hash);
}
