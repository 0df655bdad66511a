import type { Database } from '../db/client.ts';
import { asService, asUser } from '../db/as-user.ts';
import * as tokensRepo from '../db/repos/tokens.repo.ts';
import * as usersRepo from '../db/repos/users.repo.ts';
import type { UserRow } from '../db/repos/users.repo.ts';
import { AppError } from '../errors.ts';
import { memoryCache, type Cache } from '../cache/cache.ts';
import type { RateLimiter } from './rate-limit.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts';

/** How long a browser session lasts without use... and with it: sessions do not slide. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** Who a request is, once its token checked out. */
export interface Principal {
  userId: string;
  tokenId: string;
  kind: 'session' | 'api';
}

/** The sign-in limits: failures per account and attempts per client address, per window. */
export interface SignInLimiters {
  perAccount: RateLimiter;
  perAddress: RateLimiter;
}

/** Lower-cases and trims an email; the one spelling stored and looked up. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkEmail(email: string): string {
  const e = normaliseEmail(email);
  if (!EMAIL.test(e) || e.length > 254) throw new AppError('validation_failed', 'email is not a valid address');
  return e;
}

function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new AppError('validation_failed', `password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('validation_failed', `password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

const BAD_CREDENTIALS = 'email or password is incorrect';

/** Accounts, sessions and personal API tokens. */
export class AccountsService {
  constructor(
    private readonly db: Database,
    private readonly limiters: SignInLimiters,
    /** Sessions are cached for their lifetime (API tokens for an hour), and forgotten when revoked. */
    private readonly cache: Cache = memoryCache(),
  ) {}

  private forget(hashes: (Uint8Array | null)[]): Promise<void> {
    // PGlite answers bytea as Uint8Array, pg as Buffer: hex through Buffer.from for both
    return this.cache.del(...hashes.filter((h): h is Uint8Array => h !== null).map((h) => `session:${Buffer.from(h).toString('hex')}`));
  }

  /** Creates an account (the command line uses it too). */
  async createUser(email: string, password: string): Promise<UserRow> {
    const e = checkEmail(email);
    checkPassword(password);
    const hash = await hashPassword(password);
    const user = await asService(this.db, (tx) => usersRepo.insertUser(tx, e, hash));
    if (!user) throw new AppError('conflict', 'an account with this email already exists');
    return user;
  }

  /** Creates an account and signs it in. */
  async signUp(email: string, password: string): Promise<{ user: UserRow; token: string }> {
    const user = await this.createUser(email, password);
    return { user, token: await this.startSession(user.id) };
  }

  /** Signs in; the same answer for an unknown email and a wrong password, and limited per account and address. */
  async signIn(email: string, password: string, address: string): Promise<{ user: UserRow; token: string }> {
    const e = normaliseEmail(email);
    const overAddress = await this.limiters.perAddress.hit(address);
    if (overAddress || (await this.limiters.perAccount.isLimited(e))) {
      throw new AppError('rate_limited', 'too many sign-in attempts; wait a few minutes and try again');
    }
    const found = await asService(this.db, (tx) => usersRepo.findUserByEmail(tx, e));
    const ok = await verifyPassword(password, found?.passwordHash ?? null);
    if (!found || !ok) {
      await this.limiters.perAccount.hit(e);
      throw new AppError('invalid_credentials', BAD_CREDENTIALS);
    }
    await this.limiters.perAccount.reset(e);
    const user = { id: found.id, email: found.email, createdAt: found.createdAt };
    return { user, token: await this.startSession(user.id) };
  }

  private async startSession(userId: string): Promise<string> {
    const { token, hash } = newToken('session');
    await asUser(this.db, userId, (tx) =>
      tokensRepo.insertToken(tx, { userId, kind: 'session', name: null, tokenHash: hash, expiresAt: new Date(Date.now() + SESSION_TTL_MS) }),
    );
    return token;
  }

  /** The principal behind a bearer token or session cookie, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!/^ms[sk]_[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const hash = hashToken(token);
    const key = `session:${hash.toString('hex')}`;
    const hit = await this.cache.get<Principal & { expires: number | null }>(key).catch(() => undefined);
    if (hit && (hit.expires === null || hit.expires > Date.now())) return { userId: hit.userId, tokenId: hit.tokenId, kind: hit.kind };
    const found = await asService(this.db, async (tx) => {
      const row = await tokensRepo.findTokenByHash(tx, hash);
      if (!row) return null;
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
      await tokensRepo.touchToken(tx, row.id);
      return { principal: { userId: row.userId, tokenId: row.id, kind: row.kind }, expires: row.expiresAt?.getTime() ?? null };
    });
    if (!found) return null;
    // shared (Redis): for the session's lifetime, an API token's hour; in-process: 30 s, since
    // another process on the same database (the command line) cannot reach this cache to revoke
    const lifetime = found.expires === null ? 3600_000 : Math.min(found.expires - Date.now(), SESSION_TTL_MS);
    const ttl = this.cache.kind === 'redis' ? lifetime : Math.min(lifetime, 30_000);
    await this.cache.set(key, { ...found.principal, expires: found.expires }, ttl).catch(() => undefined);
    return found.principal;
  }

  /** Ends the session the request came with (an API token stays: revoke it explicitly). */
  async signOut(p: Principal): Promise<void> {
    if (p.kind !== 'session') return;
    const hash = await asUser(this.db, p.userId, (tx) => tokensRepo.deleteToken(tx, p.userId, p.tokenId, 'session'));
    await this.forget([hash]);
  }

  /** The signed-in user. */
  async me(p: Principal): Promise<UserRow> {
    const user = await asUser(this.db, p.userId, (tx) => usersRepo.getUserWithHash(tx, p.userId));
    if (!user) throw new AppError('unauthorized', 'the account no longer exists');
    return { id: user.id, email: user.email, createdAt: user.createdAt };
  }

  private async checkCurrentPassword(userId: string, password: string): Promise<void> {
    const user = await asUser(this.db, userId, (tx) => usersRepo.getUserWithHash(tx, userId));
    if (!(await verifyPassword(password, user?.passwordHash ?? null))) {
      throw new AppError('forbidden', 'the password is not correct');
    }
  }

  /** Changes the password and ends every other session. */
  async changePassword(p: Principal, currentPassword: string, newPassword: string): Promise<void> {
    checkPassword(newPassword);
    await this.checkCurrentPassword(p.userId, currentPassword);
    const hash = await hashPassword(newPassword);
    const ended = await asUser(this.db, p.userId, async (tx) => {
      await usersRepo.setPasswordHash(tx, p.userId, hash);
      return tokensRepo.deleteOtherSessions(tx, p.userId, p.kind === 'session' ? p.tokenId : null);
    });
    await this.forget(ended);
  }

  /** Deletes the account and, through the cascades, everything of theirs, once the password is confirmed. */
  async deleteAccount(p: Principal, password: string): Promise<void> {
    await this.checkCurrentPassword(p.userId, password);
    const hashes = await asUser(this.db, p.userId, async (tx) => {
      const all = await tokensRepo.tokenHashesOf(tx, p.userId);
      await usersRepo.deleteUser(tx, p.userId);
      return all;
    });
    await this.forget(hashes);
  }

  /** Creates a personal API token; the token is shown this once. */
  async createApiToken(p: Principal, name: string) {
    const { token, hash } = newToken('api');
    const row = await asUser(this.db, p.userId, (tx) =>
      tokensRepo.insertToken(tx, { userId: p.userId, kind: 'api', name, tokenHash: hash, expiresAt: null }),
    );
    return { ...row, token };
  }

  /** The user's personal API tokens (never the tokens themselves). */
  listApiTokens(p: Principal) {
    return asUser(this.db, p.userId, (tx) => tokensRepo.listApiTokens(tx, p.userId));
  }

  /** Revokes one personal API token. */
  async revokeApiToken(p: Principal, id: string): Promise<void> {
    const gone = await asUser(this.db, p.userId, (tx) => tokensRepo.deleteToken(tx, p.userId, id, 'api'));
    if (!gone) throw new AppError('not_found', 'token not found');
    await this.forget([gone]);
  }

  /** Every account (command line). */
  listUsers(): Promise<UserRow[]> {
    return asService(this.db, (tx) => usersRepo.listUsers(tx));
  }

  /** Deletes an account by email (command line). */
  async deleteUserByEmail(email: string): Promise<void> {
    const e = normaliseEmail(email);
    const hashes = await asService(this.db, async (tx) => {
      const user = await usersRepo.findUserByEmail(tx, e);
      if (!user) return null;
      const all = await tokensRepo.tokenHashesOf(tx, user.id);
      await usersRepo.deleteUser(tx, user.id);
      return all;
    });
    if (!hashes) throw new AppError('not_found', `no account with email ${e}`);
    await this.forget(hashes);
  }
}
