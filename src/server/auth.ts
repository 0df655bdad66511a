import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AccountsService, Principal } from '../services/accounts.service.ts';
import { SESSION_TTL_MS } from '../services/accounts.service.ts';

/** The session cookie of the web UI. */
export const SESSION_COOKIE = 'mindstorm_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : '';
  }
  return req.cookies[SESSION_COOKIE];
}

/** A preHandler that admits only requests with a live session or API token. */
export function requireAuth(accounts: AccountsService) {
  return async (req: FastifyRequest) => {
    const token = tokenOf(req);
    const principal = token ? await accounts.authenticate(token) : null;
    if (!principal) {
      throw new AppError('unauthorized', token ? 'the token is invalid, expired or revoked' : 'sign in first, or send a bearer token');
    }
    req.principal = principal;
  };
}

/** The signed-in principal of a request that passed requireAuth. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'sign in first');
  return req.principal;
}

/** Sets the browser's session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
